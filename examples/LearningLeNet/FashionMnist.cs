namespace Caffe.Examples.LearningLeNet;

/// <summary>
/// The data of this example: Zalando's Fashion-MNIST (MNIST's format and sizes, 28×28 gray pictures of clothes in
/// 10 classes, 60000 for training and 10000 for testing) from Debian's <c>dataset-fashion-mnist</c>, converted into
/// the two LMDB databases the notebook's nets read.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where <c>apt-get install dataset-fashion-mnist</c> puts the IDX files.</summary>
    public const string DefaultFolder = FashionMnistDataset.DefaultFolder;

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames => FashionMnistDataset.ClassNames;

    /// <summary>The four IDX files of the dataset, by role.</summary>
    public static (string TrainImages, string TrainLabels, string TestImages, string TestLabels) Files(string datasetFolder) =>
        FashionMnistDataset.Files(datasetFolder);

    /// <summary>
    /// The notebook's <c>create_mnist.sh</c> step: converts the dataset in <paramref name="datasetFolder"/> into
    /// <c>fashion_mnist_train_lmdb</c> and <c>fashion_mnist_test_lmdb</c> under <paramref name="outFolder"/>, unless
    /// they are already there. Returns their paths.
    /// </summary>
    /// <exception cref="FileNotFoundException">An IDX file is missing; the message says how to install the dataset.</exception>
    public static (string TrainLmdb, string TestLmdb) PrepareLmdb(string datasetFolder, string outFolder, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var files = Files(datasetFolder);
        string trainLmdb = Path.Combine(outFolder, "fashion_mnist_train_lmdb");
        string testLmdb = Path.Combine(outFolder, "fashion_mnist_test_lmdb");
        if (Directory.Exists(trainLmdb) && Directory.Exists(testLmdb)) return (trainLmdb, testLmdb);

        FashionMnistDataset.CheckPresent(datasetFolder);
        Directory.CreateDirectory(outFolder);
        if (!Directory.Exists(trainLmdb)) Convert(files.TrainImages, files.TrainLabels, trainLmdb, log);
        if (!Directory.Exists(testLmdb)) Convert(files.TestImages, files.TestLabels, testLmdb, log);
        return (trainLmdb, testLmdb);
    }

    private static void Convert(string images, string labels, string lmdb, TextWriter log)
    {
        int count = MnistIdx.Convert(images, labels, lmdb, "lmdb");
        log.WriteLine($"converted {count} items of {Path.GetFileName(images)} into {lmdb}");
    }
}
