using ScottPlot;

namespace Caffe.Examples.FineTuning;

/// <summary>The notebook's <c>plot(np.vstack([train_loss, scratch_train_loss]).T)</c> figures, drawn with ScottPlot.</summary>
public static class Plots
{
    /// <summary>
    /// The train loss over the iterations of each record, one line per solver; the records of the second phase are
    /// drawn after those of the first (their iterations continue), dashed, with a grey line where phase 2 begins;
    /// phase 1's legend entries get " (classifier only)" after the solver's name.
    /// </summary>
    public static void LossCurves(string path, IReadOnlyList<SolverRecord> phase1, IReadOnlyList<SolverRecord> phase2)
    {
        ArgumentNullException.ThrowIfNull(phase1);
        ArgumentNullException.ThrowIfNull(phase2);
        var plot = new Plot();
        Color[] colors = [Colors.Blue, Colors.Green, Colors.Orange, Colors.Purple];
        int offset = phase1.Count == 0 ? 0 : phase1[0].Loss.Length;
        AddLines(plot, phase1, 0, colors, dashed: false, suffix: " (classifier only)");
        AddLines(plot, phase2, offset, colors, dashed: true, suffix: "");
        if (phase2.Count > 0)
        {
            var start = plot.Add.VerticalLine(offset);
            start.Color = Colors.Gray;
            start.LineWidth = 1;
        }
        plot.XLabel("iteration");
        plot.YLabel("train loss");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 640, 360);
    }

    private static void AddLines(Plot plot, IReadOnlyList<SolverRecord> records, int offset, Color[] colors, bool dashed, string suffix)
    {
        for (int r = 0; r < records.Count; r++)
        {
            double[] xs = [.. Enumerable.Range(offset, records[r].Loss.Length).Select(i => (double)i)];
            var line = plot.Add.Scatter(xs, records[r].Loss.Select(v => (double)v).ToArray());
            line.MarkerSize = 0;
            line.Color = colors[r % colors.Length];
            line.LegendText = records[r].Name + suffix;
            if (dashed) line.LinePattern = LinePattern.Dashed;
        }
    }
}
