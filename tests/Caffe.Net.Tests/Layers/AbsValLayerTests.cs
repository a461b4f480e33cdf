namespace Caffe.Tests.Layers;

[TestClass]
public sealed class AbsValLayerTests
{
    [TestMethod]
    public void ForwardIsAbsoluteValue()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<AbsValLayer>("name: 'abs' type: 'AbsVal'");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        CollectionAssert.AreEqual(bottom.Shape.ToArray(), top.Shape.ToArray());
        for (int i = 0; i < bottom.Count; i++) Assert.AreEqual(MathF.Abs(bottom.Data[i]), top.Data[i]);
    }

    [TestMethod]
    public void BackwardIsSignTimesTopDiff()
    {
        Blob bottom = LayerTesting.FromValues([4], -2f, 0f, 3f, -0.5f), top = new();
        var layer = LayerTesting.Create<AbsValLayer>("type: 'AbsVal'");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        new[] { 10f, 20f, 30f, 40f }.CopyTo(top.Diff);
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { -10f, 0f, 30f, -40f }, bottom.Diff.ToArray());
    }

    [TestMethod]
    public void Gradient()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<AbsValLayer>("type: 'AbsVal'");
        new GradientChecker(1e-2f, 1e-3f, 1701, 0f, 0.01f).CheckGradientEltwise(layer, [bottom], [top]);
    }

    [TestMethod]
    public void InPlaceIsRejected()
    {
        Blob blob = LayerTesting.SeededGaussian();
        var layer = LayerTesting.Create<AbsValLayer>("name: 'abs' type: 'AbsVal'");
        LayerTesting.Throws(() => layer.SetUp([blob], [blob]), "'abs'", "in-place");
    }
}
