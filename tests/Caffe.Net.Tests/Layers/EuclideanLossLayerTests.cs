namespace Caffe.Tests.Layers;

[TestClass]
public sealed class EuclideanLossLayerTests
{
    private static (Blob A, Blob B) Bottoms()
    {
        Rng.SetRandomSeed(1701);
        return (LayerTesting.Gaussian([10, 5, 1, 1]), LayerTesting.Gaussian([10, 5, 1, 1]));
    }

    [TestMethod]
    public void ForwardIsHalfMeanSquaredDistanceTimesLossWeight()
    {
        var (a, b) = Bottoms();
        Blob top = new();
        var plain = LayerTesting.Create<EuclideanLossLayer>("type: 'EuclideanLoss'");
        float loss = LayerTesting.SetUpAndForward(plain, [a, b], [top]);
        double expected = 0;
        for (int i = 0; i < a.Count; i++) expected += Math.Pow(a.Data[i] - b.Data[i], 2);
        expected /= 2 * 10;
        Assert.AreEqual(expected, top.Data[0], 1e-5);
        Assert.AreEqual(expected, loss, 1e-5);

        var weighted = LayerTesting.Create<EuclideanLossLayer>("type: 'EuclideanLoss' loss_weight: 3.7");
        float weightedLoss = LayerTesting.SetUpAndForward(weighted, [a, b], [top]);
        Assert.AreEqual(3.7 * expected, weightedLoss, 1e-4);
    }

    [TestMethod]
    public void HandComputedForwardAndBackward()
    {
        Blob a = LayerTesting.FromValues([2, 2], 1, 2, 3, 4), b = LayerTesting.FromValues([2, 2], 0, 2, 5, 4), top = new();
        var layer = LayerTesting.Create<EuclideanLossLayer>("type: 'EuclideanLoss'");
        LayerTesting.SetUpAndForward(layer, [a, b], [top]);
        // (1 + 4) / 2 / 2.
        Assert.AreEqual(1.25f, top.Data[0]);
        top.Diff[0] = 2f;
        layer.Backward([top], [true, true], [a, b]);
        CollectionAssert.AreEqual(new[] { 1f, 0f, -2f, 0f }, a.Diff.ToArray());
        CollectionAssert.AreEqual(new[] { -1f, 0f, 2f, 0f }, b.Diff.ToArray());
    }

    [TestMethod]
    public void Gradient()
    {
        var (a, b) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<EuclideanLossLayer>("type: 'EuclideanLoss'");
        layer.SetUp([a, b], [top]);
        new GradientChecker(1e-2f, 1e-2f, 1701).CheckGradientExhaustive(layer, [a, b], [top]);
    }

    [TestMethod]
    public void BothBottomsAllowForceBackward()
    {
        var layer = LayerTesting.Create<EuclideanLossLayer>("type: 'EuclideanLoss'");
        Assert.IsTrue(layer.AllowForceBackward(0));
        Assert.IsTrue(layer.AllowForceBackward(1));
    }

    [TestMethod]
    public void MismatchedSizesAreErrors()
    {
        Blob top = new();
        LayerTesting.Throws(() => LayerTesting.Create<EuclideanLossLayer>("name: 'e' type: 'EuclideanLoss'")
            .SetUp([new Blob(10, 5), new Blob(10, 4)], [top]), "'e'", "same size per item", "(10 5)", "(10 4)");
        LayerTesting.Throws(() => LayerTesting.Create<EuclideanLossLayer>("type: 'EuclideanLoss'")
            .SetUp([new Blob(10, 5), new Blob(9, 5)], [top]), "same first dimension");
    }
}
