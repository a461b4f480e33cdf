namespace Caffe.Tests.Layers;

[TestClass]
public sealed class HingeLossLayerTests
{
    // Caffe's fixture: 10x5x1x1 predictions N(0, 10²), labels uniform in {0…4}.
    private static (Blob Data, Blob Label) Bottoms()
    {
        Rng.SetRandomSeed(1701);
        Blob data = LayerTesting.Gaussian([10, 5, 1, 1], 0, 10);
        Blob label = new(10, 1, 1, 1);
        for (int i = 0; i < 10; i++) label.Data[i] = Rng.Next(5);
        return (data, label);
    }

    [TestMethod]
    [DataRow("", 1)]
    [DataRow("hinge_loss_param { norm: L2 }", 2)]
    public void ForwardMatchesTheDefinition(string hingeParam, int norm)
    {
        var (data, label) = Bottoms();
        Blob top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<HingeLossLayer>("type: 'HingeLoss' " + hingeParam), [data, label], [top]);
        double expected = 0;
        for (int i = 0; i < 10; i++)
        for (int k = 0; k < 5; k++)
        {
            double x = data.Data[i * 5 + k];
            double t = Math.Max(0, 1 + (k == (int)label.Data[i] ? -x : x));
            expected += norm == 1 ? t : t * t;
        }
        expected /= 10;
        Assert.AreEqual(expected, top.Data[0], Math.Abs(expected) * 1e-5);
    }

    [TestMethod]
    public void HandComputedL1AndL2()
    {
        Blob data = LayerTesting.FromValues([2, 2], 0.5f, -2f, 3f, 0.5f), label = LayerTesting.FromValues([2], 0, 1), top = new();
        // Margins: item 0 (label 0): 1 − 0.5 = 0.5, 1 − 2 → 0; item 1 (label 1): 1 + 3 = 4, 1 − 0.5 = 0.5.
        var l1 = LayerTesting.Create<HingeLossLayer>("type: 'HingeLoss'");
        LayerTesting.SetUpAndForward(l1, [data, label], [top]);
        Assert.AreEqual((0.5f + 4f + 0.5f) / 2, top.Data[0]);
        top.Diff[0] = 1f;
        l1.Backward([top], [true, false], [data, label]);
        CollectionAssert.AreEqual(new[] { -0.5f, 0f, 0.5f, -0.5f }, data.Diff.ToArray());

        var l2 = LayerTesting.Create<HingeLossLayer>("type: 'HingeLoss' hinge_loss_param { norm: L2 }");
        LayerTesting.SetUpAndForward(l2, [data, label], [top]);
        Assert.AreEqual((0.25f + 16f + 0.25f) / 2, top.Data[0]);
        top.Diff[0] = 1f;
        l2.Backward([top], [true, false], [data, label]);
        CollectionAssert.AreEqual(new[] { -0.5f, 0f, 4f, -0.5f }, data.Diff.ToArray());
    }

    [TestMethod]
    public void GradientL1()
    {
        var (data, label) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<HingeLossLayer>("type: 'HingeLoss'");
        new GradientChecker(1e-2f, 2e-3f, 1701, 1f, 0.01f).CheckGradientExhaustive(layer, [data, label], [top], 0);
    }

    [TestMethod]
    public void GradientL2()
    {
        var (data, label) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<HingeLossLayer>("type: 'HingeLoss' hinge_loss_param { norm: L2 }");
        new GradientChecker(1e-2f, 1e-2f, 1701).CheckGradientExhaustive(layer, [data, label], [top], 0);
    }

    [TestMethod]
    public void LabelOutOfRangeIsAnErrorAtForward()
    {
        var (data, label) = Bottoms();
        label.Data[3] = 5;
        Blob top = new();
        var layer = LayerTesting.Create<HingeLossLayer>("name: 'hinge' type: 'HingeLoss'");
        layer.SetUp([data, label], [top]);
        LayerTesting.Throws(() => layer.Forward([data, label], [top]), "'hinge'", "label 5 of item 3", "[0, 5)");
    }

    [TestMethod]
    public void LabelGetsNoGradient()
    {
        var (data, label) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<HingeLossLayer>("type: 'HingeLoss'");
        LayerTesting.SetUpAndForward(layer, [data, label], [top]);
        LayerTesting.Throws(() => layer.Backward([top], [true, true], [data, label]), "label");
    }
}
