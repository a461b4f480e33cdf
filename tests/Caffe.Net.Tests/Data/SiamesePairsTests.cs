using static Caffe.Tests.Cli.CliRunner;

namespace Caffe.Tests.Data;

/// <summary>
/// <see cref="SiamesePairs"/> and <c>caffe convert_mnist_siamese_data</c>: pairs of pictures stacked as two channels,
/// labelled by whether their classes match, repeatable under a seed, and broken input reported without leaving a
/// database behind.
/// </summary>
[TestClass]
public sealed class SiamesePairsTests
{
    private TempDir _dir = null!;

    [TestInitialize]
    public void Init() => _dir = new TempDir("caffe-siamese-pairs-");

    [TestCleanup]
    public void Cleanup() => _dir.Dispose();

    // Nine 3×4 pictures; every pixel of picture k is 10k + (pixel index % 3), so each channel says which picture it is.
    // Labels 0, 1, 2, 0, 1, 2, ...
    private static (IdxImages Images, byte[] Labels) NinePictures()
    {
        var pixels = new byte[9 * 12];
        for (int k = 0; k < 9; k++)
            for (int p = 0; p < 12; p++) pixels[k * 12 + p] = (byte)(10 * k + p % 3);
        return (new IdxImages(9, 3, 4, pixels), [.. Enumerable.Range(0, 9).Select(k => (byte)(k % 3))]);
    }

    private (string Images, string Labels) IdxFiles(bool gzip)
    {
        (IdxImages images, byte[] labels) = NinePictures();
        string imageFile = _dir.File("images-idx3-ubyte" + (gzip ? ".gz" : "")), labelFile = _dir.File("labels-idx1-ubyte" + (gzip ? ".gz" : ""));
        MnistIdx.WriteImages(imageFile, images, gzip);
        MnistIdx.WriteLabels(labelFile, labels, gzip);
        return (imageFile, labelFile);
    }

