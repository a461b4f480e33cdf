namespace Caffe.Tests.Layers;

[TestClass]
public sealed class MVNLayerTests
{
    private static Blob Bottom() => LayerTesting.SeededGaussian(2, 3, 4, 5);

    [TestMethod]
    public void ForwardGivesZeroMeanUnitVariancePerChannel()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<MVNLayer>("type: 'MVN'"), [bottom], [top]);
        for (int n = 0; n < 2; n++)
        for (int c = 0; c < 3; c++)
        {
            var (mean, meanSquare) = Moments(top.Data.Slice(top.Offset(n, c), 20));
            Assert.AreEqual(0, mean, 0.001);
            Assert.AreEqual(1, meanSquare, 0.001);
        }
    }

    [TestMethod]
    public void ForwardMeanOnly()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<MVNLayer>("type: 'MVN' mvn_param { normalize_variance: false }"), [bottom], [top]);
        for (int n = 0; n < 2; n++)
        for (int c = 0; c < 3; c++)
        {
            int offset = top.Offset(n, c);
            var (bottomMean, _) = Moments(bottom.Data.Slice(offset, 20));
            for (int i = 0; i < 20; i++) Assert.AreEqual(bottom.Data[offset + i] - bottomMean, top.Data[offset + i], 1e-6);
        }
    }

    [TestMethod]
    public void ForwardAcrossChannels()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<MVNLayer>("type: 'MVN' mvn_param { across_channels: true }"), [bottom], [top]);
        for (int n = 0; n < 2; n++)
        {
            var (mean, meanSquare) = Moments(top.Data.Slice(top.Offset(n), 60));
            Assert.AreEqual(0, mean, 0.001);
            Assert.AreEqual(1, meanSquare, 0.001);
        }
    }

    [TestMethod]
    public void EpsIsAddedToTheStandardDeviation()
    {
        // Values 1 and 3: mean 2, standard deviation 1; with eps 1 the output is (x − 2) / (1 + 1).
        Blob bottom = LayerTesting.FromValues([1, 1, 1, 2], 1f, 3f), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<MVNLayer>("type: 'MVN' mvn_param { eps: 1 }"), [bottom], [top]);
        CollectionAssert.AreEqual(new[] { -0.5f, 0.5f }, top.Data.ToArray());
    }

    [TestMethod]
    public void TopIsFourDimensional()
    {
        Blob bottom = LayerTesting.FromValues([2, 3], 1, 2, 3, 4, 5, 6), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<MVNLayer>("type: 'MVN' mvn_param { across_channels: true }"), [bottom], [top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 1, 1 }, top.Shape.ToArray());
        float std = MathF.Sqrt(2f / 3f);
        Assert.AreEqual(-1f / std, top.Data[0], 1e-5f);
        Assert.AreEqual(1f / std, top.Data[5], 1e-5f);
    }

    [TestMethod]
    public void InPlaceBackwardMatchesOutOfPlace() =>
        LayerTesting.CheckInPlaceMatchesSeparateTop(() => LayerTesting.Create<MVNLayer>("type: 'MVN'"), Bottom());

    [TestMethod]
    [DataRow("", 1e-2f)]
    [DataRow("mvn_param { normalize_variance: false }", 1e-3f)]
    [DataRow("mvn_param { across_channels: true }", 1e-3f)]
    public void Gradient(string mvnParam, float threshold)
    {
        Blob bottom = Bottom(), top = new();
        var layer = LayerTesting.Create<MVNLayer>("type: 'MVN' " + mvnParam);
        new GradientChecker(1e-2f, threshold).CheckGradientExhaustive(layer, [bottom], [top]);
    }

    [TestMethod]
    public void MoreThanFourAxesIsAnError()
    {
        Blob bottom = LayerTesting.SeededGaussian(1, 2, 3, 4, 5), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<MVNLayer>("name: 'mvn' type: 'MVN'").SetUp([bottom], [top]),
            "'mvn'", "at most 4 axes", "(1 2 3 4 5)");
    }

    private static (double Mean, double MeanSquare) Moments(ReadOnlySpan<float> values)
    {
        double sum = 0, sumSquares = 0;
        foreach (float v in values)
        {
            sum += v;
            sumSquares += (double)v * v;
        }
        return (sum / values.Length, sumSquares / values.Length);
    }
}
