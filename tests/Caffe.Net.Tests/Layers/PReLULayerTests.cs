namespace Caffe.Tests.Layers;

[TestClass]
public sealed class PReLULayerTests
{
    private Blob _bottom = null!;
    private readonly Blob _top = new();

    [TestInitialize]
    public void SetUp() => _bottom = LayerTesting.SeededGaussian();

    private void CheckForward(PReLULayer layer)
    {
        layer.Forward([_bottom], [_top]);
        bool shared = layer.Param.PreluParam?.ChannelShared ?? false;
        int hw = _bottom.Height * _bottom.Width;
        for (int i = 0; i < _bottom.Count; i++)
        {
            int c = shared ? 0 : i / hw % _bottom.Channels;
            float x = _bottom.Data[i];
            Assert.AreEqual(MathF.Max(x, 0) + layer.Blobs[0].Data[c] * MathF.Min(x, 0), _top.Data[i]);
        }
    }

    [TestMethod]
    public void SlopesDefaultToQuarterPerChannel()
    {
        var layer = new PReLULayer(LayerTesting.Param("type: 'PReLU'"));
        layer.SetUp([_bottom], [_top]);
        Assert.HasCount(1, layer.Blobs);
        CollectionAssert.AreEqual(new[] { 3 }, layer.Blobs[0].Shape.ToArray());
        Assert.IsTrue(layer.Blobs[0].Data.ToArray().All(v => v == 0.25f));
        Assert.IsTrue(layer.ParamPropagateDown(0));
    }

    [TestMethod]
    public void ChannelSharedSlopeHasNoAxes()
    {
        var layer = new PReLULayer(LayerTesting.Param("prelu_param { channel_shared: true }"));
        layer.SetUp([_bottom], [_top]);
        Assert.AreEqual(0, layer.Blobs[0].NumAxes);
        Assert.AreEqual(1, layer.Blobs[0].Count);
        Assert.AreEqual(0.25f, layer.Blobs[0].Data[0]);
    }

    [TestMethod]
    public void FillerIsUsed()
    {
        var layer = new PReLULayer(LayerTesting.Param("prelu_param { filler { type: 'constant' value: -0.5 } }"));
        layer.SetUp([_bottom], [_top]);
        Assert.IsTrue(layer.Blobs[0].Data.ToArray().All(v => v == -0.5f));
    }

    [TestMethod]
    public void Forward()
    {
        var layer = new PReLULayer(LayerTesting.Param("type: 'PReLU'"));
        layer.SetUp([_bottom], [_top]);
        Rng.FillGaussian(layer.Blobs[0].Data, 0, 1);
        CheckForward(layer);
    }

    [TestMethod]
    public void ForwardChannelShared()
    {
        var layer = new PReLULayer(LayerTesting.Param("prelu_param { channel_shared: true }"));
        layer.SetUp([_bottom], [_top]);
        CheckForward(layer);
    }

