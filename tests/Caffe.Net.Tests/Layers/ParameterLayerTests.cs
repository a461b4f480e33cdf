namespace Caffe.Tests.Layers;

[TestClass]
public sealed class ParameterLayerTests
{
    [TestMethod]
    public void TopIsTheParameterBlob()
    {
        Blob top = new();
        var layer = LayerTesting.Create<ParameterLayer>("type: 'Parameter' parameter_param { shape { dim: 2 dim: 3 } }");
        LayerTesting.SetUpAndForward(layer, [], [top]);
        Assert.HasCount(1, layer.Blobs);
        CollectionAssert.AreEqual(new[] { 2, 3 }, layer.Blobs[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 3 }, top.Shape.ToArray());
        foreach (float v in top.Data) Assert.AreEqual(0f, v);
        Assert.IsTrue(top.SharesDataWith(layer.Blobs[0]));
        Assert.IsTrue(top.SharesDiffWith(layer.Blobs[0]));
        // Gradients written to the top are the parameter's gradients.
        top.Diff[4] = 7f;
        layer.Backward([top], [], []);
        Assert.AreEqual(7f, layer.Blobs[0].Diff[4]);
        layer.Blobs[0].Data[1] = 3f;
        Assert.AreEqual(3f, top.Data[1]);
    }

    [TestMethod]
    public void StoredValuesAreKept()
    {
        Blob top = new();
        LayerParameter param = LayerTesting.Param("type: 'Parameter' parameter_param { shape { dim: 3 } }");
        param.Blobs.Add(LayerTesting.FromValues([3], 1f, 2f, 3f).ToProto());
        var layer = new ParameterLayer(param);
        LayerTesting.SetUpAndForward(layer, [], [top]);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, top.Data.ToArray());
    }

    [TestMethod]
    public void MissingShapeIsAnError()
    {
        LayerTesting.Throws(() => LayerTesting.Create<ParameterLayer>("name: 'p' type: 'Parameter'").SetUp([], [new Blob()]),
            "'p'", "parameter_param { shape }");
    }

    [TestMethod]
    public void StoredBlobOfAnotherShapeIsAnError()
    {
        LayerParameter param = LayerTesting.Param("type: 'Parameter' parameter_param { shape { dim: 3 } }");
        param.Blobs.Add(new Blob(4).ToProto());
        LayerTesting.Throws(() => new ParameterLayer(param).SetUp([], [new Blob()]), "shape (4)", "shape is (3)");
    }
}
