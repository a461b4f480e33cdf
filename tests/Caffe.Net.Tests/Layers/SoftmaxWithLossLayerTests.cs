namespace Caffe.Tests.Layers;

[TestClass]
public sealed class SoftmaxWithLossLayerTests
{
    private Blob _data = null!;
    private Blob _label = null!;

    [TestInitialize]
    public void Fill()
    {
        Rng.SetRandomSeed(1701);
        _data = LayerTesting.Gaussian([10, 5, 2, 3], 0, 10);
        _label = new Blob(10, 1, 2, 3);
        for (int i = 0; i < _label.Count; i++) _label.Data[i] = Rng.Next(5);
    }

    private static SoftmaxWithLossLayer Create(string prototxt = "") =>
        new(LayerTesting.Param("name: 'loss' type: 'SoftmaxWithLoss' " + prototxt));

    private float ForwardLoss(string prototxt)
    {
        var top = new Blob();
        SoftmaxWithLossLayer layer = Create(prototxt);
        layer.SetUp([_data, _label], [top]);
        layer.Forward([_data, _label], [top]);
        return top.Data[0];
    }

    /// <summary>Σ −log softmax(data)[label] over positions whose label is not <paramref name="ignore"/>, in double; and their count.</summary>
    private (double Sum, int Valid) ReferenceLoss(int? ignore = null)
    {
        double sum = 0;
        int valid = 0;
        for (int n = 0; n < 10; n++)
        {
            for (int k = 0; k < 6; k++)
            {
                int label = (int)_label.Data[n * 6 + k];
                if (label == ignore) continue;
                double max = double.NegativeInfinity, z = 0;
                for (int c = 0; c < 5; c++) max = Math.Max(max, _data.Data[(n * 5 + c) * 6 + k]);
                for (int c = 0; c < 5; c++) z += Math.Exp(_data.Data[(n * 5 + c) * 6 + k] - max);
                double p = Math.Exp(_data.Data[(n * 5 + label) * 6 + k] - max) / z;
                sum -= Math.Log(Math.Max(p, 1.17549435e-38));
                valid++;
            }
        }
        return (sum, valid);
    }

    [TestMethod]
    public void Gradient()
    {
        var checker = new GradientChecker(1e-2f, 1e-2f);
        checker.CheckGradientExhaustive(Create("loss_weight: 3"), [_data, _label], [new Blob()], 0);
    }

    [TestMethod]
    public void ForwardIgnoreLabel()
    {
        float fullLoss = ForwardLoss("loss_param { normalize: false }");
        float accumulated = 0;
        for (int label = 0; label < 5; label++)
            accumulated += ForwardLoss($"loss_param {{ normalize: false ignore_label: {label} }}");
        // Every label is left out exactly once.
        Assert.AreEqual(4 * fullLoss, accumulated, 1e-4);
    }

    [TestMethod]
    public void GradientIgnoreLabel()
    {
        var checker = new GradientChecker(1e-2f, 1e-2f);
        checker.CheckGradientExhaustive(Create("loss_param { ignore_label: 0 }"), [_data, _label], [new Blob()], 0);
    }

    [TestMethod]
    public void GradientUnnormalized()
    {
        var checker = new GradientChecker(1e-2f, 1e-2f);
        checker.CheckGradientExhaustive(Create("loss_param { normalize: false }"), [_data, _label], [new Blob()], 0);
    }

    [TestMethod]
    [DataRow("FULL")]
    [DataRow("VALID")]
    [DataRow("BATCH_SIZE")]
    [DataRow("NONE")]
    public void GradientForEachNormalization(string mode)
    {
        var checker = new GradientChecker(1e-2f, 1e-2f);
        checker.CheckGradientExhaustive(Create($"loss_param {{ ignore_label: 2 normalization: {mode} }}"),
                                        [_data, _label], [new Blob()], 0);
    }

