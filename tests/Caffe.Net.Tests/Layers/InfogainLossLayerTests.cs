namespace Caffe.Tests.Layers;

[TestClass]
public sealed class InfogainLossLayerTests
{
    private const int Inner = 2, Outer = 4 * 2, NumLabels = 5;

    // Caffe's fixture: predictions 4x2x5x2 uniform in [-0.5, 2] (classes on axis 2), labels 4x2x1x2, H 5x5 uniform in [0.1, 2].
    private static (Blob Data, Blob Label, Blob H) Bottoms()
    {
        Rng.SetRandomSeed(1701);
        Blob data = LayerTesting.Uniform([4, 2, 5, 2], -0.5f, 2f);
        Blob label = new(4, 2, 1, 2);
        for (int i = 0; i < label.Count; i++) label.Data[i] = Rng.Next(NumLabels);
        Blob h = LayerTesting.Uniform([1, 1, 5, 5], 0.1f, 2f);
        return (data, label, h);
    }

    [TestMethod]
    public void ForwardWithHAsABottom()
    {
        var (data, label, h) = Bottoms();
        Blob loss = new(), prob = new();
        var layer = LayerTesting.Create<InfogainLossLayer>("type: 'InfogainLoss' infogain_loss_param { axis: 2 } loss_weight: 1 loss_weight: 0");
        LayerTesting.SetUpAndForward(layer, [data, label, h], [loss, prob]);
        CollectionAssert.AreEqual(data.Shape.ToArray(), prob.Shape.ToArray());
        double[] reference = ReferenceProbabilities(data);
        for (int i = 0; i < prob.Count; i++) Assert.AreEqual(reference[i], prob.Data[i], 1e-6);
        Assert.AreEqual(ReferenceLoss(reference, label, h, ignoreLabel: null) / (Outer * Inner), loss.Data[0], 1e-5);
    }

