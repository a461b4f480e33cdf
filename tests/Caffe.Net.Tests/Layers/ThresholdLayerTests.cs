namespace Caffe.Tests.Layers;

[TestClass]
public sealed class ThresholdLayerTests
{
    [TestMethod]
    public void SetUpKeepsTheShape()
    {
        Blob bottom = LayerTesting.SeededGaussian(2, 3, 6, 5), top = new();
        LayerTesting.Create<ThresholdLayer>("type: 'Threshold'").SetUp([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 6, 5 }, top.Shape.ToArray());
    }

    [TestMethod]
    [DataRow("", 0f)]
    [DataRow("threshold_param { threshold: 0.5 }", 0.5f)]
    public void Forward(string thresholdParam, float threshold)
    {
        Blob bottom = LayerTesting.SeededGaussian(2, 3, 6, 5), top = new();
        var layer = LayerTesting.Create<ThresholdLayer>("type: 'Threshold' " + thresholdParam);
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < bottom.Count; i++)
            Assert.AreEqual(bottom.Data[i] > threshold ? 1f : 0f, top.Data[i]);
    }

    [TestMethod]
    public void ValueEqualToThresholdGivesZero()
    {
        Blob bottom = LayerTesting.FromValues([3], 0.5f, 0.50001f, -7f), top = new();
        var layer = LayerTesting.Create<ThresholdLayer>("type: 'Threshold' threshold_param { threshold: 0.5 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        CollectionAssert.AreEqual(new[] { 0f, 1f, 0f }, top.Data.ToArray());
    }

    [TestMethod]
    public void BackwardIsAnErrorOnlyWhenAGradientIsWanted()
    {
        Blob bottom = LayerTesting.SeededGaussian(), top = new();
        var layer = LayerTesting.Create<ThresholdLayer>("name: 'th' type: 'Threshold'");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        layer.Backward([top], [false], [bottom]);
        LayerTesting.Throws(() => layer.Backward([top], [true], [bottom]), "'th'", "Threshold has no gradient");
    }
}
