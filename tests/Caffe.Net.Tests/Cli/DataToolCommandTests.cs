using System.IO.Compression;
using Caffe.Tests.Data;
using static Caffe.Tests.Cli.CliRunner;

namespace Caffe.Tests.Cli;

/// <summary>
/// <c>caffe convert_imageset</c>, <c>compute_image_mean</c> and <c>convert_mnist_data</c> run in-process on images and
/// IDX files generated here, with gflags spellings, then read back through the databases and the Data layer.
/// </summary>
[TestClass]
public sealed class DataToolCommandTests
{
    private TempDir _dir = null!;

    [TestInitialize]
    public void SetUp() => _dir = new TempDir();

    [TestCleanup]
    public void TearDown() => _dir.Dispose();

    // Three small BGR images of different sizes with known pixels, and their list.
    private (string Root, string List, NdArray[] Images) ImageSet(bool sameSize = false)
    {
        string root = Path.Combine(_dir.Path, "images") + "/";
        Directory.CreateDirectory(root);
        string[] names = ["a.png", "b.png", "c d.png"];
        var images = new NdArray[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            int height = sameSize ? 4 : 4 + i, width = sameSize ? 6 : 6 - i;
            var image = new NdArray(height, width, 3);
            for (int j = 0; j < image.Count; j++) image.Data[j] = (j * 11 + i * 50) % 256;
            File.WriteAllBytes(root + names[i], ImageCodec.Encode(image, "png"));
            images[i] = image;
        }
        string list = _dir.File("list.txt");
        File.WriteAllLines(list, names.Select((n, i) => $"{n} {i + 3}"));
        return (root, list, images);
    }

