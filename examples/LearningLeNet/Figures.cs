namespace Caffe.Examples.LearningLeNet;

/// <summary>
/// The notebook's <c>imshow</c> pictures as H×W×1 arrays for <see cref="IO.SaveImage"/>: tiles of a blob, and the
/// recorded scores of a test item over the iterations. Each picture is scaled from its own minimum (black) to its
/// maximum (white), as <c>imshow(..., cmap='gray')</c> does.
/// </summary>
public static class Figures
{
    /// <summary>
    /// The first <paramref name="count"/> images of a data blob side by side (the notebook's
    /// <c>data[:8, 0].transpose(1, 0, 2).reshape(28, 8*28)</c>), channel 0 only.
    /// </summary>
    public static NdArray FirstImages(Blob data, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = Math.Min(count, data.Num), h = data.Height, w = data.Width;
        var tiles = new float[n * h * w];
        for (int i = 0; i < n; i++) data.Data.Slice(i * data.Channels * h * w, h * w).CopyTo(tiles.AsSpan(i * h * w));
        return Tile(tiles, n, h, w, rows: 1, cols: n);
    }

    /// <summary>
    /// The gradient of the first input channel of every filter of a convolution (weights n × c × h × w) in a grid
    /// of <paramref name="rows"/> rows without padding (the notebook's <c>diff[:, 0].reshape(4, 5, 5, 5)
    /// .transpose(0, 2, 1, 3).reshape(4*5, 5*5)</c> for conv1's 20 filters).
    /// </summary>
    public static NdArray FilterGradients(Blob weights, int rows = 4)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int n = weights.ShapeAt(0), c = weights.ShapeAt(1), h = weights.ShapeAt(2), w = weights.ShapeAt(3);
        var tiles = new float[n * h * w];
        for (int f = 0; f < n; f++) weights.Diff.Slice(f * c * h * w, h * w).CopyTo(tiles.AsSpan(f * h * w));
        return Tile(tiles, n, h, w, rows, (n + rows - 1) / rows);
    }

    /// <summary>
    /// The scores of tracked test item <paramref name="item"/> over the first <paramref name="iterations"/>
    /// iterations as a classes × iterations picture (the notebook's <c>output[:50, i].T</c>), or their softmax per
    /// iteration when <paramref name="softmax"/> is true (<c>exp(s) / exp(s).sum(0)</c>).
    /// </summary>
    public static NdArray Predictions(NdArray output, int item, int iterations, bool softmax)
    {
        ArgumentNullException.ThrowIfNull(output);
        int tracked = output.Shape[1], classes = output.Shape[2];
        iterations = Math.Min(iterations, output.Shape[0]);
        var picture = new float[classes * iterations];
        var column = new float[classes];
        for (int it = 0; it < iterations; it++)
        {
            output.Data.AsSpan((it * tracked + item) * classes, classes).CopyTo(column);
            if (softmax) Softmax(column);
            for (int c = 0; c < classes; c++) picture[c * iterations + it] = column[c];
        }
        return Tile(picture, 1, classes, iterations, rows: 1, cols: 1);
    }

    /// <summary>
    /// The notebook's "predictions over time" figures in one picture: for each tracked test item, its image on the
    /// left and its <see cref="Predictions"/> on the right (one cell per iteration and label, iterations going
    /// right, labels 0 to 9 going down); images are enlarged <paramref name="imageZoom"/> times and each score
    /// becomes a square of <paramref name="cellSize"/> pixels.
    /// </summary>
    public static NdArray PredictionsOverTime(Blob testData, NdArray output, int iterations, bool softmax, int imageZoom = 3, int cellSize = 8)
    {
        ArgumentNullException.ThrowIfNull(testData);
        ArgumentNullException.ThrowIfNull(output);
        int tracked = output.Shape[1];
        NdArray images = FirstImages(testData, tracked);
        int imageSide = testData.Height, gap = 8;
        var rows = new List<(NdArray Image, NdArray Scores)>();
        for (int i = 0; i < tracked; i++)
        {
            // FirstImages scaled all tiles together; cut tile i back out of the strip.
            NdArray image = Crop(images, 0, i * testData.Width, imageSide, testData.Width);
            rows.Add((Visualization.Upscale(image, imageZoom), Visualization.Upscale(Predictions(output, i, iterations, softmax), cellSize)));
        }
        int rowHeight = rows.Max(r => Math.Max(r.Image.Shape[0], r.Scores.Shape[0]));
        int width = rows[0].Image.Shape[1] + gap + rows[0].Scores.Shape[1];
        var figure = new NdArray(tracked * (rowHeight + gap) - gap, width, 1);
        figure.Data.AsSpan().Fill(1f);
        for (int i = 0; i < tracked; i++)
        {
            Paste(figure, rows[i].Image, i * (rowHeight + gap), 0);
            Paste(figure, rows[i].Scores, i * (rowHeight + gap), rows[i].Image.Shape[1] + gap);
        }
        return figure;
    }

    /// <summary>
    /// Lays <paramref name="count"/> tiles of <paramref name="height"/> × <paramref name="width"/> values in a grid
    /// of <paramref name="rows"/> × <paramref name="cols"/> (row by row, empty cells black), all scaled together to [0, 1].
    /// </summary>
    public static NdArray Tile(float[] tiles, int count, int height, int width, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        if (count > rows * cols) throw new ArgumentException($"{count} tiles do not fit in {rows}×{cols}.");
        float min = tiles.Min(), max = tiles.Max();
        float scale = max > min ? 1f / (max - min) : 0f;
        var grid = new NdArray(rows * height, cols * width, 1);
        for (int t = 0; t < count; t++)
        {
            int top = t / cols * height, left = t % cols * width;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    grid.Data[(top + y) * cols * width + left + x] = (tiles[(t * height + y) * width + x] - min) * scale;
        }
        return grid;
    }

    private static void Softmax(Span<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values) max = Math.Max(max, v);
        float sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Exp(values[i] - max);
            sum += values[i];
        }
        for (int i = 0; i < values.Length; i++) values[i] /= sum;
    }

    private static NdArray Crop(NdArray image, int top, int left, int height, int width)
    {
        int sourceWidth = image.Shape[1];
        var crop = new NdArray(height, width, 1);
        for (int y = 0; y < height; y++)
            image.Data.AsSpan((top + y) * sourceWidth + left, width).CopyTo(crop.Data.AsSpan(y * width));
        return crop;
    }

    private static void Paste(NdArray target, NdArray picture, int top, int left)
    {
        int targetWidth = target.Shape[1], height = picture.Shape[0], width = picture.Shape[1];
        for (int y = 0; y < height; y++)
            picture.Data.AsSpan(y * width, width).CopyTo(target.Data.AsSpan((top + y) * targetWidth + left));
    }
}
