using System.Numerics.Tensors;

namespace Caffe;

/// <summary>Colour maps for <see cref="Visualization.Heatmap"/> and <see cref="Visualization.Overlay"/>.</summary>
public enum Colormap
{
    /// <summary>Blue → cyan → yellow → red (matplotlib's <c>jet</c>, piecewise linear).</summary>
    Jet,

    /// <summary>Dark purple → teal → yellow (matplotlib's <c>viridis</c>, interpolated between nine of its colours).</summary>
    Viridis,

    /// <summary>Black → white.</summary>
    Gray,
}

public static partial class Visualization
{
    // viridis at 0, 1/8, ..., 1.
    private static readonly float[,] ViridisStops =
    {
        { 0x44, 0x01, 0x54 }, { 0x47, 0x2c, 0x7a }, { 0x3b, 0x51, 0x8b }, { 0x2c, 0x71, 0x8e }, { 0x21, 0x90, 0x8d },
        { 0x27, 0xad, 0x81 }, { 0x5c, 0xc8, 0x63 }, { 0xaa, 0xdc, 0x32 }, { 0xfd, 0xe7, 0x25 },
    };

    /// <summary>
    /// A map (H, W) — or (1, H, W), (H, W, 1) — as an H×W×3 RGB image for <see cref="IO.SaveImage"/>: values scaled
    /// from [min, max] to [0, 1] (a constant map is all 0), then coloured.
    /// </summary>
    public static NdArray Heatmap(NdArray map, Colormap colormap = Colormap.Jet)
    {
        (int height, int width) = PlaneSize(map);
        float min = TensorPrimitives.Min(map.Data), max = TensorPrimitives.Max(map.Data);
        float scale = max > min ? 1f / (max - min) : 0f;
        var image = new NdArray(height, width, 3);
        for (int p = 0; p < height * width; p++)
        {
            (float r, float g, float b) = Color((map.Data[p] - min) * scale, colormap);
            image.Data[3 * p] = r;
            image.Data[3 * p + 1] = g;
            image.Data[3 * p + 2] = b;
        }
        return image;
    }

    /// <summary>
    /// The heat map of <paramref name="map"/> blended over <paramref name="image"/> (H×W×3 or H×W×1 in [0, 1], as
    /// <see cref="IO.LoadImage"/> gives): (1 − alpha) · image + alpha · colour. A map of another size is resized bilinearly.
    /// </summary>
    public static NdArray Overlay(NdArray image, NdArray map, float alpha = 0.5f, Colormap colormap = Colormap.Jet)
    {
        if (image.NumAxes != 3 || image.Shape[2] is not (1 or 3))
            throw new ArgumentException($"Overlay needs an H×W×3 or H×W×1 image, got ({string.Join(", ", image.Shape)}).");
        int height = image.Shape[0], width = image.Shape[1], k = image.Shape[2];
        (int mapHeight, int mapWidth) = PlaneSize(map);
        NdArray plane = map;
        if (mapHeight != height || mapWidth != width)
        {
            plane = new NdArray(height, width);
            ImageResize.Bilinear(map.Data, mapHeight, mapWidth, plane.Data, height, width);
        }
        NdArray heat = Heatmap(plane.Reshape(height, width), colormap);
        var result = new NdArray(height, width, 3);
        for (int p = 0; p < height * width; p++)
        {
            for (int c = 0; c < 3; c++)
                result.Data[3 * p + c] = (1 - alpha) * image.Data[k * p + (k == 1 ? 0 : c)] + alpha * heat.Data[3 * p + c];
        }
        return result;
    }

