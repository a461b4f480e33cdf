namespace Caffe.Tests.IO;

/// <summary>
/// Weights round trips (binary caffemodel and HDF5) and Caffe's rules for copying weights by layer name, on nets
/// of Input + the test-only <see cref="ParamsTestLayer"/>, and on HDF5 files written by h5py in Caffe's layout.
/// </summary>
[TestClass]
public sealed class WeightsIOTests
{
    private string _dir = null!;

    [TestInitialize]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("caffe-weights-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string TempFile(string name) => Path.Combine(_dir, name);

    [TestMethod]
    public void SaveThenCopyFromGivesIdenticalBlobs()
    {
        Net source = ParamsTestNets.Create(ParamsTestNets.Plain);
        ParamsTestNets.Fill(source, 1.5f);
        string path = TempFile("w.caffemodel");
        source.Save(path);

        Net target = ParamsTestNets.Create(ParamsTestNets.Plain);
        target.CopyFrom(path);
        ParamsTestNets.AssertSameParams(source, target);
    }

    [TestMethod]
    public void SaveHdf5ThenLoadHdf5GivesIdenticalBlobs()
    {
        Net source = ParamsTestNets.Create(ParamsTestNets.Plain);
        ParamsTestNets.Fill(source, -2.25f);
        string path = TempFile("w.caffemodel.h5");
        source.SaveHdf5(path);

        Net target = ParamsTestNets.Create(ParamsTestNets.Plain);
        target.LoadHdf5(path);
        ParamsTestNets.AssertSameParams(source, target);
        Assert.AreEqual(0f, target.Layers[1].Blobs[0].AsumDiff(), "LoadHdf5 copies data, not diffs");
    }

    [TestMethod]
    public void CopyFromSendsH5FilesToLoadHdf5ByTheirSuffix()
    {
        Net source = ParamsTestNets.Create(ParamsTestNets.Plain);
        ParamsTestNets.Fill(source, 3f);
        string h5 = TempFile("trained.caffemodel.h5");
        source.SaveHdf5(h5);
        Net target = ParamsTestNets.Create(ParamsTestNets.Plain);
        target.CopyFrom(h5);
        ParamsTestNets.AssertSameParams(source, target);

        // As in Caffe the name decides: a binary caffemodel named .h5 is read as HDF5 and rejected.
        string misnamed = TempFile("binary.h5");
        source.Save(misnamed);
        var error = Assert.ThrowsExactly<ModelFormatException>(() => target.CopyFrom(misnamed));
        StringAssert.Contains(error.Message, misnamed);
    }

    [TestMethod]
    public void SaveHdf5WritesCaffesLayoutWithDiffs()
    {
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        ParamsTestNets.Fill(net, 0.75f);
        string path = TempFile("diff.h5");
        net.SaveHdf5(path, writeDiff: true);

        using Hdf5Reader reader = Hdf5Reader.Open(path);
        CollectionAssert.AreEqual(new[] { "data", "ip1", "ip2" }, reader.GroupNames("data").ToArray());
        Assert.HasCount(0, reader.DatasetNames("data/data"), "a layer without params gets an empty group");
        CollectionAssert.AreEqual(new[] { "0", "1" }, reader.DatasetNames("data/ip1").ToArray());
        CollectionAssert.AreEqual(new[] { 4, 3 }, reader.Shape("data/ip1/0"));
        CollectionAssert.AreEqual(new[] { 2 }, reader.Shape("data/ip2/1"));
        CollectionAssert.AreEqual(net.Layers[1].Blobs[0].Data.ToArray(), reader.ReadArray("data/ip1/0").Data);
        CollectionAssert.AreEqual(net.Layers[2].Blobs[1].Diff.ToArray(), reader.ReadArray("diff/ip2/1").Data);
        CollectionAssert.AreEqual(new[] { "data", "ip1", "ip2" }, reader.GroupNames("diff").ToArray());
    }

    [TestMethod]
    public void SaveHdf5WithoutDiffHasNoDiffGroupAndLeavesNoTemporaryFile()
    {
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        string path = TempFile("nodiff.h5");
        net.SaveHdf5(path);
        using (Hdf5Reader reader = Hdf5Reader.Open(path)) Assert.IsFalse(reader.GroupExists("diff"));
        CollectionAssert.AreEqual(new[] { "nodiff.h5" }, Directory.GetFiles(_dir).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void SaveHdf5WritesSharedParamsOnceButDiffsForAll()
    {
        Net net = ParamsTestNets.Create(ParamsTestNets.Shared);
        Assert.IsTrue(net.Layers[2].Blobs[0].SharesDataWith(net.Layers[1].Blobs[0]));
        ParamsTestNets.Fill(net, 5f);
        string path = TempFile("shared.h5");
        net.SaveHdf5(path, writeDiff: true);

        using Hdf5Reader reader = Hdf5Reader.Open(path);
        CollectionAssert.AreEqual(new[] { "0", "1" }, reader.DatasetNames("data/a").ToArray());
        CollectionAssert.AreEqual(new[] { "1" }, reader.DatasetNames("data/b").ToArray(), "b's weights belong to a");
        CollectionAssert.AreEqual(new[] { "0", "1" }, reader.DatasetNames("diff/b").ToArray());
    }

    [TestMethod]
    public void LoadHdf5AcceptsMissingDatasetsOfSharedParams()
    {
        Net source = ParamsTestNets.Create(ParamsTestNets.Shared);
        ParamsTestNets.Fill(source, 7f);
        string path = TempFile("shared.h5");
        source.SaveHdf5(path);

        Net target = ParamsTestNets.Create(ParamsTestNets.Shared);
        target.LoadHdf5(path);
        ParamsTestNets.AssertSameParams(source, target);
        Assert.IsTrue(target.Layers[2].Blobs[0].SharesDataWith(target.Layers[1].Blobs[0]));
    }

    [TestMethod]
    public void LoadHdf5ReadsAFileInCaffesLayoutWrittenByLibhdf5()
    {
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        net.LoadHdf5(TestData.Path("weights/caffe_layout.caffemodel.h5"));
        // The values of make_weights_data.py; the file's extra layer 'gone' is ignored.
        CollectionAssert.AreEqual(Enumerable.Range(0, 12).Select(i => (float)(i * 0.1 - 0.5)).ToArray(), net.Params["ip1"][0].Data.ToArray());
        CollectionAssert.AreEqual(new[] { 1f, -2f, 3f, -4f }, net.Params["ip1"][1].Data.ToArray());
        CollectionAssert.AreEqual(Enumerable.Range(0, 8).Select(i => (float)(i * -0.3 + 1.1)).ToArray(), net.Params["ip2"][0].Data.ToArray());
        CollectionAssert.AreEqual(new[] { 0.5f, -0.25f }, net.Params["ip2"][1].Data.ToArray());
    }

    [TestMethod]
    public void LoadHdf5ConvertsFloat64AndIntegerDatasets()
    {
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        net.LoadHdf5(TestData.Path("weights/mixed_types.caffemodel.h5"));
        CollectionAssert.AreEqual(Enumerable.Range(0, 12).Select(i => (float)(i * 0.1 - 0.5)).ToArray(), net.Params["ip1"][0].Data.ToArray());
        CollectionAssert.AreEqual(new[] { 1f, -2f, 3f, -4f }, net.Params["ip1"][1].Data.ToArray());
        CollectionAssert.AreEqual(new[] { 0.5f, -0.25f }, net.Params["ip2"][1].Data.ToArray());
    }

    [TestMethod]
    public void LayersMissingFromTheFileKeepTheirWeights()
    {
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        ParamsTestNets.Fill(net, 9f);
        float[] ip2Before = net.Params["ip2"][0].Data.ToArray();
        var writer = new Hdf5Writer();
        writer.AddFloats("data/ip1/0", new float[12], [4, 3]);
        writer.AddFloats("data/ip1/1", new float[4], [4]);
        string path = TempFile("partial.h5");
        writer.Write(path);

        net.LoadHdf5(path);
        Assert.AreEqual(0f, net.Params["ip1"][0].AsumData());
        CollectionAssert.AreEqual(ip2Before, net.Params["ip2"][0].Data.ToArray());
    }

    [TestMethod]
    public void LayerNamesWithSlashesNestInHdf5AndRoundTrip()
    {
        string prototxt = ParamsTestNets.Plain.Replace("\"ip1\"", "\"inception_3a/1x1\"");
        Net source = ParamsTestNets.Create(prototxt);
        ParamsTestNets.Fill(source, 4f);
        string path = TempFile("nested.h5");
        source.SaveHdf5(path);
        using (Hdf5Reader reader = Hdf5Reader.Open(path))
            CollectionAssert.AreEqual(new[] { 4, 3 }, reader.Shape("data/inception_3a/1x1/0"));

        Net target = ParamsTestNets.Create(prototxt);
        target.LoadHdf5(path);
        ParamsTestNets.AssertSameParams(source, target);
    }

    [TestMethod]
    public void CopyFromNetParameterReadsLegacyFourDShapes()
    {
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        var trained = new NetParameter();
        var layer = new LayerParameter { Name = "ip1", Type = "InnerProduct" };
        var weights = new BlobProto { Num = 1, Channels = 1, Height = 4, Width = 3 };
        weights.Data.Add(Enumerable.Range(0, 12).Select(i => (float)i));
        var bias = new BlobProto { Num = 1, Channels = 1, Height = 1, Width = 4 };
        bias.Data.Add([9f, 8f, 7f, 6f]);
        layer.Blobs.Add(weights);
        layer.Blobs.Add(bias);
        trained.Layer.Add(layer);

        net.CopyFrom(trained);
        CollectionAssert.AreEqual(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), net.Params["ip1"][0].Data.ToArray());
        CollectionAssert.AreEqual(new[] { 9f, 8f, 7f, 6f }, net.Params["ip1"][1].Data.ToArray());
    }

    [TestMethod]
    public void BinaryProtoMeanFileWrittenByHandReadsWithItsLegacyShape()
    {
        string path = TestData.Path("weights/mean.binaryproto");
        float[] expected = Enumerable.Range(0, 60).Select(i => i * 0.25f - 7f).ToArray();

        NdArray array = BinaryProto.ReadArray(path);
        CollectionAssert.AreEqual(new[] { 1, 3, 4, 5 }, array.Shape.ToArray());
        CollectionAssert.AreEqual(expected, array.Data);

        Blob blob = BinaryProto.ReadBlob(path);
        Assert.AreEqual("1 3 4 5 (60)", blob.ShapeString);
        CollectionAssert.AreEqual(expected, blob.Data.ToArray());

        BlobProto proto = ProtoIO.ReadBlobProtoFromBinaryFile(path);
        Assert.AreEqual((1, 3, 4, 5), (proto.Num, proto.Channels, proto.Height, proto.Width));
    }

    [TestMethod]
    public void BinaryProtoRoundTripsArraysWithDiffs()
    {
        var data = new NdArray(Enumerable.Range(0, 24).Select(i => i / 3f).ToArray(), [2, 3, 4]);
        var diff = new NdArray(Enumerable.Range(0, 24).Select(i => -i / 7f).ToArray(), [2, 3, 4]);
        string path = TempFile("array.binaryproto");
        BinaryProto.Write(path, data, diff);

        NdArray readData = BinaryProto.ReadArray(path);
        NdArray readDiff = BinaryProto.ReadArray(path, returnDiff: true);
        CollectionAssert.AreEqual(new[] { 2, 3, 4 }, readData.Shape.ToArray());
        CollectionAssert.AreEqual(data.Data, readData.Data);
        CollectionAssert.AreEqual(diff.Data, readDiff.Data);

        Blob blob = BinaryProto.ReadBlob(path);
        CollectionAssert.AreEqual(diff.Data, blob.Diff.ToArray());
        string blobPath = TempFile("blob.binaryproto");
        BinaryProto.Write(blobPath, blob, writeDiff: true);
        CollectionAssert.AreEqual(diff.Data, BinaryProto.ReadArray(blobPath, returnDiff: true).Data);
    }

    [TestMethod]
    public void BinaryProtoConvertsDoublePayloads()
    {
        var proto = new BlobProto { Shape = new BlobShape { Dim = { 3 } } };
        proto.DoubleData.Add([0.1, 0.2, 0.3]);
        NdArray array = BinaryProto.ToArray(proto);
        CollectionAssert.AreEqual(new[] { 0.1f, 0.2f, 0.3f }, array.Data);
    }
}
