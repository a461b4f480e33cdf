namespace Caffe.Tests.Layers;

[TestClass]
public sealed class BiasLayerTests
{
    private Blob _bottom = null!;
    private Blob _eltwise = null!;
    private Blob _broadcast0 = null!;
    private Blob _broadcast1 = null!;
    private Blob _broadcast2 = null!;
    private Blob _top = null!;

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _bottom = LayerTesting.Uniform([2, 3, 4, 5], 1, 10);
        _eltwise = LayerTesting.Uniform([2, 3, 4, 5], 1, 10);
        _broadcast0 = LayerTesting.Uniform([2, 3], 1, 10);
        _broadcast1 = LayerTesting.Uniform([3, 4], 1, 10);
        _broadcast2 = LayerTesting.Uniform([4, 5], 1, 10);
        _top = new Blob();
    }

    private BiasLayer Forward(string prototxt, params Blob[] extra)
    {
        var layer = new BiasLayer(LayerTesting.Param(prototxt));
        Blob[] bottom = [_bottom, .. extra];
        layer.SetUp(bottom, [_top]);
        CollectionAssert.AreEqual(_bottom.Shape.ToArray(), _top.Shape.ToArray());
        layer.Forward(bottom, [_top]);
        return layer;
    }

    private static void CheckForward(Blob top, float[] bottom, Func<int, int, int, int, float> bias)
    {
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 4; h++)
                    for (int w = 0; w < 5; w++)
                    {
                        int i = top.Offset(n, c, h, w);
                        Assert.AreEqual(bottom[i] + bias(n, c, h, w), top.Data[i], 1e-5f);
                    }
    }

    [TestMethod]
    public void ForwardEltwise()
    {
        Forward("bias_param { axis: 0 }", _eltwise);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => _eltwise.DataAt(n, c, h, w));
    }

    [TestMethod]
    public void ForwardEltwiseInPlace()
    {
        float[] original = _bottom.Data.ToArray();
        var layer = new BiasLayer(LayerTesting.Param("bias_param { axis: 0 }"));
        layer.SetUp([_bottom, _eltwise], [_bottom]);
        layer.Forward([_bottom, _eltwise], [_bottom]);
        CheckForward(_bottom, original, (n, c, h, w) => _eltwise.DataAt(n, c, h, w));
    }

    private void CheckBackwardInPlace(string prototxt, Blob bias)
    {
        var layer = new BiasLayer(LayerTesting.Param(prototxt));
        Blob topDiff = LayerTesting.Gaussian([2, 3, 4, 5]);
        layer.SetUp([_bottom, bias], [_top]);
        layer.Forward([_bottom, bias], [_top]);
        topDiff.Data.CopyTo(_top.Diff);
        layer.Backward([_top], [true, true], [_bottom, bias]);
        float[] bottomDiff = _bottom.Diff.ToArray();
        float[] biasDiff = bias.Diff.ToArray();

        layer.Forward([_bottom, bias], [_bottom]);
        topDiff.Data.CopyTo(_bottom.Diff);
        layer.Backward([_bottom], [true, true], [_bottom, bias]);
        for (int i = 0; i < bottomDiff.Length; i++) Assert.AreEqual(bottomDiff[i], _bottom.Diff[i], 1e-5f);
        for (int i = 0; i < biasDiff.Length; i++) Assert.AreEqual(biasDiff[i], bias.Diff[i], 1e-5f);
    }

    [TestMethod]
    public void BackwardEltwiseInPlace() => CheckBackwardInPlace("bias_param { axis: 0 }", _eltwise);

    [TestMethod]
    public void ForwardEltwiseWithParam()
    {
        BiasLayer layer = Forward("bias_param { axis: 0 num_axes: -1 filler { type: 'gaussian' } }");
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => layer.Blobs[0].DataAt(n, c, h, w));
    }

    [TestMethod]
    public void ForwardBroadcastBegin()
    {
        Forward("bias_param { axis: 0 }", _broadcast0);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => _broadcast0.DataAt(n, c));
    }

    [TestMethod]
    public void ForwardBroadcastMiddle()
    {
        Forward("bias_param { axis: 1 }", _broadcast1);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => _broadcast1.DataAt(c, h));
    }

    [TestMethod]
    public void ForwardBroadcastMiddleInPlace()
    {
        float[] original = _bottom.Data.ToArray();
        var layer = new BiasLayer(LayerTesting.Param("bias_param { axis: 1 }"));
        layer.SetUp([_bottom, _broadcast1], [_bottom]);
        layer.Forward([_bottom, _broadcast1], [_bottom]);
        CheckForward(_bottom, original, (n, c, h, w) => _broadcast1.DataAt(c, h));
    }

    [TestMethod]
    public void BackwardBroadcastMiddleInPlace() => CheckBackwardInPlace("bias_param { axis: 1 }", _broadcast1);

    [TestMethod]
    public void ForwardBroadcastMiddleWithParam()
    {
        BiasLayer layer = Forward("bias_param { axis: 1 num_axes: 2 filler { type: 'gaussian' } }");
        CollectionAssert.AreEqual(new[] { 3, 4 }, layer.Blobs[0].Shape.ToArray());
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => layer.Blobs[0].DataAt(c, h));
    }

    [TestMethod]
    public void ForwardBroadcastEnd()
    {
        Forward("bias_param { axis: 2 }", _broadcast2);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => _broadcast2.DataAt(h, w));
    }

    [TestMethod]
    public void ForwardBias()
    {
        Blob bias = LayerTesting.Uniform([3], 1, 10);
        Forward("type: 'Bias'", bias);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => bias.Data[c]);
    }

    [TestMethod]
    public void ForwardBiasAxis2()
    {
        Blob bias = LayerTesting.Uniform([4], 1, 10);
        Forward("bias_param { axis: 2 }", bias);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => bias.Data[h]);
    }

    [TestMethod]
    public void ForwardScalarBias()
    {
        Blob bias = LayerTesting.Uniform([], 1, 10);
        Forward("bias_param { axis: 3 }", bias);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => bias.Data[0]);
    }

    [TestMethod]
    public void LearnedBiasDefaultsToZerosOverChannels()
    {
        BiasLayer layer = Forward("type: 'Bias'");
        CollectionAssert.AreEqual(new[] { 3 }, layer.Blobs[0].Shape.ToArray());
        Assert.IsTrue(layer.Blobs[0].Data.ToArray().All(v => v == 0));
        CollectionAssert.AreEqual(_bottom.Data.ToArray(), _top.Data.ToArray());
    }

    [TestMethod]
    public void HandComputedBackward()
    {
        var bottom = LayerTesting.FromValues([2, 2, 1], 1f, 2f, 3f, 4f);
        var top = new Blob();
        var layer = new BiasLayer(LayerTesting.Param("bias_param { filler { type: 'constant' value: 0.5 } }"));
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 1.5f, 2.5f, 3.5f, 4.5f }, top.Data.ToArray());
        new[] { 1f, 10f, 100f, 1000f }.CopyTo(top.Diff);
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(top.Diff.ToArray(), bottom.Diff.ToArray());
        CollectionAssert.AreEqual(new[] { 101f, 1010f }, layer.Blobs[0].Diff.ToArray());
        // Parameter diffs accumulate; a bias given as bottom[1] has its diff overwritten.
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { 202f, 2020f }, layer.Blobs[0].Diff.ToArray());
        var bias = LayerTesting.FromValues([2], 0f, 0f);
        var twoBottoms = new BiasLayer(LayerTesting.Param("type: 'Bias'"));
        twoBottoms.SetUp([bottom, bias], [top]);
        twoBottoms.Forward([bottom, bias], [top]);
        new[] { 1f, 10f, 100f, 1000f }.CopyTo(top.Diff);
        twoBottoms.Backward([top], [true, true], [bottom, bias]);
        twoBottoms.Backward([top], [true, true], [bottom, bias]);
        CollectionAssert.AreEqual(new[] { 101f, 1010f }, bias.Diff.ToArray());
    }

    [TestMethod]
    public void GradientEltwise()
    {
        var layer = new BiasLayer(LayerTesting.Param("bias_param { axis: 0 }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(layer, [_bottom, _eltwise], [_top]);
    }

    [TestMethod]
    public void GradientEltwiseWithParam()
    {
        var layer = new BiasLayer(LayerTesting.Param("bias_param { axis: 0 num_axes: -1 filler { type: 'gaussian' } }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GradientBroadcastBegin()
    {
        var layer = new BiasLayer(LayerTesting.Param("bias_param { axis: 0 }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _broadcast0], [_top]);
    }

    [TestMethod]
    public void GradientBroadcastMiddle()
    {
        var layer = new BiasLayer(LayerTesting.Param("bias_param { axis: 1 }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _broadcast1], [_top]);
    }

    [TestMethod]
    public void GradientBroadcastMiddleWithParam()
    {
        var layer = new BiasLayer(LayerTesting.Param("bias_param { axis: 1 num_axes: 2 filler { type: 'gaussian' } }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _broadcast1], [_top]);
    }

    [TestMethod]
    public void GradientBroadcastEnd()
    {
        var layer = new BiasLayer(LayerTesting.Param("bias_param { axis: 2 }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _broadcast2], [_top]);
    }

    [TestMethod]
    public void GradientBias()
    {
        Blob bias = LayerTesting.Uniform([3], 1, 10);
        var layer = new BiasLayer(LayerTesting.Param("type: 'Bias'"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, bias], [_top]);
    }

    [TestMethod]
    public void GradientBiasAxis2()
    {
        Blob bias = LayerTesting.Uniform([4], 1, 10);
        var layer = new BiasLayer(LayerTesting.Param("bias_param { axis: 2 }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, bias], [_top]);
    }

    [TestMethod]
    public void AxisOutOfRangeIsRejected()
    {
        var layer = new BiasLayer(LayerTesting.Param("name: 'b' bias_param { axis: 4 }"));
        var e = Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom], [_top]));
        Assert.Contains("axis 4", e.Message);
    }

    [TestMethod]
    public void BadNumAxesIsRejected()
    {
        var layer = new BiasLayer(LayerTesting.Param("bias_param { num_axes: -3 }"));
        Assert.Contains("num_axes", Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom], [_top])).Message);
        layer = new BiasLayer(LayerTesting.Param("bias_param { axis: 1 num_axes: 4 }"));
        Assert.Contains("extends past", Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom], [_top])).Message);
    }

    [TestMethod]
    public void MismatchedBiasShapeIsRejected()
    {
        var layer = new BiasLayer(LayerTesting.Param("bias_param { axis: 2 }"));
        var e = Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom, _broadcast1], [_top]));
        Assert.Contains("dimension mismatch", e.Message);
    }

    [TestMethod]
    public void RegistryCreatesIt() =>
        Assert.IsInstanceOfType<BiasLayer>(LayerRegistry.CreateLayer(LayerTesting.Param("type: 'Bias'")));
}
