namespace Caffe.Tests;

/// <summary>Caffe's test_convolution_layer.cpp, plus the batched-GEMM path, reshapes and parameter errors.</summary>
[TestClass]
public sealed class ConvolutionLayerTests
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

    private static ConvolutionLayer Layer(string convParam) =>
        new(LayerTesting.Param($"name: 'conv' type: 'Convolution' convolution_param {{ {convParam} }}"));

    [TestMethod]
    public void SetupShapesTopsForEveryBottom()
    {
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 4");
        layer.SetUp([_bottom, _bottom2], [_top, _top2]);
        CollectionAssert.AreEqual(new[] { 2, 4, 2, 1 }, _top.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 4, 2, 1 }, _top2.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 4, 3, 3, 3 }, layer.Blobs[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 4 }, layer.Blobs[1].Shape.ToArray());
        // Setting group does not change the shape of the tops.
        layer = Layer("kernel_size: 3 stride: 2 num_output: 3 group: 3");
        layer.SetUp([_bottom, _bottom2], [_top, _top2]);
        CollectionAssert.AreEqual(new[] { 2, 3, 2, 1 }, _top.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 3, 2, 1 }, _top2.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 1, 3, 3 }, layer.Blobs[0].Shape.ToArray());
    }

    [TestMethod]
    public void SimpleConvolutionMatchesReference()
    {
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'constant' value: 0.1 }");
        layer.SetUp([_bottom, _bottom2], [_top, _top2]);
        layer.Forward([_bottom, _bottom2], [_top, _top2]);
        var cp = layer.Param.ConvolutionParam;
        BlobAssert.AreClose(ConvolutionReference.Convolve(_bottom, cp, layer.Blobs), _top, 1e-4f, what: "top 0");
        BlobAssert.AreClose(ConvolutionReference.Convolve(_bottom2, cp, layer.Blobs), _top2, 1e-4f, what: "top 1");
    }

    [TestMethod]
    public void DilatedConvolutionMatchesReference()
    {
        _bottom = LayerTesting.Gaussian([2, 3, 8, 7]);
        _bottom2 = LayerTesting.Gaussian([2, 3, 8, 7]);
        var layer = Layer("kernel_size: 3 dilation: 2 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'constant' value: 0.1 }");
        layer.SetUp([_bottom, _bottom2], [_top, _top2]);
        layer.Forward([_bottom, _bottom2], [_top, _top2]);
        CollectionAssert.AreEqual(new[] { 2, 4, 4, 3 }, _top.Shape.ToArray());
        var cp = layer.Param.ConvolutionParam;
        BlobAssert.AreClose(ConvolutionReference.Convolve(_bottom, cp, layer.Blobs), _top, 1e-4f, what: "top 0");
        BlobAssert.AreClose(ConvolutionReference.Convolve(_bottom2, cp, layer.Blobs), _top2, 1e-4f, what: "top 1");
    }

    [TestMethod]
    public void ZeroDConvolutionIsAnInnerProductOverTheChannelAxis()
    {
        const int numOutput = 3;
        var layer = Layer($"num_output: {numOutput} axis: 3 weight_filler {{ type: 'gaussian' }} bias_filler {{ type: 'gaussian' }}");
        layer.SetUp([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 6, numOutput }, _top.Shape.ToArray());
        Assert.IsTrue(layer.Is1x1);
        layer.Forward([_bottom], [_top]);
        Blob weight = layer.Blobs[0], bias = layer.Blobs[1];
        int num = _top.CountRange(0, 3), inDim = _bottom.ShapeAt(3);
        for (int n = 0; n < num; n++)
        {
            for (int d = 0; d < numOutput; d++)
            {
                float expected = bias.Data[d];
                for (int b = 0; b < inDim; b++) expected += weight.Data[d * inDim + b] * _bottom.Data[n * inDim + b];
                Assert.AreEqual(expected, _top.Data[n * numOutput + d], 1e-4f);
            }
        }
    }

    [TestMethod]
    public void Simple3DConvolutionMatchesReference()
    {
        _bottom = LayerTesting.Gaussian([2, 3, 5, 6, 4]);
        _bottom2 = LayerTesting.Gaussian([2, 3, 5, 6, 4]);
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        layer.SetUp([_bottom, _bottom2], [_top, _top2]);
        layer.Forward([_bottom, _bottom2], [_top, _top2]);
        CollectionAssert.AreEqual(new[] { 2, 4, 2, 2, 1 }, _top.Shape.ToArray());
        var cp = layer.Param.ConvolutionParam;
        BlobAssert.AreClose(ConvolutionReference.Convolve(_bottom, cp, layer.Blobs), _top, 1e-4f, what: "top 0");
        BlobAssert.AreClose(ConvolutionReference.Convolve(_bottom2, cp, layer.Blobs), _top2, 1e-4f, what: "top 1");
    }

    [TestMethod]
    public void Dilated3DConvolutionMatchesReference()
    {
        _bottom = LayerTesting.Gaussian([2, 3, 6, 7, 8]);
        _bottom2 = LayerTesting.Gaussian([2, 3, 6, 7, 8]);
        var layer = Layer("kernel_size: 3 dilation: 2 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        layer.SetUp([_bottom, _bottom2], [_top, _top2]);
        layer.Forward([_bottom, _bottom2], [_top, _top2]);
        CollectionAssert.AreEqual(new[] { 2, 4, 2, 3, 4 }, _top.Shape.ToArray());
        var cp = layer.Param.ConvolutionParam;
        BlobAssert.AreClose(ConvolutionReference.Convolve(_bottom, cp, layer.Blobs), _top, 1e-4f, what: "top 0");
        BlobAssert.AreClose(ConvolutionReference.Convolve(_bottom2, cp, layer.Blobs), _top2, 1e-4f, what: "top 1");
    }

    [TestMethod]
    public void OneByOneConvolutionSkipsIm2ColAndMatchesReference()
    {
        var layer = Layer("kernel_size: 1 stride: 1 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'constant' value: 0.1 }");
        layer.SetUp([_bottom, _bottom2], [_top, _top2]);
        Assert.IsTrue(layer.Is1x1);
        layer.Forward([_bottom, _bottom2], [_top, _top2]);
        var cp = layer.Param.ConvolutionParam;
        BlobAssert.AreClose(ConvolutionReference.Convolve(_bottom, cp, layer.Blobs), _top, 1e-4f, what: "top 0");
        BlobAssert.AreClose(ConvolutionReference.Convolve(_bottom2, cp, layer.Blobs), _top2, 1e-4f, what: "top 1");
        // A padded or strided 1x1 kernel still needs im2col.
        Assert.IsFalse(Layer("kernel_size: 1 stride: 2 num_output: 4").Also(l => l.SetUp([_bottom], [_top])).Is1x1);
        Assert.IsFalse(Layer("kernel_size: 1 pad: 1 num_output: 4").Also(l => l.SetUp([_bottom], [_top])).Is1x1);
    }

    [TestMethod]
    public void GroupConvolutionMatchesReference()
    {
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 3 group: 3 weight_filler { type: 'gaussian' } bias_filler { type: 'constant' value: 0.1 }");
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        BlobAssert.AreClose(ConvolutionReference.Convolve(_bottom, layer.Param.ConvolutionParam, layer.Blobs), _top, 1e-4f);
    }

    [TestMethod]
    public void SobelEqualsTwoSeparableRectangularConvolutions()
    {
        // The 3x3 Sobel G_x operator at once, then as a [1 2 1] column filter followed by a [-1 0 1] row filter.
        _bottom2.CopyFrom(_bottom);
        var full = Layer("kernel_size: 3 stride: 2 num_output: 1 bias_term: false");
        full.Blobs.Add(new Blob(1, 3, 3, 3));
        float[] sobel = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
        for (int c = 0; c < 3; c++) sobel.CopyTo(full.Blobs[0].Data.Slice(c * 9, 9));
        full.SetUp([_bottom], [_top]);
        full.Forward([_bottom], [_top]);

        var column = Layer("kernel_h: 3 kernel_w: 1 stride_h: 2 stride_w: 1 num_output: 1 bias_term: false");
        column.Blobs.Add(new Blob(1, 3, 3, 1));
        for (int c = 0; c < 3; c++) new float[] { 1, 2, 1 }.CopyTo(column.Blobs[0].Data.Slice(c * 3, 3));
        column.SetUp([_bottom2], [_top2]);
        column.Forward([_bottom2], [_top2]);
        var separable = new Blob();
        separable.CopyFrom(_top2, reshape: true);

        var row = Layer("kernel_h: 1 kernel_w: 3 stride_h: 1 stride_w: 2 num_output: 1 bias_term: false");
        row.Blobs.Add(LayerTesting.FromValues([1, 1, 1, 3], -1, 0, 1));
        row.SetUp([separable], [_top2]);
        row.Forward([separable], [_top2]);
        BlobAssert.AreClose(_top, _top2, 1e-4f);
    }

    [TestMethod]
    public void NdIm2ColAgreesWith2DIm2Col()
    {
        // Caffe's TestNDAgainst2D: forward, bottom diff and weight diff with force_nd_im2col on and off.
        const string geometry = "num_output: 12 bias_term: false group: 6 kernel_h: 11 kernel_w: 13 weight_filler { type: 'gaussian' }";
        var bottom = LayerTesting.Gaussian([5, 18, 22, 26]);
        var reference = Layer(geometry);
        var top = new Blob();
        reference.SetUp([bottom], [top]);
        Blob weights = reference.Blobs[0];
        Blob topDiff = LayerTesting.Gaussian(top.Shape.ToArray());

        (Blob Top, Blob BottomDiff, Blob WeightDiff) Run(bool forceNd)
        {
            var layer = Layer(geometry + $" force_nd_im2col: {(forceNd ? "true" : "false")}");
            var output = new Blob();
            layer.SetUp([bottom], [output]);
            layer.Blobs[0].CopyFrom(weights);
            layer.Blobs[0].Diff.Clear();
            layer.Forward([bottom], [output]);
            topDiff.Data.CopyTo(output.Diff);
            layer.Backward([output], [true], [bottom]);
            var bottomDiff = new Blob();
            bottomDiff.CopyFrom(bottom, copyDiff: true, reshape: true);
            return (output, bottomDiff, layer.Blobs[0]);
        }

        var twoD = Run(false);
        var nd = Run(true);
        BlobAssert.AreClose(twoD.Top, nd.Top, 1e-4f, what: "forward");
        BlobAssert.AreClose(twoD.BottomDiff, nd.BottomDiff, 1e-4f, diff: true, what: "bottom diff");
        BlobAssert.AreRelativelyClose(twoD.WeightDiff.Diff, nd.WeightDiff.Diff, 1e-4f, "weight diff");
    }

    [TestMethod]
    public void Gradient()
    {
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _bottom2], [_top, _top2]);
    }

    [TestMethod]
    public void DilatedGradient()
    {
        _bottom = LayerTesting.Gaussian([2, 3, 5, 6]);
        var layer = Layer("kernel_size: 3 dilation: 2 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void Gradient3D()
    {
        _bottom = LayerTesting.Gaussian([2, 3, 5, 6, 4]);
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void OneByOneGradient()
    {
        var layer = Layer("kernel_size: 1 stride: 1 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom, _bottom2], [_top, _top2]);
    }

    [TestMethod]
    public void GroupGradient()
    {
        var layer = Layer("kernel_size: 3 stride: 2 num_output: 3 group: 3 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void PaddedRectangularGradient()
    {
        var layer = Layer("kernel_h: 2 kernel_w: 3 pad_h: 1 pad_w: 0 stride_h: 1 stride_w: 2 num_output: 2 " +
                          "weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void ReshapeFollowsTheBottom()
    {
        var layer = Layer("kernel_size: 3 pad: 1 num_output: 4 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        var bigger = LayerTesting.Gaussian([3, 3, 9, 7]);
        layer.Forward([bigger], [_top]);
        CollectionAssert.AreEqual(new[] { 3, 4, 9, 7 }, _top.Shape.ToArray());
        BlobAssert.AreClose(ConvolutionReference.Convolve(bigger, layer.Param.ConvolutionParam, layer.Blobs), _top, 1e-4f);
    }

    [TestMethod]
    public void BackwardAccumulatesParameterDiffsAndOverwritesBottomDiff()
    {
        var layer = Layer("kernel_size: 3 num_output: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        Rng.FillGaussian(_top.Diff, 0, 1);
        layer.Backward([_top], [true], [_bottom]);
        float[] weightDiff = layer.Blobs[0].Diff.ToArray(), biasDiff = layer.Blobs[1].Diff.ToArray(), bottomDiff = _bottom.Diff.ToArray();
        layer.Backward([_top], [true], [_bottom]);
        BlobAssert.AreRelativelyClose(weightDiff.Select(v => 2 * v).ToArray(), layer.Blobs[0].Diff, 1e-5f, "weight diff");
        BlobAssert.AreRelativelyClose(biasDiff.Select(v => 2 * v).ToArray(), layer.Blobs[1].Diff, 1e-5f, "bias diff");
        CollectionAssert.AreEqual(bottomDiff, _bottom.Diff.ToArray());
        // Without propagate_down the bottom diff is left alone while the weights still learn.
        _bottom.Diff.Fill(42f);
        layer.Backward([_top], [false], [_bottom]);
        BlobAssert.AreRelativelyClose(weightDiff.Select(v => 3 * v).ToArray(), layer.Blobs[0].Diff, 1e-5f, "weight diff");
        Assert.IsTrue(_bottom.Diff.ToArray().All(v => v == 42f));
        // No parameter gradient is computed when the net says so.
        layer.SetParamPropagateDown(0, false);
        layer.SetParamPropagateDown(1, false);
        layer.Backward([_top], [true], [_bottom]);
        BlobAssert.AreRelativelyClose(weightDiff.Select(v => 3 * v).ToArray(), layer.Blobs[0].Diff, 1e-5f, "weight diff");
        BlobAssert.AreRelativelyClose(biasDiff.Select(v => 3 * v).ToArray(), layer.Blobs[1].Diff, 1e-5f, "bias diff");
        CollectionAssert.AreEqual(bottomDiff, _bottom.Diff.ToArray());
    }

    [TestMethod]
    public void CreatedByTheRegistry()
    {
        Layer layer = LayerRegistry.CreateLayer(LayerTesting.Param("name: 'c' type: 'Convolution' convolution_param { num_output: 2 kernel_size: 3 }"));
        Assert.IsInstanceOfType<ConvolutionLayer>(layer);
        Assert.AreEqual("Convolution", layer.Type);
    }
}

internal static class TestExtensions
{
    /// <summary>Runs <paramref name="action"/> on the value and returns it, for one-line setups in assertions.</summary>
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
