using SkiaSharp;

namespace Caffe.Examples.NetSurgery;

/// <summary>
/// Part one of BVLC's net_surgery notebook: a net made of one convolution, its parameters read and written by
/// hand through <see cref="Net.Params"/> — a bias raised, then a Gaussian blur and two Sobel edge filters put in
/// place of the random filters — and the filtered picture after each change.
/// </summary>
public static class DesignerFilters
{
    /// <summary>
    /// A gray test picture (H×W, values 0–255 as the notebook's <c>np.array(Image.open('cat_gray.jpg'))</c>): shapes
    /// with straight, round and slanted edges and two stripe patches, so blur and edge filters show what they do.
    /// </summary>
    public static NdArray DrawScene(int height = 128, int width = 192)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bitmap))
        {
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, 0),
                [new SKColor(70, 70, 70), new SKColor(150, 150, 150)], SKShaderTileMode.Clamp);
            using var background = new SKPaint { Shader = shader };
            using SKPaint light = Gray(235), dark = Gray(20), middle = Gray(200), white = Gray(245);
            canvas.DrawRect(new SKRect(0, 0, width, height), background);
            canvas.DrawCircle(46, 48, 30, light);
            canvas.DrawRect(new SKRect(96, 18, 150, 70), dark);
            using (var builder = new SKPathBuilder())
            {
                builder.MoveTo(20, 118);
                builder.LineTo(70, 84);
                builder.LineTo(92, 122);
                builder.Close();
                using SKPath triangle = builder.Detach();
                canvas.DrawPath(triangle, middle);
            }
            for (int i = 0; i < 5; i++) canvas.DrawRect(new SKRect(108 + 8 * i, 84, 112 + 8 * i, 120), white);  // vertical stripes
            for (int i = 0; i < 5; i++) canvas.DrawRect(new SKRect(156, 20 + 8 * i, 186, 24 + 8 * i), white);  // horizontal stripes
            using var ring = new SKPaint { Color = new SKColor(30, 30, 30), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 3 };
            canvas.DrawCircle(170, 100, 16, ring);
        }
        var image = new NdArray(height, width);
        ReadOnlySpan<byte> pixels = bitmap.GetPixelSpan();
        for (int p = 0; p < height * width; p++) image.Data[p] = pixels[4 * p];
        return image;
    }

    /// <summary>
    /// <c>net.blobs['data'].reshape(*im_input.shape); net.blobs['data'].data[...] = im_input; net.forward()</c>: the
    /// net's input reshaped to the H×W picture as a 1×1×H×W batch, filled, and run. Returns the output blob.
    /// </summary>
    public static Blob Filter(Net net, NdArray image)
    {
        Blob data = net.Blobs["data"];
        data.Reshape(1, 1, image.Shape[0], image.Shape[1]);
        net.Reshape();
        image.Data.CopyTo(data.Data);
        net.Forward();
        return net.Blobs["conv"];
    }

    /// <summary>
    /// The notebook's hand-made filters, written into <c>net.params['conv'][0]</c>: filter 0 a normalised Gaussian
    /// (σ = <paramref name="sigma"/>) over the whole kernel, filters 1 and 2 zero but for a 3×3 Sobel operator in
    /// their centre — horizontal edges, then its transpose for vertical edges.
    /// </summary>
    public static void SetGaussianAndSobel(Net net, float sigma = 1f)
    {
        Blob weights = net.Params["conv"][0];
        int kh = weights.Height, kw = weights.Width;
        if (weights.Num < 3 || weights.Channels != 1 || kh < 3 || kw < 3)
            throw new ArgumentException($"The designer filters need 3 or more single-channel kernels of 3×3 or more; 'conv' has {weights.ShapeString}.");
        Span<float> w = weights.Data;
        int area = kh * kw;

        // y, x = np.mgrid[-k//2 + 1:k//2 + 1, ...]; g = exp(-(x² + y²) / 2σ²); gaussian = g / g.sum()
        Span<float> gaussian = w[..area];
        for (int y = 0; y < kh; y++)
            for (int x = 0; x < kw; x++)
            {
                float dy = y - (kh - 1) / 2, dx = x - (kw - 1) / 2;
                gaussian[y * kw + x] = MathF.Exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            }
        float sum = 0;
        foreach (float v in gaussian) sum += v;
        for (int i = 0; i < area; i++) gaussian[i] /= sum;

        // net.params['conv'][0].data[1:] = 0; data[1, 0, 1:-1, 1:-1] = sobel; data[2, 0, 1:-1, 1:-1] = sobel.T
        float[,] sobel = { { -1, -2, -1 }, { 0, 0, 0 }, { 1, 2, 1 } };
        w[area..].Clear();
        int top = (kh - 3) / 2, left = (kw - 3) / 2;
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 3; x++)
            {
                w[area + (top + y) * kw + left + x] = sobel[y, x];
                w[2 * area + (top + y) * kw + left + x] = sobel[x, y];
            }
    }

    /// <summary>
    /// The notebook's <c>show_filters</c> figure as one gray picture: the input (scaled by its own range), then the
    /// first three output channels of item 0 side by side on one shared scale (<c>vmin</c>, <c>vmax</c> = the
    /// output's min and max), separated by white columns.
    /// </summary>
    public static NdArray Figure(NdArray input, Blob output)
    {
        int height = input.Shape[0], width = input.Shape[1];
        int channels = Math.Min(3, output.Channels), oh = output.Height, ow = output.Width;
        ReadOnlySpan<float> values = output.Data[..(channels * oh * ow)];
        (float outMin, float outMax) = Range(values);
        (float inMin, float inMax) = Range(input.Data);
        const int gap = 4;
        int figureWidth = width + channels * (gap + ow);
        var figure = new NdArray(height, figureWidth, 1);
        figure.Data.AsSpan().Fill(1f);
        Paste(figure, input.Data, height, width, 0, inMin, inMax);
        for (int c = 0; c < channels; c++)
            Paste(figure, values.Slice(c * oh * ow, oh * ow), oh, ow, width + gap + c * (gap + ow), outMin, outMax);
        return figure;
    }

    private static void Paste(NdArray figure, ReadOnlySpan<float> plane, int height, int width, int left, float min, float max)
    {
        int figureWidth = figure.Shape[1];
        float scale = max > min ? 1f / (max - min) : 0f;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                figure.Data[y * figureWidth + left + x] = (plane[y * width + x] - min) * scale;
    }

    private static (float Min, float Max) Range(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in values)
        {
            min = MathF.Min(min, v);
            max = MathF.Max(max, v);
        }
        return (min, max);
    }

    private static SKPaint Gray(byte level) => new() { Color = new SKColor(level, level, level), IsAntialias = true };
}
