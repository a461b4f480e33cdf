using Google.Protobuf;

namespace Caffe.Tests.IO;

/// <summary>
/// Bad weights files and inconsistent weights: each gives a <see cref="ModelFormatException"/> or
/// <see cref="LayerException"/> that names the file, the layer, the blob and the shapes involved — never a crash,
/// a hang, or a silently partial load.
/// </summary>
[TestClass]
public sealed class WeightsIOBadInputTests
{
    private static readonly string RealModel = TestData.Model("lenet_v2/lenet_iter_10000.caffemodel");
    private string _dir = null!;

    [TestInitialize]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("caffe-weights-bad-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string TempFile(string name, byte[] content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    // ---- binary caffemodels ----

    [TestMethod]
    public void TruncatedCaffemodelFailsAtEveryCutInsideAField()
    {
        byte[] full = File.ReadAllBytes(RealModel);
        HashSet<long> boundaries = TopLevelFieldBoundaries(full);
        var cuts = new SortedSet<int> { 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, full.Length - 1, full.Length - 4 };
        for (int i = 1; i < 150; i++) cuts.Add((int)((long)full.Length * i / 150));
        int failures = 0;
        foreach (int cut in cuts)
        {
            string path = TempFile($"cut{cut}.caffemodel", full[..cut]);
            if (boundaries.Contains(cut))
            {
                // A cut between two top-level fields is a valid, shorter message: protobuf cannot tell.
                Assert.IsLessThan(ProtoIO.ReadProtoFromBinaryFile(NetParameter.Parser, RealModel).Layer.Count,
                    ProtoIO.ReadProtoFromBinaryFile(NetParameter.Parser, path).Layer.Count);
                continue;
            }
            var error = Assert.ThrowsExactly<ModelFormatException>(() => ProtoIO.ReadNetParamsFromBinaryFile(path), $"cut at {cut}");
            Assert.AreEqual(path, error.FileName);
            StringAssert.Contains(error.Message, $"({cut} bytes)");
            failures++;
        }
        Assert.IsGreaterThan(cuts.Count - 5, failures);
    }

    [TestMethod]
    public void TruncationInsideABlobNamesTheLayerAndTheOffset()
    {
        byte[] full = File.ReadAllBytes(RealModel);
        // ip1's 400 000 weights are the bulk of the file: half way through lies inside them.
        string path = TempFile("half.caffemodel", full[..(full.Length / 2)]);
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        var error = Assert.ThrowsExactly<ModelFormatException>(() => net.CopyFrom(path));
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "'ip1' > blobs[0]");
        StringAssert.Contains(error.Message, "truncated?");
    }

    [TestMethod]
    public void RandomBytesAreRejected()
    {
        var random = new Random(1701);
        for (int i = 0; i < 40; i++)
        {
            var bytes = new byte[random.Next(1, 5000)];
            random.NextBytes(bytes);
            string path = TempFile($"random{i}.caffemodel", bytes);
            var error = Assert.ThrowsExactly<ModelFormatException>(() => ProtoIO.ReadNetParamsFromBinaryFile(path), $"case {i}");
            Assert.AreEqual(path, error.FileName);
        }
    }

    [TestMethod]
    public void CorruptedBytesNeverEscapeAsOtherExceptions()
    {
        byte[] full = File.ReadAllBytes(TestData.Model("mtcnn/det1.caffemodel"));
        var random = new Random(42);
        int rejected = 0;
        for (int i = 0; i < 200; i++)
        {
            byte[] bytes = (byte[])full.Clone();
            for (int k = 0; k < 4; k++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            string path = TempFile("corrupt.caffemodel", bytes);
            try
            {
                ProtoIO.ReadNetParamsFromBinaryFile(path);
            }
            catch (ModelFormatException e)
            {
                Assert.AreEqual(path, e.FileName);
                rejected++;
            }
        }
        // Most flips land in float payloads and parse; the ones in tags and lengths must be reported.
        Assert.IsGreaterThan(0, rejected);
    }

    [TestMethod]
    public void EmptyCaffemodelIsRejected()
    {
        string path = TempFile("empty.caffemodel", []);
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        var error = Assert.ThrowsExactly<ModelFormatException>(() => net.CopyFrom(path));
        StringAssert.Contains(error.Message, "is empty (0 bytes)");
        StringAssert.Contains(error.Message, path);
    }

    [TestMethod]
    public void PrototxtPassedAsCaffemodelIsRejected()
    {
        string path = TempFile("lenet.caffemodel", File.ReadAllBytes(TestData.Model("lenet_v2/lenet.prototxt")));
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        var error = Assert.ThrowsExactly<ModelFormatException>(() => net.CopyFrom(path));
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "not a valid binary NetParameter");
    }

