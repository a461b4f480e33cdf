using ScottPlot;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe train --plot FILE.png</c>: the training loss (each iteration, and smoothed over <c>average_loss</c>) and
/// the test outputs against the iteration, drawn with ScottPlot. Test losses share the left axis with the training
/// loss; other test outputs (accuracy, …) get the right axis.
/// </summary>
internal static class TrainingPlot
{
    private const int Width = 1000;
    private const int Height = 600;

    /// <summary>Draws <paramref name="history"/> and writes it to <paramref name="path"/> as PNG, atomically.</summary>
    public static void Write(TrainingHistory history, string title, bool severalTestNets, string path)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("iteration");
        plot.YLabel("loss");

        IReadOnlyList<IterationRecord> iterations = history.Iterations;
        if (iterations.Count > 0)
        {
            double[] xs = [.. iterations.Select(r => (double)r.Iteration)];
            var raw = plot.Add.ScatterLine(xs, [.. iterations.Select(r => (double)r.Loss)]);
            raw.LegendText = "train loss";
            raw.Color = Colors.SteelBlue.WithAlpha(0.35);
            raw.LineWidth = 1;
            var smoothed = plot.Add.ScatterLine(xs, [.. iterations.Select(r => (double)r.SmoothedLoss)]);
            smoothed.LegendText = "train loss (smoothed)";
            smoothed.Color = Colors.Navy;
            smoothed.LineWidth = 2;
        }

        bool rightAxisUsed = false;
        int series = 0;
        foreach (var group in history.Tests.GroupBy(t => t.TestNet))
        {
            TestRecord[] tests = [.. group];
            int outputs = tests.Min(t => t.Scores.Count);
            for (int k = 0; k < outputs; k++)
            {
                TestScore first = tests[0].Scores[k];
                double[] xs = [.. tests.Select(t => (double)t.Iteration)];
                double[] ys = [.. tests.Select(t => (double)t.Scores[k].Value)];
                var scatter = plot.Add.Scatter(xs, ys);
                scatter.LegendText = severalTestNets ? $"test #{group.Key} {first.OutputName}" : $"test {first.OutputName}";
                scatter.Color = Palette(series++);
                scatter.MarkerSize = 6;
                scatter.LineWidth = 1.5f;
                if (first.LossWeight == 0)
                {
                    scatter.Axes.YAxis = plot.Axes.Right;
                    rightAxisUsed = true;
                }
            }
        }
        if (rightAxisUsed) plot.Axes.Right.Label.Text = "test score";
        plot.ShowLegend(Alignment.MiddleRight);

        byte[] png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
        CaffeLog.Info($"Wrote the training plot to {path}");
    }

    private static Color Palette(int index)
    {
        Color[] colors = [Colors.OrangeRed, Colors.ForestGreen, Colors.DarkOrchid, Colors.DarkGoldenRod, Colors.Teal, Colors.Crimson];
        return colors[index % colors.Length];
    }
}
