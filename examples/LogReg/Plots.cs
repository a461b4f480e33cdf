using ScottPlot;

namespace Caffe.Examples.LogReg;

/// <summary>The example's figure, drawn with ScottPlot (the notebook plots only the raw data, with pandas' scatter_matrix).</summary>
public static class Plots
{
    /// <summary>
    /// One panel per model, stacked: the test rows in the plane of the first two (informative) features, coloured by
    /// predicted class, with the rows predicted wrong drawn as black crosses on top — the shape of each model's
    /// boundary and where it errs.
    /// </summary>
    public static void Predictions(string path, IReadOnlyList<(string Title, TestPredictions Predictions)> panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        var figure = new Multiplot();
        figure.AddPlots(panels.Count);
        for (int p = 0; p < panels.Count; p++) Panel(figure.GetPlot(p), panels[p].Title, panels[p].Predictions);
        figure.SavePng(path, 560, 380 * panels.Count);
    }

    private static void Panel(Plot plot, string title, TestPredictions predictions)
    {
        int features = predictions.Features.Shape[1];
        float[] x = predictions.Features.Data;
        int[] predicted = predictions.Predicted;
        Color[] colors = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Purple];
        int classes = predicted.Length == 0 ? 0 : predicted.Max() + 1;
        for (int c = 0; c < classes; c++)
        {
            int[] rows = [.. Enumerable.Range(0, predicted.Length).Where(i => predicted[i] == c)];
            var points = plot.Add.ScatterPoints(Column(x, features, rows, 0), Column(x, features, rows, 1), colors[c % colors.Length]);
            points.MarkerSize = 3;
            points.LegendText = $"predicted {c}";
        }
        int[] wrong = [.. Enumerable.Range(0, predicted.Length).Where(i => predicted[i] != predictions.Labels[i])];
        var errors = plot.Add.ScatterPoints(Column(x, features, wrong, 0), Column(x, features, wrong, 1), Colors.Black);
        errors.MarkerShape = MarkerShape.Eks;
        errors.MarkerSize = 4;
        errors.LegendText = $"wrong ({wrong.Length})";
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title(title);
        plot.XLabel("feature 0");
        plot.YLabel("feature 1");
    }

    private static double[] Column(float[] x, int features, int[] rows, int column) => [.. rows.Select(r => (double)x[r * features + column])];
}
