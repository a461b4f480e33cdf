namespace Caffe.Tests.Layers;

[TestClass]
public sealed class SigmoidCrossEntropyLossLayerTests
{
    // Caffe's fixture: 10x5x1x1 inputs N(0, 1), targets uniform in [0, 1].
    private static (Blob Data, Blob Targets) Bottoms()
    {
        Rng.SetRandomSeed(1701);
        return (LayerTesting.Gaussian([10, 5, 1, 1]), LayerTesting.Uniform([10, 5, 1, 1], 0, 1));
    }

    [TestMethod]
    public void ForwardMatchesTheNaiveFormulaOver100Draws()
    {
        var (data, targets) = Bottoms();
        Blob top = new();
        for (int trial = 0; trial < 100; trial++)
        {
            Rng.FillGaussian(data.Data, 0, 1);
            Rng.FillUniform(targets.Data, 0, 1);
            var layer = LayerTesting.Create<SigmoidCrossEntropyLossLayer>("type: 'SigmoidCrossEntropyLoss' loss_weight: 3.7");
            float loss = LayerTesting.SetUpAndForward(layer, [data, targets], [top]);
            // The default normalization of this layer is the batch size, 10.
            Assert.AreEqual(3.7 * ReferenceLoss(data, targets, ignoreLabel: null) / 10, loss, 2e-2, $"trial {trial}");
        }
    }

    [TestMethod]
    public void StableForLargeInputs()
    {
        Blob data = LayerTesting.FromValues([1, 2], 100f, -100f), targets = LayerTesting.FromValues([1, 2], 0f, 0f), top = new();
        var layer = LayerTesting.Create<SigmoidCrossEntropyLossLayer>("type: 'SigmoidCrossEntropyLoss'");
        LayerTesting.SetUpAndForward(layer, [data, targets], [top]);
        // −log(1 − σ(100)) = 100 (up to e^-100); −log(1 − σ(−100)) ≈ 0.
        Assert.AreEqual(100f, top.Data[0], 1e-4f);
        top.Diff[0] = 1f;
        layer.Backward([top], [true, false], [data, targets]);
        Assert.AreEqual(1f, data.Diff[0], 1e-6f);
        Assert.AreEqual(0f, data.Diff[1], 1e-6f);
    }

    [TestMethod]
    [DataRow("", 10)]
    [DataRow("loss_param { normalize: false }", 10)]
    [DataRow("loss_param { normalize: true }", 45)]
    [DataRow("loss_param { normalization: VALID }", 45)]
    [DataRow("loss_param { normalization: FULL }", 50)]
    [DataRow("loss_param { normalization: NONE }", 1)]
    [DataRow("loss_param { normalization: BATCH_SIZE normalize: true }", 10)]
    public void NormalizationWithIgnoredTargets(string lossParam, int divisor)
    {
        var (data, targets) = Bottoms();
        for (int i = 0; i < 5; i++) targets.Data[i * 7] = -1;
        Blob top = new();
        string param = "type: 'SigmoidCrossEntropyLoss' " + (lossParam.Length == 0
            ? "loss_param { ignore_label: -1 }"
            : lossParam.Replace("loss_param {", "loss_param { ignore_label: -1", StringComparison.Ordinal));
        LayerTesting.SetUpAndForward(LayerTesting.Create<SigmoidCrossEntropyLossLayer>(param), [data, targets], [top]);
        double expected = ReferenceLoss(data, targets, ignoreLabel: -1) / divisor;
        Assert.AreEqual(expected, top.Data[0], Math.Abs(expected) * 1e-5);
    }

    [TestMethod]
    public void Gradient()
    {
        var (data, targets) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<SigmoidCrossEntropyLossLayer>("type: 'SigmoidCrossEntropyLoss' loss_weight: 3.7");
        layer.SetUp([data, targets], [top]);
        new GradientChecker(1e-2f, 1e-2f, 1701).CheckGradientExhaustive(layer, [data, targets], [top], 0);
    }

    [TestMethod]
    public void IgnoredTargetsGetZeroGradient()
    {
        var (data, targets) = Bottoms();
        for (int i = 0; i < targets.Count / 2; i++) targets.Data[i] = -1;
        Blob top = new();
        var layer = LayerTesting.Create<SigmoidCrossEntropyLossLayer>("type: 'SigmoidCrossEntropyLoss' loss_param { ignore_label: -1 }");
        new GradientChecker(1e-2f, 1e-2f, 1701).CheckGradientExhaustive(layer, [data, targets], [top], 0);
        layer.Forward([data, targets], [top]);
        top.Diff[0] = 1f;
        layer.Backward([top], [true, false], [data, targets]);
        for (int i = 0; i < targets.Count; i++)
        {
            if (i < targets.Count / 2) Assert.AreEqual(0f, data.Diff[i]);
            else Assert.AreNotEqual(0f, data.Diff[i]);
        }
    }

    [TestMethod]
    public void CountMismatchIsAnError()
    {
        Blob top = new();
        LayerTesting.Throws(() => LayerTesting.Create<SigmoidCrossEntropyLossLayer>("name: 'sce' type: 'SigmoidCrossEntropyLoss'")
            .SetUp([new Blob(10, 5), new Blob(10, 4)], [top]), "'sce'", "same count", "(10 5)", "(10 4)");
    }

    [TestMethod]
    public void TargetsGetNoGradient()
    {
        var (data, targets) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<SigmoidCrossEntropyLossLayer>("type: 'SigmoidCrossEntropyLoss'");
        LayerTesting.SetUpAndForward(layer, [data, targets], [top]);
        Assert.IsFalse(layer.AllowForceBackward(1));
        LayerTesting.Throws(() => layer.Backward([top], [true, true], [data, targets]), "target");
    }

    // The naive sum of Caffe's reference: −t log σ(x) − (1 − t) log(1 − σ(x)), skipping ignored targets.
    private static double ReferenceLoss(Blob data, Blob targets, int? ignoreLabel)
    {
        double loss = 0;
        for (int i = 0; i < data.Count; i++)
        {
            double t = targets.Data[i];
            if ((int)t == ignoreLabel) continue;
            double p = 1 / (1 + Math.Exp(-data.Data[i]));
            loss -= t * Math.Log(p + (t == 0 ? 1 : 0));
            loss -= (1 - t) * Math.Log(1 - p + (t == 1 ? 1 : 0));
        }
        return loss;
    }
}
