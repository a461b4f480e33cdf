using Google.Protobuf;

namespace Caffe.Tests.IO;

/// <summary>pycaffe's test_io.py ported case by case, plus the rest of caffe.io's proto/array conversions.</summary>
[TestClass]
public sealed class BlobProtoArrayTests
{
    private static BlobProto ZerosProto(int count)
    {
        var blob = new BlobProto();
        blob.Data.Add(new float[count]);
        return blob;
    }

    [TestMethod]
    public void OldFormat()
    {
        BlobProto blob = ZerosProto(100);
        blob.Num = 1;
        blob.Channels = 1;
        blob.Height = 10;
        blob.Width = 10;
        CollectionAssert.AreEqual(new[] { 1, 1, 10, 10 }, Caffe.IO.BlobProtoToArray(blob).Shape.ToArray());
    }

    [TestMethod]
    public void NewFormat()
    {
        BlobProto blob = ZerosProto(100);
        blob.Shape = new BlobShape { Dim = { 10, 10 } };
        CollectionAssert.AreEqual(new[] { 10, 10 }, Caffe.IO.BlobProtoToArray(blob).Shape.ToArray());
    }

    [TestMethod]
    public void NoShape() => Assert.ThrowsExactly<FormatException>(() => Caffe.IO.BlobProtoToArray(ZerosProto(100)));

    [TestMethod]
    public void Scalar()
    {
        var blob = new BlobProto { Data = { 123f } };
        NdArray array = Caffe.IO.BlobProtoToArray(blob);
        Assert.AreEqual(0, array.NumAxes);
        Assert.AreEqual(123f, array.Data[0]);
    }

    [TestMethod]
    public void LabelNoneSize()
    {
        var ones = new NdArray(10, 10, 3);
        Array.Fill(ones.Data, 1f);
        Datum withLabel = Caffe.IO.ArrayToDatum(ones, label: 1);
        Datum without = Caffe.IO.ArrayToDatum(ones);
        Assert.IsGreaterThan(without.ToByteArray().Length, withLabel.ToByteArray().Length);
        Assert.IsFalse(without.HasLabel);
    }

