namespace Caffe.Tests.Layers;

[TestClass]
public sealed class TanHLayerTests
{
    private Blob _bottom = null!;
    private readonly Blob _top = new();

    [TestInitialize]
    public void SetUp() => _bottom = LayerTesting.SeededGaussian();

    [TestMethod]
    public void ForwardIsTheHyperbolicTangent()
    {
        var layer = new TanHLayer(LayerTesting.Param("type: 'TanH'"));
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        for (int i = 0; i < _bottom.Count; i++)
        {
            double e2x = Math.Exp(2 * _bottom.Data[i]);
            Assert.AreEqual((e2x - 1) / (e2x + 1), _top.Data[i], 1e-6);
        }
    }

    [TestMethod]
    public void BackwardUsesTheTopData()
    {
        var bottom = LayerTesting.FromValues([3], 0f, 0.5f, -2f);
        var top = new Blob();
        var layer = new TanHLayer(LayerTesting.Param("type: 'TanH'"));
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        new[] { 3f, 1f, -1f }.CopyTo(top.Diff);
        layer.Backward([top], [true], [bottom]);
        Assert.AreEqual(3f, bottom.Diff[0]);
        for (int i = 0; i < 3; i++)
            Assert.AreEqual(top.Diff[i] * (1 - top.Data[i] * top.Data[i]), bottom.Diff[i], 1e-7f);
    }

    [TestMethod]
    public void InPlaceMatchesSeparateTop() =>
        LayerTesting.CheckInPlaceMatchesSeparateTop(() => new TanHLayer(LayerTesting.Param("type: 'TanH'")), _bottom);

    [TestMethod]
    public void Gradient()
    {
        var layer = new TanHLayer(LayerTesting.Param("type: 'TanH'"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void RegistryCreatesIt() =>
        Assert.IsInstanceOfType<TanHLayer>(LayerRegistry.CreateLayer(LayerTesting.Param("type: 'TanH'")));

    [TestMethod]
    public void MissingBottomIsRejected()
    {
        var layer = new TanHLayer(LayerTesting.Param("name: 't' type: 'TanH'"));
        Assert.ThrowsExactly<LayerException>(() => layer.SetUp([], [_top]));
    }
}
