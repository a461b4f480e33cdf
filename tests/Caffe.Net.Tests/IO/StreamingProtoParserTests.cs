using Google.Protobuf;

namespace Caffe.Tests.IO;

/// <summary>
/// The binary reader behind <see cref="ProtoIO.ReadProtoFromBinaryFile{T}"/> builds exactly the message
/// Google.Protobuf builds, while sizing blob payloads exactly (no doubling growth) and reporting errors by offset
/// and layer.
/// </summary>
[TestClass]
public sealed class StreamingProtoParserTests
{
    private string _dir = null!;

    [TestInitialize]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("caffe-proto-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    public static IEnumerable<object[]> WeightFiles() =>
        Directory.GetFiles(TestData.Path("models"), "*.caffemodel", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(TestData.Path("reference/upgrades/binary"), "*.caffemodel"))
            .Order(StringComparer.Ordinal)
            .Select(path => new object[] { Path.GetRelativePath(TestData.Path(""), path) });

    [TestMethod]
    [DynamicData(nameof(WeightFiles))]
    public void EveryTestCaffemodelParsesAsGoogleProtobufParsesIt(string relative)
    {
        string path = TestData.Path(relative);
        NetParameter expected;
        using (FileStream stream = File.OpenRead(path)) expected = NetParameter.Parser.ParseFrom(stream);
        NetParameter actual = ProtoIO.ReadProtoFromBinaryFile(NetParameter.Parser, path);
        Assert.AreEqual(expected, actual);
        Assert.IsTrue(actual.Layer.Count + actual.Layers.Count > 0);
    }

    [TestMethod]
    public void SolverStateHistoryParsesAsGoogleProtobufParsesIt()
    {
        string path = TestData.Model("lenet_v1/lenet_iter_10000.solverstate");
        SolverState expected;
        using (FileStream stream = File.OpenRead(path)) expected = SolverState.Parser.ParseFrom(stream);
        SolverState actual = ProtoIO.ReadProtoFromBinaryFile(SolverState.Parser, path);
        Assert.AreEqual(expected, actual);
        Assert.HasCount(8, actual.History);
    }

    [TestMethod]
    public void BlobPayloadsAreSizedExactly()
    {
        var blob = new BlobProto { Shape = new BlobShape { Dim = { 1000, 1001 } } };
        blob.Data.Add(Enumerable.Range(0, 1_001_000).Select(i => i * 0.5f));
        blob.DoubleDiff.Add(Enumerable.Range(0, 3000).Select(i => i * 0.25));
        var net = new NetParameter { Name = "big" };
        net.Layer.Add(new LayerParameter { Name = "fc", Type = "InnerProduct", Blobs = { blob } });
        string path = Write("big.caffemodel", net.ToByteArray());

        NetParameter read = ProtoIO.ReadNetParamsFromBinaryFile(path);
        Assert.AreEqual(net, read);
        // Google.Protobuf alone grows a stream-read packed field by doubling (capacity 1 048 576 here).
        Assert.AreEqual(1_001_000, read.Layer[0].Blobs[0].Data.Capacity);
        Assert.AreEqual(3000, read.Layer[0].Blobs[0].DoubleDiff.Capacity);
    }

    [TestMethod]
    public void UnpackedRepeatedChunksUnknownFieldsAndRepeatedSingularMessagesMatchGoogleProtobuf()
    {
        var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString("net");
        output.WriteTag(100, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(LayerBytes()));
        output.WriteTag(999, WireFormat.WireType.Varint); // unknown to caffe.proto: kept as an unknown field
        output.WriteUInt64(12345);
        output.WriteTag(6, WireFormat.WireType.LengthDelimited); // state, given twice: merged
        output.WriteBytes(new NetState { Phase = Phase.Train, Level = 3 }.ToByteString());
        output.WriteTag(6, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(new NetState { Stage = { "deploy" } }.ToByteString());
        output.Flush();
        byte[] bytes = buffer.ToArray();

        string path = Write("crafted.caffemodel", bytes);
        NetParameter expected = NetParameter.Parser.ParseFrom(bytes);
        NetParameter actual = ProtoIO.ReadNetParamsFromBinaryFile(path);
        Assert.AreEqual(expected, actual);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f, 5f }, actual.Layer[0].Blobs[0].Data.ToArray());
        CollectionAssert.AreEqual(new[] { 0.5, 0.25 }, actual.Layer[0].Blobs[0].DoubleData.ToArray());
        Assert.AreEqual(3, actual.State.Level);
        Assert.AreEqual("deploy", actual.State.Stage[0]);
        CollectionAssert.AreEqual(expected.ToByteArray(), actual.ToByteArray(), "unknown fields survive");
        Assert.IsGreaterThan(new NetParameter { Name = "net", Layer = { actual.Layer }, State = actual.State }.CalculateSize(), actual.CalculateSize());
    }

