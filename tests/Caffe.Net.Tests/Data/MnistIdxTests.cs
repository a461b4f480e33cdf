using System.IO.Compression;

namespace Caffe.Tests.Data;

/// <summary>
/// <see cref="MnistIdx"/>: IDX files read and written, plain and gzip, converted into databases as Caffe's
/// convert_mnist_data does, and every broken file reported with its name.
/// </summary>
[TestClass]
public sealed class MnistIdxTests
{
    private TempDir _dir = null!;

    [TestInitialize]
    public void Init() => _dir = new TempDir("caffe-mnist-idx-");

    [TestCleanup]
    public void Cleanup() => _dir.Dispose();

    // Four 2×3 images whose pixels are item*6 + index, labelled 7 - item.
    private static IdxImages FourImages() => new(4, 2, 3, [.. Enumerable.Range(0, 24).Select(i => (byte)i)]);

    private static readonly byte[] FourLabels = [7, 6, 5, 4];

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ImagesAndLabelsRoundTrip(bool gzip)
    {
        string images = _dir.File("images"), labels = _dir.File("labels");
        MnistIdx.WriteImages(images, FourImages(), gzip);
        MnistIdx.WriteLabels(labels, FourLabels, gzip);
        byte[] head = File.ReadAllBytes(images)[..2];
        Assert.AreEqual(gzip, head[0] == 0x1f && head[1] == 0x8b, "gzip magic bytes");

        IdxImages read = MnistIdx.ReadImages(images);
        Assert.AreEqual((4, 2, 3), (read.Count, read.Rows, read.Cols));
        CollectionAssert.AreEqual(FourImages().Pixels, read.Pixels);
        CollectionAssert.AreEqual(new byte[] { 12, 13, 14, 15, 16, 17 }, read.Image(2).ToArray());
        CollectionAssert.AreEqual(FourLabels, MnistIdx.ReadLabels(labels));
    }

