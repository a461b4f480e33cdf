namespace Caffe.Tests.Layers;

[TestClass]
public sealed class ReLULayerTests
{
    private Blob _bottom = null!;
    private readonly Blob _top = new();

    [TestInitialize]
    public void SetUp() => _bottom = LayerTesting.SeededGaussian();

    [TestMethod]
    public void ForwardKeepsPositivesAndZeroesNegatives()
    {
        var layer = new ReLULayer(LayerTesting.Param("type: 'ReLU'"));
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        CollectionAssert.AreEqual(_bottom.Shape.ToArray(), _top.Shape.ToArray());
        for (int i = 0; i < _bottom.Count; i++)
        {
            Assert.IsGreaterThanOrEqualTo(0f, _top.Data[i]);
            Assert.IsTrue(_top.Data[i] == 0 || _top.Data[i] == _bottom.Data[i]);
            Assert.AreEqual(MathF.Max(_bottom.Data[i], 0), _top.Data[i]);
        }
    }

    [TestMethod]
    public void ForwardWithNegativeSlope()
    {
        var layer = new ReLULayer(LayerTesting.Param("relu_param { negative_slope: 0.01 }"));
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        for (int i = 0; i < _bottom.Count; i++)
        {
            float x = _bottom.Data[i];
            Assert.AreEqual(x >= 0 ? x : x * 0.01f, _top.Data[i], 1e-7f);
        }
    }

    [TestMethod]
    public void HandComputedForwardAndBackward()
    {
        var bottom = LayerTesting.FromValues([1, 5], -2f, -0.5f, 0f, 1.5f, 3f);
        var top = new Blob();
        var layer = new ReLULayer(LayerTesting.Param("relu_param { negative_slope: 0.1 }"));
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        CollectionAssert.AreEqual(new[] { -0.2f, -0.05f, 0f, 1.5f, 3f }, top.Data.ToArray());
        new[] { 1f, 2f, 3f, 4f, 5f }.CopyTo(top.Diff);
        layer.Backward([top], [true], [bottom]);
        // x = 0 takes the slope: Caffe's (x > 0) + slope · (x <= 0).
        CollectionAssert.AreEqual(new[] { 0.1f, 0.2f, 0.3f, 4f, 5f }, bottom.Diff.ToArray());
    }

    [TestMethod]
    public void BackwardSkipsBottomWithoutPropagateDown()
    {
        var layer = new ReLULayer(LayerTesting.Param("type: 'ReLU'"));
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        _top.Diff.Fill(1);
        _bottom.Diff.Fill(7);
        layer.Backward([_top], [false], [_bottom]);
        Assert.IsTrue(_bottom.Diff.ToArray().All(v => v == 7));
    }

    [TestMethod]
    public void InPlaceMatchesSeparateTop() =>
        LayerTesting.CheckInPlaceMatchesSeparateTop(() => new ReLULayer(LayerTesting.Param("relu_param { negative_slope: 0.01 }")), _bottom);

    [TestMethod]
    public void LargeBlobUsesTheSameFormula()
    {
        // Large enough to be split over threads.
        Blob bottom = LayerTesting.Gaussian([4, 16, 32, 32]);
        var top = new Blob();
        var layer = new ReLULayer(LayerTesting.Param("relu_param { negative_slope: 0.2 }"));
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        Rng.FillGaussian(top.Diff, 0, 1);
        layer.Backward([top], [true], [bottom]);
        for (int i = 0; i < bottom.Count; i++)
        {
            float x = bottom.Data[i];
            Assert.AreEqual(x > 0 ? x : 0.2f * x, top.Data[i]);
            Assert.AreEqual(top.Diff[i] * (x > 0 ? 1f : 0.2f), bottom.Diff[i]);
        }
    }

    [TestMethod]
    public void Gradient()
    {
        var layer = new ReLULayer(LayerTesting.Param("type: 'ReLU'"));
        new GradientChecker(1e-2f, 1e-3f, 1701, 0f, 0.01f).CheckGradientEltwise(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GradientWithNegativeSlope()
    {
        var layer = new ReLULayer(LayerTesting.Param("relu_param { negative_slope: 0.01 }"));
        new GradientChecker(1e-2f, 1e-3f, 1701, 0f, 0.01f).CheckGradientEltwise(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void RegistryCreatesIt()
    {
        Layer layer = LayerRegistry.CreateLayer(LayerTesting.Param("name: 'relu1' type: 'ReLU'"));
        Assert.IsInstanceOfType<ReLULayer>(layer);
        Assert.AreEqual("ReLU", layer.Type);
    }

    [TestMethod]
    public void WrongBlobCountsAreRejected()
    {
        var layer = new ReLULayer(LayerTesting.Param("name: 'relu' type: 'ReLU'"));
        LayerTesting.Throws(() => layer.SetUp([_bottom, new Blob(2)], [_top]), "bottom");
    }
}
