namespace Caffe;

/// <summary>
/// The two resamplers behind pycaffe's <c>caffe.io.resize_image</c>, restated from their documented formulas so
/// the numbers match: <c>skimage.transform.resize</c> (scikit-image ≥ 0.19 defaults: <c>mode='reflect'</c>,
/// Gaussian anti-aliasing when shrinking) for 1- and 3-channel images, and <c>scipy.ndimage.zoom</c>
/// (<c>mode='constant'</c>, corner-aligned grid) for any other channel count. Images are H×W×K, C order.
/// </summary>
internal static class ImageResampler
{
    /// <summary>
    /// <c>skimage.transform.resize(image, (outH, outW), order)</c>. When an axis shrinks, the image is first
    /// smoothed along it by a Gaussian of σ = (in/out − 1)/2 (ndimage <c>gaussian_filter</c>, truncate 4, mirror
    /// edges). Then every output pixel center maps back to <c>c = (i + 0.5)·in/out − 0.5</c> in the input, mirrored
    /// at the edges (<c>-c</c> below 0, <c>2(in−1) − c</c> above in−1); order 1 interpolates linearly between
    /// <c>floor(c)</c> and <c>floor(c)+1</c> on both axes, order 0 takes pixel <c>floor(c + 0.5)</c>.
    /// </summary>
    public static float[] SkimageResize(float[] image, int height, int width, int channels, int outHeight, int outWidth, int order)
    {
        float[] source = image;
        if (outHeight < height || outWidth < width)
        {
            double sigmaY = System.Math.Max(0, ((double)height / outHeight - 1) / 2);
            double sigmaX = System.Math.Max(0, ((double)width / outWidth - 1) / 2);
            source = GaussianFilter(source, height, width, channels, sigmaY, sigmaX);
        }
        Axis rows = GridAxis(height, outHeight, order);
        Axis cols = GridAxis(width, outWidth, order);
        return Interpolate(source, width, channels, rows, cols, outHeight, outWidth);
    }

    /// <summary>
    /// <c>scipy.ndimage.zoom(image, (outH/H, outW/W, 1), order)</c>: output index i maps to <c>c = i·(in−1)/(out−1)</c>
    /// (0 when out is 1), so the corner pixels align; order 1 interpolates linearly, order 0 takes <c>floor(c + 0.5)</c>.
    /// </summary>
    public static float[] NdimageZoom(float[] image, int height, int width, int channels, int outHeight, int outWidth, int order)
    {
        Axis rows = CornerAxis(height, outHeight, order);
        Axis cols = CornerAxis(width, outWidth, order);
        return Interpolate(image, width, channels, rows, cols, outHeight, outWidth);
    }

    // For each output index along one axis: the two input indices and their weights (order 0: the second weight is 0).
    private readonly record struct Axis(int[] Index0, int[] Index1, double[] Weight0, double[] Weight1);

    private static Axis GridAxis(int length, int outLength, int order)
    {
        double zoom = (double)length / outLength;
        var axis = NewAxis(outLength);
        for (int i = 0; i < outLength; i++)
        {
            double c = MirrorCoordinate((i + 0.5) * zoom - 0.5, length);
            SetWeights(axis, i, c, length, order);
        }
        return axis;
    }

    private static Axis CornerAxis(int length, int outLength, int order)
    {
        double zoom = outLength > 1 ? (double)(length - 1) / (outLength - 1) : 1;
        var axis = NewAxis(outLength);
        for (int i = 0; i < outLength; i++)
        {
            // i·zoom can overshoot length−1 by a rounding error at the last index; it is the last pixel.
            double c = System.Math.Min(i * zoom, length - 1);
            SetWeights(axis, i, c, length, order);
        }
        return axis;
    }

    private static Axis NewAxis(int n) => new(new int[n], new int[n], new double[n], new double[n]);

    private static void SetWeights(Axis axis, int i, double c, int length, int order)
    {
        if (order == 0)
        {
            axis.Index0[i] = MirrorIndex((int)System.Math.Floor(c + 0.5), length);
            axis.Index1[i] = axis.Index0[i];
            axis.Weight0[i] = 1;
            axis.Weight1[i] = 0;
            return;
        }
        int start = (int)System.Math.Floor(c);
        double t = c - start;
        axis.Index0[i] = MirrorIndex(start, length);
        axis.Index1[i] = MirrorIndex(start + 1, length);
        axis.Weight0[i] = 1 - t;
        axis.Weight1[i] = t;
    }