    [TestMethod]
    public void ForwardDividesByTheNormalizerOfEachMode()
    {
        (double all, int count) = ReferenceLoss();
        Assert.AreEqual(60, count);
        (double kept, int valid) = ReferenceLoss(ignore: 1);
        Assert.IsTrue(valid < 60, "some labels are 1");

        Assert.AreEqual(all / 60, ForwardLoss(""), 1e-4, "default: VALID without ignore_label = all positions");
        Assert.AreEqual(kept / valid, ForwardLoss("loss_param { ignore_label: 1 }"), 1e-4, "default VALID");
        Assert.AreEqual(kept / 60, ForwardLoss("loss_param { ignore_label: 1 normalization: FULL }"), 1e-4);
        Assert.AreEqual(kept / valid, ForwardLoss("loss_param { ignore_label: 1 normalization: VALID }"), 1e-4);
        Assert.AreEqual(kept / 10, ForwardLoss("loss_param { ignore_label: 1 normalization: BATCH_SIZE }"), 1e-4);
        Assert.AreEqual(kept, ForwardLoss("loss_param { ignore_label: 1 normalization: NONE }"), 1e-3);
        // The deprecated bool: true = VALID, false = BATCH_SIZE; an explicit normalization wins over it.
        Assert.AreEqual(kept / valid, ForwardLoss("loss_param { ignore_label: 1 normalize: true }"), 1e-4);
        Assert.AreEqual(kept / 10, ForwardLoss("loss_param { ignore_label: 1 normalize: false }"), 1e-4);
        Assert.AreEqual(kept, ForwardLoss("loss_param { ignore_label: 1 normalize: true normalization: NONE }"), 1e-3);
    }

    [TestMethod]
    public void BackwardScalesByTheTopDiffOverTheNormalizer()
    {
        var top = new Blob();
        SoftmaxWithLossLayer layer = Create("loss_param { normalization: BATCH_SIZE ignore_label: 4 }");
        layer.SetUp([_data, _label], [top]);
        layer.Forward([_data, _label], [top]);
        top.Diff[0] = 0.5f;
        layer.Backward([top], [true, false], [_data, _label]);
        for (int n = 0; n < 10; n++)
        {
            for (int k = 0; k < 6; k++)
            {
                int label = (int)_label.Data[n * 6 + k];
                double max = double.NegativeInfinity, z = 0;
                for (int c = 0; c < 5; c++) max = Math.Max(max, _data.Data[(n * 5 + c) * 6 + k]);
                for (int c = 0; c < 5; c++) z += Math.Exp(_data.Data[(n * 5 + c) * 6 + k] - max);
                for (int c = 0; c < 5; c++)
                {
                    int at = (n * 5 + c) * 6 + k;
                    double expected = label == 4 ? 0 : (Math.Exp(_data.Data[at] - max) / z - (c == label ? 1 : 0)) * 0.5 / 10;
                    Assert.AreEqual(expected, _data.Diff[at], 1e-6, $"diff at {at}");
                }
            }
        }
    }

    [TestMethod]
    public void SecondTopHoldsTheProbabilitiesAndCarriesNoLoss()
    {
        var loss = new Blob();
        var prob = new Blob();
        SoftmaxWithLossLayer layer = Create();
        layer.SetUp([_data, _label], [loss, prob]);
        CollectionAssert.AreEqual(new[] { 1f, 0f }, layer.Param.LossWeight.ToArray());
        float weighted = layer.Forward([_data, _label], [loss, prob]);
        Assert.AreEqual(loss.Data[0], weighted, 1e-6);
        CollectionAssert.AreEqual(_data.Shape.ToArray(), prob.Shape.ToArray());

        var softmaxTop = new Blob();
        var softmax = new SoftmaxLayer(LayerTesting.Param("type: 'Softmax'"));
        softmax.SetUp([_data], [softmaxTop]);
        softmax.Forward([_data], [softmaxTop]);
        CollectionAssert.AreEqual(softmaxTop.Data.ToArray(), prob.Data.ToArray());
    }

