using SkiaSharp;

namespace Caffe;

/// <summary>How an image is decoded for Caffe's data path (OpenCV's <c>imread</c> flags).</summary>
public enum ImageColorMode
{
    /// <summary>Gray images stay 1 channel, color images become 3 (OpenCV <c>IMREAD_ANYCOLOR</c>).</summary>
    Native,
    /// <summary>Always 3 channels, BGR (OpenCV <c>IMREAD_COLOR</c>).</summary>
    Color,
    /// <summary>Always 1 channel (OpenCV <c>IMREAD_GRAYSCALE</c>).</summary>
    Gray,
}

/// <summary>
/// Images as Caffe's data layers see them: H×W×K arrays of 8-bit values (0–255, stored as floats), channels in
/// OpenCV's BGR order — unlike pycaffe's <see cref="IO.LoadImage"/>, which gives RGB in [0, 1]. Decoding and
/// encoding go through SkiaSharp; resizing is bilinear on OpenCV's pixel grid (<c>INTER_LINEAR</c>).
/// </summary>
public static class ImageCodec
{
    // 2^28 RGBA pixels is 1 GB: far beyond any training image, so a larger header is corruption.
    private const long MaxPixels = 1L << 28;

    /// <summary>Decodes an image file (PNG, JPEG, BMP, GIF, WebP).</summary>
    public static NdArray Read(string path, ImageColorMode mode)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image not found: {path}", path);
        return Decode(File.ReadAllBytes(path), mode, path);
    }

    /// <summary>
    /// Caffe's <c>ReadImageToCVMat(filename, height, width, is_color)</c>: decodes in color (BGR) or gray and,
    /// when both <paramref name="height"/> and <paramref name="width"/> are positive, resizes to them.
    /// </summary>
    public static NdArray Read(string path, int height, int width, bool isColor)
    {
        NdArray image = Read(path, isColor ? ImageColorMode.Color : ImageColorMode.Gray);
        return height > 0 && width > 0 ? Resize(image, height, width) : image;
    }

    /// <summary>Decodes encoded image bytes; <paramref name="source"/> names them in errors (a file, or a database key).</summary>
    public static NdArray Decode(ReadOnlySpan<byte> encoded, ImageColorMode mode, string source)
    {
        (byte[] rgba, int height, int width, bool isGray) = DecodeRgba(encoded, source);
        bool color = mode == ImageColorMode.Color || (mode == ImageColorMode.Native && !isGray);
        int channels = color ? 3 : 1;
        var image = new NdArray(height, width, channels);
        float[] data = image.Data;
        for (int p = 0; p < height * width; p++)
        {
            int r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
            if (color)
            {
                data[3 * p] = b;
                data[3 * p + 1] = g;
                data[3 * p + 2] = r;
            }
            else
            {
                // OpenCV's fixed-point BGR2GRAY weights (0.299, 0.587, 0.114 in Q14), rounded.
                data[p] = isGray ? r : (r * 4899 + g * 9617 + b * 1868 + 8192) >> 14;
            }
        }
        return image;
    }

    /// <summary>
    /// Resizes an H×W×K image with bilinear interpolation on OpenCV's grid (pixel centres at +0.5, edges
    /// clamped), rounding to whole 8-bit values. Results can differ from OpenCV's fixed-point arithmetic by 1.
    /// </summary>
    public static NdArray Resize(NdArray image, int height, int width)
    {
        CheckImage(image);
        if (height <= 0 || width <= 0) throw new ArgumentException($"Cannot resize to {height}×{width}.");
        int srcH = image.Shape[0], srcW = image.Shape[1], k = image.Shape[2];
        if (srcH == height && srcW == width) return image.Copy();
        (int[] x0, float[] fx) = Taps(srcW, width);
        (int[] y0, float[] fy) = Taps(srcH, height);
        var result = new NdArray(height, width, k);
        float[] src = image.Data, dst = result.Data;
        for (int y = 0; y < height; y++)
        {
            int row0 = y0[y] * srcW, row1 = Math.Min(y0[y] + 1, srcH - 1) * srcW;
            float wy = fy[y];
            for (int x = 0; x < width; x++)
            {
                int col0 = x0[x], col1 = Math.Min(x0[x] + 1, srcW - 1);
                float wx = fx[x];
                for (int c = 0; c < k; c++)
                {
                    float top = src[(row0 + col0) * k + c] * (1 - wx) + src[(row0 + col1) * k + c] * wx;
                    float bottom = src[(row1 + col0) * k + c] * (1 - wx) + src[(row1 + col1) * k + c] * wx;
                    float v = top * (1 - wy) + bottom * wy;
                    dst[(y * width + x) * k + c] = Math.Clamp(MathF.Round(v), 0f, 255f);
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Encodes an H×W×K image (K = 1 gray or 3 BGR, values 0–255) as <paramref name="encoding"/>:
    /// <c>png</c>, <c>jpg</c>/<c>jpeg</c> (quality 95, OpenCV's default) or <c>webp</c> — Caffe's <c>cv::imencode</c>.
    /// </summary>
    public static byte[] Encode(NdArray image, string encoding)
    {
        CheckImage(image);
        SKEncodedImageFormat format = encoding.ToLowerInvariant() switch
        {
            "png" => SKEncodedImageFormat.Png,
            "jpg" or "jpeg" => SKEncodedImageFormat.Jpeg,
            "webp" => SKEncodedImageFormat.Webp,
            _ => throw new ArgumentException($"Cannot encode images as '{encoding}' (supported: png, jpg, jpeg, webp)."),
        };
        int height = image.Shape[0], width = image.Shape[1], k = image.Shape[2];
        if (k is not (1 or 3)) throw new ArgumentException($"Cannot encode an image with {k} channels (1 or 3 expected).");
        SKImageInfo info = k == 1
            ? new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque)
            : new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        Span<byte> pixels = bitmap.GetPixelSpan();
        float[] data = image.Data;
        for (int p = 0; p < height * width; p++)
        {
            if (k == 1)
            {
                pixels[p] = ToByte(data[p]);
                continue;
            }
            pixels[4 * p] = ToByte(data[3 * p + 2]);
            pixels[4 * p + 1] = ToByte(data[3 * p + 1]);
            pixels[4 * p + 2] = ToByte(data[3 * p]);
            pixels[4 * p + 3] = 255;
        }
        using SKData encoded = bitmap.Encode(format, format == SKEncodedImageFormat.Png ? 100 : 95)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode the image as {encoding}.");
        return encoded.ToArray();
    }

    /// <summary>Decodes to unpremultiplied RGBA bytes; <c>IsGray</c> tells whether the file itself is grayscale.</summary>
    internal static (byte[] Rgba, int Height, int Width, bool IsGray) DecodeRgba(ReadOnlySpan<byte> encoded, string source)
    {
        using SKData data = SKData.CreateCopy(encoded);
        using SKCodec? codec = SKCodec.Create(data);
        if (codec == null)
            throw new ModelFormatException(source, "the image could not be decoded (not a PNG, JPEG, BMP, GIF or WebP image, or corrupt).");
        return DecodeRgba(codec, source);
    }

    /// <summary>Decodes an opened codec to unpremultiplied RGBA bytes.</summary>
    internal static (byte[] Rgba, int Height, int Width, bool IsGray) DecodeRgba(SKCodec codec, string source)
    {
        int height = codec.Info.Height, width = codec.Info.Width;
        if (height <= 0 || width <= 0 || (long)height * width > MaxPixels)
            throw new ModelFormatException(source, $"the image header gives an impossible size {width}×{height} (corrupt?).");
        bool isGray = codec.Info.ColorType is SKColorType.Gray8 or SKColorType.Alpha8;
        // Unpremultiplied: transparent pixels keep their RGB, and alpha is dropped afterwards.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(info))
            throw new ModelFormatException(source, $"cannot allocate a {width}×{height} image (corrupt header?).");
        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.IncompleteInput)
            throw new ModelFormatException(source, "the image is truncated.");
        if (result != SKCodecResult.Success)
            throw new ModelFormatException(source, $"the image could not be decoded ({result}).");
        return (bitmap.GetPixelSpan().ToArray(), height, width, isGray);
    }

    private static (int[] Index, float[] Fraction) Taps(int source, int target)
    {
        var index = new int[target];
        var fraction = new float[target];
        double scale = (double)source / target;
        for (int i = 0; i < target; i++)
        {
            double s = (i + 0.5) * scale - 0.5;
            int s0 = (int)Math.Floor(s);
            double f = s - s0;
            if (s0 < 0)
            {
                s0 = 0;
                f = 0;
            }
            if (s0 >= source - 1)
            {
                s0 = source - 1;
                f = 0;
            }
            index[i] = s0;
            fraction[i] = (float)f;
        }
        return (index, fraction);
    }

    private static void CheckImage(NdArray image)
    {
        if (image.NumAxes != 3)
            throw new ArgumentException($"An image must be an H×W×K array, got shape ({string.Join(", ", image.Shape)}).");
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round(v), 0, 255);
}