    [TestMethod]
    public void ConvertImagesetWritesRawDatumsKeyedByLine()
    {
        (string root, string list, NdArray[] images) = ImageSet();
        string db = _dir.File("lmdb");
        (int code, string stdout, string stderr) = Run("convert_imageset", root, list, db);
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual("", stdout);
        StringAssert.Contains(stderr, "A total of 3 images.");
        StringAssert.Contains(stderr, "Processed 3 files.");
        List<(string Key, byte[] Value)> records = DataTestSupport.ReadAll(db, DataParameter.Types.DB.Lmdb);
        CollectionAssert.AreEqual(new[] { "00000000_a.png", "00000001_b.png", "00000002_c d.png" }, records.Select(r => r.Key).ToArray());
        for (int i = 0; i < 3; i++)
        {
            Datum datum = Datum.Parser.ParseFrom(records[i].Value);
            Assert.IsFalse(datum.Encoded);
            Assert.AreEqual(i + 3, datum.Label);
            CollectionAssert.AreEqual(new[] { 3, images[i].Shape[0], images[i].Shape[1] }, new[] { datum.Channels, datum.Height, datum.Width });
            NdArray chw = Caffe.IO.DatumToArray(datum);
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < datum.Height; h++)
                    for (int w = 0; w < datum.Width; w++)
                        Assert.AreEqual(images[i][h, w, c], chw[c, h, w]);
        }
    }

    [TestMethod]
    public void ConvertImagesetGflagsSpellingsResizeGrayAndLevelDb()
    {
        (string root, string list, _) = ImageSet();
        string db = _dir.File("leveldb");
        (int code, _, string stderr) = Run("convert_imageset", "-resize_height=5", "--resize_width", "7", "-gray", "-backend=leveldb", "-shuffle", root, list, db);
        Assert.AreEqual(0, code, stderr);
        List<(string Key, byte[] Value)> records = DataTestSupport.ReadAll(db, DataParameter.Types.DB.Leveldb);
        Assert.HasCount(3, records);
        CollectionAssert.AreEquivalent(new[] { "a.png", "b.png", "c d.png" }, records.Select(r => r.Key[9..]).ToArray());
        foreach ((_, byte[] value) in records)
        {
            Datum datum = Datum.Parser.ParseFrom(value);
            CollectionAssert.AreEqual(new[] { 1, 5, 7 }, new[] { datum.Channels, datum.Height, datum.Width });
            Assert.AreEqual(35, datum.Data.Length);
        }
    }

    [TestMethod]
    public void ConvertImagesetEncodedKeepsTheFileOrReencodes()
    {
        (string root, string list, NdArray[] images) = ImageSet();
        string db = _dir.File("encoded");
        (int code, _, string stderr) = Run("convert_imageset", "--encoded", root, list, db);
        Assert.AreEqual(0, code, stderr);
        List<(string Key, byte[] Value)> records = DataTestSupport.ReadAll(db, DataParameter.Types.DB.Lmdb);
        Datum first = Datum.Parser.ParseFrom(records[0].Value);
        Assert.IsTrue(first.Encoded);
        CollectionAssert.AreEqual(File.ReadAllBytes(root + "a.png"), first.Data.ToByteArray(), "the PNG file itself is stored");

        string resized = _dir.File("encoded-resized");
        (code, _, stderr) = Run("convert_imageset", "-encode_type", "png", "-resize_height", "3", "-resize_width", "3", root, list, resized);
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stderr, "encode_type specified, assuming encoded=true.");
        Datum second = Datum.Parser.ParseFrom(DataTestSupport.ReadAll(resized, DataParameter.Types.DB.Lmdb)[1].Value);
        Assert.IsTrue(second.Encoded);
        NdArray decoded = DatumIO.DecodeToImage(second, ImageColorMode.Native);
        CollectionAssert.AreEqual(new[] { 3, 3, 3 }, decoded.Shape.ToArray());
        CollectionAssert.AreEqual(ImageCodec.Resize(images[1], 3, 3).Data, decoded.Data);
    }

    [TestMethod]
    public void ConvertImagesetSkipsUnreadableImagesAndStopsOnBadLabels()
    {
        (string root, string list, _) = ImageSet();
        File.AppendAllLines(list, ["missing.png 9"]);
        string db = _dir.File("db1");
        (int code, _, string stderr) = Run("convert_imageset", root, list, db);
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stderr, "Could not open or find file " + root + "missing.png");
        Assert.HasCount(3, DataTestSupport.ReadAll(db, DataParameter.Types.DB.Lmdb));

        File.AppendAllLines(list, ["a.png three"]);
        (code, _, stderr) = Run("convert_imageset", root, list, _dir.File("db2"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, $"caffe: error: {list}: line 5: the label 'three' is not an integer.");

        (code, _, stderr) = Run("convert_imageset", root, _dir.File("no-list.txt"), _dir.File("db3"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "no-list.txt");

        string goodList = _dir.File("good.txt");
        File.WriteAllLines(goodList, ["a.png 0"]);
        (code, _, stderr) = Run("convert_imageset", root, goodList, db);
        Assert.AreEqual(1, code, "an existing database is not overwritten");
        StringAssert.Contains(stderr, db);
    }

    [TestMethod]
    public void ConvertImagesetCheckSize()
    {
        (string root, string list, _) = ImageSet();
        (int code, _, string stderr) = Run("convert_imageset", "-check_size", root, list, _dir.File("db"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "line 2 (b.png): incorrect data field size");
        (root, list, _) = ImageSet(sameSize: true);
        (code, _, stderr) = Run("convert_imageset", "-check_size", root, list, _dir.File("db-same"));
        Assert.AreEqual(0, code, stderr);
    }

    [TestMethod]
    public void ComputeImageMeanAveragesEveryDatum()
    {
        (string root, string list, NdArray[] images) = ImageSet(sameSize: true);
        string db = _dir.File("db");
        Assert.AreEqual(0, Run("convert_imageset", "-backend", "leveldb", root, list, db).Code);
        string meanFile = _dir.File("mean.binaryproto");
        (int code, string stdout, string stderr) = Run("compute_image_mean", "-backend=leveldb", db, meanFile);
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual("", stdout);
        BlobProto mean = ProtoIO.ReadProtoFromBinaryFile(BlobProto.Parser, meanFile);
        CollectionAssert.AreEqual(new[] { 1, 3, 4, 6 }, new[] { mean.Num, mean.Channels, mean.Height, mean.Width });
        var channelMeans = new double[3];
        for (int c = 0; c < 3; c++)
            for (int h = 0; h < 4; h++)
                for (int w = 0; w < 6; w++)
                {
                    float expected = (images[0][h, w, c] + images[1][h, w, c] + images[2][h, w, c]) / 3f;
                    Assert.AreEqual(expected, mean.Data[(c * 4 + h) * 6 + w], 1e-4f);
                    channelMeans[c] += expected / 24;
                }
        StringAssert.Contains(stderr, "Number of channels: 3");
        for (int c = 0; c < 3; c++)
        {
            string line = stderr.Split('\n').Single(l => l.Contains($"mean_value channel [{c}]:"));
            double logged = double.Parse(line[(line.IndexOf("]:", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.AreEqual(channelMeans[c], logged, 1e-3);
        }
        // The mean plugs into a Data layer's transform_param and centres the data.
        var transformer = new DataTransformer(TextFormat.Parse<TransformationParameter>($"mean_file: '{meanFile}'"), Phase.Test);
        Assert.AreEqual(1, transformer.Mean!.Num);
    }

    [TestMethod]
    public void ComputeImageMeanOfEncodedDatumsAndWithoutOutput()
    {
        (string root, string list, _) = ImageSet(sameSize: true);
        string db = _dir.File("db");
        Assert.AreEqual(0, Run("convert_imageset", "-encoded", root, list, db).Code);
        (int code, _, string stderr) = Run("compute_image_mean", db);
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stderr, "Decoding Datum");
        StringAssert.Contains(stderr, "mean_value channel [2]:");
        Assert.IsFalse(stderr.Contains("Write to"));
    }

    [TestMethod]
    public void ComputeImageMeanErrors()
    {
        (int code, _, string stderr) = Run("compute_image_mean", _dir.File("none"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, _dir.File("none"));
        string db = _dir.File("mixed");
        DataTestSupport.WriteDatums(db, DataParameter.Types.DB.Lmdb,
            [DataTestSupport.RawDatum(0, 1, 2, 2, j => j), DataTestSupport.RawDatum(0, 1, 3, 2, j => j)]);
        (code, _, stderr) = Run("compute_image_mean", db);
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "key '1'");
        StringAssert.Contains(stderr, "incorrect data field size 6");
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    // Five 3x4 "digits" whose pixels are item*12 + index, labelled 9 - item.
    private (string Images, string Labels) MnistPair(bool gzip, string prefix = "")
    {
        byte[] pixels = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray();
        byte[] labels = Enumerable.Range(0, 5).Select(i => (byte)(9 - i)).ToArray();
        byte[] images = DataTestSupport.Idx(2051, [5, 3, 4], pixels), labelFile = DataTestSupport.Idx(2049, [5], labels);
        string imagePath = _dir.File(prefix + "images-idx3-ubyte" + (gzip ? ".gz" : ""));
        string labelPath = _dir.File(prefix + "labels-idx1-ubyte" + (gzip ? ".gz" : ""));
        File.WriteAllBytes(imagePath, gzip ? Gzip(images) : images);
        File.WriteAllBytes(labelPath, gzip ? Gzip(labelFile) : labelFile);
        return (imagePath, labelPath);
    }

    [TestMethod]
    [DataRow(false, "lmdb")]
    [DataRow(true, "leveldb")]
    public void ConvertMnistDataPlainAndGzip(bool gzip, string backend)
    {
        (string images, string labels) = MnistPair(gzip);
        string db = _dir.File("mnist");
        (int code, _, string stderr) = Run("convert_mnist_data", images, labels, db, $"--backend={backend}");
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stderr, "A total of 5 items.");
        StringAssert.Contains(stderr, "Rows: 3 Cols: 4");
        StringAssert.Contains(stderr, "Processed 5 files.");
        List<(string Key, byte[] Value)> records = DataTestSupport.ReadAll(db, Db.ParseBackend(backend));
        CollectionAssert.AreEqual(Enumerable.Range(0, 5).Select(i => $"0000000{i}").ToArray(), records.Select(r => r.Key).ToArray());
        for (int item = 0; item < 5; item++)
        {
            Datum datum = Datum.Parser.ParseFrom(records[item].Value);
            Assert.AreEqual(9 - item, datum.Label);
            CollectionAssert.AreEqual(new[] { 1, 3, 4 }, new[] { datum.Channels, datum.Height, datum.Width });
            CollectionAssert.AreEqual(Enumerable.Range(item * 12, 12).Select(i => (byte)i).ToArray(), datum.Data.ToByteArray());
        }
        // LeNet's data layer reads it back, scaled by 1/256 as in examples/mnist.
        var layer = new DataLayer(LayerTesting.Param(
            $"name: 'mnist' type: 'Data' data_param {{ source: '{db}' backend: {backend.ToUpperInvariant()} batch_size: 5 }} transform_param {{ scale: 0.00390625 }}"));
        var data = new Blob();
        var label = new Blob();
        layer.SetUp([], [data, label]);
        try
        {
            layer.Forward([], [data, label]);
            CollectionAssert.AreEqual(new[] { 5, 1, 3, 4 }, data.Shape.ToArray());
            Assert.AreEqual(59 / 256f, data.Data[59]);
            CollectionAssert.AreEqual(new[] { 9f, 8, 7, 6, 5 }, label.Data.ToArray());
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void ConvertMnistDataErrorsNameTheFile()
    {
        (string images, string labels) = MnistPair(gzip: false);
        (int code, _, string stderr) = Run("convert_mnist_data", labels, images, _dir.File("swapped"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, $"{labels}: incorrect image file magic 2049 (expected 2051)");

        byte[] bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..(bytes.Length - 5)]);
        (code, _, stderr) = Run("convert_mnist_data", images, labels, _dir.File("truncated"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, $"{images}: the file is truncated: image 4 is incomplete");

        (string gzImages, string gzLabels) = MnistPair(gzip: true, prefix: "gz-");
        byte[] gz = File.ReadAllBytes(gzLabels);
        File.WriteAllBytes(gzLabels, DataTestSupport.Idx(2049, [4], [1, 2, 3, 4]));
        (code, _, stderr) = Run("convert_mnist_data", gzImages, gzLabels, _dir.File("counts"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "5 images but");
        File.WriteAllBytes(gzLabels, gz[..(gz.Length / 2)]);
        (code, _, stderr) = Run("convert_mnist_data", gzImages, gzLabels, _dir.File("cut-gzip"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, gzLabels);

        (code, _, stderr) = Run("convert_mnist_data", _dir.File("nope"), labels, _dir.File("none"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "Unable to open file");
        (code, _, stderr) = Run("convert_mnist_data", images, labels, _dir.File("x"), "-backend", "rocksdb");
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "rocksdb");
    }
}
