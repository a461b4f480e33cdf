using Caffe.Cli;
using LightningDB;

namespace Caffe.Tests.Inference;

/// <summary>extract_features: the library API and the CLI tool, read back from the LMDB it writes.</summary>
[TestClass]
public sealed class FeatureExtractorTests
{
    private const string Model = """
        name: "features"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
        layer { name: "bias" type: "Bias" bottom: "data" top: "out" }
        layer { name: "prob" type: "Softmax" bottom: "out" top: "prob" }
        """;

    private string _dir = "";

    [TestInitialize]
    public void CreateDirectory()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"caffe-features-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
    }

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private static Net NewNet()
    {
        var net = new Net(TextFormat.Parse<NetParameter>(Model));
        new float[] { 1, 2, 3 }.CopyTo(net.Params["bias"][0].Data);
        return net;
    }

    // Batch b fills item n with b·10 + n, so item k of "out" is k/2·10 + k%2 + (1, 2, 3).
    private static void Feed(Net net, int batch)
    {
        Span<float> data = net.Blobs["data"].Data;
        for (int i = 0; i < data.Length; i++) data[i] = batch * 10 + i / 3;
    }

    private static float[] ExpectedOut(int item) => [.. new[] { 1f, 2f, 3f }.Select(b => item / 2 * 10 + item % 2 + b)];

    private static List<(string Key, Datum Datum)> ReadLmdb(string path)
    {
        var records = new List<(string, Datum)>();
        using var environment = new LightningEnvironment(path);
        environment.Open(EnvironmentOpenFlags.ReadOnly);
        using LightningTransaction transaction = environment.BeginTransaction(TransactionBeginFlags.ReadOnly);
        using LightningDatabase database = transaction.OpenDatabase();
        using LightningCursor cursor = transaction.CreateCursor(database);
        while (true)
        {
            (MDBResultCode code, MDBValue key, MDBValue value) = cursor.Next();
            if (code != MDBResultCode.Success) break;
            records.Add((System.Text.Encoding.UTF8.GetString(key.AsSpan()), Datum.Parser.ParseFrom(value.AsSpan().ToArray())));
        }
        return records;
    }

    [TestMethod]
    public void ExtractsEveryItemOfEveryBatchInOrder()
    {
        Net net = NewNet();
        var seen = new List<(string Blob, int Index, float[] Values)>();
        FeatureExtractor.Extract(net, ["out", "prob"], 3, (blob, index, f) => seen.Add((blob, index, f.Data)), batch => Feed(net, batch));
        Assert.HasCount(12, seen);
        float[][] outs = seen.Where(s => s.Blob == "out").OrderBy(s => s.Index).Select(s => s.Values).ToArray();
        for (int k = 0; k < 6; k++) CollectionAssert.AreEqual(ExpectedOut(k), outs[k], $"item {k}");
        Assert.IsTrue(seen.Where(s => s.Blob == "prob").All(s => Math.Abs(s.Values.Sum() - 1) < 1e-5));

        IReadOnlyDictionary<string, NdArray> arrays = FeatureExtractor.ExtractToArrays(net, ["out"], 3, batch => Feed(net, batch));
        CollectionAssert.AreEqual(new[] { 6, 3 }, arrays["out"].Shape.ToArray());
        CollectionAssert.AreEqual(ExpectedOut(5), arrays["out"].Data.Skip(15).ToArray());

        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FeatureExtractor.Extract(net, ["fc7"], 1, (_, _, _) => { })).Message,
            "Unknown feature blob name 'fc7'");
    }

    [TestMethod]
    public void WritesOneDatumPerItemToLmdb()
    {
        Net net = NewNet();
        string db = Path.Combine(_dir, "out_lmdb");
        FeatureExtractor.ExtractToDb(net, ["out"], [db], 3, beforeBatch: batch => Feed(net, batch));
        List<(string Key, Datum Datum)> records = ReadLmdb(db);
        CollectionAssert.AreEqual(new[] { "0", "1", "2", "3", "4", "5" }, records.Select(r => r.Key).ToArray());
        foreach ((string key, Datum datum) in records)
        {
            Assert.AreEqual(1, datum.Channels);
            Assert.AreEqual(3, datum.Height);
            Assert.AreEqual(1, datum.Width);
            CollectionAssert.AreEqual(ExpectedOut(int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)), datum.FloatData.ToArray());
        }
        StringAssert.Contains(Assert.ThrowsExactly<IOException>(() => FeatureExtractor.ExtractToDb(net, ["out"], [db], 1)).Message, "already exists");
        string leveldb = Path.Combine(_dir, "out_leveldb");
        FeatureExtractor.ExtractToDb(net, ["out"], [leveldb], 3, "leveldb", beforeBatch: batch => Feed(net, batch));
        using (IDatabase written = Db.Open(leveldb, DataParameter.Types.DB.Leveldb, DbMode.Read))
        using (IDbCursor cursor = written.NewCursor())
        {
            var keys = new List<string>();
            for (; cursor.Valid; cursor.Next())
            {
                keys.Add(cursor.Key);
                CollectionAssert.AreEqual(ExpectedOut(int.Parse(cursor.Key, System.Globalization.CultureInfo.InvariantCulture)),
                    Datum.Parser.ParseFrom(cursor.Value).FloatData.ToArray());
            }
            CollectionAssert.AreEqual(new[] { "0", "1", "2", "3", "4", "5" }, keys);
        }
        Assert.ThrowsExactly<ArgumentException>(() => FeatureExtractor.ExtractToDb(net, ["out"], [Path.Combine(_dir, "x")], 1, "rocksdb"));
        Assert.IsFalse(Directory.EnumerateFileSystemEntries(_dir).Any(p => p.EndsWith(".tmp", StringComparison.Ordinal)), "no temporary left");
    }

    [TestMethod]
    public void CommandWritesLmdbAndNpy()
    {
        string modelPath = Path.Combine(_dir, "model.prototxt");
        string weightsPath = Path.Combine(_dir, "model.caffemodel");
        File.WriteAllText(modelPath, Model);
        NewNet().Save(weightsPath);

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string outDb = Path.Combine(_dir, "out_db"), probDb = Path.Combine(_dir, "prob_db");
        int code = Program.Run(["extract_features", weightsPath, modelPath, "out,prob", $"{outDb},{probDb}", "2", "lmdb", "CPU"], stdout, stderr);
        Assert.AreEqual(0, code, stderr.ToString());
        StringAssert.Contains(stderr.ToString(), "Successfully extracted the features!");
        List<(string Key, Datum Datum)> records = ReadLmdb(outDb);
        Assert.HasCount(4, records);
        // The Input blob stays zero: every item is the bias.
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, records[3].Datum.FloatData.ToArray());
        Assert.HasCount(4, ReadLmdb(probDb));

        string npy = Path.Combine(_dir, "out.npy");
        Assert.AreEqual(0, Program.Run(["extract_features", weightsPath, modelPath, "out", npy, "2", "--format", "npy"], stdout, stderr), stderr.ToString());
        NdArray array = Npy.Load(npy);
        CollectionAssert.AreEqual(new[] { 4, 3 }, array.Shape.ToArray());

        var err = new StringWriter();
        Assert.AreEqual(1, Program.Run(["extract_features", weightsPath, modelPath, "out,prob", outDb + "2", "1"], stdout, err));
        StringAssert.Contains(err.ToString(), "must be equal");
    }
}
