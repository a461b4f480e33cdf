using System.CommandLine;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe convert_mnist_siamese_data [-backend leveldb|lmdb] [-seed N] IMAGES LABELS DB</c>: Caffe's
/// <c>examples/siamese/convert_mnist_siamese_data</c>. The work is <see cref="SiamesePairs.Convert"/>: one pair per
/// picture of the IDX files (plain or gzip), two random pictures stacked as the 2 channels of a Datum, label 1 when
/// their classes match. LevelDB by default, as Caffe's tool writes; the seed makes the pairs repeatable.
/// </summary>
internal static class ConvertMnistSiameseDataCommand
{
    public static Command Create()
    {
        var backend = new Option<string>("--backend", "-backend") { Description = "The backend {leveldb, lmdb} for storing the result.", DefaultValueFactory = _ => "leveldb" };
        var seed = new Option<int>("--seed", "-seed") { Description = "The seed of the random pairs.", DefaultValueFactory = _ => SiamesePairs.DefaultSeed };
        var images = new Argument<string>("input_image_file") { Description = "IDX images (e.g. train-images-idx3-ubyte[.gz])." };
        var labels = new Argument<string>("input_label_file") { Description = "IDX labels (e.g. train-labels-idx1-ubyte[.gz])." };
        var db = new Argument<string>("output_db_file") { Description = "The database of pairs to create." };
        var command = new Command("convert_mnist_siamese_data",
            "Convert the MNIST dataset (IDX files) to a database of random image pairs (2 channels, label 1 for the same class) for a siamese net.")
        {
            backend, seed, images, labels, db,
        };
        command.SetAction(r => Run(r.GetRequiredValue(images), r.GetRequiredValue(labels), r.GetRequiredValue(db),
                                   r.GetValue(backend) ?? "leveldb", r.GetValue(seed)));
        return command;
    }

    public static int Run(string imageFile, string labelFile, string dbPath, string backendName, int seed)
    {
        SiamesePairs.Convert(imageFile, labelFile, dbPath, backendName, seed);
        return 0;
    }
}
