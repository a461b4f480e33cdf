using Google.Protobuf;

namespace Caffe.Tests.Data;

/// <summary>Caffe's test_data_layer.cpp on LevelDB and LMDB, plus rand_skip, prefetch and corrupt databases.</summary>
[TestClass]
public sealed class DataLayerTests
{
    public static IEnumerable<object[]> Backends => DataTestSupport.Backends.Select(b => new object[] { b });

    private TempDir _dir = null!;
    private string _source = "";

    [TestInitialize]
    public void SetUp()
    {
        _dir = new TempDir();
        _source = _dir.File("db");
    }

    [TestCleanup]
    public void TearDown() => _dir.Dispose();

    // Five 2x3x4 datums with label i; pixels j (unique) or i.
    private void Fill(bool uniquePixels, DataParameter.Types.DB backend) =>
        DataTestSupport.WriteDatums(_source, backend,
            Enumerable.Range(0, 5).Select(i => DataTestSupport.RawDatum(i, 2, 3, 4, j => uniquePixels ? j : i)));

    private LayerParameter Param(DataParameter.Types.DB backend, string extra = "", Phase phase = Phase.Train, int batchSize = 5,
                                 string dataExtra = "")
    {
        LayerParameter param = LayerTesting.Param(
            $"name: 'data' type: 'Data' data_param {{ batch_size: {batchSize} source: '{_source}' " +
            $"backend: {(backend == DataParameter.Types.DB.Lmdb ? "LMDB" : "LEVELDB")} {dataExtra} }} {extra}");
        param.Phase = phase;
        return param;
    }

