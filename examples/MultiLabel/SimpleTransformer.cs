namespace Caffe.Examples.MultiLabel;

/// <summary>
/// The notebook's <c>tools.SimpleTransformer</c>: turns an H×W×3 RGB image into the C×H×W BGR array a
/// CaffeNet-style net takes — pixel values on the 0–255 scale, channels swapped to BGR, the mean subtracted, times
/// the scale — and back. <see cref="IO.LoadImage"/> gives values in [0, 1], so <see cref="Preprocess"/> first
/// multiplies by 255, where the Python reads 8-bit pixels.
/// </summary>
/// <param name="mean">Per-channel mean in BGR order on the 0–255 scale; the notebook's default is 128 for each.</param>
/// <param name="scale">Multiplier after the mean subtraction (1 in the notebook).</param>
public sealed class SimpleTransformer(float[]? mean = null, float scale = 1f)
{
    private readonly float[] _mean = mean ?? [128f, 128f, 128f];

    /// <summary>The BGR mean subtracted (<c>set_mean</c>).</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>The scale applied after the subtraction (<c>set_scale</c>).</summary>
    public float Scale { get; } = scale;

    /// <summary><c>preprocess(im)</c>: H×W×3 RGB in [0, 1] → 3×H×W BGR, (255·x − mean)·scale.</summary>
    public NdArray Preprocess(NdArray image)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckHwc(image);
        int h = image.Shape[0], w = image.Shape[1];
        var chw = new NdArray(3, h, w);
        for (int c = 0; c < 3; c++)
        {
            int rgb = 2 - c;  // BGR channel c is RGB channel 2 - c.
            for (int p = 0; p < h * w; p++) chw.Data[c * h * w + p] = (255f * image.Data[3 * p + rgb] - _mean[c]) * Scale;
        }
        return chw;
    }

    /// <summary><c>deprocess(im)</c>: 3×H×W BGR → H×W×3 RGB in [0, 1], clipped, for display.</summary>
    public NdArray Deprocess(ReadOnlySpan<float> chw, int height, int width)
    {
        if (chw.Length != 3 * height * width) throw new ArgumentException($"{chw.Length} values are not 3×{height}×{width}.", nameof(chw));
        var image = new NdArray(height, width, 3);
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < height * width; p++)
                image.Data[3 * p + 2 - c] = Math.Clamp((chw[c * height * width + p] / Scale + _mean[c]) / 255f, 0f, 1f);
        return image;
    }

    private static void CheckHwc(NdArray image)
    {
        if (image.NumAxes != 3 || image.Shape[2] != 3)
            throw new ArgumentException($"expected an H×W×3 RGB image, got ({string.Join(", ", image.Shape)}).", nameof(image));
    }
}
