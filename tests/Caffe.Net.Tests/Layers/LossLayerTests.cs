using NormalizationMode = Caffe.LossParameter.Types.NormalizationMode;

namespace Caffe.Tests.Layers;

/// <summary>The machinery all loss layers share: normalizers, the deprecated normalize flag, default loss weights.</summary>
[TestClass]
public sealed class LossLayerTests
{
    [TestMethod]
    public void GetNormalizerFollowsEachMode()
    {
        Assert.AreEqual(60f, LossLayer.GetNormalizer(NormalizationMode.Full, 10, 6, 17));
        Assert.AreEqual(17f, LossLayer.GetNormalizer(NormalizationMode.Valid, 10, 6, 17));
        Assert.AreEqual(60f, LossLayer.GetNormalizer(NormalizationMode.Valid, 10, 6, -1), "-1 = not counted: all positions");
        Assert.AreEqual(10f, LossLayer.GetNormalizer(NormalizationMode.BatchSize, 10, 6, 17));
        Assert.AreEqual(1f, LossLayer.GetNormalizer(NormalizationMode.None, 10, 6, 17));
    }

    [TestMethod]
    public void GetNormalizerIsAtLeastOne()
    {
        Assert.AreEqual(1f, LossLayer.GetNormalizer(NormalizationMode.Valid, 10, 6, 0), "every label ignored");
        Assert.AreEqual(1f, LossLayer.GetNormalizer(NormalizationMode.Full, 0, 6, -1));
        Assert.AreEqual(1f, LossLayer.GetNormalizer(NormalizationMode.BatchSize, 0, 6, -1));
    }

    [TestMethod]
    public void NormalizationModeReadsTheDeprecatedFlag()
    {
        static NormalizationMode Of(string text) => LossLayer.NormalizationModeOf(TextFormat.Parse<LossParameter>(text));
        Assert.AreEqual(NormalizationMode.Valid, LossLayer.NormalizationModeOf(null));
        Assert.AreEqual(NormalizationMode.Valid, Of(""));
        Assert.AreEqual(NormalizationMode.Valid, Of("normalize: true"));
        Assert.AreEqual(NormalizationMode.BatchSize, Of("normalize: false"));
        Assert.AreEqual(NormalizationMode.Full, Of("normalize: false normalization: FULL"));
        Assert.AreEqual(NormalizationMode.None, Of("normalization: NONE"));
        Assert.AreEqual(NormalizationMode.BatchSize,
            LossLayer.NormalizationModeOf(new LossParameter(), whenUnset: NormalizationMode.BatchSize));
        Assert.AreEqual(NormalizationMode.Valid,
            LossLayer.NormalizationModeOf(TextFormat.Parse<LossParameter>("normalize: true"), whenUnset: NormalizationMode.BatchSize));
    }

    private static Net TinyNet(string lossWeight) => new(TextFormat.Parse<NetParameter>($$"""
        name: 'tiny'
        force_backward: true
        layer { name: 'in' type: 'Input' top: 'data' top: 'label'
                input_param { shape { dim: 3 dim: 4 } shape { dim: 3 } } }
        layer { name: 'prob' type: 'Softmax' bottom: 'data' top: 'prob' }
        layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'prob' bottom: 'label' top: 'loss' {{lossWeight}} }
        """));

    private static void FillInputs(Net net)
    {
        Rng.SetRandomSeed(1701);
        Rng.FillGaussian(net.Blobs["data"].Data, 0, 2);
        float[] labels = [2, 0, 3];
        labels.CopyTo(net.Blobs["label"].Data);
    }

    [TestMethod]
    public void LossWeightDefaultsToOneAndLivesInTheTopDiff()
    {
        Net net = TinyNet("");
        Layer loss = net.LayerDict["loss"];
        CollectionAssert.AreEqual(new[] { 1f }, loss.Param.LossWeight.ToArray());
        Assert.AreEqual(1f, loss.Loss(0));
        Assert.AreEqual(1f, net.BlobLossWeights["loss"]);
        Assert.AreEqual(0f, net.BlobLossWeights["prob"]);
        Assert.AreEqual(1f, net.Blobs["loss"].Diff[0]);
        Assert.AreEqual(0, net.Blobs["loss"].NumAxes, "the loss is a scalar");

        FillInputs(net);
        float total = net.ForwardLoss();
        Assert.AreEqual(net.Blobs["loss"].Data[0], total);
        Assert.IsTrue(total > 0);
    }

    [TestMethod]
    public void LossWeightScalesTheNetTotalAndTheGradient()
    {
        Net plain = TinyNet("");
        Net weighted = TinyNet("loss_weight: 2.5");
        FillInputs(plain);
        FillInputs(weighted);
        Assert.AreEqual(2.5f, weighted.BlobLossWeights["loss"]);

        float plainTotal = plain.ForwardBackward();
        float weightedTotal = weighted.ForwardBackward();
        Assert.AreEqual(plain.Blobs["loss"].Data[0], weighted.Blobs["loss"].Data[0], "the top holds the unweighted loss");
        Assert.AreEqual(2.5f * plainTotal, weightedTotal, 1e-6f);
        Span<float> plainDiff = plain.Blobs["data"].Diff;
        Span<float> weightedDiff = weighted.Blobs["data"].Diff;
        Assert.IsTrue(plain.Blobs["data"].AsumDiff() > 0);
        for (int i = 0; i < plainDiff.Length; i++) Assert.AreEqual(2.5f * plainDiff[i], weightedDiff[i], 1e-6f);
        Assert.AreEqual(0f, weighted.Blobs["label"].AsumDiff(), "labels get no gradient");

        // The data diff is the gradient of the net's weighted total.
        Blob data = weighted.Blobs["data"];
        float[] analytic = data.Diff.ToArray();
        const float step = 1e-2f;
        for (int i = 0; i < data.Count; i++)
        {
            float original = data.Data[i];
            data.Data[i] = original + step;
            double positive = weighted.ForwardLoss();
            data.Data[i] = original - step;
            double negative = weighted.ForwardLoss();
            data.Data[i] = original;
            double numeric = (positive - negative) / (2 * step);
            Assert.AreEqual(numeric, analytic[i], 1e-2 * Math.Max(1, Math.Abs(numeric)), $"element {i}");
        }
    }
}
