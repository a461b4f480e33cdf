using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using Google.Protobuf;

namespace Caffe;

/// <summary>
/// The MNIST IDX files (and datasets in the same format, such as Fashion-MNIST): reading images and labels, and
/// converting them into a Caffe database as Caffe's <c>examples/mnist/convert_mnist_data</c> does (the
/// <c>caffe convert_mnist_data</c> command calls <see cref="Convert"/>). Files may be plain or gzip-compressed,
/// as distributed and as Debian's <c>dataset-fashion-mnist</c> ships them. A bad magic number, a truncated or
/// corrupt file, or differing image and label counts raise a <see cref="ModelFormatException"/> naming the file.
/// </summary>
public static class MnistIdx
{
    /// <summary>The magic number of an IDX image file (unsigned bytes, 3 dimensions: count, rows, cols).</summary>
    public const int ImageMagic = 2051;

    /// <summary>The magic number of an IDX label file (unsigned bytes, 1 dimension: count).</summary>
    public const int LabelMagic = 2049;

    // convert_mnist_data commits its transaction every 1000 items.
    private const int CommitEvery = 1000;

    /// <summary>Reads a whole IDX image file into memory.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelFormatException">Wrong magic number, invalid header, truncated or corrupt file.</exception>
    public static IdxImages ReadImages(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using IdxReader reader = IdxReader.Open(path, ImageMagic, 3, "image");
        int count = reader.Dims[0], rows = reader.Dims[1], cols = reader.Dims[2];
        if ((long)count * rows * cols > Array.MaxLength)
            throw new ModelFormatException(path, $"{count} images of {rows}×{cols} do not fit in memory; use Convert, which streams.");
        var pixels = new byte[count * rows * cols];
        for (int item = 0; item < count; item++)
            reader.ReadExactly(pixels.AsSpan(item * rows * cols, rows * cols), $"image {item}");
        return new IdxImages(count, rows, cols, pixels);
    }

    /// <summary>Reads a whole IDX label file into memory: one byte per item.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelFormatException">Wrong magic number, invalid header, truncated or corrupt file.</exception>
    public static byte[] ReadLabels(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using IdxReader reader = IdxReader.Open(path, LabelMagic, 1, "label");
        var labels = new byte[reader.Dims[0]];
        reader.ReadExactly(labels, $"labels 0 to {labels.Length - 1}");
        return labels;
    }

    /// <summary>
    /// Caffe's <c>convert_mnist_data</c>: streams an IDX image file and an IDX label file into a new database at
    /// <paramref name="dbPath"/> (backend <c>lmdb</c> or <c>leveldb</c>), one 1×rows×cols <see cref="Datum"/> of raw
    /// bytes per item, keyed by the item index written as <c>%08d</c>. Logs the item count and size as Caffe does.
    /// The database appears only when every item was written (see <see cref="DbWriter"/>).
    /// </summary>
    /// <returns>The number of items written.</returns>
    /// <exception cref="ModelFormatException">Either file is wrong (magic, header, truncated, corrupt) or the counts differ.</exception>
    /// <exception cref="IOException">The database path already exists.</exception>
    public static int Convert(string imageFile, string labelFile, string dbPath, string backend = "lmdb")
    {
        ArgumentNullException.ThrowIfNull(backend);
        Db.ParseBackend(backend);
        using IdxReader images = IdxReader.Open(imageFile, ImageMagic, 3, "image");
        using IdxReader labels = IdxReader.Open(labelFile, LabelMagic, 1, "label");
        int count = images.Dims[0], rows = images.Dims[1], cols = images.Dims[2];
        if (count != labels.Dims[0])
            throw new ModelFormatException(imageFile, $"{count} images but {labelFile} has {labels.Dims[0]} labels.");
        CaffeLog.Info($"A total of {count} items.");
        CaffeLog.Info($"Rows: {rows} Cols: {cols}");
        var label = new byte[1];
        WriteDatums(dbPath, backend, count, rows, cols, (item, pixels) =>
        {
            images.ReadExactly(pixels, $"image {item}");
            labels.ReadExactly(label, $"label {item}");
            return label[0];
        });
        CaffeLog.Info($"Processed {count} files.");
        return count;
    }

    /// <summary>
    /// Writes images and labels held in memory into a new database, exactly as <see cref="Convert"/> writes the
    /// items of IDX files (for data made by a program, such as synthetic test digits).
    /// </summary>
    /// <exception cref="ArgumentException">The label count differs from the image count.</exception>
    /// <exception cref="IOException">The database path already exists.</exception>
    public static void Write(string dbPath, string backend, IdxImages images, IReadOnlyList<byte> labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != images.Count)
            throw new ArgumentException($"{images.Count} images but {labels.Count} labels.", nameof(labels));
        WriteDatums(dbPath, backend, images.Count, images.Rows, images.Cols, (item, pixels) =>
        {
            images.Image(item).CopyTo(pixels);
            return labels[item];
        });
    }

    /// <summary>Writes images as an IDX image file, gzip-compressed when <paramref name="gzip"/> is true.</summary>
    public static void WriteImages(string path, IdxImages images, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(images);
        WriteIdx(path, ImageMagic, [images.Count, images.Rows, images.Cols], images.Pixels, gzip);
    }

    /// <summary>Writes labels as an IDX label file, gzip-compressed when <paramref name="gzip"/> is true.</summary>
    public static void WriteLabels(string path, IReadOnlyList<byte> labels, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(labels);
        WriteIdx(path, LabelMagic, [labels.Count], [.. labels], gzip);
    }

    private static void WriteDatums(string dbPath, string backend, int count, int rows, int cols, Func<int, byte[], byte> readItem)
    {
        using DbWriter db = DbWriter.Create(backend, dbPath);
        var pixels = new byte[rows * cols];
        var datum = new Datum { Channels = 1, Height = rows, Width = cols };
        for (int item = 0; item < count; item++)
        {
            datum.Label = readItem(item, pixels);
            datum.Data = ByteString.CopyFrom(pixels);
            db.Put(item.ToString("D8", CultureInfo.InvariantCulture), datum.ToByteArray());
            if ((item + 1) % CommitEvery == 0) db.Commit();
        }
        db.Close();
    }

    private static void WriteIdx(string path, int magic, int[] dims, byte[] payload, bool gzip)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var header = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        AtomicFile.Write(path, file =>
        {
            if (!gzip)
            {
                file.Write(header);
                file.Write(payload);
                return;
            }
            using var compressed = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true);
            compressed.Write(header);
            compressed.Write(payload);
        });
    }
}
