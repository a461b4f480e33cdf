namespace Caffe.Examples.LogReg;

/// <summary>
/// A classification data set held the way the notebook holds <c>X, y</c>: <see cref="Features"/> is N×F (one row
/// per sample) and <see cref="Labels"/> has one class index per row.
/// </summary>
public sealed record LabelledData(NdArray Features, int[] Labels)
{
    /// <summary>The number of rows (samples).</summary>
    public int Count => Labels.Length;

    /// <summary>The number of features per row.</summary>
    public int FeatureCount => Features.Shape[1];

    /// <summary>Row <paramref name="i"/> of <see cref="Features"/>, as a view.</summary>
    public ReadOnlySpan<float> Row(int i) => Features.Data.AsSpan(i * FeatureCount, FeatureCount);

    /// <summary>The labels as float32 of shape (N): <c>y.astype(np.float32)</c>, what the notebook writes to HDF5.</summary>
    public NdArray LabelArray() => new([.. Labels.Select(l => (float)l)], [Count]);

    /// <summary>How many rows carry each class, for classes 0 to <paramref name="classes"/> − 1.</summary>
    public int[] ClassCounts(int classes)
    {
        var counts = new int[classes];
        foreach (int label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>Rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> − 1, copied.</summary>
    public LabelledData Rows(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"rows {start}..{start + count - 1} are outside 0..{Count - 1}.");
        float[] features = Features.Data.AsSpan(start * FeatureCount, count * FeatureCount).ToArray();
        return new LabelledData(new NdArray(features, [count, FeatureCount]), Labels.AsSpan(start, count).ToArray());
    }

    /// <summary>
    /// <c>X, Xt, y, yt = train_test_split(X, y)</c>: the last <paramref name="testFraction"/> of the rows (rounded up)
    /// become the test set, the rest the training set. The rows of <see cref="SyntheticClassification.Make"/> are
    /// shuffled already, so taking the tail is a random split; 0.25 is train_test_split's default.
    /// </summary>
    public (LabelledData Train, LabelledData Test) Split(double testFraction = 0.25)
    {
        if (testFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(testFraction), "must be between 0 and 1.");
        int test = (int)Math.Ceiling(Count * testFraction);
        return (Rows(0, Count - test), Rows(Count - test, test));
    }
}