    /// <summary>
    /// A signed gradient of one image, (C, H, W) or (1, C, H, W), as an H×W×K picture: 0.5 is zero, 1 the largest
    /// |value|, 0 its negative (K = C for 1 or 3 channels; other channel counts are summed to gray).
    /// </summary>
    public static NdArray GradientImage(NdArray gradient)
    {
        int axes = gradient.NumAxes;
        if (axes is not (3 or 4) || (axes == 4 && gradient.Shape[0] != 1))
            throw new ArgumentException($"GradientImage needs one image, (C, H, W) or (1, C, H, W); got ({string.Join(", ", gradient.Shape)}).");
        int channels = gradient.Shape[axes - 3], height = gradient.Shape[axes - 2], width = gradient.Shape[axes - 1];
        int k = channels is 1 or 3 ? channels : 1;
        float max = MathF.Max(MathF.Abs(TensorPrimitives.MaxMagnitude(gradient.Data)), 1e-12f);
        var image = new NdArray(height, width, k);
        int area = height * width;
        for (int p = 0; p < area; p++)
        {
            if (k == channels)
            {
                for (int c = 0; c < k; c++) image.Data[k * p + c] = 0.5f + 0.5f * gradient.Data[c * area + p] / max;
                continue;
            }
            float sum = 0;
            for (int c = 0; c < channels; c++) sum += gradient.Data[c * area + p];
            image.Data[p] = 0.5f + 0.5f * sum / (max * channels);
        }
        return image;
    }

