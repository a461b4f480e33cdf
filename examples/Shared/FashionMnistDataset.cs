namespace Caffe.Examples;

/// <summary>
/// Zalando's Fashion-MNIST (MNIST's format and sizes, 28×28 gray pictures of clothes in 10 classes, 60000 for
/// training and 10000 for testing) as Debian's <c>dataset-fashion-mnist</c> installs it: the examples that train
/// on it share this file (linked into each project).
/// </summary>
internal static class FashionMnistDataset
{
    /// <summary>Where <c>apt-get install dataset-fashion-mnist</c> puts the IDX files.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The four IDX files of the dataset, by role.</summary>
    public static (string TrainImages, string TrainLabels, string TestImages, string TestLabels) Files(string datasetFolder) => (
        Path.Combine(datasetFolder, "train-images-idx3-ubyte.gz"),
        Path.Combine(datasetFolder, "train-labels-idx1-ubyte.gz"),
        Path.Combine(datasetFolder, "t10k-images-idx3-ubyte.gz"),
        Path.Combine(datasetFolder, "t10k-labels-idx1-ubyte.gz"));

    /// <summary>Throws a <see cref="FileNotFoundException"/> saying how to install the dataset if a file is missing.</summary>
    public static void CheckPresent(string datasetFolder)
    {
        var files = Files(datasetFolder);
        foreach (string file in new[] { files.TrainImages, files.TrainLabels, files.TestImages, files.TestLabels })
        {
            if (!File.Exists(file))
                throw new FileNotFoundException(
                    $"Fashion-MNIST not found: {file} is missing. Install Debian's dataset with 'apt-get install dataset-fashion-mnist' " +
                    $"(it goes to {DefaultFolder}), or pass --data FOLDER holding the four IDX .gz files.", file);
        }
    }
}
