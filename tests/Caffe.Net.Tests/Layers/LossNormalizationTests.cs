namespace Caffe.Tests.Layers;

using Mode = LossParameter.Types.NormalizationMode;

[TestClass]
public sealed class LossNormalizationTests
{
    [TestMethod]
    public void Normalizers()
    {
        Assert.AreEqual(24f, LossNormalization.GetNormalizer(Mode.Full, 4, 6, 10));
        Assert.AreEqual(10f, LossNormalization.GetNormalizer(Mode.Valid, 4, 6, 10));
        Assert.AreEqual(24f, LossNormalization.GetNormalizer(Mode.Valid, 4, 6, -1));
        Assert.AreEqual(4f, LossNormalization.GetNormalizer(Mode.BatchSize, 4, 6, 10));
        Assert.AreEqual(1f, LossNormalization.GetNormalizer(Mode.None, 4, 6, 10));
    }

    [TestMethod]
    public void NormalizerIsNeverBelowOne()
    {
        // All labels ignored: the loss is 0 / 1, not 0 / 0.
        Assert.AreEqual(1f, LossNormalization.GetNormalizer(Mode.Valid, 4, 6, 0));
        Assert.AreEqual(1f, LossNormalization.GetNormalizer(Mode.BatchSize, 0, 6, 0));
    }

    [TestMethod]
    public void ResolveMode()
    {
        Assert.AreEqual(Mode.Valid, LossNormalization.ResolveMode(null));
        Assert.AreEqual(Mode.Valid, LossNormalization.ResolveMode(new LossParameter()));
        Assert.AreEqual(Mode.BatchSize, LossNormalization.ResolveMode(new LossParameter(), Mode.BatchSize));
        Assert.AreEqual(Mode.Full, LossNormalization.ResolveMode(new LossParameter { Normalization = Mode.Full, Normalize = false }));
        Assert.AreEqual(Mode.Valid, LossNormalization.ResolveMode(new LossParameter { Normalize = true }, Mode.BatchSize));
        Assert.AreEqual(Mode.BatchSize, LossNormalization.ResolveMode(new LossParameter { Normalize = false }));
        Assert.AreEqual(Mode.Valid, LossNormalization.ResolveMode(new LossParameter { Normalization = Mode.Valid }, Mode.BatchSize));
    }
}