    [TestMethod]
    public void HFromABinaryprotoFileGivesTheSameLoss()
    {
        var (data, label, h) = Bottoms();
        string path = Path.Combine(Path.GetTempPath(), $"infogain-{Guid.NewGuid():N}.binaryproto");
        try
        {
            ProtoIO.WriteProtoToBinaryFile(h.ToProto(), path);
            Blob fromBottom = new(), fromFile = new();
            LayerTesting.SetUpAndForward(LayerTesting.Create<InfogainLossLayer>("type: 'InfogainLoss' infogain_loss_param { axis: 2 }"),
                [data, label, h], [fromBottom]);
            var layer = LayerTesting.Create<InfogainLossLayer>($"type: 'InfogainLoss' infogain_loss_param {{ axis: 2 source: '{path}' }}");
            LayerTesting.SetUpAndForward(layer, [data, label], [fromFile]);
            Assert.AreEqual(fromBottom.Data[0], fromFile.Data[0]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void HandComputedIdentityHIsSoftmaxLoss()
    {
        // With H = I the loss is −log p[label] averaged: here two items, classes on axis 1.
        Blob data = LayerTesting.FromValues([2, 2], 0f, 0f, 1f, 3f), label = LayerTesting.FromValues([2], 0, 1);
        Blob h = LayerTesting.FromValues([2, 2], 1, 0, 0, 1), top = new();
        var layer = LayerTesting.Create<InfogainLossLayer>("type: 'InfogainLoss'");
        LayerTesting.SetUpAndForward(layer, [data, label, h], [top]);
        double expected = (Math.Log(2) - Math.Log(Math.Exp(3) / (Math.Exp(1) + Math.Exp(3)))) / 2;
        Assert.AreEqual(expected, top.Data[0], 1e-6);
        top.Diff[0] = 1f;
        layer.Backward([top], [true, false, false], [data, label, h]);
        // Row sums of I are 1: the gradient is (p − onehot) / 2.
        Assert.AreEqual((0.5 - 1) / 2, data.Diff[0], 1e-6);
        Assert.AreEqual(0.25, data.Diff[1], 1e-6);
    }

    [TestMethod]
    [DataRow("", 14)]
    [DataRow("normalization: VALID", 14)]
    [DataRow("normalization: FULL", 16)]
    [DataRow("normalization: BATCH_SIZE", 8)]
    [DataRow("normalization: NONE", 1)]
    public void IgnoreLabelAndNormalization(string normalization, int divisor)
    {
        var (data, label, h) = Bottoms();
        label.Data[3] = 4;
        label.Data[10] = 4;
        for (int i = 0; i < label.Count; i++) if (i != 3 && i != 10 && label.Data[i] == 4) label.Data[i] = 1;
        Blob top = new();
        var layer = LayerTesting.Create<InfogainLossLayer>(
            $"type: 'InfogainLoss' infogain_loss_param {{ axis: 2 }} loss_param {{ ignore_label: 4 {normalization} }}");
        LayerTesting.SetUpAndForward(layer, [data, label, h], [top]);
        double expected = ReferenceLoss(ReferenceProbabilities(data), label, h, ignoreLabel: 4) / divisor;
        Assert.AreEqual(expected, top.Data[0], Math.Abs(expected) * 1e-5);

        top.Diff[0] = 1f;
        layer.Backward([top], [true, false, false], [data, label, h]);
        // The ignored positions (items 1 and 5, inner 1 and 0) get no gradient.
        for (int l = 0; l < NumLabels; l++)
        {
            Assert.AreEqual(0f, data.Diff[(1 * NumLabels + l) * Inner + 1]);
            Assert.AreEqual(0f, data.Diff[(5 * NumLabels + l) * Inner + 0]);
        }
    }

    [TestMethod]
    public void Gradient()
    {
        var (data, label, h) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<InfogainLossLayer>("type: 'InfogainLoss' infogain_loss_param { axis: 2 }");
        new GradientChecker(1e-4f, 2e-2f, 1701).CheckGradientExhaustive(layer, [data, label, h], [top], 0);
    }

    [TestMethod]
    public void MissingOrBadHIsAnError()
    {
        var (data, label, _) = Bottoms();
        Blob top = new();
        LayerTesting.Throws(() => LayerTesting.Create<InfogainLossLayer>("name: 'ig' type: 'InfogainLoss'").SetUp([data, label], [top]),
            "'ig'", "infogain_loss_param { source }", "third bottom");
        LayerTesting.Throws(() => LayerTesting.Create<InfogainLossLayer>("type: 'InfogainLoss' infogain_loss_param { source: '/nonexistent/H.binaryproto' }")
            .SetUp([data, label], [top]), "cannot read the infogain matrix", "/nonexistent/H.binaryproto");
        LayerTesting.Throws(() => LayerTesting.Create<InfogainLossLayer>("type: 'InfogainLoss' infogain_loss_param { axis: 2 }")
            .SetUp([data, label, new Blob(4, 5)], [top]), "H must be 5 x 5", "(4 5)");
    }

    [TestMethod]
    public void LabelCountMismatchAndDeprecatedNormalizeAreErrors()
    {
        var (data, _, h) = Bottoms();
        Blob top = new();
        LayerTesting.Throws(() => LayerTesting.Create<InfogainLossLayer>("type: 'InfogainLoss' infogain_loss_param { axis: 2 }")
            .SetUp([data, new Blob(4, 2, 1, 3), h], [top]), "number of labels, 24 (shape (4 2 1 3))", "number of predictions, 16");
        LayerTesting.Throws(() => LayerTesting.Create<InfogainLossLayer>("type: 'InfogainLoss' loss_param { normalize: true }")
            .SetUp([data, new Blob(4, 1, 5, 2), h], [top]), "normalize is deprecated");
    }

    [TestMethod]
    public void LabelOutOfRangeIsAnErrorAtForward()
    {
        var (data, label, h) = Bottoms();
        label.Data[6] = 5;
        Blob top = new();
        var layer = LayerTesting.Create<InfogainLossLayer>("type: 'InfogainLoss' infogain_loss_param { axis: 2 }");
        layer.SetUp([data, label, h], [top]);
        LayerTesting.Throws(() => layer.Forward([data, label, h], [top]), "label 5 at position 6", "[0, 5)");
    }

    [TestMethod]
    public void OnlyThePredictionsGetGradients()
    {
        var (data, label, h) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<InfogainLossLayer>("type: 'InfogainLoss' infogain_loss_param { axis: 2 }");
        LayerTesting.SetUpAndForward(layer, [data, label, h], [top]);
        Assert.IsTrue(layer.AllowForceBackward(0));
        Assert.IsFalse(layer.AllowForceBackward(1));
        Assert.IsFalse(layer.AllowForceBackward(2));
        LayerTesting.Throws(() => layer.Backward([top], [true, false, true], [data, label, h]), "infogain matrix");
    }

    private static double[] ReferenceProbabilities(Blob data)
    {
        var prob = new double[data.Count];
        for (int i = 0; i < Outer; i++)
        for (int j = 0; j < Inner; j++)
        {
            double sum = 0;
            for (int l = 0; l < NumLabels; l++) sum += Math.Exp(data.Data[(i * NumLabels + l) * Inner + j]);
            for (int l = 0; l < NumLabels; l++)
                prob[(i * NumLabels + l) * Inner + j] = Math.Exp(data.Data[(i * NumLabels + l) * Inner + j]) / sum;
        }
        return prob;
    }

    private static double ReferenceLoss(double[] prob, Blob label, Blob h, int? ignoreLabel)
    {
        double loss = 0;
        for (int i = 0; i < Outer; i++)
        for (int j = 0; j < Inner; j++)
        {
            int gt = (int)label.Data[i * Inner + j];
            if (gt == ignoreLabel) continue;
            for (int l = 0; l < NumLabels; l++)
                loss -= h.Data[gt * NumLabels + l] * Math.Log(Math.Max(prob[(i * NumLabels + l) * Inner + j], 1e-20));
        }
        return loss;
    }
}
