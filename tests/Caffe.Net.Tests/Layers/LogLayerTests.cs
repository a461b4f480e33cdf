namespace Caffe.Tests.Layers;

[TestClass]
public sealed class LogLayerTests
{
    // (base, scale, shift) as in Caffe's tests; base -1 means e.
    public static IEnumerable<object[]> Cases =>
    [
        [-1f, 1f, 0f], [2f, 1f, 0f], [2f, 1f, 1f], [2f, 3f, 0f], [2f, 3f, 1f],
    ];

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Forward(float logBase, float scale, float shift)
    {
        Blob bottom = PositiveBottom(), top = new();
        var layer = LayerTesting.Create<LogLayer>(Param(logBase, scale, shift));
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < bottom.Count; i++)
        {
            double x = bottom.Data[i];
            double expected = Math.Log(shift + scale * x) / (logBase == -1 ? 1 : Math.Log(logBase));
            Assert.AreEqual(expected, top.Data[i], 2e-4);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Gradient(float logBase, float scale, float shift)
    {
        Blob bottom = PositiveBottom(), top = new();
        var layer = LayerTesting.Create<LogLayer>(Param(logBase, scale, shift));
        new GradientChecker(1e-2f, 1e-2f).CheckGradientEltwise(layer, [bottom], [top]);
    }

    [TestMethod]
    public void HandComputedBase2Scale3Shift1()
    {
        Blob bottom = LayerTesting.FromValues([2], 1f, 5f), top = new();
        var layer = LayerTesting.Create<LogLayer>(Param(2, 3, 1));
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        // log2(1 + 3x): log2 4 = 2, log2 16 = 4.
        Assert.AreEqual(2f, top.Data[0], 1e-6f);
        Assert.AreEqual(4f, top.Data[1], 1e-6f);
        top.Diff.Fill(1f);
        layer.Backward([top], [true], [bottom]);
        // dy/dx = 3 / (ln 2 (1 + 3x)).
        Assert.AreEqual(3 / (MathF.Log(2) * 4), bottom.Diff[0], 1e-6f);
        Assert.AreEqual(3 / (MathF.Log(2) * 16), bottom.Diff[1], 1e-6f);
    }

    [TestMethod]
    public void BadBasesAreErrors()
    {
        Blob bottom = PositiveBottom(), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<LogLayer>("name: 'l' type: 'Log' log_param { base: -3 }").SetUp([bottom], [top]),
            "'l'", "base must be strictly positive", "-3");
        LayerTesting.Throws(() => LayerTesting.Create<LogLayer>("type: 'Log' log_param { base: 1 }").SetUp([bottom], [top]),
            "base must not be 1");
    }

    // Caffe's LogBottomInit: e^N(0, 1), so every input is positive.
    private static Blob PositiveBottom()
    {
        Blob bottom = LayerTesting.SeededGaussian();
        Span<float> data = bottom.Data;
        for (int i = 0; i < data.Length; i++) data[i] = MathF.Exp(data[i]);
        return bottom;
    }

    private static string Param(float logBase, float scale, float shift) =>
        $"type: 'Log' log_param {{ base: {logBase} scale: {scale} shift: {shift} }}";
}