    [TestMethod]
    public void LengthClaimingMoreThanTheFileIsReportedWithoutAllocatingIt()
    {
        // A blob whose packed data claims 2 GB - 1 bytes in a file of a few bytes.
        byte[] blob = [0x2A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07];
        var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(100, WireFormat.WireType.LengthDelimited);
        var layer = new MemoryStream();
        var layerOutput = new CodedOutputStream(layer);
        layerOutput.WriteTag(1, WireFormat.WireType.LengthDelimited);
        layerOutput.WriteString("conv9");
        layerOutput.WriteTag(7, WireFormat.WireType.LengthDelimited);
        layerOutput.WriteBytes(ByteString.CopyFrom(blob));
        layerOutput.Flush();
        output.WriteBytes(ByteString.CopyFrom(layer.ToArray()));
        output.Flush();
        string path = Write("claim.caffemodel", buffer.ToArray());

        var error = Assert.ThrowsExactly<ModelFormatException>(() => ProtoIO.ReadNetParamsFromBinaryFile(path));
        StringAssert.Contains(error.Message, "field 'data' at byte");
        StringAssert.Contains(error.Message, "declares 2147483647 bytes");
        StringAssert.Contains(error.Message, "layer[0] 'conv9' > blobs[0]");
    }

    [TestMethod]
    public void PackedFloatsOfOddLengthAreRejected()
    {
        byte[] blob = [0x2A, 0x03, 0x00, 0x00, 0x80];
        var layer = new LayerParameter { Name = "odd" };
        byte[] layerBytes = [.. layer.ToByteArray(), 0x3A, (byte)blob.Length, .. blob];
        byte[] bytes = [0xA2, 0x06, (byte)layerBytes.Length, .. layerBytes];
        string path = Write("odd.caffemodel", bytes);
        var error = Assert.ThrowsExactly<ModelFormatException>(() => ProtoIO.ReadNetParamsFromBinaryFile(path));
        StringAssert.Contains(error.Message, "packed field 'data' is 3 bytes long, not a multiple of 4");
        StringAssert.Contains(error.Message, "'odd'");
    }

    [TestMethod]
    public void DeeplyNestedGroupsFailInsteadOfOverflowingTheStack()
    {
        // Start-group tags of an unknown field 900, nested 100 000 deep.
        byte[] startGroup = [0xA3, 0x38];
        byte[] bytes = Enumerable.Repeat(startGroup, 100_000).SelectMany(b => b).ToArray();
        string path = Write("groups.caffemodel", bytes);
        var error = Assert.ThrowsExactly<ModelFormatException>(() => ProtoIO.ReadNetParamsFromBinaryFile(path));
        StringAssert.Contains(error.Message, "groups nested more than 100 deep");
    }

    private static byte[] LayerBytes()
    {
        var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString("ip");
        output.WriteTag(7, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(BlobBytes()));
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString("InnerProduct");
        output.Flush();
        return buffer.ToArray();
    }

    // data as a packed chunk, one unpacked value, then a second packed chunk; double_data packed.
    private static byte[] BlobBytes()
    {
        var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(5, WireFormat.WireType.LengthDelimited);
        output.WriteLength(8);
        output.WriteFloat(1f);
        output.WriteFloat(2f);
        output.WriteTag(5, WireFormat.WireType.Fixed32);
        output.WriteFloat(3f);
        output.WriteTag(5, WireFormat.WireType.LengthDelimited);
        output.WriteLength(8);
        output.WriteFloat(4f);
        output.WriteFloat(5f);
        output.WriteTag(8, WireFormat.WireType.LengthDelimited);
        output.WriteLength(16);
        output.WriteDouble(0.5);
        output.WriteDouble(0.25);
        output.WriteTag(7, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(new BlobShape { Dim = { 5 } }.ToByteString());
        output.Flush();
        return buffer.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
