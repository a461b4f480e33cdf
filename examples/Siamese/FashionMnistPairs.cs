namespace Caffe.Examples.Siamese;

/// <summary>
/// The data of this example: Zalando's Fashion-MNIST (MNIST's format and sizes, 28×28 gray pictures of clothes in
/// 10 classes, 60000 for training and 10000 for testing) from Debian's <c>dataset-fashion-mnist</c>, turned into the
/// two pair databases the siamese net reads (BVLC's <c>create_mnist_siamese.sh</c> step).
/// </summary>
public static class FashionMnistPairs
{
    /// <summary>Where <c>apt-get install dataset-fashion-mnist</c> puts the IDX files.</summary>
    public const string DefaultFolder = FashionMnistDataset.DefaultFolder;

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames => FashionMnistDataset.ClassNames;

    /// <summary>The four IDX files of the dataset, by role.</summary>
    public static (string TrainImages, string TrainLabels, string TestImages, string TestLabels) Files(string datasetFolder) =>
        FashionMnistDataset.Files(datasetFolder);

    /// <summary>Throws a <see cref="FileNotFoundException"/> saying how to install the dataset if a file is missing.</summary>
    public static void CheckPresent(string datasetFolder) => FashionMnistDataset.CheckPresent(datasetFolder);

    /// <summary>
    /// Converts the dataset in <paramref name="datasetFolder"/> into the pair databases
    /// <c>fashion_mnist_siamese_train_lmdb</c> and <c>fashion_mnist_siamese_test_lmdb</c> under
    /// <paramref name="outFolder"/> with <see cref="SiamesePairs.Convert"/> (one random pair per picture), unless they
    /// are already there. Returns their paths.
    /// </summary>
    /// <exception cref="FileNotFoundException">An IDX file is missing; the message says how to install the dataset.</exception>
    public static (string TrainLmdb, string TestLmdb) PrepareLmdb(string datasetFolder, string outFolder, TextWriter log, int seed = SiamesePairs.DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(log);
        string trainLmdb = Path.Combine(outFolder, "fashion_mnist_siamese_train_lmdb");
        string testLmdb = Path.Combine(outFolder, "fashion_mnist_siamese_test_lmdb");
        if (Directory.Exists(trainLmdb) && Directory.Exists(testLmdb)) return (trainLmdb, testLmdb);

        CheckPresent(datasetFolder);
        var files = Files(datasetFolder);
        Directory.CreateDirectory(outFolder);
        // Different seeds, so that the test pairs are not drawn at the same indices as the training pairs.
        if (!Directory.Exists(trainLmdb)) Convert(files.TrainImages, files.TrainLabels, trainLmdb, seed, log);
        if (!Directory.Exists(testLmdb)) Convert(files.TestImages, files.TestLabels, testLmdb, seed + 1, log);
        return (trainLmdb, testLmdb);
    }

    private static void Convert(string images, string labels, string lmdb, int seed, TextWriter log)
    {
        int count = SiamesePairs.Convert(images, labels, lmdb, "lmdb", seed);
        log.WriteLine($"converted {count} pairs of {Path.GetFileName(images)} into {lmdb}");
    }
}
