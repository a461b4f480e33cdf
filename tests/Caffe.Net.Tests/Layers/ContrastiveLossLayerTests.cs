namespace Caffe.Tests.Layers;

[TestClass]
public sealed class ContrastiveLossLayerTests
{
    // Caffe's fixture: 128 pairs of 10-d features uniform in [-1, 1], similarity 0 or 1.
    private static (Blob A, Blob B, Blob Y) Bottoms()
    {
        Rng.SetRandomSeed(1701);
        Blob a = LayerTesting.Uniform([128, 10, 1, 1], -1, 1);
        Blob b = LayerTesting.Uniform([128, 10, 1, 1], -1, 1);
        Blob y = new(128, 1, 1, 1);
        for (int i = 0; i < 128; i++) y.Data[i] = Rng.Next(2);
        return (a, b, y);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Forward(bool legacy)
    {
        var (a, b, y) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<ContrastiveLossLayer>(Param(legacy));
        LayerTesting.SetUpAndForward(layer, [a, b, y], [top]);
        const double margin = 1.0;
        double loss = 0;
        for (int i = 0; i < 128; i++)
        {
            double distSq = 0;
            for (int j = 0; j < 10; j++)
            {
                double d = a.Data[i * 10 + j] - b.Data[i * 10 + j];
                distSq += d * d;
            }
            if (y.Data[i] != 0) loss += distSq;
            else if (legacy) loss += Math.Max(margin - distSq, 0);
            else loss += Math.Pow(Math.Max(margin - Math.Sqrt(distSq), 0), 2);
        }
        loss /= 128 * 2;
        Assert.AreEqual(loss, top.Data[0], 1e-6);
    }

    [TestMethod]
    public void HandComputedWithMargin()
    {
        Blob a = LayerTesting.FromValues([2, 2, 1, 1], 0, 0, 3, 0), b = LayerTesting.FromValues([2, 2, 1, 1], 0, 1, 0, 0);
        Blob y = LayerTesting.FromValues([2, 1, 1, 1], 1, 0), top = new();
        var layer = LayerTesting.Create<ContrastiveLossLayer>("type: 'ContrastiveLoss' contrastive_loss_param { margin: 5 }");
        LayerTesting.SetUpAndForward(layer, [a, b, y], [top]);
        // Similar pair at distance 1: 1. Dissimilar pair at distance 3: (5 − 3)² = 4. Total 5 / (2 · 2).
        Assert.AreEqual(1.25f, top.Data[0]);
        var legacy = LayerTesting.Create<ContrastiveLossLayer>("type: 'ContrastiveLoss' contrastive_loss_param { margin: 5 legacy_version: true }");
        LayerTesting.SetUpAndForward(legacy, [a, b, y], [top]);
        // Legacy dissimilar term: max(5 − 9, 0) = 0.
        Assert.AreEqual(0.25f, top.Data[0]);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Gradient(bool legacy)
    {
        var (a, b, y) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<ContrastiveLossLayer>(Param(legacy));
        layer.SetUp([a, b, y], [top]);
        var checker = new GradientChecker(1e-2f, 1e-2f, 1701);
        checker.CheckGradientExhaustive(layer, [a, b, y], [top], 0);
        checker.CheckGradientExhaustive(layer, [a, b, y], [top], 1);
    }

    [TestMethod]
    public void SimilarityGetsNoGradient()
    {
        var layer = LayerTesting.Create<ContrastiveLossLayer>("type: 'ContrastiveLoss'");
        Assert.IsTrue(layer.AllowForceBackward(0));
        Assert.IsTrue(layer.AllowForceBackward(1));
        Assert.IsFalse(layer.AllowForceBackward(2));
        var (a, b, y) = Bottoms();
        Blob top = new();
        LayerTesting.SetUpAndForward(layer, [a, b, y], [top]);
        LayerTesting.Throws(() => layer.Backward([top], [true, true, true], [a, b, y]), "similarity");
    }

    [TestMethod]
    public void BadShapesAreErrors()
    {
        Blob top = new();
        LayerTesting.Throws(() => LayerTesting.Create<ContrastiveLossLayer>("name: 'c' type: 'ContrastiveLoss'")
            .SetUp([new Blob(4, 10, 1, 1), new Blob(4, 9, 1, 1), new Blob(4, 1, 1, 1)], [top]), "'c'", "same C", "(4 10 1 1)", "(4 9 1 1)");
        LayerTesting.Throws(() => LayerTesting.Create<ContrastiveLossLayer>("type: 'ContrastiveLoss'")
            .SetUp([new Blob(4, 10, 2, 1), new Blob(4, 10, 2, 1), new Blob(4, 1, 1, 1)], [top]), "(N, C, 1, 1)");
        LayerTesting.Throws(() => LayerTesting.Create<ContrastiveLossLayer>("type: 'ContrastiveLoss'")
            .SetUp([new Blob(4, 10, 1, 1), new Blob(4, 10, 1, 1), new Blob(4, 2, 1, 1)], [top]), "similarity bottom", "(4 2 1 1)");
        LayerTesting.Throws(() => LayerTesting.Create<ContrastiveLossLayer>("type: 'ContrastiveLoss'")
            .SetUp([new Blob(4, 10, 1, 1), new Blob(4, 10, 1, 1)], [top]), "takes 3 bottom blob(s)", "it has 2");
    }

    private static string Param(bool legacy) =>
        $"type: 'ContrastiveLoss' contrastive_loss_param {{ legacy_version: {(legacy ? "true" : "false")} }}";
}
