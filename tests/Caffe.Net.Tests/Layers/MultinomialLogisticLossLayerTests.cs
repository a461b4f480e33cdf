namespace Caffe.Tests.Layers;

[TestClass]
public sealed class MultinomialLogisticLossLayerTests
{
    // Caffe's fixture: 10x5x1x1 positive-unitball probabilities, labels uniform in {0…4}.
    private static (Blob Prob, Blob Label) Bottoms()
    {
        Rng.SetRandomSeed(1701);
        Blob prob = new(10, 5, 1, 1);
        Filler.Fill(new FillerParameter { Type = "positive_unitball" }, prob);
        Blob label = new(10, 1, 1, 1);
        for (int i = 0; i < 10; i++) label.Data[i] = Rng.Next(5);
        return (prob, label);
    }

    [TestMethod]
    public void ForwardIsMeanNegativeLogOfTheLabelProbability()
    {
        var (prob, label) = Bottoms();
        Blob top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<MultinomialLogisticLossLayer>("type: 'MultinomialLogisticLoss'"), [prob, label], [top]);
        double expected = 0;
        for (int i = 0; i < 10; i++) expected -= Math.Log(prob.Data[i * 5 + (int)label.Data[i]]);
        Assert.AreEqual(expected / 10, top.Data[0], 1e-5);
    }

    [TestMethod]
    public void ZeroProbabilityIsClampedToTheLogThreshold()
    {
        Blob prob = LayerTesting.FromValues([2, 2], 0f, 1f, 0.25f, 0.75f), label = LayerTesting.FromValues([2], 0, 1), top = new();
        var layer = LayerTesting.Create<MultinomialLogisticLossLayer>("type: 'MultinomialLogisticLoss'");
        LayerTesting.SetUpAndForward(layer, [prob, label], [top]);
        Assert.AreEqual((-MathF.Log(1e-20f) - MathF.Log(0.75f)) / 2, top.Data[0], 1e-5f);
        top.Diff[0] = 1f;
        layer.Backward([top], [true, false], [prob, label]);
        CollectionAssert.AreEqual(new[] { -0.5f / 1e-20f, 0f, 0f, -0.5f / 0.75f }, prob.Diff.ToArray());
    }

    [TestMethod]
    public void Gradient()
    {
        var (prob, label) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<MultinomialLogisticLossLayer>("type: 'MultinomialLogisticLoss'");
        layer.SetUp([prob, label], [top]);
        new GradientChecker(1e-2f, 2e-2f, 1701, 0f, 0.05f).CheckGradientExhaustive(layer, [prob, label], [top], 0);
    }

    [TestMethod]
    public void BadLabelsAreErrors()
    {
        var (prob, label) = Bottoms();
        Blob top = new();
        LayerTesting.Throws(() => LayerTesting.Create<MultinomialLogisticLossLayer>("name: 'mll' type: 'MultinomialLogisticLoss'")
            .SetUp([prob, new Blob(10, 2, 1, 1)], [top]), "'mll'", "one value per item", "(10 2 1 1)");
        label.Data[7] = -3;
        var layer = LayerTesting.Create<MultinomialLogisticLossLayer>("type: 'MultinomialLogisticLoss'");
        layer.SetUp([prob, label], [top]);
        LayerTesting.Throws(() => layer.Forward([prob, label], [top]), "label -3 of item 7", "[0, 5)");
    }
}
