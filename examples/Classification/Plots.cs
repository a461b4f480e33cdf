using ScottPlot;

namespace Caffe.Examples.Classification;

/// <summary>The notebook's matplotlib figures drawn with ScottPlot and saved as PNG files.</summary>
public static class Plots
{
    /// <summary>
    /// <c>plt.plot(output_prob)</c>: one bar per class with its label when there are few classes (CIFAR-10), the
    /// probabilities as a line over the class index when there are many (ImageNet's 1000).
    /// </summary>
    public static void Probabilities(string path, string title, ReadOnlySpan<float> probabilities, IReadOnlyList<string>? labels)
    {
        double[] values = ToDoubles(probabilities);
        var plot = new Plot();
        if (values.Length <= 20)
        {
            plot.Add.Bars(values);
            double[] positions = Enumerable.Range(0, values.Length).Select(i => (double)i).ToArray();
            string[] names = Enumerable.Range(0, values.Length).Select(i => labels?[i] ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            plot.Axes.Bottom.SetTicks(positions, names);
            plot.Axes.Margins(bottom: 0);
        }
        else
        {
            plot.Add.Signal(values);
            plot.XLabel("class");
        }
        plot.YLabel("probability");
        plot.Title(title);
        plot.SavePng(path, 800, 420);
    }

    /// <summary>
    /// The notebook's fully connected figure: the values of one item of a blob (<c>plt.plot(feat.flat)</c>) above the
    /// histogram of its positive values (<c>plt.hist(feat.flat[feat.flat &gt; 0], bins=100)</c>).
    /// </summary>
    public static void ValuesAndHistogram(string path, string blobName, ReadOnlySpan<float> values)
    {
        double[] all = ToDoubles(values);
        var figure = new Multiplot();
        figure.AddPlots(2);
        Plot top = figure.GetPlot(0), bottom = figure.GetPlot(1);
        top.Add.Signal(all);
        top.Title($"{blobName} (item 0)");
        top.XLabel("unit");

        double[] positive = all.Where(v => v > 0).ToArray();
        if (positive.Length > 0)
        {
            var histogram = ScottPlot.Statistics.Histogram.WithBinCount(100, positive.Min(), positive.Max() + 1e-6 * Math.Max(1, positive.Max()));
            histogram.AddRange(positive);
            bottom.Add.Histogram(histogram);
        }
        bottom.Title($"histogram of the {positive.Length} positive values");
        bottom.YLabel("count");
        figure.SavePng(path, 640, 560);
    }

    private static double[] ToDoubles(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}
