namespace Caffe.Tests.Layers;

/// <summary>Caffe's test_convolution_layer.cpp, plus the batched-GEMM path, reshapes and parameter errors.</summary>
[TestClass]
public sealed class ConvolutionLayerTests : ConvolutionFixture<ConvolutionLayer>
{
    protected override string Type => "Convolution";

    protected override ConvolutionLayer NewLayer(LayerParameter param) => new(param);

    [TestMethod]
    public void SetupShapesTopsForEveryBottom() => CheckSetUpShapes([2, 4, 2, 1], [4, 3, 3, 3], [2, 3, 2, 1]);

    // Forward on both bottoms: each top equals the reference convolution of its bottom.
    private ConvolutionLayer ForwardBothMatchReference(string convParam)
    {
        ConvolutionLayer layer = Layer(convParam);
        layer.SetUp([Bottom, Bottom2], [Top, Top2]);
        layer.Forward([Bottom, Bottom2], [Top, Top2]);
        ConvolutionParameter cp = layer.Param.ConvolutionParam;
        BlobAssert.AreClose(ConvolutionReference.Convolve(Bottom, cp, layer.Blobs), Top, 1e-4f, what: "top 0");
        BlobAssert.AreClose(ConvolutionReference.Convolve(Bottom2, cp, layer.Blobs), Top2, 1e-4f, what: "top 1");
        return layer;
    }

    [TestMethod]
    public void SimpleConvolutionMatchesReference()
    {
        ForwardBothMatchReference("kernel_size: 3 stride: 2 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'constant' value: 0.1 }");
    }

    [TestMethod]
    public void DilatedConvolutionMatchesReference()
    {
        Bottom = LayerTesting.Gaussian([2, 3, 8, 7]);
        Bottom2 = LayerTesting.Gaussian([2, 3, 8, 7]);
        ForwardBothMatchReference("kernel_size: 3 dilation: 2 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'constant' value: 0.1 }");
        CollectionAssert.AreEqual(new[] { 2, 4, 4, 3 }, Top.Shape.ToArray());
    }

    [TestMethod]
    public void ZeroDConvolutionIsAnInnerProductOverTheChannelAxis()
    {
        const int numOutput = 3;
        var layer = Layer($"num_output: {numOutput} axis: 3 weight_filler {{ type: 'gaussian' }} bias_filler {{ type: 'gaussian' }}");
        layer.SetUp([Bottom], [Top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 6, numOutput }, Top.Shape.ToArray());
        Assert.IsTrue(layer.Is1x1);
        layer.Forward([Bottom], [Top]);
        Blob weight = layer.Blobs[0], bias = layer.Blobs[1];
        int num = Top.CountRange(0, 3), inDim = Bottom.ShapeAt(3);
        for (int n = 0; n < num; n++)
        {
            for (int d = 0; d < numOutput; d++)
            {
                float expected = bias.Data[d];
                for (int b = 0; b < inDim; b++) expected += weight.Data[d * inDim + b] * Bottom.Data[n * inDim + b];
                Assert.AreEqual(expected, Top.Data[n * numOutput + d], 1e-4f);
            }
        }
    }

    [TestMethod]
    public void Simple3DConvolutionMatchesReference()
    {
        Bottom = LayerTesting.Gaussian([2, 3, 5, 6, 4]);
        Bottom2 = LayerTesting.Gaussian([2, 3, 5, 6, 4]);
        ForwardBothMatchReference("kernel_size: 3 stride: 2 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        CollectionAssert.AreEqual(new[] { 2, 4, 2, 2, 1 }, Top.Shape.ToArray());
    }

    [TestMethod]
    public void Dilated3DConvolutionMatchesReference()
    {
        Bottom = LayerTesting.Gaussian([2, 3, 6, 7, 8]);
        Bottom2 = LayerTesting.Gaussian([2, 3, 6, 7, 8]);
        ForwardBothMatchReference("kernel_size: 3 dilation: 2 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        CollectionAssert.AreEqual(new[] { 2, 4, 2, 3, 4 }, Top.Shape.ToArray());
    }

    [TestMethod]
    public void OneByOneConvolutionSkipsIm2ColAndMatchesReference()
    {
        ConvolutionLayer layer = ForwardBothMatchReference(
            "kernel_size: 1 stride: 1 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'constant' value: 0.1 }");
        Assert.IsTrue(layer.Is1x1);
        // A padded or strided 1x1 kernel still needs im2col.
        foreach (string convParam in new[] { "kernel_size: 1 stride: 2 num_output: 4", "kernel_size: 1 pad: 1 num_output: 4" })
        {
            layer = Layer(convParam);
            layer.SetUp([Bottom], [Top]);
            Assert.IsFalse(layer.Is1x1, convParam);
        }
    }

    [TestMethod]
    public void GroupConvolutionMatchesReference()
    {
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 3 group: 3 weight_filler { type: 'gaussian' } bias_filler { type: 'constant' value: 0.1 }");
        layer.SetUp([Bottom], [Top]);
        layer.Forward([Bottom], [Top]);
        BlobAssert.AreClose(ConvolutionReference.Convolve(Bottom, layer.Param.ConvolutionParam, layer.Blobs), Top, 1e-4f);
    }

    [TestMethod]
    public void SobelEqualsTwoSeparableRectangularConvolutions()
    {
        // The 3x3 Sobel G_x operator at once, then as a [1 2 1] column filter followed by a [-1 0 1] row filter.
        Bottom2.CopyFrom(Bottom);
        var full = Layer("kernel_size: 3 stride: 2 num_output: 1 bias_term: false");
        full.Blobs.Add(new Blob(1, 3, 3, 3));
        float[] sobel = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
        for (int c = 0; c < 3; c++) sobel.CopyTo(full.Blobs[0].Data.Slice(c * 9, 9));
        full.SetUp([Bottom], [Top]);
        full.Forward([Bottom], [Top]);

        var column = Layer("kernel_h: 3 kernel_w: 1 stride_h: 2 stride_w: 1 num_output: 1 bias_term: false");
        column.Blobs.Add(new Blob(1, 3, 3, 1));
        for (int c = 0; c < 3; c++) new float[] { 1, 2, 1 }.CopyTo(column.Blobs[0].Data.Slice(c * 3, 3));
        column.SetUp([Bottom2], [Top2]);
        column.Forward([Bottom2], [Top2]);
        var separable = new Blob();
        separable.CopyFrom(Top2, reshape: true);

        var row = Layer("kernel_h: 1 kernel_w: 3 stride_h: 1 stride_w: 2 num_output: 1 bias_term: false");
        row.Blobs.Add(LayerTesting.FromValues([1, 1, 1, 3], -1, 0, 1));
        row.SetUp([separable], [Top2]);
        row.Forward([separable], [Top2]);
        BlobAssert.AreClose(Top, Top2, 1e-4f);
    }

    [TestMethod]
    public void NdIm2ColAgreesWith2DIm2Col() =>
        CheckNdIm2ColAgreesWith2DIm2Col("num_output: 12 bias_term: false group: 6 kernel_h: 11 kernel_w: 13 weight_filler { type: 'gaussian' }",
                                        [5, 18, 22, 26]);

    [TestMethod]
    public void Gradient()
    {
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom, Bottom2], [Top, Top2]);
    }