    [TestMethod]
    public void HandComputedBackward()
    {
        // Two channels of two values: slopes 0.5 and -1.
        var bottom = LayerTesting.FromValues([1, 2, 2], 1f, -2f, -3f, 4f);
        var top = new Blob();
        var layer = new PReLULayer(LayerTesting.Param("type: 'PReLU'"));
        layer.SetUp([bottom], [top]);
        new[] { 0.5f, -1f }.CopyTo(layer.Blobs[0].Data);
        layer.Forward([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 1f, -1f, 3f, 4f }, top.Data.ToArray());
        new[] { 1f, 2f, 3f, 4f }.CopyTo(top.Diff);
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { 1f, 1f, -3f, 4f }, bottom.Diff.ToArray());
        // d slope_c = Σ dy · x over x <= 0: channel 0: 2 · −2; channel 1: 3 · −3.
        CollectionAssert.AreEqual(new[] { -4f, -9f }, layer.Blobs[0].Diff.ToArray());
        // Parameter diffs accumulate.
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { -8f, -18f }, layer.Blobs[0].Diff.ToArray());
    }

    [TestMethod]
    public void Gradient()
    {
        var layer = new PReLULayer(LayerTesting.Param("type: 'PReLU'"));
        layer.SetUp([_bottom], [_top]);
        Rng.FillGaussian(layer.Blobs[0].Data, 0, 1);
        new GradientChecker(1e-2f, 1e-3f, 1701, 0f, 0.01f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GradientChannelShared()
    {
        var layer = new PReLULayer(LayerTesting.Param("prelu_param { channel_shared: true }"));
        layer.SetUp([_bottom], [_top]);
        new GradientChecker(1e-2f, 1e-3f, 1701, 0f, 0.01f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void ConsistentWithLeakyReLU()
    {
        var prelu = new PReLULayer(LayerTesting.Param("type: 'PReLU'"));
        var relu = new ReLULayer(LayerTesting.Param("relu_param { negative_slope: 0.25 }"));
        var bottom2 = new Blob();
        bottom2.CopyFrom(_bottom, reshape: true);
        var top2 = new Blob();
        prelu.SetUp([_bottom], [_top]);
        relu.SetUp([bottom2], [top2]);
        prelu.Forward([_bottom], [_top]);
        relu.Forward([bottom2], [top2]);
        CollectionAssert.AreEqual(top2.Data.ToArray(), _top.Data.ToArray());
        Rng.FillGaussian(_top.Diff, 0, 1);
        _top.Diff.CopyTo(top2.Diff);
        prelu.Backward([_top], [true], [_bottom]);
        relu.Backward([top2], [true], [bottom2]);
        CollectionAssert.AreEqual(bottom2.Diff.ToArray(), _bottom.Diff.ToArray());
    }

    [TestMethod]
    public void InPlaceMatchesSeparateTop() =>
        LayerTesting.CheckInPlaceMatchesSeparateTop(
            () => new PReLULayer(LayerTesting.Param("type: 'PReLU' prelu_param { filler { type: 'gaussian' } }")), _bottom);

    [TestMethod]
    public void TwoAxisBottomHasOneValuePerChannel()
    {
        var bottom = LayerTesting.FromValues([2, 3], -1f, -2f, 3f, -4f, 5f, -6f);
        var top = new Blob();
        var layer = new PReLULayer(LayerTesting.Param("type: 'PReLU'"));
        layer.SetUp([bottom], [top]);
        new[] { 0.1f, 0.2f, 0.3f }.CopyTo(layer.Blobs[0].Data);
        layer.Forward([bottom], [top]);
        CollectionAssert.AreEqual(new[] { -0.1f, -0.4f, 3f, -0.4f, 5f, -0.3f * 6f }, top.Data.ToArray());
    }

    [TestMethod]
    public void OneAxisBottomIsRejected()
    {
        var layer = new PReLULayer(LayerTesting.Param("name: 'prelu' type: 'PReLU'"));
        LayerTesting.Throws(() => layer.SetUp([new Blob(5)], [_top]), "2 axes");
    }

    [TestMethod]
    public void LoadedSlopesOfWrongSizeAreRejected()
    {
        var layer = new PReLULayer(LayerTesting.Param("name: 'prelu' type: 'PReLU' blobs { shape { dim: 2 } data: 0.1 data: 0.2 }"));
        LayerTesting.Throws(() => layer.SetUp([_bottom], [_top]), "3 channels");
    }

    [TestMethod]
    public void ChannelChangeAfterSetUpIsRejected()
    {
        var layer = new PReLULayer(LayerTesting.Param("name: 'prelu' type: 'PReLU'"));
        layer.SetUp([_bottom], [_top]);
        var wider = new Blob(2, 4, 1, 1);
        Assert.ThrowsExactly<LayerException>(() => layer.Forward([wider], [_top]));
    }

    [TestMethod]
    public void RegistryCreatesIt() =>
        Assert.IsInstanceOfType<PReLULayer>(LayerRegistry.CreateLayer(LayerTesting.Param("type: 'PReLU'")));
}