    [TestMethod]
    public void TheHeaderIsBigEndianAsInTheMnistFiles()
    {
        string path = _dir.File("images");
        MnistIdx.WriteImages(path, FourImages());
        byte[] bytes = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 3 }, bytes[..16]);
        Assert.AreEqual(16 + 24, bytes.Length);
    }

    [TestMethod]
    [DataRow("lmdb", true)]
    [DataRow("leveldb", false)]
    public void ConvertWritesOneRawDatumPerItem(string backend, bool gzip)
    {
        string images = _dir.File("images"), labels = _dir.File("labels"), db = _dir.File("db");
        MnistIdx.WriteImages(images, FourImages(), gzip);
        MnistIdx.WriteLabels(labels, FourLabels, gzip);
        Assert.AreEqual(4, MnistIdx.Convert(images, labels, db, backend));
        AssertDatabaseHoldsFourImages(db, backend);
    }

    [TestMethod]
    public void WriteFromMemoryEqualsConvert()
    {
        string db = _dir.File("db");
        MnistIdx.Write(db, "lmdb", FourImages(), FourLabels);
        AssertDatabaseHoldsFourImages(db, "lmdb");
        Assert.ThrowsExactly<ArgumentException>(() => MnistIdx.Write(_dir.File("other"), "lmdb", FourImages(), [1, 2]));
        Assert.ThrowsExactly<IOException>(() => MnistIdx.Write(db, "lmdb", FourImages(), FourLabels), "an existing database is never overwritten");
    }

    private static void AssertDatabaseHoldsFourImages(string db, string backend)
    {
        List<(string Key, byte[] Value)> records = DataTestSupport.ReadAll(db, Db.ParseBackend(backend));
        CollectionAssert.AreEqual(new[] { "00000000", "00000001", "00000002", "00000003" }, records.Select(r => r.Key).ToArray());
        for (int item = 0; item < 4; item++)
        {
            Datum datum = Datum.Parser.ParseFrom(records[item].Value);
            Assert.AreEqual(7 - item, datum.Label);
            Assert.AreEqual((1, 2, 3), (datum.Channels, datum.Height, datum.Width));
            CollectionAssert.AreEqual(Enumerable.Range(item * 6, 6).Select(i => (byte)i).ToArray(), datum.Data.ToByteArray());
            Assert.IsFalse(datum.Encoded);
        }
    }

    [TestMethod]
    public void TruncatedFilesNameTheFileAndTheItem()
    {
        string images = _dir.File("images"), labels = _dir.File("labels");
        MnistIdx.WriteImages(images, FourImages());
        MnistIdx.WriteLabels(labels, FourLabels);
        byte[] bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..^4]);

        var e = Assert.ThrowsExactly<ModelFormatException>(() => MnistIdx.ReadImages(images));
        Assert.AreEqual(images, e.FileName);
        StringAssert.Contains(e.Message, "the file is truncated: image 3 is incomplete (2 of 6 bytes)");
        string db = _dir.File("db");
        e = Assert.ThrowsExactly<ModelFormatException>(() => MnistIdx.Convert(images, labels, db));
        StringAssert.Contains(e.Message, "image 3 is incomplete");
        Assert.IsFalse(Directory.Exists(db), "a failed conversion leaves no database behind");
        Assert.IsEmpty(Directory.GetFileSystemEntries(_dir.Path).Where(p => p.EndsWith(".tmp", StringComparison.Ordinal)).ToArray());

        File.WriteAllBytes(images, bytes[..10]);
        e = Assert.ThrowsExactly<ModelFormatException>(() => MnistIdx.ReadImages(images));
        StringAssert.Contains(e.Message, "dimension 1 is incomplete");
        File.WriteAllBytes(labels, File.ReadAllBytes(labels)[..^1]);
        e = Assert.ThrowsExactly<ModelFormatException>(() => MnistIdx.ReadLabels(labels));
        StringAssert.Contains(e.Message, $"{labels}: the file is truncated");
    }

    [TestMethod]
    public void CorruptGzipAndWrongHeadersAreReported()
    {
        string images = _dir.File("images.gz"), labels = _dir.File("labels.gz");
        MnistIdx.WriteImages(images, FourImages(), gzip: true);
        MnistIdx.WriteLabels(labels, FourLabels, gzip: true);

        // Bytes flipped inside the deflate stream.
        byte[] gz = File.ReadAllBytes(images);
        for (int i = 12; i < gz.Length - 8; i++) gz[i] ^= 0x5a;
        string corrupt = _dir.File("corrupt.gz");
        File.WriteAllBytes(corrupt, gz);
        var e = Assert.ThrowsExactly<ModelFormatException>(() => MnistIdx.ReadImages(corrupt));
        Assert.AreEqual(corrupt, e.FileName);

        e = Assert.ThrowsExactly<ModelFormatException>(() => MnistIdx.ReadImages(labels));
        StringAssert.Contains(e.Message, "incorrect image file magic 2049 (expected 2051)");
        e = Assert.ThrowsExactly<ModelFormatException>(() => MnistIdx.ReadLabels(images));
        StringAssert.Contains(e.Message, "incorrect label file magic 2051 (expected 2049)");

        string three = _dir.File("three");
        MnistIdx.WriteLabels(three, [1, 2, 3]);
        e = Assert.ThrowsExactly<ModelFormatException>(() => MnistIdx.Convert(images, three, _dir.File("db")));
        StringAssert.Contains(e.Message, $"4 images but {three} has 3 labels");

        string negative = _dir.File("negative");
        File.WriteAllBytes(negative, DataTestSupport.Idx(2051, [-1, 28, 28], []));
        e = Assert.ThrowsExactly<ModelFormatException>(() => MnistIdx.ReadImages(negative));
        StringAssert.Contains(e.Message, "invalid header");

        Assert.ThrowsExactly<FileNotFoundException>(() => MnistIdx.ReadImages(_dir.File("missing")));
        Assert.ThrowsExactly<ArgumentException>(() => MnistIdx.Convert(images, labels, _dir.File("db"), "rocksdb"));
    }

    [TestMethod]
    public void ReadsGzipFilesWrittenByOtherTools()
    {
        // A gzip file written in one go by another tool: header and payload compressed together.
        string path = _dir.File("labels.gz");
        byte[] plain = DataTestSupport.Idx(2049, [3], [9, 8, 7]);
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
            gzip.Write(plain);
        CollectionAssert.AreEqual(new byte[] { 9, 8, 7 }, MnistIdx.ReadLabels(path));
    }
}
