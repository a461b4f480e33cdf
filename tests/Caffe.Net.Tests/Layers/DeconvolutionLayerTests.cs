namespace Caffe.Tests;

/// <summary>Caffe's test_deconvolution_layer.cpp, plus a naive reference with pads, groups and dilation.</summary>
[TestClass]
public sealed class DeconvolutionLayerTests
{
    private Blob _bottom = null!;
    private Blob _bottom2 = null!;
    private Blob _top = null!;
    private Blob _top2 = null!;

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _bottom = LayerTesting.Gaussian([2, 3, 6, 4]);
        _bottom2 = LayerTesting.Gaussian([2, 3, 6, 4]);
        _top = new Blob();
        _top2 = new Blob();
    }

    private static DeconvolutionLayer Layer(string convParam) =>
        new(LayerTesting.Param($"name: 'deconv' type: 'Deconvolution' convolution_param {{ {convParam} }}"));

    [TestMethod]
    public void SetupShapesTopsForEveryBottom()
    {
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 4");
        layer.SetUp([_bottom, _bottom2], [_top, _top2]);
        CollectionAssert.AreEqual(new[] { 2, 4, 13, 9 }, _top.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 4, 13, 9 }, _top2.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 4, 3, 3 }, layer.Blobs[0].Shape.ToArray());
        // Setting group does not change the shape of the tops.
        layer = Layer("kernel_size: 3 stride: 2 num_output: 3 group: 3");
        layer.SetUp([_bottom, _bottom2], [_top, _top2]);
        CollectionAssert.AreEqual(new[] { 2, 3, 13, 9 }, _top.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 3, 13, 9 }, _top2.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 1, 3, 3 }, layer.Blobs[0].Shape.ToArray());
    }

    [TestMethod]
    public void SimpleDeconvolutionCountsOverlappingWindows()
    {
        _bottom.Data.Fill(1f);
        _bottom2.Data.Fill(1f);
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 4 weight_filler { type: 'constant' value: 1 } " +
                          "bias_filler { type: 'constant' value: 0.1 }");
        layer.SetUp([_bottom, _bottom2], [_top, _top2]);
        layer.Forward([_bottom, _bottom2], [_top, _top2]);
        foreach (Blob top in new[] { _top, _top2 })
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
        _bottom = LayerTesting.Gaussian([2, 4, 5, 4]);
        var layer = Layer("kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 3 pad_h: 1 pad_w: 1 dilation: 2 group: 2 num_output: 6 " +
                          "weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 6, 11, 10 }, _top.Shape.ToArray());
        BlobAssert.AreClose(ConvolutionReference.Deconvolve(_bottom, layer.Param.ConvolutionParam, layer.Blobs), _top, 1e-4f);
    }

    [TestMethod]
    public void ThreeDDeconvolutionMatchesReference()
    {
        _bottom = LayerTesting.Gaussian([2, 2, 3, 4, 2]);
        var layer = Layer("kernel_size: 2 stride: 2 pad: 1 num_output: 3 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 4, 6, 2 }, _top.Shape.ToArray());
        BlobAssert.AreClose(ConvolutionReference.Deconvolve(_bottom, layer.Param.ConvolutionParam, layer.Blobs), _top, 1e-4f);
    }

    [TestMethod]
    public void NdIm2ColAgreesWith2DIm2Col()
    {
        const string geometry = "num_output: 6 bias_term: false group: 3 kernel_h: 4 kernel_w: 3 stride: 2 weight_filler { type: 'gaussian' }";
        var bottom = LayerTesting.Gaussian([3, 6, 7, 8]);
        var reference = Layer(geometry);
        var top = new Blob();
        reference.SetUp([bottom], [top]);
        Blob topDiff = LayerTesting.Gaussian(top.Shape.ToArray());

        (Blob Top, float[] BottomDiff, float[] WeightDiff) Run(bool forceNd)
        {
            var layer = Layer(geometry + $" force_nd_im2col: {(forceNd ? "true" : "false")}");
            var output = new Blob();
            layer.SetUp([bottom], [output]);
            layer.Blobs[0].CopyFrom(reference.Blobs[0]);
            layer.Forward([bottom], [output]);
            topDiff.Data.CopyTo(output.Diff);
            layer.Backward([output], [true], [bottom]);
            return (output, bottom.Diff.ToArray(), layer.Blobs[0].Diff.ToArray());
        }

        var twoD = Run(false);
        var nd = Run(true);
        BlobAssert.AreClose(twoD.Top, nd.Top, 1e-4f, what: "forward");
        BlobAssert.AreRelativelyClose(twoD.BottomDiff, nd.BottomDiff, 1e-4f, "bottom diff");
        BlobAssert.AreRelativelyClose(twoD.WeightDiff, nd.WeightDiff, 1e-4f, "weight diff");
    }

    [TestMethod]
    public void Gradient()
    {
        var layer = Layer("kernel_size: 2 stride: 1 num_output: 1 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _bottom2], [_top, _top2]);
    }

    [TestMethod]
    public void Gradient3D()
    {
        _bottom = LayerTesting.Gaussian([2, 2, 2, 3, 2]);
        var layer = Layer("kernel_size: 2 stride: 2 pad: 1 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GroupedStridedGradient()
    {
        _bottom = LayerTesting.Gaussian([1, 3, 4, 3]);
        var layer = Layer("kernel_size: 3 stride: 2 pad: 1 group: 3 num_output: 3 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void OneByOneGradient()
    {
        var layer = Layer("kernel_size: 1 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void CreatedByTheRegistry()
    {
        Layer layer = LayerRegistry.CreateLayer(LayerTesting.Param("name: 'd' type: 'Deconvolution' convolution_param { num_output: 2 kernel_size: 3 }"));
        Assert.IsInstanceOfType<DeconvolutionLayer>(layer);
        Assert.AreEqual("Deconvolution", layer.Type);
    }
}
