namespace Caffe.Tests.Layers;

[TestClass]
public sealed class ScaleLayerTests
{
    private Blob _bottom = null!;
    private Blob _eltwise = null!;
    private Blob _broadcast0 = null!;
    private Blob _broadcast1 = null!;
    private Blob _broadcast2 = null!;
    private Blob _scalar = null!;
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
        _scalar = LayerTesting.Uniform([], 1, 10);
        _top = new Blob();
    }

    private ScaleLayer Forward(string prototxt, params Blob[] extra)
    {
        var layer = new ScaleLayer(LayerTesting.Param(prototxt));
        Blob[] bottom = [_bottom, .. extra];
        layer.SetUp(bottom, [_top]);
        CollectionAssert.AreEqual(_bottom.Shape.ToArray(), _top.Shape.ToArray());
        layer.Forward(bottom, [_top]);
        return layer;
    }

    // Checks top[n, c, h, w] = bottom · scale(n, c, h, w) (+ bias(n, c, h, w)) within 1e-5 relative.
    private void CheckForward(Blob top, float[] bottom, Func<int, int, int, int, float> scale, Func<int, int, int, int, float>? bias = null)
    {
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 4; h++)
                    for (int w = 0; w < 5; w++)
                    {
                        int i = top.Offset(n, c, h, w);
                        float expected = bottom[i] * scale(n, c, h, w) + (bias?.Invoke(n, c, h, w) ?? 0);
                        Assert.AreEqual(expected, top.Data[i], 1e-5f * Math.Abs(expected));
                    }
    }

    [TestMethod]
    public void ForwardEltwise()
    {
        Forward("scale_param { axis: 0 }", _eltwise);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => _eltwise.DataAt(n, c, h, w));
    }

    [TestMethod]
    public void ForwardEltwiseInPlace()
    {
        float[] original = _bottom.Data.ToArray();
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 0 }"));
        layer.SetUp([_bottom, _eltwise], [_bottom]);
        layer.Forward([_bottom, _eltwise], [_bottom]);
        CheckForward(_bottom, original, (n, c, h, w) => _eltwise.DataAt(n, c, h, w));
    }

    private void CheckBackwardInPlace(string prototxt, Blob scale)
    {
        var layer = new ScaleLayer(LayerTesting.Param(prototxt));
        Blob topDiff = LayerTesting.Gaussian([2, 3, 4, 5]);
        layer.SetUp([_bottom, scale], [_top]);
        layer.Forward([_bottom, scale], [_top]);
        topDiff.Data.CopyTo(_top.Diff);
        layer.Backward([_top], [true, true], [_bottom, scale]);
        float[] bottomDiff = _bottom.Diff.ToArray();
        float[] scaleDiff = scale.Diff.ToArray();

        layer.Forward([_bottom, scale], [_bottom]);
        topDiff.Data.CopyTo(_bottom.Diff);
        layer.Backward([_bottom], [true, true], [_bottom, scale]);
        for (int i = 0; i < bottomDiff.Length; i++) Assert.AreEqual(bottomDiff[i], _bottom.Diff[i], 1e-5f * Math.Abs(bottomDiff[i]));
        for (int i = 0; i < scaleDiff.Length; i++) Assert.AreEqual(scaleDiff[i], scale.Diff[i], 1e-5f * Math.Abs(scaleDiff[i]));
    }

    [TestMethod]
    public void BackwardEltwiseInPlace() => CheckBackwardInPlace("scale_param { axis: 0 }", _eltwise);

    [TestMethod]
    public void ForwardEltwiseWithParam()
    {
        ScaleLayer layer = Forward("scale_param { axis: 0 num_axes: -1 filler { type: 'gaussian' } }");
        CollectionAssert.AreEqual(new[] { 2, 3, 4, 5 }, layer.Blobs[0].Shape.ToArray());
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => layer.Blobs[0].DataAt(n, c, h, w));
    }

    [TestMethod]
    public void ForwardBroadcastBegin()
    {
        Forward("scale_param { axis: 0 }", _broadcast0);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => _broadcast0.DataAt(n, c));
    }

    [TestMethod]
    public void ForwardBroadcastMiddle()
    {
        Forward("scale_param { axis: 1 }", _broadcast1);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => _broadcast1.DataAt(c, h));
    }

    [TestMethod]
    public void ForwardBroadcastMiddleInPlace()
    {
        float[] original = _bottom.Data.ToArray();
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 1 }"));
        layer.SetUp([_bottom, _broadcast1], [_bottom]);
        layer.Forward([_bottom, _broadcast1], [_bottom]);
        CheckForward(_bottom, original, (n, c, h, w) => _broadcast1.DataAt(c, h));
    }

    [TestMethod]
    public void BackwardBroadcastMiddleInPlace() => CheckBackwardInPlace("scale_param { axis: 1 }", _broadcast1);

    [TestMethod]
    public void ForwardBroadcastMiddleWithParam()
    {
        ScaleLayer layer = Forward("scale_param { axis: 1 num_axes: 2 filler { type: 'gaussian' } }");
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => layer.Blobs[0].DataAt(c, h));
    }

    [TestMethod]
    public void ForwardBroadcastMiddleWithParamAndBias()
    {
        ScaleLayer layer = Forward(
            "scale_param { axis: 1 num_axes: 2 filler { type: 'gaussian' } bias_term: true bias_filler { type: 'gaussian' } }");
        Assert.HasCount(2, layer.Blobs);
        CollectionAssert.AreEqual(new[] { 3, 4 }, layer.Blobs[1].Shape.ToArray());
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => layer.Blobs[0].DataAt(c, h), (n, c, h, w) => layer.Blobs[1].DataAt(c, h));
    }

    [TestMethod]
    public void ForwardBroadcastEnd()
    {
        Forward("scale_param { axis: 2 }", _broadcast2);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => _broadcast2.DataAt(h, w));
    }

    [TestMethod]
    public void ForwardScale()
    {
        Forward("type: 'Scale'", _scalar);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => _scalar.Data[0]);
    }

    [TestMethod]
    public void ForwardScaleAxis2()
    {
        Forward("scale_param { axis: 2 }", _scalar);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => _scalar.Data[0]);
    }

    [TestMethod]
    public void ForwardNegativeAxis()
    {
        var last = LayerTesting.Uniform([5], 1, 10);
        Forward("scale_param { axis: -1 }", last);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => last.Data[w]);
    }

    [TestMethod]
    public void LearnedScaleDefaultsToOnesOverChannels()
    {
        ScaleLayer layer = Forward("type: 'Scale'");
        Assert.HasCount(1, layer.Blobs);
        CollectionAssert.AreEqual(new[] { 3 }, layer.Blobs[0].Shape.ToArray());
        Assert.IsTrue(layer.Blobs[0].Data.ToArray().All(v => v == 1));
        CollectionAssert.AreEqual(_bottom.Data.ToArray(), _top.Data.ToArray());
    }

    [TestMethod]
    public void BiasWithBottomScaleIsTheOnlyBlob()
    {
        ScaleLayer layer = Forward("scale_param { axis: 1 bias_term: true bias_filler { type: 'constant' value: 2 } }", _broadcast1);
        Assert.HasCount(1, layer.Blobs);
        CollectionAssert.AreEqual(new[] { 3, 4 }, layer.Blobs[0].Shape.ToArray());
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => _broadcast1.DataAt(c, h), (n, c, h, w) => 2);
    }

    [TestMethod]
    public void HandComputedBackwardAccumulatesParameterDiffs()
    {
        // bottom (1, 2, 2): rows [1, 2] and [3, 4]; scale (2, 3), bias (0.5, −1).
        var bottom = LayerTesting.FromValues([1, 2, 2], 1f, 2f, 3f, 4f);
        var top = new Blob();
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { bias_term: true }"));
        layer.SetUp([bottom], [top]);
        new[] { 2f, 3f }.CopyTo(layer.Blobs[0].Data);
        new[] { 0.5f, -1f }.CopyTo(layer.Blobs[1].Data);
        layer.Forward([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 2.5f, 4.5f, 8f, 11f }, top.Data.ToArray());
        new[] { 1f, 10f, 100f, 1000f }.CopyTo(top.Diff);
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { 2f, 20f, 300f, 3000f }, bottom.Diff.ToArray());
        CollectionAssert.AreEqual(new[] { 21f, 4300f }, layer.Blobs[0].Diff.ToArray());
        CollectionAssert.AreEqual(new[] { 11f, 1100f }, layer.Blobs[1].Diff.ToArray());
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { 42f, 8600f }, layer.Blobs[0].Diff.ToArray());
        CollectionAssert.AreEqual(new[] { 22f, 2200f }, layer.Blobs[1].Diff.ToArray());
    }

    [TestMethod]
    public void EltwiseParameterDiffAccumulates()
    {
        ScaleLayer layer = Forward("scale_param { axis: 0 num_axes: -1 }");
        _top.Diff.Fill(1);
        layer.Backward([_top], [false], [_bottom]);
        CollectionAssert.AreEqual(_bottom.Data.ToArray(), layer.Blobs[0].Diff.ToArray());
        layer.Backward([_top], [false], [_bottom]);
        float[] twice = _bottom.Data.ToArray().Select(v => 2 * v).ToArray();
        CollectionAssert.AreEqual(twice, layer.Blobs[0].Diff.ToArray());
    }

    [TestMethod]
    public void BottomScaleDiffIsOverwritten()
    {
        ScaleLayer layer = Forward("scale_param { axis: 1 }", _broadcast1);
        _top.Diff.Fill(1);
        layer.Backward([_top], [true, true], [_bottom, _broadcast1]);
        float[] first = _broadcast1.Diff.ToArray();
        layer.Backward([_top], [true, true], [_bottom, _broadcast1]);
        CollectionAssert.AreEqual(first, _broadcast1.Diff.ToArray());
    }

    [TestMethod]
    public void LoadedScaleAndBiasAreUsed()
    {
        var layer = new ScaleLayer(LayerTesting.Param(
            "scale_param { bias_term: true } blobs { shape { dim: 3 } data: [1, 2, 3] } blobs { shape { dim: 3 } data: [-1, 0, 1] }"));
        layer.SetUp([_bottom], [_top]);
        Assert.HasCount(2, layer.Blobs);
        layer.Forward([_bottom], [_top]);
        CheckForward(_top, _bottom.Data.ToArray(), (n, c, h, w) => c + 1, (n, c, h, w) => c - 1);
    }

    [TestMethod]
    public void GradientEltwise()
    {
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 0 }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(layer, [_bottom, _eltwise], [_top]);
    }

    [TestMethod]
    public void GradientEltwiseWithParam()
    {
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 0 num_axes: -1 filler { type: 'gaussian' } }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GradientBroadcastBegin()
    {
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 0 }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _broadcast0], [_top]);
    }

    [TestMethod]
    public void GradientBroadcastMiddle()
    {
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 1 }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _broadcast1], [_top]);
    }

    [TestMethod]
    public void GradientBroadcastMiddleWithParam()
    {
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 1 num_axes: 2 filler { type: 'gaussian' } }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GradientBroadcastMiddleWithParamAndBias()
    {
        var layer = new ScaleLayer(LayerTesting.Param(
            "scale_param { axis: 1 num_axes: 2 filler { type: 'gaussian' } bias_term: true bias_filler { type: 'gaussian' } }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GradientBroadcastEnd()
    {
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 2 }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _broadcast2], [_top]);
    }

    [TestMethod]
    public void GradientScale()
    {
        var layer = new ScaleLayer(LayerTesting.Param("type: 'Scale'"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _scalar], [_top]);
    }

    [TestMethod]
    public void GradientScaleAndBias()
    {
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { bias_term: true bias_filler { type: 'gaussian' } }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _scalar], [_top]);
    }

    [TestMethod]
    public void GradientScaleAxis2()
    {
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 2 }"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _scalar], [_top]);
    }

    [TestMethod]
    public void LargeBlobSplitOverThreads()
    {
        Blob bottom = LayerTesting.Gaussian([4, 16, 32, 32]);
        Blob scale = LayerTesting.Gaussian([16]);
        var top = new Blob();
        var layer = new ScaleLayer(LayerTesting.Param("type: 'Scale'"));
        layer.SetUp([bottom, scale], [top]);
        layer.Forward([bottom, scale], [top]);
        Rng.FillGaussian(top.Diff, 0, 1);
        layer.Backward([top], [true, false], [bottom, scale]);
        for (int i = 0; i < bottom.Count; i++)
        {
            float s = scale.Data[i / 1024 % 16];
            Assert.AreEqual(bottom.Data[i] * s, top.Data[i]);
            Assert.AreEqual(top.Diff[i] * s, bottom.Diff[i]);
        }
    }

    [TestMethod]
    public void AxisOutOfRangeIsRejected()
    {
        var layer = new ScaleLayer(LayerTesting.Param("name: 'sc' scale_param { axis: 4 }"));
        var e = Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom], [_top]));
        Assert.Contains("axis 4", e.Message);
        Assert.Contains("sc", e.Message);
        layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: -5 }"));
        Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom, _broadcast1], [_top]));
    }

    [TestMethod]
    public void BadNumAxesIsRejected()
    {
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { num_axes: -2 }"));
        Assert.Contains("num_axes", Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom], [_top])).Message);
        layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 2 num_axes: 3 }"));
        Assert.Contains("extends past", Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom], [_top])).Message);
    }

    [TestMethod]
    public void MismatchedScaleShapeIsRejected()
    {
        var layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 0 }"));
        var e = Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom, _broadcast1], [_top]));
        Assert.Contains("dimension mismatch", e.Message);
        layer = new ScaleLayer(LayerTesting.Param("scale_param { axis: 3 }"));
        e = Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom, _broadcast2], [_top]));
        Assert.Contains("extends past", e.Message);
    }

    [TestMethod]
    public void ThreeBottomsAreRejected()
    {
        var layer = new ScaleLayer(LayerTesting.Param("type: 'Scale'"));
        Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom, _scalar, _scalar], [_top]));
    }

    [TestMethod]
    public void RegistryCreatesIt() =>
        Assert.IsInstanceOfType<ScaleLayer>(LayerRegistry.CreateLayer(LayerTesting.Param("type: 'Scale'")));
}
