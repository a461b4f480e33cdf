using System.Buffers.Binary;
using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using Google.Protobuf;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe convert_mnist_data [-backend lmdb|leveldb] IMAGES LABELS DB</c>: Caffe's <c>examples/mnist/convert_mnist_data</c>.
/// Reads an IDX image file (magic 2051) and an IDX label file (magic 2049), plain or gzip-compressed (as
/// distributed and as Debian's <c>dataset-fashion-mnist</c> ships them), and writes one 1×rows×cols Datum per item,
/// keyed <c>%08d</c>. A bad magic number, differing counts or a truncated file stop with an error naming the file.
/// </summary>
internal static class ConvertMnistDataCommand
{
    private const int ImageMagic = 2051;
    private const int LabelMagic = 2049;

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
        DataParameter.Types.DB backend = Db.ParseBackend(backendName);
        using Stream imageStream = OpenIdx(imageFile);
        using Stream labelStream = OpenIdx(labelFile);
        int magic = ReadInt(imageStream, imageFile, "magic number");
        if (magic != ImageMagic) throw new ModelFormatException(imageFile, $"incorrect image file magic {magic} (expected {ImageMagic}).");
        magic = ReadInt(labelStream, labelFile, "magic number");
        if (magic != LabelMagic) throw new ModelFormatException(labelFile, $"incorrect label file magic {magic} (expected {LabelMagic}).");
        int numItems = ReadInt(imageStream, imageFile, "number of items");
        int numLabels = ReadInt(labelStream, labelFile, "number of labels");
        if (numItems != numLabels)
            throw new ModelFormatException(imageFile, $"{numItems} images but {labelFile} has {numLabels} labels.");
        int rows = ReadInt(imageStream, imageFile, "rows");
        int cols = ReadInt(imageStream, imageFile, "cols");
        if (numItems < 0 || rows <= 0 || cols <= 0)
            throw new ModelFormatException(imageFile, $"invalid header: {numItems} items of {rows}×{cols}.");

        using IDatabase db = Db.Open(dbPath, backend, DbMode.New);
        using IDbTransaction txn = db.NewTransaction();
        var pixels = new byte[rows * cols];
        var label = new byte[1];
        var datum = new Datum { Channels = 1, Height = rows, Width = cols };
        CaffeLog.Info($"A total of {numItems} items.");
        CaffeLog.Info($"Rows: {rows} Cols: {cols}");
        int count = 0;
        for (int item = 0; item < numItems; item++)
        {
            ReadExactly(imageStream, pixels, imageFile, $"image {item}");
            ReadExactly(labelStream, label, labelFile, $"label {item}");
            datum.Data = ByteString.CopyFrom(pixels);
            datum.Label = label[0];
            txn.Put(item.ToString("D8", CultureInfo.InvariantCulture), datum.ToByteArray());
            if (++count % 1000 == 0) txn.Commit();
        }
        if (count % 1000 != 0) txn.Commit();
        CaffeLog.Info($"Processed {count} files.");
        return 0;
    }

    /// <summary>Opens an IDX file, decompressing it when it starts with gzip's magic bytes.</summary>
    private static Stream OpenIdx(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Unable to open file {path}", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int b0 = file.ReadByte(), b1 = file.ReadByte();
        file.Position = 0;
        if (b0 == 0x1f && b1 == 0x8b) return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        return file;
    }

    private static int ReadInt(Stream stream, string path, string what)
    {
        var buffer = new byte[4];
        ReadExactly(stream, buffer, path, what);
        return BinaryPrimitives.ReadInt32BigEndian(buffer);
    }

    private static void ReadExactly(Stream stream, byte[] buffer, string path, string what)
    {
        int read;
        try
        {
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException(path, $"corrupt gzip data while reading {what}: {e.Message}", e);
        }
        if (read != buffer.Length) throw new ModelFormatException(path, $"the file is truncated: {what} is incomplete ({read} of {buffer.Length} bytes).");
    }
}