    [TestMethod]
    public void DilatedGradient()
    {
        Bottom = LayerTesting.Gaussian([2, 3, 5, 6]);
        var layer = Layer("kernel_size: 3 dilation: 2 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom], [Top]);
    }

    [TestMethod]
    public void Gradient3D()
    {
        Bottom = LayerTesting.Gaussian([2, 3, 5, 6, 4]);
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom], [Top]);
    }

    [TestMethod]
    public void OneByOneGradient()
    {
        var layer = Layer("kernel_size: 1 stride: 1 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom, Bottom2], [Top, Top2]);
    }

    [TestMethod]
    public void GroupGradient()
    {
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 3 group: 3 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom], [Top]);
    }

    [TestMethod]
    public void PaddedRectangularGradient()
    {
        var layer = Layer("kernel_h: 2 kernel_w: 3 pad_h: 1 pad_w: 0 stride_h: 1 stride_w: 2 num_output: 2 " +
                          "weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom], [Top]);
    }

    [TestMethod]
    public void ReshapeFollowsTheBottom()
    {
        var layer = Layer("kernel_size: 3 pad: 1 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        layer.SetUp([Bottom], [Top]);
        layer.Forward([Bottom], [Top]);
        var bigger = LayerTesting.Gaussian([3, 3, 9, 7]);
        layer.Forward([bigger], [Top]);
        CollectionAssert.AreEqual(new[] { 3, 4, 9, 7 }, Top.Shape.ToArray());
        BlobAssert.AreClose(ConvolutionReference.Convolve(bigger, layer.Param.ConvolutionParam, layer.Blobs), Top, 1e-4f);
    }

    [TestMethod]
    public void BackwardAccumulatesParameterDiffsAndOverwritesBottomDiff()
    {
        var layer = Layer("kernel_size: 3 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        (float[][] paramDiffs, float[] bottomDiff) = LayerTesting.CheckBackwardAccumulatesParamDiffs(layer, Bottom, Top, 1e-5f);
        float[] weightDiff = paramDiffs[0], biasDiff = paramDiffs[1];
        // Without propagate_down the bottom diff is left alone while the weights still learn.
        Bottom.Diff.Fill(42f);
        layer.Backward([Top], [false], [Bottom]);
        BlobAssert.AreRelativelyClose(weightDiff.Select(v => 3 * v).ToArray(), layer.Blobs[0].Diff, 1e-5f, "weight diff");
        Assert.IsTrue(Bottom.Diff.ToArray().All(v => v == 42f));
        // No parameter gradient is computed when the net says so.
        layer.SetParamPropagateDown(0, false);
        layer.SetParamPropagateDown(1, false);
        layer.Backward([Top], [true], [Bottom]);
        BlobAssert.AreRelativelyClose(weightDiff.Select(v => 3 * v).ToArray(), layer.Blobs[0].Diff, 1e-5f, "weight diff");
        BlobAssert.AreRelativelyClose(biasDiff.Select(v => 3 * v).ToArray(), layer.Blobs[1].Diff, 1e-5f, "bias diff");
        CollectionAssert.AreEqual(bottomDiff, Bottom.Diff.ToArray());
    }

}
