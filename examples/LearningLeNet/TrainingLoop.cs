namespace Caffe.Examples.LearningLeNet;

/// <summary>
/// The notebook's hand-written solver loop: one SGD step at a time, recording the train loss, the scores of the
/// first test items, and, every few iterations, the test accuracy counted by hand from the <c>ip2</c> scores.
/// </summary>
public static class TrainingLoop
{
    /// <summary>How many test items have their scores recorded at every iteration (the notebook's 8).</summary>
    public const int TrackedItems = 8;

    /// <summary>
    /// Runs <paramref name="niter"/> iterations of <c>solver.Step(1)</c>. After each one it stores the train loss,
    /// runs test net 0 from <c>conv1</c> (so on the batch its data blob already holds, without reading new data) and
    /// stores the first <see cref="TrackedItems"/> rows of <c>ip2</c>; when the iteration index is a multiple of
    /// <paramref name="testInterval"/> it measures the accuracy over <paramref name="testIters"/> test batches.
    /// The test net is first made to share the train net's weights (<see cref="Net.ShareWith"/>).
    /// </summary>
    public static TrainingRecord Run(Solver solver, int niter, int testInterval, int testIters, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(solver);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(niter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testInterval);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testIters);
        if (solver.TestNets.Count == 0) throw new ArgumentException("The solver has no test net.", nameof(solver));
        Net testNet = solver.TestNets[0];
        // Caffe shares the trained weights with a test net when it first tests it (at iteration 0 by default,
        // which the notebook's loop silently relies on); sharing them here makes the loop right without that test.
        testNet.ShareWith(solver.Net);
        Blob scores = testNet.Blobs["ip2"];
        int classes = scores.Count / scores.Num;
        int tracked = Math.Min(TrackedItems, scores.Num);

        var trainLoss = new float[niter];
        var testAccuracy = new float[(niter + testInterval - 1) / testInterval];
        var output = new NdArray(niter, tracked, classes);
        for (int it = 0; it < niter; it++)
        {
            solver.Step(1);
            trainLoss[it] = solver.Net.Blobs["loss"].Data[0];

            testNet.Forward(start: "conv1");
            scores.Data[..(tracked * classes)].CopyTo(output.Data.AsSpan(it * tracked * classes));

            if (it % testInterval == 0)
            {
                log?.WriteLine($"Iteration {it} testing...");
                testAccuracy[it / testInterval] = TestAccuracy(testNet, testIters);
            }
        }
        return new TrainingRecord(trainLoss, testAccuracy, output, testInterval);
    }

    /// <summary>
    /// The notebook's test: <paramref name="testIters"/> forward passes of <paramref name="testNet"/>, counting the
    /// items whose highest <c>ip2</c> score is their <c>label</c>; returns the fraction of correct items.
    /// </summary>
    public static float TestAccuracy(Net testNet, int testIters)
    {
        ArgumentNullException.ThrowIfNull(testNet);
        int correct = 0, total = 0;
        for (int i = 0; i < testIters; i++)
        {
            testNet.Forward();
            correct += CountCorrect(testNet.Blobs["ip2"], testNet.Blobs["label"]);
            total += testNet.Blobs["label"].Count;
        }
        return (float)correct / total;
    }

    /// <summary>
    /// <c>sum(scores.argmax(1) == labels)</c>: how many items of the batch have their label as the index of their
    /// highest score (the first one on a tie, as numpy's argmax).
    /// </summary>
    public static int CountCorrect(Blob scores, Blob labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        int items = scores.Num, classes = scores.Count / scores.Num;
        if (labels.Count != items)
            throw new ArgumentException($"{items} score rows but {labels.Count} labels ({scores.ShapeString} vs {labels.ShapeString}).");
        ReadOnlySpan<float> data = scores.Data, label = labels.Data;
        int correct = 0;
        for (int item = 0; item < items; item++)
        {
            ReadOnlySpan<float> row = data.Slice(item * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (row[c] > row[best]) best = c;
            if (best == (int)label[item]) correct++;
        }
        return correct;
    }
}
