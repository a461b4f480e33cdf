namespace Caffe.Tests.Layers;

[TestClass]
public sealed class BNLLLayerTests
{
    [TestMethod]
    public void ForwardIsSoftplus()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<BNLLLayer>("type: 'BNLL'");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < bottom.Count; i++)
        {
            float x = bottom.Data[i];
            Assert.IsGreaterThanOrEqualTo(0f, top.Data[i]);
            Assert.IsGreaterThanOrEqualTo(x, top.Data[i]);
            Assert.AreEqual(Math.Log(1 + Math.Exp(x)), top.Data[i], 1e-6);
        }
    }

    [TestMethod]
    public void LargeInputsStayFinite()
    {
        Blob bottom = LayerTesting.FromValues([3], 100f, -100f, 0f), top = new();
        var layer = LayerTesting.Create<BNLLLayer>("type: 'BNLL'");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        Assert.AreEqual(100f, top.Data[0], 1e-4f);
        Assert.AreEqual(0f, top.Data[1], 1e-30f);
        Assert.AreEqual(MathF.Log(2f), top.Data[2], 1e-7f);
        top.Diff.Fill(1f);
        layer.Backward([top], [true], [bottom]);
        // The exponent is capped at 50 in backward, so the derivative at 100 is e^50 / (e^50 + 1), i.e. 1.
        Assert.AreEqual(1f, bottom.Diff[0]);
        Assert.AreEqual(0.5f, bottom.Diff[2]);
    }

    [TestMethod]
    public void Gradient()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<BNLLLayer>("type: 'BNLL'");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(layer, [bottom], [top]);
    }
}
