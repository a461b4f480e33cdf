namespace Caffe.Examples.FineTuning;

/// <summary>
/// The notebook's data step (<c>assemble_data.py</c>: a small seeded subset of Flickr Style) for this example: a
/// seeded subset of Fashion-MNIST's training pictures and all its test pictures, both put through
/// <see cref="DomainShift.Apply"/>, written as two LMDB databases.
/// </summary>
public static class ShiftedFashionMnist
{
    /// <summary>Where <c>apt-get install dataset-fashion-mnist</c> puts the IDX files.</summary>
    public const string DefaultFolder = FashionMnistDataset.DefaultFolder;

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames => FashionMnistDataset.ClassNames;

    /// <summary>The four IDX files of the dataset, by role.</summary>
    public static (string TrainImages, string TrainLabels, string TestImages, string TestLabels) Files(string datasetFolder) =>
        FashionMnistDataset.Files(datasetFolder);

    /// <summary>
    /// Writes <c>shifted_train_{trainCount}_{seed}_lmdb</c> (<paramref name="trainCount"/> training pictures chosen
    /// with <paramref name="seed"/>) and <c>shifted_test_lmdb</c> (all test pictures) under
    /// <paramref name="outFolder"/>, unless they are already there, and returns their paths.
    /// </summary>
    /// <exception cref="FileNotFoundException">An IDX file is missing; the message says how to install the dataset.</exception>
    public static (string TrainLmdb, string TestLmdb) PrepareLmdb(string datasetFolder, string outFolder, int trainCount, int seed, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var files = Files(datasetFolder);
        string trainLmdb = Path.Combine(outFolder, $"shifted_train_{trainCount}_{seed}_lmdb");
        string testLmdb = Path.Combine(outFolder, "shifted_test_lmdb");
        if (Directory.Exists(trainLmdb) && Directory.Exists(testLmdb)) return (trainLmdb, testLmdb);

        FashionMnistDataset.CheckPresent(datasetFolder);
        Directory.CreateDirectory(outFolder);
        if (!Directory.Exists(trainLmdb))
        {
            IdxImages images = MnistIdx.ReadImages(files.TrainImages);
            byte[] labels = MnistIdx.ReadLabels(files.TrainLabels);
            (IdxImages subset, byte[] subsetLabels) = DomainShift.Select(images, labels, DomainShift.Subset(images.Count, trainCount, seed));
            MnistIdx.Write(trainLmdb, "lmdb", DomainShift.Apply(subset), subsetLabels);
            log.WriteLine($"wrote {subset.Count} of {images.Count} training pictures, rotated and inverted, into {trainLmdb}");
        }
        if (!Directory.Exists(testLmdb))
        {
            IdxImages images = MnistIdx.ReadImages(files.TestImages);
            byte[] labels = MnistIdx.ReadLabels(files.TestLabels);
            MnistIdx.Write(testLmdb, "lmdb", DomainShift.Apply(images), labels);
            log.WriteLine($"wrote {images.Count} test pictures, rotated and inverted, into {testLmdb}");
        }
        return (trainLmdb, testLmdb);
    }
}