    [TestMethod]
    public void ExplicitWeightsForTwoTopsAreAccepted()
    {
        SoftmaxWithLossLayer layer = Create("loss_weight: 2 loss_weight: 0");
        var loss = new Blob();
        layer.SetUp([_data, _label], [loss, new Blob()]);
        Assert.AreEqual(2f, layer.Loss(0));
        Assert.AreEqual(0f, layer.Loss(1));
    }

    [TestMethod]
    public void SoftmaxAxisIsRespected()
    {
        // Classes along the last axis: scores 2x3x4 with labels 2x3.
        Rng.SetRandomSeed(1701);
        Blob scores = LayerTesting.Gaussian([2, 3, 4]);
        var labels = new Blob(2, 3);
        for (int i = 0; i < 6; i++) labels.Data[i] = i % 4;
        var top = new Blob();
        SoftmaxWithLossLayer layer = Create("softmax_param { axis: -1 } loss_param { normalization: NONE }");
        layer.SetUp([scores, labels], [top]);
        layer.Forward([scores, labels], [top]);
        double expected = 0;
        for (int i = 0; i < 6; i++)
        {
            double z = 0;
            for (int c = 0; c < 4; c++) z += Math.Exp(scores.Data[i * 4 + c]);
            expected -= Math.Log(Math.Exp(scores.Data[i * 4 + i % 4]) / z);
        }
        Assert.AreEqual(expected, top.Data[0], 1e-4);
        new GradientChecker(1e-2f, 1e-2f).CheckGradientExhaustive(
            Create("softmax_param { axis: -1 }"), [scores, labels], [new Blob()], 0);
    }

    [TestMethod]
    [DataRow(5f, "label 5 at position 7")]
    [DataRow(-1f, "label -1 at position 7")]
    [DataRow(float.NaN, "label NaN at position 7")]
    public void LabelOutsideTheClassesIsAnError(float bad, string expected)
    {
        _label.Data[7] = bad;
        LayerTesting.Throws(() => ForwardLoss(""), "'loss'", expected, "outer index 1, inner index 1", "[0, 5)");
    }

    [TestMethod]
    public void IgnoredLabelMayLieOutsideTheClasses()
    {
        _label.Data[7] = -1;
        float loss = ForwardLoss("loss_param { ignore_label: -1 normalization: NONE }");
        (double expected, int valid) = ReferenceLoss(ignore: -1);
        Assert.AreEqual(59, valid);
        Assert.AreEqual(expected, loss, 1e-3);
    }

    [TestMethod]
    public void LabelCountMustMatchThePredictions()
    {
        SoftmaxWithLossLayer layer = Create();
        LayerTesting.Throws(() => layer.SetUp([_data, new Blob(10, 5)], [new Blob()]), "10 5 (50)", "60 positions");
    }

    [TestMethod]
    public void FirstDimensionsMustMatch()
    {
        LayerTesting.Throws(() => Create().SetUp([_data, new Blob(6, 10)], [new Blob()]), "same first dimension");
    }

    [TestMethod]
    public void BackwardToTheLabelsIsAnError()
    {
        var top = new Blob();
        SoftmaxWithLossLayer layer = Create();
        layer.SetUp([_data, _label], [top]);
        layer.Forward([_data, _label], [top]);
        LayerTesting.Throws(() => layer.Backward([top], [true, true], [_data, _label]), "cannot backpropagate to the label input");
        Assert.IsFalse(layer.AllowForceBackward(1));
        Assert.IsTrue(layer.AllowForceBackward(0));
    }

    [TestMethod]
    public void TooManyTopsIsAnError()
    {
        LayerTesting.Throws(() => Create().SetUp([_data, _label], [new Blob(), new Blob(), new Blob()]), "at most 2 top");
    }
}
