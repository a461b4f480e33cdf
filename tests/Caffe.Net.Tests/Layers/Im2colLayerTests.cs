namespace Caffe.Tests.Layers;

[TestClass]
public sealed class Im2colLayerTests
{
    private static Blob Bottom(params int[] shape) => LayerTesting.SeededGaussian(shape.Length == 0 ? [2, 3, 6, 5] : shape);

    [TestMethod]
    public void SetUpWithDilation()
    {
        Blob bottom = Bottom(2, 3, 10, 11), top = new();
        LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_size: 3 stride: 2 dilation: 3 }").SetUp([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 2, 27, 2, 3 }, top.Shape.ToArray());
    }

    [TestMethod]
    public void ForwardTopLeftBlock()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_size: 3 stride: 2 }"), [bottom], [top]);
        CollectionAssert.AreEqual(new[] { 2, 27, 2, 2 }, top.Shape.ToArray());
        for (int c = 0; c < 27; c++)
            Assert.AreEqual(bottom.DataAt(0, c / 9, c / 3 % 3, c % 3), top.DataAt(0, c, 0, 0));
    }

    [TestMethod]
    public void ForwardRectangularKernel()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(
            LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_h: 5 kernel_w: 3 stride: 2 }"), [bottom], [top]);
        for (int c = 0; c < 45; c++)
            Assert.AreEqual(bottom.DataAt(0, c / 15, c / 3 % 5, c % 3), top.DataAt(0, c, 0, 0));
    }

    [TestMethod]
    public void ForcedNdMatches2D()
    {
        Blob bottom = Bottom(2, 3, 10, 9), top2d = new(), topNd = new();
        const string geometry = "kernel_size: 3 stride: 2 dilation: 2 pad: 1";
        LayerTesting.SetUpAndForward(LayerTesting.Create<Im2colLayer>($"type: 'Im2col' convolution_param {{ {geometry} }}"), [bottom], [top2d]);
        LayerTesting.SetUpAndForward(
            LayerTesting.Create<Im2colLayer>($"type: 'Im2col' convolution_param {{ {geometry} force_nd_im2col: true }}"), [bottom], [topNd]);
        CollectionAssert.AreEqual(top2d.Shape.ToArray(), topNd.Shape.ToArray());
        CollectionAssert.AreEqual(top2d.Data.ToArray(), topNd.Data.ToArray());
    }

    [TestMethod]
    public void HandComputedPadding()
    {
        Blob bottom = LayerTesting.FromValues([1, 1, 2, 2], 1, 2, 3, 4), top = new();
        var layer = LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_size: 2 pad: 1 stride: 2 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        // Output 2x2; each pixel appears exactly once, the rest is padding.
        CollectionAssert.AreEqual(new[] { 1, 4, 2, 2 }, top.Shape.ToArray());
        CollectionAssert.AreEqual(new float[] { 0, 0, 0, 4, 0, 0, 3, 0, 0, 2, 0, 0, 1, 0, 0, 0 }, top.Data.ToArray());
        for (int i = 0; i < top.Count; i++) top.Diff[i] = i;
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new float[] { 12, 9, 6, 3 }, bottom.Diff.ToArray());
    }

    [TestMethod]
    public void ThreeSpatialAxes()
    {
        Blob bottom = Bottom(1, 2, 3, 4, 5), top = new();
        var layer = LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_size: 2 kernel_size: 3 kernel_size: 2 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        CollectionAssert.AreEqual(new[] { 1, 24, 2, 2, 4 }, top.Shape.ToArray());
        // Column (c, kd, kh, kw) at output (d, h, w) is the input at (c, d + kd, h + kh, w + kw).
        Assert.AreEqual(bottom.Data[bottom.Offset([0, 1, 1, 3, 4])], top.Data[top.Offset([0, ((1 * 2 + 1) * 3 + 2) * 2 + 1, 0, 1, 3])]);
    }

    // Caffe's geometries and checker settings; one item of two channels instead of 2x3, because the exhaustive check
    // costs (top count x bottom count) forward passes and the geometry, not the batch, is what is being tested.
    [TestMethod]
    [DataRow(new[] { 1, 2, 6, 5 }, "kernel_size: 3 stride: 2")]
    [DataRow(new[] { 1, 2, 10, 9 }, "kernel_size: 3 stride: 2 dilation: 3")]
    [DataRow(new[] { 1, 2, 6, 5 }, "kernel_size: 3 stride: 2 force_nd_im2col: true")]
    [DataRow(new[] { 1, 2, 10, 9 }, "kernel_size: 3 stride: 2 dilation: 3 force_nd_im2col: true")]
    [DataRow(new[] { 1, 2, 6, 5 }, "kernel_h: 5 kernel_w: 3 stride: 2")]
    public void Gradient(int[] shape, string geometry)
    {
        Blob bottom = Bottom(shape), top = new();
        var layer = LayerTesting.Create<Im2colLayer>($"type: 'Im2col' convolution_param {{ {geometry} }}");
        new GradientChecker(1e-2f, 1e-2f).CheckGradientExhaustive(layer, [bottom], [top]);
    }

    [TestMethod]
    public void GradientOfTheFullBatchWithPadding()
    {
        // Caffe's 2x3x6x5 batch, checked through the ½·Σ top² objective (one pass over the bottom).
        Blob bottom = Bottom(), top = new();
        var layer = LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_size: 3 stride: 2 pad: 1 }");
        new GradientChecker(1e-2f, 1e-2f).CheckGradient(layer, [bottom], [top]);
    }

    [TestMethod]
    public void KernelLargerThanPaddedInputIsAnError()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<Im2colLayer>("name: 'i2c' type: 'Im2col' convolution_param { kernel_size: 3 dilation: 3 }")
                .SetUp([bottom], [top]),
            "'i2c'", "kernel extent 7", "padded input 6", "(2 3 6 5)");
    }

    [TestMethod]
    public void InconsistentGeometryIsAnError()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_size: 3 kernel_h: 3 kernel_w: 3 }")
            .SetUp([bottom], [top]), "either kernel_size or kernel_h/kernel_w");
        LayerTesting.Throws(() => LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { stride: 1 }")
            .SetUp([bottom], [top]), "kernel_size must be given once", "given 0");
        LayerTesting.Throws(() => LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_size: 1 kernel_size: 2 kernel_size: 3 }")
            .SetUp([bottom], [top]), "given 3", "2 spatial dims");
        LayerTesting.Throws(() => LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_size: 2 stride: 0 }")
            .SetUp([bottom], [top]), "stride dimensions must be positive");
        LayerTesting.Throws(() => LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_size: 0 }")
            .SetUp([bottom], [top]), "kernel dimensions must be positive");
        LayerTesting.Throws(() => LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_size: 1 axis: 3 }")
            .SetUp([bottom], [top]), "at least one spatial axis");
        LayerTesting.Throws(() => LayerTesting.Create<Im2colLayer>("type: 'Im2col' convolution_param { kernel_h: 2 kernel_w: 2 }")
            .SetUp([LayerTesting.SeededGaussian(1, 2, 3, 4, 5)], [top]), "kernel_h and kernel_w can only be used with 2 spatial axes");
    }
}
