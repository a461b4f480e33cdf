using ScottPlot;

namespace Caffe.Examples.Siamese;

/// <summary>The notebook's matplotlib figure of the learned embedding, drawn with ScottPlot and saved as a PNG file.</summary>
public static class Plots
{
    // The notebook's ten colours, by label.
    private static readonly string[] ClassColors =
        ["#ff0000", "#ffff00", "#00ff00", "#00ffff", "#0000ff", "#ff00ff", "#990000", "#999900", "#009900", "#009999"];

    /// <summary>
    /// One dot per picture at its 2-D feature, coloured by class, with a legend of <paramref name="classNames"/> and a
    /// grid (the notebook's <c>plt.plot(feat[labels==i,0], feat[labels==i,1], '.', c=c[i])</c> for each class).
    /// </summary>
    public static void Features(string path, NdArray features, IReadOnlyList<byte> labels, IReadOnlyList<string> classNames,
                                int width = 800, int height = 450)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        var plot = new Plot();
        for (int c = 0; c < classNames.Count; c++)
        {
            int[] rows = [.. Enumerable.Range(0, labels.Count).Where(i => labels[i] == c)];
            double[] xs = [.. rows.Select(r => (double)features.Data[r * 2])];
            double[] ys = [.. rows.Select(r => (double)features.Data[r * 2 + 1])];
            var points = plot.Add.ScatterPoints(xs, ys, Color.FromHex(ClassColors[c % ClassColors.Length]));
            points.MarkerSize = 3;
            points.LegendText = $"{c} {classNames[c]}";
        }
        plot.XLabel("feat[0]");
        plot.YLabel("feat[1]");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, width, height);
    }
}
