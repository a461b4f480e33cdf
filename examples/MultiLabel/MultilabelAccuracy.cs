namespace Caffe.Examples.MultiLabel;

/// <summary>
/// The notebook's measure: <c>hamming_distance</c> — which, despite its name, is the share of classes predicted
/// right (a similarity: 1 is perfect) — averaged over the images of some test batches, with a class predicted
/// present when its <c>score</c> logit is above 0 (its sigmoid above 0.5); and the baseline that predicts no class
/// at all.
/// </summary>
public static class MultilabelAccuracy
{
    /// <summary>
    /// <c>hamming_distance(gt, est)</c>: the fraction of positions where the estimate agrees with the ground truth,
    /// a ground-truth 1 agreeing with <c>true</c> and a 0 with <c>false</c> (Python's <c>1.0 == True</c>).
    /// </summary>
    public static double HammingDistance(ReadOnlySpan<float> gt, ReadOnlySpan<bool> est)
    {
        if (gt.Length != est.Length) throw new ArgumentException($"{gt.Length} ground-truth labels but {est.Length} estimates.", nameof(est));
        if (gt.Length == 0) throw new ArgumentException("no labels to compare.", nameof(gt));
        int same = 0;
        for (int i = 0; i < gt.Length; i++)
            if (est[i] ? gt[i] == 1f : gt[i] == 0f) same++;
        return (double)same / gt.Length;
    }

    /// <summary>
    /// <c>check_accuracy(net, num_batches)</c>: runs <paramref name="numBatches"/> forward passes and averages
    /// <see cref="HammingDistance"/> of <c>label</c> against <c>score &gt; 0</c> over every image.
    /// </summary>
    public static double CheckAccuracy(Net net, int numBatches) => Average(net, numBatches, score => score > 0);

    /// <summary>
    /// <c>check_baseline_accuracy(net, num_batches)</c>: the same average for an estimate of all zeros — no class
    /// present — which scores high because the labels are sparse.
    /// </summary>
    public static double CheckBaselineAccuracy(Net net, int numBatches) => Average(net, numBatches, _ => false);

    private static double Average(Net net, int numBatches, Func<float, bool> estimate)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numBatches);
        double acc = 0;
        int images = 0;
        for (int t = 0; t < numBatches; t++)
        {
            net.Forward();
            Blob labels = net.Blobs["label"], scores = net.Blobs["score"];
            int batch = labels.Num, classes = labels.Count / batch;
            if (scores.Count != labels.Count)
                throw new ArgumentException($"score {scores.ShapeString} and label {labels.ShapeString} differ in size.", nameof(net));
            var est = new bool[classes];
            for (int i = 0; i < batch; i++)
            {
                ReadOnlySpan<float> gt = labels.Data.Slice(i * classes, classes);
                ReadOnlySpan<float> score = scores.Data.Slice(i * classes, classes);
                for (int c = 0; c < classes; c++) est[c] = estimate(score[c]);
                acc += HammingDistance(gt, est);
            }
            images += batch;
        }
        return acc / images;
    }
}
