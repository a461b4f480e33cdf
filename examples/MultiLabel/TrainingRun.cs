namespace Caffe.Examples.MultiLabel;

/// <summary>The accuracies after each chunk of a <see cref="TrainingRun.Run"/>.</summary>
/// <param name="Iterations">The solver's iteration count after each chunk.</param>
/// <param name="TestAccuracy">The hamming accuracy over the test batches after each chunk.</param>
/// <param name="TrainLoss">The solver's smoothed training loss after each chunk.</param>
public sealed record TrainingRecord(int[] Iterations, double[] TestAccuracy, double[] TrainLoss);

/// <summary>
/// The notebook's training cells: <c>solver.test_nets[0].share_with(solver.net)</c>, <c>solver.step(1)</c>, then
/// <c>for itt in range(6): solver.step(100); print accuracy</c>.
/// </summary>
public static class TrainingRun
{
    /// <summary>
    /// Shares the train net's weights with test net 0, takes one step, then <paramref name="chunks"/> times steps
    /// <paramref name="chunkSize"/> iterations and measures <see cref="MultilabelAccuracy.CheckAccuracy"/> over
    /// <paramref name="testBatches"/> test batches, writing a line per chunk to <paramref name="log"/>.
    /// </summary>
    public static TrainingRecord Run(Solver solver, int chunks, int chunkSize, int testBatches, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(solver);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        if (solver.TestNets.Count == 0) throw new ArgumentException("The solver has no test net.", nameof(solver));
        Net testNet = solver.TestNets[0];
        testNet.ShareWith(solver.Net);
        solver.Step(1);

        var iterations = new int[chunks];
        var accuracy = new double[chunks];
        var loss = new double[chunks];
        for (int itt = 0; itt < chunks; itt++)
        {
            solver.Step(chunkSize);
            iterations[itt] = solver.Iter;
            accuracy[itt] = MultilabelAccuracy.CheckAccuracy(testNet, testBatches);
            loss[itt] = solver.SmoothedLoss;
            log?.WriteLine($"itt:{(itt + 1) * chunkSize,4} accuracy:{accuracy[itt]:F4}  train loss:{loss[itt]:F4}");
        }
        return new TrainingRecord(iterations, accuracy, loss);
    }
}