    private static float[] Interpolate(float[] source, int width, int channels, Axis rows, Axis cols, int outHeight, int outWidth)
    {
        var output = new float[outHeight * outWidth * channels];
        for (int y = 0; y < outHeight; y++)
        {
            for (int x = 0; x < outWidth; x++)
            {
                for (int k = 0; k < channels; k++)
                {
                    // Summed in ndimage's order: row neighbor outer, column neighbor inner, value times weights.
                    double value = source[(rows.Index0[y] * width + cols.Index0[x]) * channels + k] * rows.Weight0[y] * cols.Weight0[x];
                    value += source[(rows.Index0[y] * width + cols.Index1[x]) * channels + k] * rows.Weight0[y] * cols.Weight1[x];
                    value += source[(rows.Index1[y] * width + cols.Index0[x]) * channels + k] * rows.Weight1[y] * cols.Weight0[x];
                    value += source[(rows.Index1[y] * width + cols.Index1[x]) * channels + k] * rows.Weight1[y] * cols.Weight1[x];
                    output[(y * outWidth + x) * channels + k] = (float)value;
                }
            }
        }
        return output;
    }

    /// <summary>ndimage <c>gaussian_filter</c> over axes 0 and 1 (σ ≤ 1e-15 skips an axis), mirror edges, float32 between passes.</summary>
    private static float[] GaussianFilter(float[] image, int height, int width, int channels, double sigmaY, double sigmaX)
    {
        float[] result = image;
        if (sigmaY > 1e-15) result = Correlate(result, height, width * channels, 1, GaussianKernel(sigmaY));
        if (sigmaX > 1e-15) result = Correlate(result, width, channels, height, GaussianKernel(sigmaX), width * channels);
        return result;
    }

    private static double[] GaussianKernel(double sigma)
    {
        int radius = (int)(4.0 * sigma + 0.5);
        var weights = new double[2 * radius + 1];
        double sum = 0;
        for (int x = -radius; x <= radius; x++)
        {
            weights[x + radius] = System.Math.Exp(-0.5 / (sigma * sigma) * x * x);
            sum += weights[x + radius];
        }
        for (int i = 0; i < weights.Length; i++) weights[i] /= sum;
        return weights;
    }

    /// <summary>
    /// Correlates every line along one axis of length <paramref name="length"/> whose consecutive elements are
    /// <paramref name="stride"/> apart; lines start at <c>outer·outerStride + inner</c> for inner in [0, stride).
    /// Uses ndimage's symmetric-kernel sum: <c>w0·x[i] + Σ_j (x[i−j] + x[i+j])·w_j</c>, accumulated in double.
    /// </summary>
    private static float[] Correlate(float[] input, int length, int stride, int outerCount, double[] kernel, int outerStride = 0)
    {
        var output = new float[input.Length];
        int radius = kernel.Length / 2;
        var line = new double[length];
        for (int outer = 0; outer < outerCount; outer++)
        {
            for (int inner = 0; inner < stride; inner++)
            {
                int start = outer * outerStride + inner;
                for (int i = 0; i < length; i++) line[i] = input[start + i * stride];
                for (int i = 0; i < length; i++)
                {
                    double sum = line[i] * kernel[radius];
                    for (int j = -radius; j < 0; j++)
                        sum += (line[MirrorIndex(i + j, length)] + line[MirrorIndex(i - j, length)]) * kernel[radius + j];
                    output[start + i * stride] = (float)sum;
                }
            }
        }
        return output;
    }

    // ndimage's 'mirror' extension: d c b | a b c d | c b a (the edge sample is not repeated).
    private static int MirrorIndex(int i, int length)
    {
        if (length == 1) return 0;
        int period = 2 * length - 2;
        i %= period;
        if (i < 0) i += period;
        return i < length ? i : period - i;
    }

    private static double MirrorCoordinate(double c, int length)
    {
        if (length == 1) return 0;
        double period = 2.0 * length - 2;
        if (c < 0)
        {
            c = period * (long)(-c / period) + c;
            c = c <= 1 - length ? c + period : -c;
        }
        else if (c > length - 1)
        {
            c -= period * (long)(c / period);
            if (c >= length) c = period - c;
        }
        return c;
    }
}
