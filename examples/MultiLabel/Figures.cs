using ScottPlot;
using SkiaSharp;

namespace Caffe.Examples.MultiLabel;

/// <summary>One test image of the prediction figure with its true and estimated classes.</summary>
/// <param name="Image">H×W×3 RGB in [0, 1] (a deprocessed data blob item).</param>
/// <param name="Truth">The classes present.</param>
/// <param name="Estimate">The classes whose score is above 0.</param>
public sealed record PredictionPanel(NdArray Image, IReadOnlyList<string> Truth, IReadOnlyList<string> Estimate);

/// <summary>The example's figures, drawn with ScottPlot.</summary>
public static class Figures
{
    /// <summary>
    /// The notebook's last cell, as one grid: each test image with <c>GT:</c> and <c>EST:</c> class lists above it
    /// (the notebook draws five separate figures), <paramref name="columns"/> images per row.
    /// </summary>
    public static void Predictions(string path, IReadOnlyList<PredictionPanel> panels, int columns = 4, int tile = 190)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0) throw new ArgumentException("no images to draw.", nameof(panels));
        int rows = (panels.Count + columns - 1) / columns;
        var figure = new Multiplot();
        figure.AddPlots(panels.Count);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        for (int i = 0; i < panels.Count; i++)
        {
            Plot plot = figure.GetPlot(i);
            PredictionPanel panel = panels[i];
            int h = panel.Image.Shape[0], w = panel.Image.Shape[1];
            var rect = plot.Add.ImageRect(new ScottPlot.Image(Png(panel.Image)), new CoordinateRect(0, w, 0, h));
            rect.AntiAlias = false;
            plot.Axes.SetLimits(0, w, 0, h);
            plot.Layout.Frameless();
            bool right = panel.Truth.SequenceEqual(panel.Estimate);
            plot.Title($"GT: {List(panel.Truth)}\nEST: {List(panel.Estimate)}", size: 11);
            plot.Axes.Title.Label.ForeColor = right ? Colors.Black : Colors.DarkRed;
        }
        figure.SavePng(path, columns * tile, rows * (tile + 30));
    }

    /// <summary>
    /// The training run at a glance: test accuracy after each chunk of iterations against the all-zeros baseline,
    /// and the smoothed training loss on a second axis.
    /// </summary>
    public static void Training(string path, IReadOnlyList<int> iterations, IReadOnlyList<double> testAccuracy,
                                IReadOnlyList<double> trainLoss, double baseline)
    {
        ArgumentNullException.ThrowIfNull(iterations);
        var plot = new Plot();
        double[] x = [.. iterations.Select(i => (double)i)];
        var accuracy = plot.Add.Scatter(x, testAccuracy.ToArray());
        accuracy.LegendText = "test accuracy (hamming)";
        var zeros = plot.Add.HorizontalLine(baseline);
        zeros.LegendText = $"baseline: all zeros ({baseline:F3})";
        zeros.LinePattern = LinePattern.Dashed;
        var loss = plot.Add.Scatter(x, trainLoss.ToArray());
        loss.LegendText = "train loss (right axis)";
        loss.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "sigmoid cross-entropy loss";
        plot.XLabel("iteration");
        plot.YLabel("accuracy");
        plot.ShowLegend(Alignment.LowerRight);
        plot.Title("multilabel shapes: training from scratch");
        plot.SavePng(path, 640, 380);
    }

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "—" : string.Join(", ", names);

    private static byte[] Png(NdArray image)
    {
        int h = image.Shape[0], w = image.Shape[1];
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Span<byte> pixels = bitmap.GetPixelSpan();
        for (int p = 0; p < h * w; p++)
        {
            for (int c = 0; c < 3; c++) pixels[4 * p + c] = (byte)Math.Clamp((int)MathF.Round(image.Data[3 * p + c] * 255f), 0, 255);
            pixels[4 * p + 3] = 255;
        }
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
