using ScottPlot;

namespace Caffe.Examples.LearningLeNet;

/// <summary>The notebook's matplotlib line plot, drawn with ScottPlot and saved as a PNG file.</summary>
public static class Plots
{
    /// <summary>
    /// The train loss at every iteration (left axis) and the test accuracy at every test (right axis, red), over the
    /// iteration (the notebook's <c>ax1.plot(...)</c> / <c>ax2 = ax1.twinx()</c> figure).
    /// </summary>
    public static void LossAndAccuracy(string path, TrainingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var plot = new Plot();
        double[] iterations = [.. Enumerable.Range(0, record.TrainLoss.Length).Select(i => (double)i)];
        var loss = plot.Add.Scatter(iterations, record.TrainLoss.Select(v => (double)v).ToArray());
        loss.MarkerSize = 0;
        loss.LegendText = "train loss";

        var accuracy = plot.Add.Scatter(record.TestIterations.Select(i => (double)i).ToArray(), record.TestAccuracy.Select(v => (double)v).ToArray());
        accuracy.Color = Colors.Red;
        accuracy.MarkerSize = 5;
        accuracy.LegendText = "test accuracy";
        accuracy.Axes.YAxis = plot.Axes.Right;

        plot.XLabel("iteration");
        plot.Axes.Left.Label.Text = "train loss";
        plot.Axes.Right.Label.Text = "test accuracy";
        plot.Axes.SetLimitsY(0, 1, plot.Axes.Right);
        plot.ShowLegend(Alignment.MiddleRight);
        plot.SavePng(path, 640, 400);
    }
}
