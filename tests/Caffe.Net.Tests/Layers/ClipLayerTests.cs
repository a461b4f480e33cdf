namespace Caffe.Tests.Layers;

[TestClass]
public sealed class ClipLayerTests
{
    private const string MinusOneToTwo = "name: 'clip' type: 'Clip' clip_param { min: -1 max: 2 }";

    [TestMethod]
    public void ForwardClipsToRange()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<ClipLayer>(MinusOneToTwo);
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < bottom.Count; i++)
        {
            float x = bottom.Data[i], y = top.Data[i];
            Assert.IsGreaterThanOrEqualTo(-1f, y);
            Assert.IsLessThanOrEqualTo(2f, y);
            Assert.IsTrue(x > -1 || y == -1);
            Assert.IsTrue(x < 2 || y == 2);
            Assert.IsTrue(!(x >= -1 && x <= 2) || y == x);
        }
    }

    [TestMethod]
    public void HandComputedForwardAndBackward()
    {
        Blob bottom = LayerTesting.FromValues([6], -3f, -1f, 0.5f, 2f, 2.5f, 1f), top = new();
        var layer = LayerTesting.Create<ClipLayer>(MinusOneToTwo);
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        CollectionAssert.AreEqual(new[] { -1f, -1f, 0.5f, 2f, 2f, 1f }, top.Data.ToArray());
        top.Diff.Fill(3f);
        layer.Backward([top], [true], [bottom]);
        // Both ends of [min, max] pass the gradient, as in Caffe.
        CollectionAssert.AreEqual(new[] { 0f, 3f, 3f, 3f, 0f, 3f }, bottom.Diff.ToArray());
    }

    [TestMethod]
    public void Gradient()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        // As Caffe's test: move inputs out of the kinks at min and max, where the numeric gradient is meaningless.
        const float epsilon = 1e-2f;
        Span<float> data = bottom.Data;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] > -1 - epsilon && data[i] < -1 + epsilon) data[i] -= 10 * epsilon;
            if (data[i] > 2 - epsilon && data[i] < 2 + epsilon) data[i] += 10 * epsilon;
        }
        var layer = LayerTesting.Create<ClipLayer>(MinusOneToTwo);
        new GradientChecker(epsilon, 1e-3f).CheckGradientEltwise(layer, [bottom], [top]);
    }

    [TestMethod]
    public void MissingBoundsAreErrors()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<ClipLayer>("name: 'clip' type: 'Clip'").SetUp([bottom], [top]),
            "'clip'", "min", "max", "required");
        // The text parser already rejects a clip_param without its required fields; a message built in code
        // (or read from a binary file) reaches the layer, which must still say what is missing.
        LayerParameter onlyMin = LayerTesting.Param("type: 'Clip'");
        onlyMin.ClipParam = new ClipParameter { Min = 0 };
        LayerTesting.Throws(() => new ClipLayer(onlyMin).SetUp([bottom], [top]), "'max'");
        LayerParameter onlyMax = LayerTesting.Param("type: 'Clip'");
        onlyMax.ClipParam = new ClipParameter { Max = 0 };
        LayerTesting.Throws(() => new ClipLayer(onlyMax).SetUp([bottom], [top]), "'min'");
    }

    [TestMethod]
    public void MinAboveMaxIsAnError()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<ClipLayer>("type: 'Clip' clip_param { min: 3 max: 1 }").SetUp([bottom], [top]),
            "min (3)", "max (1)");
    }
}
