namespace Caffe.Tests.Layers;

[TestClass]
public sealed class SigmoidLayerTests
{
    private Blob _bottom = null!;
    private readonly Blob _top = new();

    [TestInitialize]
    public void SetUp() => _bottom = LayerTesting.SeededGaussian();

    [TestMethod]
    public void ForwardIsTheLogistic()
    {
        var layer = new SigmoidLayer(LayerTesting.Param("type: 'Sigmoid'"));
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        for (int i = 0; i < _bottom.Count; i++)
        {
            double expected = 1 / (1 + Math.Exp(-_bottom.Data[i]));
            Assert.AreEqual(expected, _top.Data[i], 1e-7 * expected);
            Assert.IsTrue(_top.Data[i] >= 0 && _top.Data[i] <= 1);
        }
    }

    [TestMethod]
    public void ForwardIsAccurateForLargeInputs()
    {
        // The tanh form in double keeps the tiny tail values a float exp formula would lose.
        var bottom = LayerTesting.FromValues([4], -20f, -100f, 20f, 0f);
        var top = new Blob();
        var layer = new SigmoidLayer(LayerTesting.Param("type: 'Sigmoid'"));
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        Assert.AreEqual(2.0611536e-9, top.Data[0], 1e-6 * 2.0611536e-9);
        Assert.AreEqual(0f, top.Data[1], 1e-40f);
        Assert.AreEqual(1f, top.Data[2]);
        Assert.AreEqual(0.5f, top.Data[3]);
    }

    [TestMethod]
    public void BackwardUsesTheTopData()
    {
        var bottom = LayerTesting.FromValues([3], 0f, 2f, -1f);
        var top = new Blob();
        var layer = new SigmoidLayer(LayerTesting.Param("type: 'Sigmoid'"));
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        new[] { 1f, 2f, -3f }.CopyTo(top.Diff);
        layer.Backward([top], [true], [bottom]);
        for (int i = 0; i < 3; i++)
        {
            double y = top.Data[i];
            Assert.AreEqual(top.Diff[i] * y * (1 - y), bottom.Diff[i], 1e-7);
        }
        Assert.AreEqual(0.25f, bottom.Diff[0]);
    }

    [TestMethod]
    public void InPlaceMatchesSeparateTop() =>
        LayerTesting.CheckInPlaceMatchesSeparateTop(() => new SigmoidLayer(LayerTesting.Param("type: 'Sigmoid'")), _bottom);

    [TestMethod]
    public void Gradient()
    {
        var layer = new SigmoidLayer(LayerTesting.Param("type: 'Sigmoid'"));
        new GradientChecker(1e-2f, 1e-3f, 1701, 0f, 0.01f).CheckGradientEltwise(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void RegistryCreatesIt() =>
        Assert.IsInstanceOfType<SigmoidLayer>(LayerRegistry.CreateLayer(LayerTesting.Param("type: 'Sigmoid'")));

    [TestMethod]
    public void WrongTopCountIsRejected()
    {
        var layer = new SigmoidLayer(LayerTesting.Param("name: 's' type: 'Sigmoid'"));
        Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom], [_top, new Blob()]));
    }
}
