namespace Caffe.Tests.Layers;

/// <summary>
/// What Caffe's test_convolution_layer.cpp and test_deconvolution_layer.cpp share: two 2x3x6x4 standard-normal
/// bottoms drawn after seeding 1701, layers built from <c>convolution_param</c> fields, the top and weight shapes
/// for one and two bottoms, and the N-d im2col path against the 2-D one.
/// </summary>
public abstract class ConvolutionFixture<TLayer> where TLayer : BaseConvolutionLayer
{
    protected Blob Bottom { get; set; } = null!;
    protected Blob Bottom2 { get; set; } = null!;
    protected Blob Top { get; } = new();
    protected Blob Top2 { get; } = new();

    /// <summary>"Convolution" or "Deconvolution".</summary>
    protected abstract string Type { get; }

    protected abstract TLayer NewLayer(LayerParameter param);

    [TestInitialize]
    public void SetUpBlobs()
    {
        Rng.SetRandomSeed(1701);
        Bottom = LayerTesting.Gaussian([2, 3, 6, 4]);
        Bottom2 = LayerTesting.Gaussian([2, 3, 6, 4]);
    }

    protected TLayer Layer(string convParam) =>
        NewLayer(LayerTesting.Param($"name: '{Type.ToLowerInvariant()}' type: '{Type}' convolution_param {{ {convParam} }}"));

    /// <summary>
    /// kernel 3, stride 2, 4 outputs on both bottoms gives <paramref name="topShape"/> and <paramref name="weightShape"/>
    /// (bias 4); with 3 outputs in 3 groups the tops are <paramref name="groupTopShape"/> and the weights 3x1x3x3.
    /// </summary>
    protected void CheckSetUpShapes(int[] topShape, int[] weightShape, int[] groupTopShape)
    {
        TLayer layer = Layer("kernel_size: 3 stride: 2 num_output: 4");
        layer.SetUp([Bottom, Bottom2], [Top, Top2]);
        CollectionAssert.AreEqual(topShape, Top.Shape.ToArray());
        CollectionAssert.AreEqual(topShape, Top2.Shape.ToArray());
        CollectionAssert.AreEqual(weightShape, layer.Blobs[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 4 }, layer.Blobs[1].Shape.ToArray());
        // Setting group does not change the shape of the tops.
        layer = Layer("kernel_size: 3 stride: 2 num_output: 3 group: 3");
        layer.SetUp([Bottom, Bottom2], [Top, Top2]);
        CollectionAssert.AreEqual(groupTopShape, Top.Shape.ToArray());
        CollectionAssert.AreEqual(groupTopShape, Top2.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 1, 3, 3 }, layer.Blobs[0].Shape.ToArray());
    }

    /// <summary>Caffe's TestNDAgainst2D: forward, bottom diff and weight diff with force_nd_im2col on and off.</summary>
    protected void CheckNdIm2ColAgreesWith2DIm2Col(string geometry, int[] bottomShape)
    {
        var bottom = LayerTesting.Gaussian(bottomShape);
        TLayer reference = Layer(geometry);
        var top = new Blob();
        reference.SetUp([bottom], [top]);
        Blob topDiff = LayerTesting.Gaussian(top.Shape.ToArray());

        (Blob Top, Blob BottomDiff, float[] WeightDiff) Run(bool forceNd)
        {
            TLayer layer = Layer(geometry + $" force_nd_im2col: {(forceNd ? "true" : "false")}");
            var output = new Blob();
            layer.SetUp([bottom], [output]);
            layer.Blobs[0].CopyFrom(reference.Blobs[0]);
            layer.Forward([bottom], [output]);
            topDiff.Data.CopyTo(output.Diff);
            layer.Backward([output], [true], [bottom]);
            var bottomDiff = new Blob();
            bottomDiff.CopyFrom(bottom, copyDiff: true, reshape: true);
            return (output, bottomDiff, layer.Blobs[0].Diff.ToArray());
        }

        var twoD = Run(false);
        var nd = Run(true);
        BlobAssert.AreClose(twoD.Top, nd.Top, 1e-4f, what: "forward");
        BlobAssert.AreClose(twoD.BottomDiff, nd.BottomDiff, 1e-4f, diff: true, what: "bottom diff");
        BlobAssert.AreRelativelyClose(twoD.WeightDiff, nd.WeightDiff, 1e-4f, "weight diff");
    }

    [TestMethod]
    public void CreatedByTheRegistry()
    {
        TLayer layer = LayerTesting.Create<TLayer>($"name: 'c' type: '{Type}' convolution_param {{ num_output: 2 kernel_size: 3 }}");
        Assert.AreEqual(Type, layer.Type);
    }
}
