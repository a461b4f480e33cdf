namespace Caffe.Tests.Layers;

[TestClass]
public sealed class ExpLayerTests
{
    // (base, scale, shift) as in Caffe's tests; base -1 means e.
    public static IEnumerable<object[]> Cases =>
    [
        [-1f, 1f, 0f], [-1f, 1f, 1f], [2f, 1f, 0f], [2f, 1f, 1f], [2f, 3f, 0f], [2f, 3f, 1f],
    ];

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Forward(float expBase, float scale, float shift)
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<ExpLayer>(Param(expBase, scale, shift));
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < bottom.Count; i++)
        {
            double x = bottom.Data[i];
            double expected = expBase == -1 ? Math.Exp(shift + scale * x) : Math.Pow(expBase, shift + scale * x);
            Assert.AreEqual(expected, top.Data[i], 2e-4);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Gradient(float expBase, float scale, float shift)
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<ExpLayer>(Param(expBase, scale, shift));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(layer, [bottom], [top]);
    }

    [TestMethod]
    public void HandComputedBase2Scale3Shift1()
    {
        Blob bottom = LayerTesting.FromValues([3], 0f, 1f, -1f), top = new();
        var layer = LayerTesting.Create<ExpLayer>(Param(2, 3, 1));
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        // 2^(1 + 3x): 2, 16, 1/4.
        Assert.AreEqual(2f, top.Data[0], 1e-6f);
        Assert.AreEqual(16f, top.Data[1], 1e-5f);
        Assert.AreEqual(0.25f, top.Data[2], 1e-7f);
        top.Diff.Fill(1f);
        layer.Backward([top], [true], [bottom]);
        // dy/dx = 3 ln 2 · y.
        Assert.AreEqual(3 * MathF.Log(2) * 16f, bottom.Diff[1], 1e-4f);
    }

    [TestMethod]
    public void InPlaceGradientUsesOnlyTheTop()
    {
        Blob blob = LayerTesting.FromValues([2], 0.5f, -0.25f);
        var layer = LayerTesting.Create<ExpLayer>(Param(-1, 2, 0));
        LayerTesting.SetUpAndForward(layer, [blob], [blob]);
        Assert.AreEqual(MathF.Exp(1f), blob.Data[0], 1e-6f);
        blob.Diff.Fill(1f);
        layer.Backward([blob], [true], [blob]);
        Assert.AreEqual(2 * MathF.Exp(1f), blob.Diff[0], 1e-5f);
        Assert.AreEqual(2 * MathF.Exp(-0.5f), blob.Diff[1], 1e-6f);
    }

    [TestMethod]
    public void NonPositiveBaseIsAnError()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<ExpLayer>("name: 'e' type: 'Exp' exp_param { base: -2 }").SetUp([bottom], [top]),
            "'e'", "base must be strictly positive", "-2");
        LayerTesting.Throws(() => LayerTesting.Create<ExpLayer>("type: 'Exp' exp_param { base: 0 }").SetUp([bottom], [top]),
            "base must be strictly positive");
    }

    private static string Param(float expBase, float scale, float shift) =>
        $"type: 'Exp' exp_param {{ base: {expBase} scale: {scale} shift: {shift} }}";
}
