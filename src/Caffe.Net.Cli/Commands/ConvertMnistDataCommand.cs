using System.CommandLine;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe convert_mnist_data [-backend lmdb|leveldb] IMAGES LABELS DB</c>: Caffe's <c>examples/mnist/convert_mnist_data</c>.
/// The work is <see cref="MnistIdx.Convert"/>: IDX images (magic 2051) and labels (magic 2049), plain or gzip-compressed,
/// become one 1×rows×cols Datum per item, keyed <c>%08d</c>; a bad magic number, differing counts or a truncated file
/// stop with an error naming the file.
/// </summary>
internal static class ConvertMnistDataCommand
{
    public static Command Create()
    {
        var backend = new Option<string>("--backend", "-backend") { Description = "The backend {lmdb, leveldb} for storing the result.", DefaultValueFactory = _ => "lmdb" };
        var images = new Argument<string>("input_image_file") { Description = "IDX images (e.g. train-images-idx3-ubyte[.gz])." };
        var labels = new Argument<string>("input_label_file") { Description = "IDX labels (e.g. train-labels-idx1-ubyte[.gz])." };
        var db = new Argument<string>("output_db_file") { Description = "The database to create." };
        var command = new Command("convert_mnist_data", "Convert the MNIST dataset (IDX files) to an LMDB/LevelDB database of Datums.")
        {
            backend, images, labels, db,
        };
        command.SetAction(r => Run(r.GetRequiredValue(images), r.GetRequiredValue(labels), r.GetRequiredValue(db), r.GetValue(backend) ?? "lmdb"));
        return command;
    }

    public static int Run(string imageFile, string labelFile, string dbPath, string backendName)
    {
        MnistIdx.Convert(imageFile, labelFile, dbPath, backendName);
        return 0;
    }
}
