namespace Caffe.Tests.Core;

[TestClass]
public sealed class BlobTests
{
    [TestMethod]
    public void DefaultBlobIsEmpty()
    {
        var blob = new Blob();
        Assert.AreEqual(0, blob.Count);
        Assert.AreEqual(0, blob.NumAxes);
        Assert.AreEqual(0, blob.Data.Length);
    }

    [TestMethod]
    public void ReshapeSetsShapeCountAndLegacyAccessors()
    {
        var blob = new Blob(2, 3, 4, 5);
        CollectionAssert.AreEqual(new[] { 2, 3, 4, 5 }, blob.Shape.ToArray());
        Assert.AreEqual(120, blob.Count);
        Assert.AreEqual((2, 3, 4, 5), (blob.Num, blob.Channels, blob.Height, blob.Width));
        Assert.AreEqual(60, blob.CountFrom(1));
        Assert.AreEqual(12, blob.CountRange(1, 3));
        Assert.AreEqual(5, blob.ShapeAt(-1));
        Assert.AreEqual("2 3 4 5 (120)", blob.ShapeString);
    }

    [TestMethod]
    public void ScalarBlobHasCountOne()
    {
        var blob = new Blob();
        blob.Reshape();
        Assert.AreEqual(1, blob.Count);
        Assert.AreEqual(1, blob.Num);
    }

    [TestMethod]
    public void LegacyShapePadsMissingAxesWithOne()
    {
        var blob = new Blob(10, 500);
        Assert.AreEqual(1, blob.LegacyShape(-4));
        Assert.AreEqual(1, blob.LegacyShape(-3));
        Assert.AreEqual(10, blob.LegacyShape(-2));
        Assert.AreEqual(500, blob.LegacyShape(-1));
        Assert.AreEqual(10, blob.Num);
        Assert.AreEqual(500, blob.Channels);
        Assert.AreEqual(1, blob.Height);
    }

    [TestMethod]
    public void MemoryIsAlignedAndZeroed()
    {
        var blob = new Blob(3, 7);
        unsafe
        {
            fixed (float* p = blob.Data) Assert.AreEqual(0L, (long)p % 64);
            fixed (float* p = blob.Diff) Assert.AreEqual(0L, (long)p % 64);
        }
        foreach (float v in blob.Data) Assert.AreEqual(0f, v);
    }

    [TestMethod]
    public void ShrinkingReshapeKeepsMemoryGrowingReallocates()
    {
        var blob = new Blob(4, 4);
        blob.Data[0] = 42;
        blob.Reshape(2, 2);
        Assert.AreEqual(16, blob.Capacity);
        Assert.AreEqual(42f, blob.Data[0]);
        blob.Reshape(5, 5);
        Assert.AreEqual(25, blob.Capacity);
    }

    [TestMethod]
    public void ShareDataAliasesMemory()
    {
        var a = new Blob(2, 3);
        var b = new Blob(6);
        b.ShareData(a);
        a.Data[4] = 7;
        Assert.AreEqual(7f, b.Data[4]);
        Assert.IsTrue(b.SharesDataWith(a));
        Assert.IsFalse(b.SharesDiffWith(a));
        Assert.ThrowsExactly<ArgumentException>(() => new Blob(5).ShareData(a));
    }

    [TestMethod]
    public void UpdateSubtractsDiff()
    {
        var blob = new Blob(3);
        blob.Data[0] = 1; blob.Data[1] = 2; blob.Data[2] = 3;
        blob.Diff[0] = 0.5f; blob.Diff[1] = -1; blob.Diff[2] = 3;
        blob.Update();
        CollectionAssert.AreEqual(new[] { 0.5f, 3f, 0f }, blob.Data.ToArray());
        Assert.AreEqual(4.5f, blob.AsumDiff());
        Assert.AreEqual(0.25f + 1 + 9, blob.SumsqDiff());
    }

    [TestMethod]
    public void ProtoRoundTripKeepsShapeAndValues()
    {
        var blob = new Blob(2, 3);
        for (int i = 0; i < 6; i++) { blob.Data[i] = i * 0.5f; blob.Diff[i] = -i; }
        BlobProto proto = blob.ToProto(writeDiff: true);
        var copy = new Blob();
        copy.FromProto(proto);
        CollectionAssert.AreEqual(blob.Shape.ToArray(), copy.Shape.ToArray());
        CollectionAssert.AreEqual(blob.Data.ToArray(), copy.Data.ToArray());
        CollectionAssert.AreEqual(blob.Diff.ToArray(), copy.Diff.ToArray());
        Assert.AreEqual(0, blob.ToProto().Diff.Count);
    }

    [TestMethod]
    public void LegacyProtoShapeMatchesEquivalentNdShape()
    {
        var proto = new BlobProto { Num = 1, Channels = 1, Height = 10, Width = 500 };
        proto.Data.Add(new float[5000]);
        var blob = new Blob(10, 500);
        Assert.IsTrue(blob.ShapeEquals(proto));
        blob.FromProto(proto, reshape: false);
        Assert.IsFalse(new Blob(10, 5, 100).ShapeEquals(proto));
        var fresh = new Blob();
        fresh.FromProto(proto);
        CollectionAssert.AreEqual(new[] { 1, 1, 10, 500 }, fresh.Shape.ToArray());
    }

    [TestMethod]
    public void DoubleDataIsConverted()
    {
        var proto = new BlobProto { Shape = new BlobShape { Dim = { 2 } } };
        proto.DoubleData.Add(new[] { 1.5, -2.25 });
        var blob = new Blob();
        blob.FromProto(proto);
        CollectionAssert.AreEqual(new[] { 1.5f, -2.25f }, blob.Data.ToArray());
    }

    [TestMethod]
    public void PayloadLengthDisagreeingWithShapeIsAnError()
    {
        var proto = new BlobProto { Shape = new BlobShape { Dim = { 2, 3 } } };
        proto.Data.Add(new float[5]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new Blob().FromProto(proto));
        StringAssert.Contains(e.Message, "5 data values");
        StringAssert.Contains(e.Message, "needs 6");
    }

    [TestMethod]
    public void ShapeMismatchWithoutReshapeIsAnError()
    {
        var proto = new Blob(3, 4).ToProto();
        var e = Assert.ThrowsExactly<ArgumentException>(() => new Blob(4, 3).FromProto(proto, reshape: false));
        StringAssert.Contains(e.Message, "3 4");
    }

    [TestMethod]
    public void BadShapesAreRejected()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new Blob(2, -1));
        Assert.ThrowsExactly<ArgumentException>(() => new Blob(new int[Blob.MaxBlobAxes + 1]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Blob(2, 3).ShapeAt(2));
        Assert.ThrowsExactly<InvalidOperationException>(() => _ = new Blob(1, 1, 1, 1, 1).Num);
    }
}
