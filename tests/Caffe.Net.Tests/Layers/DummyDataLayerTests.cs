namespace Caffe.Tests.Layers;

[TestClass]
public sealed class DummyDataLayerTests
{
    [TestMethod]
    public void OneTopConstant()
    {
        Blob a = new(), b = new(), c = new();
        var layer = LayerTesting.Create<DummyDataLayer>("type: 'DummyData' dummy_data_param { num: 5 channels: 3 height: 2 width: 4 }");
        layer.SetUp([], [a]);
        CollectionAssert.AreEqual(new[] { 5, 3, 2, 4 }, a.Shape.ToArray());
        Assert.AreEqual(0, b.Count);
        Assert.AreEqual(0, c.Count);
        foreach (float v in a.Data) Assert.AreEqual(0f, v);
        layer.Forward([], [a]);
        foreach (float v in a.Data) Assert.AreEqual(0f, v);
    }

    [TestMethod]
    public void TwoTopsConstantWithPartlySharedLegacyDims()
    {
        Blob a = new(), b = new();
        // channels and width are given once and apply to both tops; num and height are given per top.
        var layer = LayerTesting.Create<DummyDataLayer>(
            "type: 'DummyData' dummy_data_param { num: 5 channels: 3 height: 2 width: 4 num: 5 height: 1 data_filler { value: 7 } }");
        layer.SetUp([], [a, b]);
        CollectionAssert.AreEqual(new[] { 5, 3, 2, 4 }, a.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 5, 3, 1, 4 }, b.Shape.ToArray());
        foreach (Blob blob in new[] { a, b })
            foreach (float v in blob.Data) Assert.AreEqual(7f, v);
        layer.Forward([], [a, b]);
        foreach (Blob blob in new[] { a, b })
            foreach (float v in blob.Data) Assert.AreEqual(7f, v);
    }

    [TestMethod]
    public void ThreeTopsConstantGaussianConstant()
    {
        Rng.SetRandomSeed(1701);
        Blob a = new(), b = new(), c = new();
        var layer = LayerTesting.Create<DummyDataLayer>(
            "type: 'DummyData' dummy_data_param { num: 5 channels: 3 height: 2 width: 4 " +
            "data_filler { value: 7 } data_filler { type: 'gaussian' mean: 3 std: 0.01 } data_filler { value: 9 } }");
        layer.SetUp([], [a, b, c]);
        foreach (Blob blob in new[] { a, b, c }) CollectionAssert.AreEqual(new[] { 5, 3, 2, 4 }, blob.Shape.ToArray());
        foreach (float v in a.Data) Assert.AreEqual(7f, v);
        // The gaussian top is not filled at setup, only by forward.
        foreach (float v in b.Data) Assert.AreEqual(0f, v);
        foreach (float v in c.Data) Assert.AreEqual(9f, v);

        layer.Forward([], [a, b, c]);
        foreach (float v in a.Data) Assert.AreEqual(7f, v);
        foreach (float v in b.Data) Assert.AreEqual(3f, v, 0.1f);
        foreach (float v in c.Data) Assert.AreEqual(9f, v);
        float first = b.Data[0], last = b.Data[^1];

        // Non-constant fillers refill on every forward.
        layer.Forward([], [a, b, c]);
        foreach (float v in a.Data) Assert.AreEqual(7f, v);
        foreach (float v in b.Data) Assert.AreEqual(3f, v, 0.1f);
        Assert.AreNotEqual(first, b.Data[0]);
        Assert.AreNotEqual(last, b.Data[^1]);
        foreach (float v in c.Data) Assert.AreEqual(9f, v);
    }

    [TestMethod]
    public void ShapesOncePerTop()
    {
        Blob a = new(), b = new();
        var layer = LayerTesting.Create<DummyDataLayer>(
            "type: 'DummyData' dummy_data_param { shape { dim: 2 dim: 3 } shape { dim: 7 } data_filler { type: 'constant' value: 1.5 } }");
        LayerTesting.SetUpAndForward(layer, [], [a, b]);
        CollectionAssert.AreEqual(new[] { 2, 3 }, a.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 7 }, b.Shape.ToArray());
        foreach (float v in b.Data) Assert.AreEqual(1.5f, v);
    }

    [TestMethod]
    public void BadParametersAreErrors()
    {
        Blob a = new(), b = new(), c = new();
        LayerTesting.Throws(() => LayerTesting.Create<DummyDataLayer>(
                "name: 'dd' type: 'DummyData' dummy_data_param { shape { dim: 2 } data_filler { value: 1 } data_filler { value: 2 } }")
            .SetUp([], [a, b, c]), "'dd'", "0, 1 or 3", "2 given");
        LayerTesting.Throws(() => LayerTesting.Create<DummyDataLayer>(
                "type: 'DummyData' dummy_data_param { shape { dim: 2 } num: 3 channels: 1 height: 1 width: 1 }")
            .SetUp([], [a]), "both 'shape' and the legacy");
        LayerTesting.Throws(() => LayerTesting.Create<DummyDataLayer>(
                "type: 'DummyData' dummy_data_param { num: 3 num: 4 channels: 1 height: 1 width: 1 }")
            .SetUp([], [a, b, c]), "'num' must be given once, or once per top blob (3); given 2");
        LayerTesting.Throws(() => LayerTesting.Create<DummyDataLayer>(
                "type: 'DummyData' dummy_data_param { num: 3 height: 1 width: 1 }")
            .SetUp([], [a]), "'channels'", "given 0");
        LayerTesting.Throws(() => LayerTesting.Create<DummyDataLayer>("type: 'DummyData'").SetUp([], [a]),
            "'shape' must be given once");
        LayerTesting.Throws(() => LayerTesting.Create<DummyDataLayer>(
                "type: 'DummyData' dummy_data_param { shape { dim: 2 } data_filler { type: 'zeros' } }")
            .SetUp([], [a]), "unknown data_filler type 'zeros'");
    }
}
