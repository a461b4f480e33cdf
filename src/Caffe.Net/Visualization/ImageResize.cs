namespace Caffe;

/// <summary>Image resampling for maps.</summary>
internal static class ImageResize
{
    /// <summary>
    /// Bilinear resize of one H×W plane with pixel centres aligned (OpenCV's and skimage's convention:
    /// source coordinate = (x + 0.5) · in / out − 0.5, clamped at the borders).
    /// </summary>
    public static void Bilinear(ReadOnlySpan<float> source, int height, int width, Span<float> target, int outHeight, int outWidth)
    {
        for (int y = 0; y < outHeight; y++)
        {
            (int y0, int y1, float fy) = Sample(y, height, outHeight);
            for (int x = 0; x < outWidth; x++)
            {
                (int x0, int x1, float fx) = Sample(x, width, outWidth);
                float top = source[y0 * width + x0] + fx * (source[y0 * width + x1] - source[y0 * width + x0]);
                float bottom = source[y1 * width + x0] + fx * (source[y1 * width + x1] - source[y1 * width + x0]);
                target[y * outWidth + x] = top + fy * (bottom - top);
            }
        }
    }

    private static (int Low, int High, float Fraction) Sample(int index, int size, int outSize)
    {
        float position = Math.Clamp((index + 0.5f) * size / outSize - 0.5f, 0f, size - 1);
        int low = (int)position;
        int high = Math.Min(low + 1, size - 1);
        return (low, high, position - low);
    }
}
