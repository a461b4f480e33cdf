namespace Caffe.Tests.Layers;

[TestClass]
public sealed class PowerLayerTests
{
    // (power, scale, shift) of Caffe's TestPower* forward cases.
    public static IEnumerable<object[]> ForwardCases =>
    [
        [0.37f, 0.83f, -2.4f], [0.0f, 0.83f, -2.4f], [1.0f, 0.83f, -2.4f], [2.0f, 0.34f, -2.4f],
    ];

    // Caffe's TestPower*Gradient cases, which cover the backward shortcuts: general, shift 0, power 0, 1, 2.
    public static IEnumerable<object[]> GradientCases =>
    [
        [0.37f, 0.83f, -2.4f], [0.37f, 0.83f, 0.0f], [0.0f, 0.83f, -2.4f], [1.0f, 0.83f, -2.4f],
        [2.0f, 0.83f, -2.4f], [2.0f, 0.5f, -2.4f],
    ];

    [TestMethod]
    [DynamicData(nameof(ForwardCases))]
    public void Forward(float power, float scale, float shift)
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<PowerLayer>(Param(power, scale, shift));
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < bottom.Count; i++)
        {
            float expected = MathF.Pow(shift + scale * bottom.Data[i], power);
            if (power == 0 || power == 1 || power == 2) Assert.IsFalse(float.IsNaN(top.Data[i]));
            if (float.IsNaN(expected))
            {
                Assert.IsTrue(float.IsNaN(top.Data[i]));
            }
            else
            {
                float precision = MathF.Max(MathF.Abs(expected * 1e-4f), 1e-5f);
                Assert.AreEqual(expected, top.Data[i], precision);
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(GradientCases))]
    public void Gradient(float power, float scale, float shift)
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        if (power != 0 && power != 1 && power != 2)
        {
            // As Caffe's test: reflect inputs so that shift + scale x ≥ 0 and the power is defined.
            float minValue = -shift / scale;
            Span<float> data = bottom.Data;
            for (int i = 0; i < data.Length; i++)
                if (data[i] < minValue) data[i] = minValue + (minValue - data[i]);
        }
        var layer = LayerTesting.Create<PowerLayer>(Param(power, scale, shift));
        new GradientChecker(1e-3f, 1e-2f, 1701, 0f, 0.01f).CheckGradientEltwise(layer, [bottom], [top]);
    }

    [TestMethod]
    public void HandComputedValues()
    {
        Blob bottom = LayerTesting.FromValues([3], 1f, 2f, 3f), top = new();
        var layer = LayerTesting.Create<PowerLayer>(Param(3, 2, -1));
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        // (2x − 1)^3: 1, 27, 125.
        CollectionAssert.AreEqual(new[] { 1f, 27f, 125f }, top.Data.ToArray());
        top.Diff.Fill(1f);
        layer.Backward([top], [true], [bottom]);
        // 3 · 2 · (2x − 1)^2: 6, 54, 150.
        for (int i = 0; i < 3; i++) Assert.AreEqual(new[] { 6f, 54f, 150f }[i], bottom.Diff[i], 1e-4f);
    }

    [TestMethod]
    public void ZeroScaleIgnoresTheInput()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<PowerLayer>(Param(2, 0, 3));
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        foreach (float y in top.Data) Assert.AreEqual(9f, y);
        top.Diff.Fill(5f);
        layer.Backward([top], [true], [bottom]);
        foreach (float d in bottom.Diff) Assert.AreEqual(0f, d);
    }

    [TestMethod]
    public void DefaultsAreIdentity()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<PowerLayer>("type: 'Power'");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        CollectionAssert.AreEqual(bottom.Data.ToArray(), top.Data.ToArray());
    }

    private static string Param(float power, float scale, float shift) =>
        $"type: 'Power' power_param {{ power: {power} scale: {scale} shift: {shift} }}";
}
