namespace Caffe.Examples.Siamese;

/// <summary>
/// The notebook's feature extraction (<c>net.forward_all(data=caffe_in)['feat']</c>) and two numbers that say how
/// well the 2-D embedding separates the classes, which the notebook leaves to the eye.
/// </summary>
public static class Embedding
{
    /// <summary>Caffe's MNIST scale, 1/256, applied by hand as the notebook does instead of a Transformer.</summary>
    public const float Scale = 0.00390625f;

    /// <summary>
    /// Runs every picture of <paramref name="images"/> through the deploy net (in batches of its input's batch size,
    /// as pycaffe's <c>forward_all</c>) and returns the <c>feat</c> output: one row of 2 numbers per picture.
    /// </summary>
    public static NdArray Features(Net deploy, IdxImages images)
    {
        ArgumentNullException.ThrowIfNull(deploy);
        ArgumentNullException.ThrowIfNull(images);
        var input = new NdArray(images.Count, 1, images.Rows, images.Cols);
        for (int i = 0; i < images.Pixels.Length; i++) input.Data[i] = images.Pixels[i] * Scale;
        var outputs = deploy.ForwardAll(new Dictionary<string, NdArray> { ["data"] = input });
        return outputs["feat"];
    }

    /// <summary>
    /// Nearest-class-centroid accuracy in the feature space: the mean feature of each class is taken over the first
    /// <paramref name="fitCount"/> rows, and each later row is given the class of the nearest mean. Chance is 1/10.
    /// </summary>
    public static float CentroidAccuracy(NdArray features, IReadOnlyList<byte> labels, int fitCount)
    {
        CheckRows(features, labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fitCount, labels.Count);
        int dims = features.Shape[1], classes = labels.Max() + 1;
        var sums = new double[classes, dims];
        var counts = new int[classes];
        for (int i = 0; i < fitCount; i++)
        {
            counts[labels[i]]++;
            for (int d = 0; d < dims; d++) sums[labels[i], d] += features.Data[i * dims + d];
        }
        int correct = 0;
        for (int i = fitCount; i < labels.Count; i++)
        {
            int best = -1;
            double bestDistance = double.PositiveInfinity;
            for (int c = 0; c < classes; c++)
            {
                if (counts[c] == 0) continue;
                double distance = 0;
                for (int d = 0; d < dims; d++)
                {
                    double delta = features.Data[i * dims + d] - sums[c, d] / counts[c];
                    distance += delta * delta;
                }
                if (distance < bestDistance) (best, bestDistance) = (c, distance);
            }
            if (best == labels[i]) correct++;
        }
        return correct / (float)(labels.Count - fitCount);
    }

    /// <summary>
    /// The mean Euclidean distance between the features of two pictures of the same class, and between two pictures
    /// of different classes, over every pair of rows. The contrastive loss pulls the first down and pushes the second
    /// up to the margin (1).
    /// </summary>
    public static (double Same, double Different) MeanDistances(NdArray features, IReadOnlyList<byte> labels)
    {
        CheckRows(features, labels);
        int dims = features.Shape[1];
        double same = 0, different = 0;
        long sameCount = 0, differentCount = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            for (int j = i + 1; j < labels.Count; j++)
            {
                double squared = 0;
                for (int d = 0; d < dims; d++)
                {
                    double delta = features.Data[i * dims + d] - features.Data[j * dims + d];
                    squared += delta * delta;
                }
                if (labels[i] == labels[j]) { same += Math.Sqrt(squared); sameCount++; }
                else { different += Math.Sqrt(squared); differentCount++; }
            }
        }
        return (sameCount == 0 ? 0 : same / sameCount, differentCount == 0 ? 0 : different / differentCount);
    }

    private static void CheckRows(NdArray features, IReadOnlyList<byte> labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.NumAxes != 2 || features.Shape[0] != labels.Count)
            throw new ArgumentException($"Expected {labels.Count} rows of features, got an array of shape ({string.Join(", ", features.Shape)}).", nameof(features));
    }
}
