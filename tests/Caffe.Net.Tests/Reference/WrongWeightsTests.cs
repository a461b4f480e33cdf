namespace Caffe.Tests.Reference;

/// <summary>
/// Every reference net, loaded with a damaged copy of its own weights: a layer whose first blob has another shape,
/// and a layer with too few blobs. Loading must fail with a message naming the layer and both shapes or counts.
/// </summary>
[TestClass]
public sealed class WrongWeightsTests
{
    public static IEnumerable<object[]> Cases =>
        new[] { "lenet_v1", "lenet_v2", "cifar10_quick", "cifar10_full", "mtcnn_det1", "mtcnn_det2", "mtcnn_det3", "mtcnn_det4" }
            .Select(c => new object[] { c });

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void BlobOfAnotherShapeNamesLayerAndShapes(string caseName)
    {
        var c = new ReferenceCase(caseName);
        NetParameter weights = ProtoIO.ReadNetParamsFromBinaryFile(c.Weights);
        var inNet = new Net(c.Prototxt, Phase.Test).LayerNames.ToHashSet();
        LayerParameter layer = weights.Layer.First(l => l.Blobs.Count > 0 && inNet.Contains(l.Name));
        BlobProto original = layer.Blobs[0];
        int[] shape = Blob.ShapeOf(original);
        int[] wrong = [.. shape];
        wrong[^1] += 1;
        layer.Blobs[0] = new Blob(wrong).ToProto();
        string path = Save(weights);
        try
        {
            var e = Assert.ThrowsExactly<LayerException>(() => new Net(c.Prototxt, Phase.Test, weights: path));
            Assert.AreEqual(layer.Name, e.LayerName);
            StringAssert.Contains(e.Message, $"Source param shape is {Blob.ShapeText(wrong)}");
            StringAssert.Contains(e.Message, "target param shape is");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void TooFewBlobsNamesLayerAndCounts(string caseName)
    {
        var c = new ReferenceCase(caseName);
        NetParameter weights = ProtoIO.ReadNetParamsFromBinaryFile(c.Weights);
        // The caffemodel may carry layers the deploy net lacks (they are ignored): damage one the net has.
        var inNet = new Net(c.Prototxt, Phase.Test).LayerNames.ToHashSet();
        LayerParameter layer = weights.Layer.Last(l => l.Blobs.Count > 1 && inNet.Contains(l.Name));
        int count = layer.Blobs.Count;
        layer.Blobs.RemoveAt(count - 1);
        string path = Save(weights);
        try
        {
            var e = Assert.ThrowsExactly<LayerException>(() => new Net(c.Prototxt, Phase.Test, weights: path));
            Assert.AreEqual(layer.Name, e.LayerName);
            StringAssert.Contains(e.Message, $"the weights have {count - 1}");
            StringAssert.Contains(e.Message, $"the layer has {count}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Save(NetParameter weights)
    {
        string path = Path.Combine(Path.GetTempPath(), $"caffe-wrong-{Guid.NewGuid():N}.caffemodel");
        ProtoIO.WriteProtoToBinaryFile(weights, path);
        return path;
    }
}
