namespace Caffe.Tests.Layers;

/// <summary>
/// Caffe's test_scale_layer.cpp: the broadcast cases it shares with Bias are in <see cref="AxisBroadcastLayerTests{TLayer}"/>;
/// here the bias_term, the accumulation of parameter diffs and the threaded path.
/// </summary>
[TestClass]
public sealed class ScaleLayerTests : AxisBroadcastLayerTests<ScaleLayer>
{
    protected override string Type => "Scale";

    protected override float LearnedDefault => 1;

    protected override ScaleLayer NewLayer(LayerParameter param) => new(param);

    protected override float Combine(float bottom, float operand) => bottom * operand;

    protected override float Tolerance(float expected) => 1e-5f * Math.Abs(expected);

    [TestMethod]
    public void ForwardBroadcastMiddleWithParamAndBias()
    {
        ScaleLayer layer = Forward("axis: 1 num_axes: 2 filler { type: 'gaussian' } bias_term: true bias_filler { type: 'gaussian' }");
        Assert.HasCount(2, layer.Blobs);
        CollectionAssert.AreEqual(new[] { 3, 4 }, layer.Blobs[1].Shape.ToArray());
        CheckForward(Top, Bottom.Data.ToArray(), (n, c, h, w) => layer.Blobs[0].DataAt(c, h), (n, c, h, w) => layer.Blobs[1].DataAt(c, h));
    }

    [TestMethod]
    public void BiasWithBottomScaleIsTheOnlyBlob()
    {
        ScaleLayer layer = Forward("axis: 1 bias_term: true bias_filler { type: 'constant' value: 2 }", Broadcast1);
        Assert.HasCount(1, layer.Blobs);
        CollectionAssert.AreEqual(new[] { 3, 4 }, layer.Blobs[0].Shape.ToArray());
        CheckForward(Top, Bottom.Data.ToArray(), (n, c, h, w) => Broadcast1.DataAt(c, h), (n, c, h, w) => 2);
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
        ScaleLayer layer = Forward("axis: 0 num_axes: -1");
        Top.Diff.Fill(1);
        layer.Backward([Top], [false], [Bottom]);
        CollectionAssert.AreEqual(Bottom.Data.ToArray(), layer.Blobs[0].Diff.ToArray());
        layer.Backward([Top], [false], [Bottom]);
        float[] twice = Bottom.Data.ToArray().Select(v => 2 * v).ToArray();
        CollectionAssert.AreEqual(twice, layer.Blobs[0].Diff.ToArray());
    }

    [TestMethod]
    public void BottomScaleDiffIsOverwritten()
    {
        ScaleLayer layer = Forward("axis: 1", Broadcast1);
        Top.Diff.Fill(1);
        layer.Backward([Top], [true, true], [Bottom, Broadcast1]);
        float[] first = Broadcast1.Diff.ToArray();
        layer.Backward([Top], [true, true], [Bottom, Broadcast1]);
        CollectionAssert.AreEqual(first, Broadcast1.Diff.ToArray());
    }

    [TestMethod]
    public void LoadedScaleAndBiasAreUsed()
    {
        var layer = new ScaleLayer(LayerTesting.Param(
            "scale_param { bias_term: true } blobs { shape { dim: 3 } data: [1, 2, 3] } blobs { shape { dim: 3 } data: [-1, 0, 1] }"));
        layer.SetUp([Bottom], [Top]);
        Assert.HasCount(2, layer.Blobs);
        layer.Forward([Bottom], [Top]);
        CheckForward(Top, Bottom.Data.ToArray(), (n, c, h, w) => c + 1, (n, c, h, w) => c - 1);
    }

    [TestMethod]
    public void GradientBroadcastMiddleWithParamAndBias()
    {
        ScaleLayer layer = NewLayer("axis: 1 num_axes: 2 filler { type: 'gaussian' } bias_term: true bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom], [Top]);
    }

    [TestMethod]
    public void GradientScaleAndBias()
    {
        Blob scalar = LayerTesting.Uniform([], 1, 10);
        ScaleLayer layer = NewLayer("bias_term: true bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom, scalar], [Top]);
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
    public void ThreeBottomsAreRejected()
    {
        Blob scalar = LayerTesting.Uniform([], 1, 10);
        var layer = new ScaleLayer(LayerTesting.Param("type: 'Scale'"));
        Assert.ThrowsExactly<LayerException>(() => layer.SetUp([Bottom, scalar, scalar], [Top]));
    }
}