    /// <summary>
    /// pycaffe's <c>vis_square</c> (the classification notebook): (n, h, w) or (n, h, w, 3) tiles scaled together to
    /// [0, 1] and laid out in a ⌈√n⌉ × ⌈√n⌉ grid, each followed by one row and column of <paramref name="padValue"/>
    /// (white), empty cells filled with it. Returns H×W×1 or H×W×3 for <see cref="IO.SaveImage"/>.
    /// </summary>
    public static NdArray VisSquare(NdArray data, float padValue = 1f)
    {
        if (data.NumAxes is not (3 or 4) || (data.NumAxes == 4 && data.Shape[3] != 3) || data.Shape[0] == 0)
            throw new ArgumentException($"VisSquare needs (n, h, w) or (n, h, w, 3) with n > 0, got ({string.Join(", ", data.Shape)}).");
        int count = data.Shape[0], height = data.Shape[1], width = data.Shape[2], k = data.NumAxes == 4 ? 3 : 1;
        float min = TensorPrimitives.Min(data.Data), max = TensorPrimitives.Max(data.Data);
        float scale = max > min ? 1f / (max - min) : 0f;
        int side = (int)Math.Ceiling(Math.Sqrt(count));
        int gridHeight = side * (height + 1), gridWidth = side * (width + 1);
        var grid = new NdArray(gridHeight, gridWidth, k);
        grid.Data.AsSpan().Fill(padValue);
        for (int t = 0; t < count; t++)
        {
            int top = t / side * (height + 1), left = t % side * (width + 1);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width * k; x++)
                {
                    float v = data.Data[(t * height + y) * width * k + x];
                    grid.Data[((top + y) * gridWidth + left) * k + x] = (v - min) * scale;
                }
            }
        }
        return grid;
    }

    /// <summary>
    /// The filters of a convolution weight blob (n, c, h, w) as a <see cref="VisSquare"/> grid: colour tiles when
    /// c = 3 (pycaffe: <c>vis_square(filters.transpose(0, 2, 3, 1))</c>), otherwise one gray tile per (filter, channel).
    /// </summary>
    public static NdArray FilterGrid(Blob weights)
    {
        if (weights.NumAxes != 4)
            throw new ArgumentException($"FilterGrid needs convolution weights (n, c, h, w), got {weights.ShapeString}.");
        int n = weights.ShapeAt(0), c = weights.ShapeAt(1), h = weights.ShapeAt(2), w = weights.ShapeAt(3);
        float[] values = weights.Data.ToArray();
        if (c != 3) return VisSquare(new NdArray(values, [n * c, h, w]));
        var tiles = new NdArray(n, h, w, 3);
        for (int f = 0; f < n; f++)
            for (int ch = 0; ch < 3; ch++)
                for (int p = 0; p < h * w; p++)
                    tiles.Data[(f * h * w + p) * 3 + ch] = values[(f * 3 + ch) * h * w + p];
        return VisSquare(tiles);
    }

    /// <summary>
    /// The feature maps of image <paramref name="image"/> of a blob (N, C, H, W) as a <see cref="VisSquare"/> grid
    /// (pycaffe: <c>vis_square(net.blobs['conv1'].data[0, :36])</c>), at most <paramref name="maxChannels"/> of them.
    /// </summary>
    public static NdArray ActivationGrid(Blob blob, int image = 0, int maxChannels = int.MaxValue)
    {
        if (blob.NumAxes != 4)
            throw new ArgumentException($"ActivationGrid needs a (N, C, H, W) blob, got {blob.ShapeString}.");
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)image, (uint)blob.ShapeAt(0), nameof(image));
        int channels = Math.Min(blob.ShapeAt(1), maxChannels), area = blob.ShapeAt(2) * blob.ShapeAt(3);
        float[] values = blob.Data.Slice(image * blob.ShapeAt(1) * area, channels * area).ToArray();
        return VisSquare(new NdArray(values, [channels, blob.ShapeAt(2), blob.ShapeAt(3)]));
    }

    /// <summary>Item <paramref name="index"/> of a batch array (numpy <c>a[index]</c>, a copy).</summary>
    public static NdArray ImageOf(NdArray batch, int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)batch.Shape[0], nameof(index));
        int size = batch.Count / batch.Shape[0];
        return new NdArray(batch.Data.AsSpan(index * size, size).ToArray(), batch.Shape.Skip(1).ToArray());
    }

    /// <summary>An H×W×K image enlarged <paramref name="factor"/> times by repeating pixels (for small inputs such as MNIST's 28×28).</summary>
    public static NdArray Upscale(NdArray image, int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        if (image.NumAxes != 3) throw new ArgumentException($"Upscale needs H×W×K, got ({string.Join(", ", image.Shape)}).");
        int height = image.Shape[0], width = image.Shape[1], k = image.Shape[2];
        var result = new NdArray(height * factor, width * factor, k);
        for (int y = 0; y < height * factor; y++)
            for (int x = 0; x < width * factor; x++)
                for (int c = 0; c < k; c++)
                    result.Data[(y * width * factor + x) * k + c] = image.Data[((y / factor) * width + x / factor) * k + c];
        return result;
    }

    private static (int Height, int Width) PlaneSize(NdArray map) => map.NumAxes switch
    {
        2 => (map.Shape[0], map.Shape[1]),
        3 when map.Shape[0] == 1 => (map.Shape[1], map.Shape[2]),
        3 when map.Shape[2] == 1 => (map.Shape[0], map.Shape[1]),
        _ => throw new ArgumentException($"A map needs shape (H, W), (1, H, W) or (H, W, 1), got ({string.Join(", ", map.Shape)})."),
    };

    private static (float R, float G, float B) Color(float v, Colormap colormap)
    {
        v = Math.Clamp(float.IsNaN(v) ? 0 : v, 0, 1);
        switch (colormap)
        {
            case Colormap.Jet:
                return (Ramp(4 * v - 3), Ramp(4 * v - 2), Ramp(4 * v - 1));
            case Colormap.Viridis:
                float position = v * 8;
                int low = Math.Min((int)position, 7);
                float f = position - low;
                return (Mix(low, 0, f), Mix(low, 1, f), Mix(low, 2, f));
            case Colormap.Gray:
                return (v, v, v);
            default:
                throw new ArgumentOutOfRangeException(nameof(colormap), colormap, "unknown colormap");
        }
    }

    private static float Ramp(float d) => Math.Clamp(1.5f - MathF.Abs(d), 0f, 1f);

    private static float Mix(int low, int channel, float f) =>
        (ViridisStops[low, channel] + f * (ViridisStops[low + 1, channel] - ViridisStops[low, channel])) / 255f;
}
