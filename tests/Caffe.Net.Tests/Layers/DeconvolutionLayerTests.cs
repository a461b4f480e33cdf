namespace Caffe.Tests.Layers;

/// <summary>Caffe's test_deconvolution_layer.cpp, plus a naive reference with pads, groups and dilation.</summary>
[TestClass]
public sealed class DeconvolutionLayerTests : ConvolutionFixture<DeconvolutionLayer>
{
    protected override string Type => "Deconvolution";

    protected override DeconvolutionLayer NewLayer(LayerParameter param) => new(param);

    [TestMethod]
    public void SetupShapesTopsForEveryBottom() => CheckSetUpShapes([2, 4, 13, 9], [3, 4, 3, 3], [2, 3, 13, 9]);

    [TestMethod]
    public void SimpleDeconvolutionCountsOverlappingWindows()
    {
        Bottom.Data.Fill(1f);
        Bottom2.Data.Fill(1f);
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 4 weight_filler { type: 'constant' value: 1 } " +
                          "bias_filler { type: 'constant' value: 0.1 }");
        layer.SetUp([Bottom, Bottom2], [Top, Top2]);
        layer.Forward([Bottom, Bottom2], [Top, Top2]);
        foreach (Blob top in new[] { Top, Top2 })
        {
            for (int n = 0; n < top.Num; n++)
            for (int c = 0; c < top.Channels; c++)
            for (int h = 0; h < top.Height; h++)
            for (int w = 0; w < top.Width; w++)
            {
                // 3 input channels of ones, times the number of input windows covering (h, w), plus the bias.
                float expected = 3.1f;
                bool hOverlap = h % 2 == 0 && h > 0 && h < top.Height - 1;
                bool wOverlap = w % 2 == 0 && w > 0 && w < top.Width - 1;
                if (hOverlap && wOverlap) expected += 9;
                else if (hOverlap || wOverlap) expected += 3;
                Assert.AreEqual(expected, top.DataAt(n, c, h, w), 1e-4f);
            }
        }
    }

    [TestMethod]
    public void PaddedGroupedDilatedDeconvolutionMatchesReference()
    {
        Bottom = LayerTesting.Gaussian([2, 4, 5, 4]);
        var layer = Layer("kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 3 pad_h: 1 pad_w: 1 dilation: 2 group: 2 num_output: 6 " +
                          "weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        layer.SetUp([Bottom], [Top]);
        layer.Forward([Bottom], [Top]);
        CollectionAssert.AreEqual(new[] { 2, 6, 11, 10 }, Top.Shape.ToArray());
        BlobAssert.AreClose(ConvolutionReference.Deconvolve(Bottom, layer.Param.ConvolutionParam, layer.Blobs), Top, 1e-4f);
    }

    [TestMethod]
    public void ThreeDDeconvolutionMatchesReference()
    {
        Bottom = LayerTesting.Gaussian([2, 2, 3, 4, 2]);
        var layer = Layer("kernel_size: 2 stride: 2 pad: 1 num_output: 3 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        layer.SetUp([Bottom], [Top]);
        layer.Forward([Bottom], [Top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 4, 6, 2 }, Top.Shape.ToArray());
        BlobAssert.AreClose(ConvolutionReference.Deconvolve(Bottom, layer.Param.ConvolutionParam, layer.Blobs), Top, 1e-4f);
    }

    [TestMethod]
    public void NdIm2ColAgreesWith2DIm2Col() =>
        CheckNdIm2ColAgreesWith2DIm2Col("num_output: 6 bias_term: false group: 3 kernel_h: 4 kernel_w: 3 stride: 2 weight_filler { type: 'gaussian' }",
                                        [3, 6, 7, 8]);

    [TestMethod]
    public void Gradient()
    {
        var layer = Layer("kernel_size: 2 stride: 1 num_output: 1 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom, Bottom2], [Top, Top2]);
    }

    [TestMethod]
    public void Gradient3D()
    {
        Bottom = LayerTesting.Gaussian([2, 2, 2, 3, 2]);
        var layer = Layer("kernel_size: 2 stride: 2 pad: 1 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom], [Top]);
    }

    [TestMethod]
    public void GroupedStridedGradient()
    {
        Bottom = LayerTesting.Gaussian([1, 3, 4, 3]);
        var layer = Layer("kernel_size: 3 stride: 2 pad: 1 group: 3 num_output: 3 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom], [Top]);
    }

    [TestMethod]
    public void OneByOneGradient()
    {
        var layer = Layer("kernel_size: 1 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [Bottom], [Top]);
    }

}
