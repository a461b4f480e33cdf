namespace Caffe.Tests.Layers;

[TestClass]
public sealed class ELULayerTests
{
    [TestMethod]
    public void ForwardWithAlphaHalf()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<ELULayer>("type: 'ELU' elu_param { alpha: 0.5 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < bottom.Count; i++)
        {
            float x = bottom.Data[i];
            if (x > 0) Assert.AreEqual(x, top.Data[i]);
            else Assert.AreEqual(0.5 * (Math.Exp(x) - 1), top.Data[i], 2e-4);
        }
    }

    [TestMethod]
    public void HandComputedValues()
    {
        Blob bottom = LayerTesting.FromValues([3], -1f, 0f, 2f), top = new();
        var layer = LayerTesting.Create<ELULayer>("type: 'ELU' elu_param { alpha: 0.5 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        Assert.AreEqual(0.5f * (MathF.Exp(-1f) - 1f), top.Data[0], 1e-7f);
        Assert.AreEqual(0f, top.Data[1]);
        Assert.AreEqual(2f, top.Data[2]);
        top.Diff.Fill(2f);
        layer.Backward([top], [true], [bottom]);
        // Derivative alpha e^x for x ≤ 0 (0.5 at 0), 1 above.
        Assert.AreEqual(2f * 0.5f * MathF.Exp(-1f), bottom.Diff[0], 1e-6f);
        Assert.AreEqual(1f, bottom.Diff[1], 1e-7f);
        Assert.AreEqual(2f, bottom.Diff[2]);
    }

    [TestMethod]
    public void AlphaZeroIsReLU()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<ELULayer>("type: 'ELU' elu_param { alpha: 0 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < bottom.Count; i++)
        {
            Assert.IsGreaterThanOrEqualTo(0f, top.Data[i]);
            Assert.IsTrue(top.Data[i] == 0 || top.Data[i] == bottom.Data[i]);
        }
    }

    [TestMethod]
    public void Gradient()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<ELULayer>("type: 'ELU'");
        new GradientChecker(1e-2f, 1e-3f, 1701, 0f, 0.01f).CheckGradientEltwise(layer, [bottom], [top]);
    }

    [TestMethod]
    public void GradientAsReLU()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<ELULayer>("type: 'ELU' elu_param { alpha: 0 }");
        new GradientChecker(1e-2f, 1e-3f, 1701, 0f, 0.01f).CheckGradientEltwise(layer, [bottom], [top]);
    }
}