    private static (DataLayer Layer, Blob Data, Blob Label) SetUp(LayerParameter param)
    {
        var layer = new DataLayer(param);
        var data = new Blob();
        var label = new Blob();
        layer.SetUp([], [data, label]);
        return (layer, data, label);
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void Read(DataParameter.Types.DB backend)
    {
        Fill(uniquePixels: false, backend);
        const float scale = 3;
        (DataLayer layer, Blob data, Blob label) = SetUp(Param(backend, "transform_param { scale: 3 }"));
        try
        {
            CollectionAssert.AreEqual(new[] { 5, 2, 3, 4 }, data.Shape.ToArray());
            CollectionAssert.AreEqual(new[] { 5 }, label.Shape.ToArray());
            for (int iter = 0; iter < 100; iter++)
            {
                layer.Forward([], [data, label]);
                for (int i = 0; i < 5; i++) Assert.AreEqual(i, label.Data[i]);
                for (int i = 0; i < 5; i++)
                    for (int j = 0; j < 24; j++)
                        Assert.AreEqual(scale * i, data.Data[i * 24 + j], $"iter {iter} i {i} j {j}");
            }
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void Reshape(DataParameter.Types.DB backend)
    {
        // Datums of varying shape, read one per batch.
        DataTestSupport.WriteDatums(_source, backend,
            Enumerable.Range(0, 5).Select(i => DataTestSupport.RawDatum(i, 2, i % 2 + 1, i % 4 + 1, j => j)));
        (DataLayer layer, Blob data, Blob label) = SetUp(Param(backend, batchSize: 1));
        try
        {
            Assert.AreEqual(1, data.Num);
            Assert.AreEqual(2, data.Channels);
            for (int iter = 0; iter < 5; iter++)
            {
                layer.Forward([], [data, label]);
                Assert.AreEqual(iter % 2 + 1, data.Height);
                Assert.AreEqual(iter % 4 + 1, data.Width);
                Assert.AreEqual(iter, label.Data[0]);
                for (int idx = 0; idx < data.Count; idx++) Assert.AreEqual(idx, (int)data.Data[idx]);
            }
        }
        finally
        {
            layer.Close();
        }
    }

    private void ReadCrop(DataParameter.Types.DB backend, Phase phase)
    {
        const float scale = 3;
        Fill(uniquePixels: true, backend);
        Rng.SetRandomSeed(1701);
        (DataLayer layer, Blob data, Blob label) = SetUp(Param(backend, "transform_param { scale: 3 crop_size: 1 }", phase));
        try
        {
            CollectionAssert.AreEqual(new[] { 5, 2, 1, 1 }, data.Shape.ToArray());
            for (int iter = 0; iter < 2; iter++)
            {
                layer.Forward([], [data, label]);
                for (int i = 0; i < 5; i++) Assert.AreEqual(i, label.Data[i]);
                int numWithCenterValue = 0;
                for (int i = 0; i < 5; i++)
                {
                    for (int j = 0; j < 2; j++)
                    {
                        // The centre of a 3x4 channel is pixel (1, 1): 5 in channel 0, 17 in channel 1.
                        float centerValue = scale * (j == 1 ? 17 : 5);
                        if (centerValue == data.Data[i * 2 + j]) numWithCenterValue++;
                        if (phase == Phase.Test) Assert.AreEqual(centerValue, data.Data[i * 2 + j], $"iter {iter} i {i} j {j}");
                    }
                }
                if (phase == Phase.Train) Assert.IsLessThan(10, numWithCenterValue);
            }
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void ReadCropTrain(DataParameter.Types.DB backend) => ReadCrop(backend, Phase.Train);

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void ReadCropTest(DataParameter.Types.DB backend) => ReadCrop(backend, Phase.Test);

    private List<float[]> CropSequence(LayerParameter param)
    {
        (DataLayer layer, Blob data, Blob label) = SetUp(param);
        try
        {
            var sequence = new List<float[]>();
            for (int iter = 0; iter < 2; iter++)
            {
                layer.Forward([], [data, label]);
                for (int i = 0; i < 5; i++) Assert.AreEqual(i, label.Data[i]);
                sequence.Add(data.Data.ToArray());
            }
            return sequence;
        }
        finally
        {
            // Caffe's test destroys the first layer to unlock the database.
            layer.Close();
        }
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void ReadCropTrainSequenceSeeded(DataParameter.Types.DB backend)
    {
        Fill(uniquePixels: true, backend);
        LayerParameter param = Param(backend, "transform_param { crop_size: 1 mirror: true }");
        Rng.SetRandomSeed(1701);
        List<float[]> first = CropSequence(param);
        Rng.SetRandomSeed(1701);
        List<float[]> second = CropSequence(param);
        for (int iter = 0; iter < 2; iter++) CollectionAssert.AreEqual(first[iter], second[iter], $"iter {iter}");
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void ReadCropTrainSequenceUnseeded(DataParameter.Types.DB backend)
    {
        Fill(uniquePixels: true, backend);
        LayerParameter param = Param(backend, "transform_param { crop_size: 1 mirror: true }");
        Rng.SetRandomSeed(1701);
        List<float[]> first = CropSequence(param);
        // No reseed: the second layer continues the caller's stream, so its prefetch thread draws differently.
        List<float[]> second = CropSequence(param);
        int matches = 0;
        for (int iter = 0; iter < 2; iter++)
            for (int k = 0; k < 10; k++) matches += first[iter][k] == second[iter][k] ? 1 : 0;
        Assert.IsLessThan(20, matches);
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void RandSkipStartsWithinTheFirstRecordsAndWraps(DataParameter.Types.DB backend)
    {
        Fill(uniquePixels: false, backend);
        var starts = new HashSet<float>();
        for (int seed = 0; seed < 12; seed++)
        {
            Rng.SetRandomSeed(seed);
            (DataLayer layer, Blob data, Blob label) = SetUp(Param(backend, batchSize: 3, dataExtra: "rand_skip: 4"));
            try
            {
                layer.Forward([], [data, label]);
                float start = label.Data[0];
                Assert.IsTrue(start is >= 0 and < 4, $"skip {start}");
                for (int i = 0; i < 3; i++) Assert.AreEqual((start + i) % 5, label.Data[i]);
                starts.Add(start);
            }
            finally
            {
                layer.Close();
            }
        }
        Assert.IsGreaterThan(1, starts.Count, "rand_skip draws different skips");
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void SingleTopHasNoLabels(DataParameter.Types.DB backend)
    {
        Fill(uniquePixels: true, backend);
        var layer = new DataLayer(Param(backend, batchSize: 2, dataExtra: "prefetch: 1"));
        var data = new Blob();
        layer.SetUp([], [data]);
        try
        {
            for (int iter = 0; iter < 4; iter++)
            {
                layer.Forward([], [data]);
                CollectionAssert.AreEqual(new[] { 2, 2, 3, 4 }, data.Shape.ToArray());
                Assert.AreEqual(23f, data.Data[47]);
            }
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void EncodedDatumsAreDecoded()
    {
        var image = new NdArray(3, 2, 3);
        for (int i = 0; i < image.Count; i++) image.Data[i] = 10 * i;
        byte[] png = ImageCodec.Encode(image, "png");
        DataTestSupport.WriteDatums(_source, DataParameter.Types.DB.Lmdb,
            Enumerable.Range(0, 2).Select(i => new Datum { Data = ByteString.CopyFrom(png), Encoded = true, Label = 7 + i }));
        (DataLayer layer, Blob data, Blob label) = SetUp(Param(DataParameter.Types.DB.Lmdb, batchSize: 2));
        try
        {
            layer.Forward([], [data, label]);
            CollectionAssert.AreEqual(new[] { 2, 3, 3, 2 }, data.Shape.ToArray());
            CollectionAssert.AreEqual(new[] { 7f, 8f }, label.Data.ToArray());
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < 6; p++)
                    Assert.AreEqual(image.Data[p * 3 + c], data.Data[18 + c * 6 + p]);
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void WorksInsideANet()
    {
        Fill(uniquePixels: false, DataParameter.Types.DB.Lmdb);
        var netParam = TextFormat.Parse<NetParameter>(
            $"layer {{ name: 'data' type: 'Data' top: 'data' top: 'label' data_param {{ source: '{_source}' backend: LMDB batch_size: 5 }} " +
            "transform_param { scale: 0.5 } } " +
            "layer { name: 'flat' type: 'Flatten' bottom: 'data' top: 'flat' }");
        netParam.State = new NetState { Phase = Phase.Train };
        var net = new Net(netParam);
        try
        {
            IReadOnlyDictionary<string, Blob> outputs = net.Forward();
            CollectionAssert.AreEqual(new[] { "flat", "label" }, outputs.Keys.ToArray());
            CollectionAssert.AreEqual(new[] { 5, 24 }, outputs["flat"].Shape.ToArray());
            Assert.AreEqual(2f, outputs["flat"].Data[4 * 24]);
        }
        finally
        {
            ((DataLayer)net.LayerDict["data"]).Close();
        }
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void MissingDatabaseFailsAtSetUpNamingThePath(DataParameter.Types.DB backend)
    {
        LayerTesting.Throws(() => SetUp(Param(backend)), _source, "'data' (Data)");
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void TruncatedValueFailsInForwardNamingTheKey(DataParameter.Types.DB backend)
    {
        byte[] good = DataTestSupport.RawDatum(0, 2, 3, 4, j => j).ToByteArray();
        DataTestSupport.Write(_source, backend, [("a", good), ("b", good), ("c", good[..(good.Length - 7)])]);
        (DataLayer layer, Blob data, Blob label) = SetUp(Param(backend, batchSize: 1));
        try
        {
            layer.Forward([], [data, label]);
            layer.Forward([], [data, label]);
            var e = LayerTesting.Throws(() => layer.Forward([], [data, label]), _source, "key 'c'");
            Assert.IsInstanceOfType<DatabaseException>(e.InnerException);
            // The failure stays: later forwards raise it again instead of hanging.
            Assert.ThrowsExactly<LayerException>(() => layer.Forward([], [data, label]));
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void DatumWithTooFewBytesFailsNamingTheKey(DataParameter.Types.DB backend)
    {
        Datum bad = DataTestSupport.RawDatum(0, 2, 3, 4, j => j);
        bad.Data = ByteString.CopyFrom(bad.Data.Span[..20]);
        DataTestSupport.Write(_source, backend, [("first", DataTestSupport.RawDatum(0, 2, 3, 4, j => j).ToByteArray()), ("second", bad.ToByteArray())]);
        (DataLayer layer, Blob data, Blob label) = SetUp(Param(backend, batchSize: 2));
        try
        {
            LayerTesting.Throws(() => layer.Forward([], [data, label]), "key 'second'", "20 bytes");
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void CorruptEncodedImageFailsNamingTheKey()
    {
        DataTestSupport.Write(_source, DataParameter.Types.DB.Lmdb,
        [
            ("00000000_ok.png", new Datum { Data = ByteString.CopyFrom(ImageCodec.Encode(new NdArray(2, 2, 3), "png")), Encoded = true }.ToByteArray()),
            ("00000001_bad.png", new Datum { Data = ByteString.CopyFromUtf8("not an image at all"), Encoded = true }.ToByteArray()),
        ]);
        (DataLayer layer, Blob data, Blob label) = SetUp(Param(DataParameter.Types.DB.Lmdb, batchSize: 1));
        try
        {
            layer.Forward([], [data, label]);
            LayerTesting.Throws(() => layer.Forward([], [data, label]), "key '00000001_bad.png'", "could not be decoded");
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void EmptyDatabaseAndBadParametersFailAtSetUp()
    {
        DataTestSupport.Write(_source, DataParameter.Types.DB.Lmdb, []);
        LayerTesting.Throws(() => SetUp(Param(DataParameter.Types.DB.Lmdb)), "empty");
        LayerTesting.Throws(() => SetUp(Param(DataParameter.Types.DB.Lmdb, batchSize: 0)), "batch_size");
        LayerTesting.Throws(() => new DataLayer(LayerTesting.Param("name: 'd' type: 'Data'")).SetUp([], [new Blob()]), "data_param");
    }

    [TestMethod]
    public void ClosedLayerReleasesTheLevelDbLock()
    {
        Fill(uniquePixels: false, DataParameter.Types.DB.Leveldb);
        (DataLayer layer, _, _) = SetUp(Param(DataParameter.Types.DB.Leveldb));
        layer.Close();
        using IDatabase db = Db.Open(_source, DataParameter.Types.DB.Leveldb, DbMode.Read);
        LayerTesting.Throws(() => layer.Forward([], [new Blob(), new Blob()]), "closed");
    }
}
