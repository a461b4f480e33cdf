namespace Caffe.Tests.Layers;

[TestClass]
public sealed class SwishLayerTests
{
    [TestMethod]
    public void ForwardDefaultBeta()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<SwishLayer>("type: 'Swish'");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < bottom.Count; i++)
        {
            double x = bottom.Data[i];
            Assert.AreEqual(x / (1 + Math.Exp(-x)), top.Data[i], 1e-6);
        }
    }

    [TestMethod]
    public void ForwardWithBeta()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<SwishLayer>("type: 'Swish' swish_param { beta: 1.5 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < bottom.Count; i++)
        {
            double x = bottom.Data[i];
            Assert.AreEqual(x / (1 + Math.Exp(-1.5 * x)), top.Data[i], 1e-6);
        }
    }

    [TestMethod]
    public void BetaZeroIsHalfTheInput()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<SwishLayer>("type: 'Swish' swish_param { beta: 0 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < bottom.Count; i++) Assert.AreEqual(bottom.Data[i] / 2, top.Data[i]);
    }

    [TestMethod]
    public void HandComputedBackward()
    {
        Blob bottom = LayerTesting.FromValues([2], 0f, 2f), top = new();
        var layer = LayerTesting.Create<SwishLayer>("type: 'Swish' swish_param { beta: 2 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        top.Diff.Fill(1f);
        layer.Backward([top], [true], [bottom]);
        // d/dx x s(2x) = s(2x) + 2x s(2x)(1 − s(2x)): 0.5 at 0.
        Assert.AreEqual(0.5f, bottom.Diff[0], 1e-7f);
        double s = 1 / (1 + Math.Exp(-4.0));
        Assert.AreEqual(s + 4 * s * (1 - s), bottom.Diff[1], 1e-6);
    }

    [TestMethod]
    public void InPlaceMatchesOutOfPlace() =>
        LayerTesting.CheckInPlaceMatchesSeparateTop(() => LayerTesting.Create<SwishLayer>("type: 'Swish' swish_param { beta: 1.5 }"),
                                                    LayerTesting.SeededGaussian());

    [TestMethod]
    [DataRow("")]
    [DataRow("swish_param { beta: 1.5 }")]
    [DataRow("swish_param { beta: 0 }")]
    public void Gradient(string swishParam)
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<SwishLayer>("type: 'Swish' " + swishParam);
        new GradientChecker(1e-2f, 1e-3f, 1701, 0f, 0.01f).CheckGradientEltwise(layer, [bottom], [top]);
    }
}