    // Checks every record against the pictures and the pairs drawn with the seed; returns the similarity labels.
    private static int[] CheckPairs(string db, string backend, int pairCount, int seed)
    {
        (IdxImages images, byte[] labels) = NinePictures();
        List<(string Key, byte[] Value)> records = DataTestSupport.ReadAll(db, Db.ParseBackend(backend));
        Assert.HasCount(pairCount, records);
        (int First, int Second)[] pairs = SiamesePairs.Draw(images.Count, pairCount, seed);
        var similar = new int[pairCount];
        for (int item = 0; item < pairCount; item++)
        {
            Assert.AreEqual(item.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), records[item].Key);
            Datum datum = Datum.Parser.ParseFrom(records[item].Value);
            CollectionAssert.AreEqual(new[] { 2, 3, 4 }, new[] { datum.Channels, datum.Height, datum.Width });
            byte[] data = datum.Data.ToByteArray();
            (int first, int second) = pairs[item];
            CollectionAssert.AreEqual(images.Image(first).ToArray(), data[..12], $"pair {item}: channel 0 is picture {first}");
            CollectionAssert.AreEqual(images.Image(second).ToArray(), data[12..], $"pair {item}: channel 1 is picture {second}");
            Assert.AreEqual(labels[first] == labels[second] ? 1 : 0, datum.Label, $"pair {item} ({first}, {second})");
            similar[item] = datum.Label;
        }
        return similar;
    }

    [TestMethod]
    [DataRow("leveldb", false)]
    [DataRow("lmdb", true)]
    public void ConvertWritesOnePairPerPictureConsistentWithTheLabels(string backend, bool gzip)
    {
        (string images, string labels) = IdxFiles(gzip);
        string db = _dir.File("pairs");
        Assert.AreEqual(9, SiamesePairs.Convert(images, labels, db, backend, seed: 5));
        CheckPairs(db, backend, 9, seed: 5);
    }

    [TestMethod]
    public void BothLabelsOccurAndTheDrawIsUniformOverThePictures()
    {
        (IdxImages images, byte[] labels) = NinePictures();
        string db = _dir.File("pairs");
        SiamesePairs.Write(db, "lmdb", images, labels, pairCount: 300, seed: 3);
        int[] similar = CheckPairs(db, "lmdb", 300, seed: 3);
        // Three balanced classes: about a third of the pairs match.
        Assert.IsInRange(60, 140, similar.Sum());
        (int First, int Second)[] pairs = SiamesePairs.Draw(9, 300, 3);
        foreach (int picture in Enumerable.Range(0, 9))
            Assert.IsGreaterThan(0, pairs.Count(p => p.First == picture || p.Second == picture), $"picture {picture} is drawn");
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameDatabaseAndAnotherSeedAnother()
    {
        (IdxImages images, byte[] labels) = NinePictures();
        SiamesePairs.Write(_dir.File("a"), "leveldb", images, labels, 50, seed: 11);
        SiamesePairs.Write(_dir.File("b"), "leveldb", images, labels, 50, seed: 11);
        SiamesePairs.Write(_dir.File("c"), "leveldb", images, labels, 50, seed: 12);
        var a = DataTestSupport.ReadAll(_dir.File("a"), DataParameter.Types.DB.Leveldb);
        var b = DataTestSupport.ReadAll(_dir.File("b"), DataParameter.Types.DB.Leveldb);
        var c = DataTestSupport.ReadAll(_dir.File("c"), DataParameter.Types.DB.Leveldb);
        CollectionAssert.AreEqual(a.Select(r => Convert.ToHexString(r.Value)).ToArray(), b.Select(r => Convert.ToHexString(r.Value)).ToArray());
        CollectionAssert.AreNotEqual(a.Select(r => Convert.ToHexString(r.Value)).ToArray(), c.Select(r => Convert.ToHexString(r.Value)).ToArray());
        CollectionAssert.AreEqual(SiamesePairs.Draw(9, 50, 11), SiamesePairs.Draw(9, 50, 11));
    }

    [TestMethod]
    public void BrokenInputIsReportedAndLeavesNoDatabase()
    {
        (string images, string labels) = IdxFiles(gzip: false);
        var e = Assert.ThrowsExactly<ModelFormatException>(() => SiamesePairs.Convert(labels, images, _dir.File("swapped")));
        StringAssert.Contains(e.Message, "incorrect image file magic 2049");

        byte[] bytes = File.ReadAllBytes(images);
        string truncated = _dir.File("truncated-idx3-ubyte");
        File.WriteAllBytes(truncated, bytes[..^5]);
        e = Assert.ThrowsExactly<ModelFormatException>(() => SiamesePairs.Convert(truncated, labels, _dir.File("db1")));
        StringAssert.Contains(e.Message, truncated);
        StringAssert.Contains(e.Message, "truncated");

        string fewer = _dir.File("fewer-idx1-ubyte");
        MnistIdx.WriteLabels(fewer, [1, 2, 3]);
        e = Assert.ThrowsExactly<ModelFormatException>(() => SiamesePairs.Convert(images, fewer, _dir.File("db2")));
        StringAssert.Contains(e.Message, "9 images but");

        Assert.ThrowsExactly<FileNotFoundException>(() => SiamesePairs.Convert(_dir.File("none"), labels, _dir.File("db3")));
        Assert.ThrowsExactly<ArgumentException>(() => SiamesePairs.Convert(images, labels, _dir.File("db4"), "rocksdb"));
        foreach (string name in new[] { "swapped", "db1", "db2", "db3", "db4" })
            Assert.IsFalse(Directory.Exists(_dir.File(name)), $"{name} was not created");

        string db = _dir.File("pairs");
        SiamesePairs.Convert(images, labels, db);
        Assert.ThrowsExactly<IOException>(() => SiamesePairs.Convert(images, labels, db));
        Assert.ThrowsExactly<ArgumentException>(() => SiamesePairs.Write(_dir.File("empty"), "lmdb", new IdxImages(0, 3, 4, []), [], 1));
    }

    [TestMethod]
    public void TheCommandWritesLevelDbByDefaultAndTakesBackendAndSeed()
    {
        (string images, string labels) = IdxFiles(gzip: true);
        (int code, _, string stderr) = Run("convert_mnist_siamese_data", images, labels, _dir.File("default"));
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stderr, "A total of 9 items.");
        StringAssert.Contains(stderr, "Rows: 3 Cols: 4");
        CheckPairs(_dir.File("default"), "leveldb", 9, SiamesePairs.DefaultSeed);

        (code, _, stderr) = Run("convert_mnist_siamese_data", "-backend", "lmdb", "-seed", "7", images, labels, _dir.File("lmdb"));
        Assert.AreEqual(0, code, stderr);
        CheckPairs(_dir.File("lmdb"), "lmdb", 9, seed: 7);

        (code, _, stderr) = Run("convert_mnist_siamese_data", labels, images, _dir.File("swapped"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, $"caffe: error: {labels}: incorrect image file magic 2049 (expected 2051)");
        Assert.IsFalse(Directory.Exists(_dir.File("swapped")));
    }
}