    [TestMethod]
    public void CaffemodelOverTwoGigabytesGetsAClearError()
    {
        string path = Path.Combine(_dir, "huge.caffemodel");
        // Sparse: no disk space is used, and the size check comes before any read.
        using (var stream = new FileStream(path, FileMode.CreateNew)) stream.SetLength(3L << 30);
        var error = Assert.ThrowsExactly<ModelFormatException>(() => ProtoIO.ReadNetParamsFromBinaryFile(path));
        StringAssert.Contains(error.Message, "limited to 2147483647 bytes (2 GB)");
        StringAssert.Contains(error.Message, "HDF5");

        var writeError = Assert.ThrowsExactly<CaffeException>(() => ProtoIO.CheckBinaryProtoSize(3L << 30, "big.caffemodel", write: true));
        StringAssert.Contains(writeError.Message, "big.caffemodel: cannot write 3221225472 bytes");
    }

    [TestMethod]
    public void BlobWhoseDataLengthDisagreesWithItsShapeNamesLayerAndShapes()
    {
        NetParameter trained = Trained(ip1Weights: 11);
        string path = Path.Combine(_dir, "inconsistent.caffemodel");
        ProtoIO.WriteProtoToBinaryFile(trained, path);
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        var error = Assert.ThrowsExactly<LayerException>(() => net.CopyFrom(path));
        Assert.AreEqual("ip1", error.LayerName);
        StringAssert.Contains(error.Message, "param 0");
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "11 data values");
        StringAssert.Contains(error.Message, "4 3 (12)");
    }

    [TestMethod]
    public void LayerWithTooFewBlobsIsRejected()
    {
        NetParameter trained = Trained();
        trained.Layer[0].Blobs.RemoveAt(1);
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        var error = Assert.ThrowsExactly<LayerException>(() => net.CopyFrom(trained, "few.caffemodel"));
        Assert.AreEqual("ip1", error.LayerName);
        StringAssert.Contains(error.Message, "incompatible number of blobs in few.caffemodel: the weights have 1, the layer has 2");
    }

    [TestMethod]
    public void BinaryShapeMismatchNamesBothShapes()
    {
        NetParameter trained = Trained();
        trained.Layer[0].Blobs[0].Shape = new BlobShape { Dim = { 3, 4 } };
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        LayerTesting.Throws(() => net.CopyFrom(trained, "shape.caffemodel"),
            "Layer 'ip1' (ParamsTest): cannot copy param 0 weights from shape.caffemodel: shape mismatch",
            "Source param shape is 3 4; target param shape is 4 3 (12)");
    }

    [TestMethod]
    public void NegativeDimensionInWeightsIsALayerError()
    {
        NetParameter trained = Trained();
        trained.Layer[0].Blobs[1].Shape = new BlobShape { Dim = { -4 } };
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        LayerTesting.Throws(() => net.CopyFrom(trained, "negative.caffemodel"), "param 1 in negative.caffemodel is inconsistent");
    }

    [TestMethod]
    public void V1LayersThatWereNotUpgradedAreNotSkippedSilently()
    {
        var trained = new NetParameter();
        trained.Layers.Add(new V1LayerParameter { Name = "ip1", Type = V1LayerParameter.Types.LayerType.InnerProduct });
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        var error = Assert.ThrowsExactly<ModelFormatException>(() => net.CopyFrom(trained, "v1.caffemodel"));
        StringAssert.Contains(error.Message, "v1.caffemodel: holds 1 V1 'layers'");
    }

    [TestMethod]
    public void MissingWeightsFileIsFileNotFound()
    {
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        Assert.ThrowsExactly<FileNotFoundException>(() => net.CopyFrom(Path.Combine(_dir, "absent.caffemodel")));
        Assert.ThrowsExactly<FileNotFoundException>(() => net.CopyFrom(Path.Combine(_dir, "absent.caffemodel.h5")));
    }

    // ---- HDF5 ----

    [TestMethod]
    public void Hdf5MissingDatasetNamesFileDatasetAndLayer()
    {
        string path = WriteHdf5("missing.h5", w =>
        {
            w.AddFloats("data/ip1/0", new float[12], [4, 3]);
            w.AddFloats("data/ip2/0", new float[8], [2, 4]);
            w.AddFloats("data/ip2/1", new float[2], [2]);
        });
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        var error = Assert.ThrowsExactly<ModelFormatException>(() => net.LoadHdf5(path));
        Assert.AreEqual(path, error.FileName);
        StringAssert.Contains(error.Message, "has no dataset 'data/ip1/1' for param 1 of layer 'ip1' (ParamsTest), whose shape is 4 (4)");
    }

    [TestMethod]
    public void Hdf5WrongShapeNamesLayerDatasetAndShapes()
    {
        string path = WriteHdf5("shape.h5", w =>
        {
            w.AddFloats("data/ip1/0", new float[12], [3, 4]);
            w.AddFloats("data/ip1/1", new float[4], [4]);
        });
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        var error = Assert.ThrowsExactly<LayerException>(() => net.LoadHdf5(path));
        Assert.AreEqual("ip1", error.LayerName);
        StringAssert.Contains(error.Message, $"cannot copy param 0 weights from dataset 'data/ip1/0' of {path}: shape mismatch");
        StringAssert.Contains(error.Message, "Source param shape is 3 4 (12); target param shape is 4 3 (12)");
    }

    [TestMethod]
    public void Hdf5LayerWithMoreDatasetsThanBlobsIsRejected()
    {
        string path = WriteHdf5("many.h5", w =>
        {
            w.AddFloats("data/ip2/0", new float[8], [2, 4]);
            w.AddFloats("data/ip2/1", new float[2], [2]);
            w.AddFloats("data/ip2/2", new float[2], [2]);
        });
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        LayerTesting.Throws(() => net.LoadHdf5(path),
            $"incompatible number of blobs in {path}: group 'data/ip2' holds 3 dataset(s) (0, 1, 2), the layer has 2 blob(s)");
    }

    [TestMethod]
    public void Hdf5WithoutDataGroupOrWithALayerDatasetIsRejected()
    {
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        string noData = WriteHdf5("nodata.h5", w => w.AddFloats("weights/ip1/0", new float[12], [4, 3]));
        StringAssert.Contains(Assert.ThrowsExactly<ModelFormatException>(() => net.LoadHdf5(noData)).Message, "has no group 'data'");

        string flat = WriteHdf5("flat.h5", w => w.AddFloats("data/ip1", new float[12], [4, 3]));
        StringAssert.Contains(Assert.ThrowsExactly<ModelFormatException>(() => net.LoadHdf5(flat)).Message, "'data/ip1' is a dataset");
    }

    [TestMethod]
    public void NonHdf5FilesPassedAsH5AreRejected()
    {
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        foreach ((string name, byte[] content) in new[]
        {
            ("text.caffemodel.h5", File.ReadAllBytes(TestData.Model("lenet_v2/lenet.prototxt"))),
            ("binary.caffemodel.h5", File.ReadAllBytes(RealModel)),
            ("empty.caffemodel.h5", Array.Empty<byte>()),
            ("tiny.caffemodel.h5", new byte[] { 0x89, (byte)'H', (byte)'D', (byte)'F' }),
        })
        {
            string path = TempFile(name, content);
            var error = Assert.ThrowsExactly<ModelFormatException>(() => net.CopyFrom(path), name);
            Assert.AreEqual(path, error.FileName);
            StringAssert.Contains(error.Message, "HDF5");
        }
    }

    [TestMethod]
    public void TruncatedHdf5FailsWithAFormatError()
    {
        Net source = ParamsTestNets.Create(ParamsTestNets.Plain);
        ParamsTestNets.Fill(source, 1f);
        string good = Path.Combine(_dir, "good.h5");
        source.SaveHdf5(good);
        byte[] full = File.ReadAllBytes(good);
        for (int i = 1; i < 40; i++)
        {
            int cut = full.Length * i / 40;
            string path = TempFile($"cut{cut}.h5", full[..cut]);
            Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
            var error = Assert.ThrowsExactly<ModelFormatException>(() => net.LoadHdf5(path), $"cut at {cut} of {full.Length}");
            Assert.AreEqual(path, error.FileName);
        }
    }

    private string WriteHdf5(string name, Action<Hdf5Writer> build)
    {
        var writer = new Hdf5Writer();
        build(writer);
        string path = Path.Combine(_dir, name);
        writer.Write(path);
        return path;
    }

    // ip1 as a ParamsTest net expects it: 4×3 weights (or a given number of values), 4 biases.
    private static NetParameter Trained(int ip1Weights = 12)
    {
        var layer = new LayerParameter { Name = "ip1", Type = "ParamsTest" };
        var weights = new BlobProto { Shape = new BlobShape { Dim = { 4, 3 } } };
        weights.Data.Add(Enumerable.Range(0, ip1Weights).Select(i => (float)i));
        var bias = new BlobProto { Shape = new BlobShape { Dim = { 4 } } };
        bias.Data.Add([1f, 2f, 3f, 4f]);
        layer.Blobs.Add(weights);
        layer.Blobs.Add(bias);
        var trained = new NetParameter { Name = "trained" };
        trained.Layer.Add(layer);
        return trained;
    }

    // Offsets where a top-level field of the file ends: cutting there leaves a valid protobuf message.
    private static HashSet<long> TopLevelFieldBoundaries(byte[] file)
    {
        var boundaries = new HashSet<long>();
        var input = new CodedInputStream(file);
        while (input.ReadTag() != 0)
        {
            input.SkipLastField();
            boundaries.Add(input.Position);
        }
        return boundaries;
    }
}