    [TestMethod]
    public void ReturnDiffAndRoundTrip()
    {
        var data = new NdArray([1f, 2f, 3f, 4f, 5f, 6f], [2, 3]);
        var diff = new NdArray([-1f, -2f, -3f, -4f, -5f, -6f], [2, 3]);
        BlobProto blob = Caffe.IO.ArrayToBlobProto(data, diff);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, blob.Shape.Dim.ToArray());
        CollectionAssert.AreEqual(data.Data, Caffe.IO.BlobProtoToArray(blob).Data);
        CollectionAssert.AreEqual(diff.Data, Caffe.IO.BlobProtoToArray(blob, returnDiff: true).Data);
        Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.ArrayToBlobProto(data, new NdArray(3, 2)));
    }

    [TestMethod]
    public void BlobProtoVectorStringRoundTrips()
    {
        NdArray[] arrays = [new NdArray([1f, 2f], [2]), new NdArray([3f, 4f, 5f, 6f], [1, 1, 2, 2])];
        byte[] bytes = Caffe.IO.ArrayListToBlobProtoVectorString(arrays);
        Assert.HasCount(2, BlobProtoVector.Parser.ParseFrom(bytes).Blobs);
        List<NdArray> back = Caffe.IO.BlobProtoVectorStringToArrayList(bytes);
        for (int i = 0; i < arrays.Length; i++)
        {
            CollectionAssert.AreEqual(arrays[i].Shape.ToArray(), back[i].Shape.ToArray());
            CollectionAssert.AreEqual(arrays[i].Data, back[i].Data);
        }
        Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.BlobProtoVectorStringToArrayList([0xFF, 0xFF, 0xFF]));
    }

    [TestMethod]
    public void DatumFloatAndUInt8RoundTrip()
    {
        var array = new NdArray([0f, 1f, 2f, 250f, 255f, 7f], [1, 2, 3]);
        Datum floats = Caffe.IO.ArrayToDatum(array, 4);
        Assert.AreEqual(6, floats.FloatData.Count);
        Assert.AreEqual(0, floats.Data.Length);
        Assert.AreEqual(4, floats.Label);
        Datum bytes = Caffe.IO.ArrayToDatumUInt8(array);
        CollectionAssert.AreEqual(new byte[] { 0, 1, 2, 250, 255, 7 }, bytes.Data.ToByteArray());
        Assert.AreEqual(0, bytes.FloatData.Count);
        foreach (Datum datum in new[] { floats, bytes })
        {
            NdArray back = Caffe.IO.DatumToArray(datum);
            CollectionAssert.AreEqual(new[] { 1, 2, 3 }, back.Shape.ToArray());
            CollectionAssert.AreEqual(array.Data, back.Data);
        }
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.ArrayToDatumUInt8(new NdArray([0.5f], [1, 1, 1]))).Message, "uint8");
        Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.ArrayToDatum(new NdArray(2, 2)));
        Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.DatumToArray(new Datum { Channels = 2, Height = 2, Width = 2, FloatData = { 1f } }));
    }

    [TestMethod]
    public void EncodedDatumDecodesToBgr()
    {
        string png = Path.Combine(Path.GetTempPath(), $"caffe-{Guid.NewGuid():N}.png");
        var image = new NdArray(2, 3, 3);
        image[0, 0, 0] = 1f; // red at (0, 0)
        image[1, 2, 2] = 1f; // blue at (1, 2)
        Caffe.IO.SaveImage(png, image);
        var datum = new Datum { Encoded = true, Data = ByteString.CopyFrom(File.ReadAllBytes(png)), Label = 3 };
        File.Delete(png);
        NdArray decoded = Caffe.IO.DatumToArray(datum);
        CollectionAssert.AreEqual(new[] { 3, 2, 3 }, decoded.Shape.ToArray());
        Assert.AreEqual(255f, decoded[2, 0, 0], "red lands in channel 2 (BGR)");
        Assert.AreEqual(255f, decoded[0, 1, 2], "blue lands in channel 0");
        Assert.AreEqual(0f, decoded[0, 0, 0]);
        Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.DatumToArray(new Datum { Encoded = true, Data = ByteString.CopyFromUtf8("not an image") }));
    }

    [TestMethod]
    public void LoadMeanReadsBinaryprotoAndNpy()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"caffe-mean-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var legacy = new BlobProto { Num = 1, Channels = 3, Height = 2, Width = 2 };
            legacy.Data.Add(Enumerable.Range(0, 12).Select(i => (float)i));
            ProtoIO.WriteProtoToBinaryFile(legacy, Path.Combine(dir, "mean.binaryproto"));
            NdArray fromProto = Caffe.IO.LoadMean(Path.Combine(dir, "mean.binaryproto"));
            CollectionAssert.AreEqual(new[] { 3, 2, 2 }, fromProto.Shape.ToArray());
            Assert.AreEqual(11f, fromProto[2, 1, 1]);

            Npy.Save(Path.Combine(dir, "mean.npy"), new NdArray([104f, 117f, 123f], [3]));
            CollectionAssert.AreEqual(new[] { 104f, 117f, 123f }, Caffe.IO.LoadMean(Path.Combine(dir, "mean.npy")).Data);

            File.WriteAllBytes(Path.Combine(dir, "bad.binaryproto"), [0x0A, 0xFF]);
            Assert.ThrowsExactly<ModelFormatException>(() => Caffe.IO.LoadMean(Path.Combine(dir, "bad.binaryproto")));
            var wrong = new BlobProto { Num = 1, Channels = 3, Height = 2, Width = 2, Data = { 1f } };
            ProtoIO.WriteProtoToBinaryFile(wrong, Path.Combine(dir, "short.binaryproto"));
            StringAssert.Contains(Assert.ThrowsExactly<ModelFormatException>(() => Caffe.IO.LoadMean(Path.Combine(dir, "short.binaryproto"))).Message,
                "short.binaryproto");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
