using System.Globalization;
using Google.Protobuf;

namespace Caffe;

/// <summary>
/// The pair database of Caffe's siamese example (<c>examples/siamese/convert_mnist_siamese_data</c>; the
/// <c>caffe convert_mnist_siamese_data</c> command calls <see cref="Convert"/>): as many items as the dataset has
/// pictures, each a <see cref="Datum"/> of 2×rows×cols raw bytes holding two pictures drawn at random (with
/// replacement) as its two channels, labelled 1 when their classes are the same and 0 otherwise. A Slice layer
/// splits the channels back into the two inputs of the siamese net. Caffe draws with its unseeded global generator;
/// here a seed makes the database repeatable.
/// </summary>
public static class SiamesePairs
{
    /// <summary>The seed used when none is given.</summary>
    public const int DefaultSeed = 1701;

    // As convert_mnist_data, a transaction is committed every 1000 items.
    private const int CommitEvery = 1000;

    /// <summary>
    /// Reads an IDX image file and an IDX label file (plain or gzip) and writes their pair database to
    /// <paramref name="dbPath"/>: one pair per picture, keyed by the item index as <c>%08d</c>. The database appears
    /// only when every pair was written. Caffe's tool writes LevelDB only, the backend its train/test net reads by
    /// default; <c>lmdb</c> is accepted too.
    /// </summary>
    /// <returns>The number of pairs written.</returns>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="ModelFormatException">Either file is wrong (magic, header, truncated, corrupt) or the counts differ.</exception>
    /// <exception cref="IOException">The database path already exists.</exception>
    public static int Convert(string imageFile, string labelFile, string dbPath, string backend = "leveldb", int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Db.ParseBackend(backend);
        IdxImages images = MnistIdx.ReadImages(imageFile);
        byte[] labels = MnistIdx.ReadLabels(labelFile);
        if (images.Count != labels.Length)
            throw new ModelFormatException(imageFile, $"{images.Count} images but {labelFile} has {labels.Length} labels.");
        CaffeLog.Info($"A total of {images.Count} items.");
        CaffeLog.Info($"Rows: {images.Rows} Cols: {images.Cols}");
        Write(dbPath, backend, images, labels, images.Count, seed);
        CaffeLog.Info($"Processed {images.Count} pairs.");
        return images.Count;
    }

    /// <summary>
    /// The pairs <see cref="Write"/> draws for <paramref name="pairCount"/> items out of <paramref name="itemCount"/>
    /// pictures with <paramref name="seed"/>: the indices of the first and second picture of each pair.
    /// </summary>
    public static (int First, int Second)[] Draw(int itemCount, int pairCount, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pairCount);
        if (itemCount <= 0 && pairCount > 0)
            throw new ArgumentException($"Cannot draw {pairCount} pairs out of {itemCount} pictures.", nameof(itemCount));
        var random = new Random(seed);
        var pairs = new (int, int)[pairCount];
        for (int item = 0; item < pairCount; item++) pairs[item] = (random.Next(itemCount), random.Next(itemCount));
        return pairs;
    }

    /// <summary>
    /// Writes <paramref name="pairCount"/> pairs of pictures held in memory into a new database, as
    /// <see cref="Convert"/> does with the pictures of IDX files (for data made by a program, and for fewer pairs).
    /// </summary>
    /// <exception cref="ArgumentException">The label count differs from the image count, or there are no pictures to pair.</exception>
    /// <exception cref="IOException">The database path already exists.</exception>
    public static void Write(string dbPath, string backend, IdxImages images, IReadOnlyList<byte> labels, int pairCount, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != images.Count)
            throw new ArgumentException($"{images.Count} images but {labels.Count} labels.", nameof(labels));
        (int First, int Second)[] pairs = Draw(images.Count, pairCount, seed);

        int size = images.Rows * images.Cols;
        var pixels = new byte[2 * size];
        var datum = new Datum { Channels = 2, Height = images.Rows, Width = images.Cols };
        using DbWriter db = DbWriter.Create(backend, dbPath);
        for (int item = 0; item < pairs.Length; item++)
        {
            (int first, int second) = pairs[item];
            images.Image(first).CopyTo(pixels);
            images.Image(second).CopyTo(pixels.AsSpan(size));
            datum.Data = ByteString.CopyFrom(pixels);
            datum.Label = labels[first] == labels[second] ? 1 : 0;
            db.Put(item.ToString("D8", CultureInfo.InvariantCulture), datum.ToByteArray());
            if ((item + 1) % CommitEvery == 0) db.Commit();
        }
        db.Close();
    }
}
