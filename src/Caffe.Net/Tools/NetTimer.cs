using System.Diagnostics;

namespace Caffe;

/// <summary>Average forward and backward time of one layer, in milliseconds per iteration.</summary>
public sealed record LayerTiming(string Name, string Type, double ForwardMs, double BackwardMs);

/// <summary>What <see cref="NetTimer.Time"/> measured: per-layer and whole-pass averages over the iterations.</summary>
public sealed record NetTiming(IReadOnlyList<LayerTiming> Layers, double ForwardMs, double BackwardMs,
                               double ForwardBackwardMs, double TotalMs, int Iterations);

/// <summary>
/// Times a net layer by layer as BVLC's <c>caffe time</c> does: one untimed forward and backward to warm
/// up, then <c>iterations</c> of forward over every layer followed by backward over every layer (each layer's
/// Backward is called with its propagate-down flags whether or not the net needs it, as Caffe's tool does).
/// </summary>
public static class NetTimer
{
    /// <summary>Times <paramref name="net"/>; <paramref name="onIteration"/> gets each iteration's index and milliseconds.</summary>
    public static NetTiming Time(Net net, int iterations, Action<int, double>? onIteration = null)
    {
        if (iterations <= 0) throw new ArgumentOutOfRangeException(nameof(iterations), "iterations must be positive");
        float initialLoss = net.ForwardLoss();
        CaffeLog.Info($"Initial loss: {initialLoss}");
        net.BackwardFromTo(net.Layers.Count - 1, 0);

        int n = net.Layers.Count;
        var forwardTicks = new long[n];
        var backwardTicks = new long[n];
        long forwardTotal = 0, backwardTotal = 0;
        var total = Stopwatch.StartNew();
        for (int j = 0; j < iterations; j++)
        {
            long iterationStart = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                long start = Stopwatch.GetTimestamp();
                net.Layers[i].Forward(net.BottomVecs[i], net.TopVecs[i]);
                forwardTicks[i] += Stopwatch.GetTimestamp() - start;
            }
            long forwardEnd = Stopwatch.GetTimestamp();
            forwardTotal += forwardEnd - iterationStart;
            for (int i = n - 1; i >= 0; i--)
            {
                long start = Stopwatch.GetTimestamp();
                net.Layers[i].Backward(net.TopVecs[i], net.BottomNeedBackward[i], net.BottomVecs[i]);
                backwardTicks[i] += Stopwatch.GetTimestamp() - start;
            }
            long end = Stopwatch.GetTimestamp();
            backwardTotal += end - forwardEnd;
            onIteration?.Invoke(j, Milliseconds(end - iterationStart));
        }
        total.Stop();
        var layers = new LayerTiming[n];
        for (int i = 0; i < n; i++)
        {
            layers[i] = new LayerTiming(net.LayerNames[i], net.Layers[i].Type,
                Milliseconds(forwardTicks[i]) / iterations, Milliseconds(backwardTicks[i]) / iterations);
        }
        double totalMs = total.Elapsed.TotalMilliseconds;
        return new NetTiming(layers, Milliseconds(forwardTotal) / iterations, Milliseconds(backwardTotal) / iterations,
                             totalMs / iterations, totalMs, iterations);
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
