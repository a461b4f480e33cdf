namespace Caffe.Tests.Layers;

/// <summary>
/// What convolution and deconvolution share: the batched GEMM path (several images per GEMM) against Caffe's
/// per-image path, chunking of large batches, and the geometry checks with their errors.
/// </summary>
[TestClass]
public sealed class BaseConvolutionLayerTests
{
    [TestInitialize]
    public void SetUp() => Rng.SetRandomSeed(1701);

    private static BaseConvolutionLayer Create(string type, string convParam) =>
        (BaseConvolutionLayer)LayerRegistry.CreateLayer(
            LayerTesting.Param($"name: 'layer1' type: '{type}' convolution_param {{ {convParam} }}"));

    private sealed record PassResult(float[] Top, float[] BottomDiff, float[] WeightDiff, float[] BiasDiff, int ImagesPerGemm);

    // Forward and backward through a fresh layer whose weights come from `weights`, with a fixed top diff.
    private static PassResult Pass(string type, string convParam, Blob bottom, IReadOnlyList<Blob> weights, int maxImagesPerGemm)
    {
        BaseConvolutionLayer layer = Create(type, convParam);
        foreach (Blob w in weights)
        {
            var copy = new Blob();
            copy.CopyFrom(w, reshape: true);
            layer.Blobs.Add(copy);
        }
        layer.MaxImagesPerGemm = maxImagesPerGemm;
        var top = new Blob();
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        Rng.SetRandomSeed(7);
        Rng.FillGaussian(top.Diff, 0, 1);
        layer.Backward([top], [true], [bottom]);
        return new PassResult(top.Data.ToArray(), bottom.Diff.ToArray(), layer.Blobs[0].Diff.ToArray(),
            layer.Blobs.Count > 1 ? layer.Blobs[1].Diff.ToArray() : [], layer.ImagesPerGemm);
    }

    private static void AssertBatchedEqualsPerImage(string type, string convParam, int[] bottomShape, int maxImages = int.MaxValue,
        int expectedImagesPerGemm = -1)
    {
        Blob bottom = LayerTesting.Gaussian(bottomShape);
        BaseConvolutionLayer initial = Create(type, convParam + " weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        initial.SetUp([bottom], [new Blob()]);
        PassResult perImage = Pass(type, convParam, bottom, initial.Blobs, 1);
        PassResult batched = Pass(type, convParam, bottom, initial.Blobs, maxImages);
        Assert.AreEqual(1, perImage.ImagesPerGemm);
        if (expectedImagesPerGemm > 0) Assert.AreEqual(expectedImagesPerGemm, batched.ImagesPerGemm, "images per GEMM");
        else Assert.IsTrue(batched.ImagesPerGemm > 1, $"the batched path was not taken ({batched.ImagesPerGemm} image per GEMM)");
        BlobAssert.AreRelativelyClose(perImage.Top, batched.Top, 1e-5f, "top");
        BlobAssert.AreRelativelyClose(perImage.BottomDiff, batched.BottomDiff, 1e-5f, "bottom diff");
        BlobAssert.AreRelativelyClose(perImage.WeightDiff, batched.WeightDiff, 1e-5f, "weight diff");
        BlobAssert.AreRelativelyClose(perImage.BiasDiff, batched.BiasDiff, 1e-5f, "bias diff");
    }

    [TestMethod]
    public void BatchedConvolutionEqualsPerImage() =>
        AssertBatchedEqualsPerImage("Convolution", "num_output: 6 kernel_size: 3 pad: 1", [5, 4, 7, 6]);

    [TestMethod]
    public void BatchedGroupedStridedDilatedConvolutionEqualsPerImage() =>
        AssertBatchedEqualsPerImage("Convolution", "num_output: 6 kernel_h: 3 kernel_w: 2 stride: 2 pad: 2 dilation: 2 group: 2", [4, 4, 9, 8]);

    [TestMethod]
    public void BatchedOneByOneConvolutionEqualsPerImage() =>
        AssertBatchedEqualsPerImage("Convolution", "num_output: 6 kernel_size: 1 group: 2", [6, 4, 3, 5]);

    [TestMethod]
    public void BatchedDeconvolutionEqualsPerImage() =>
        AssertBatchedEqualsPerImage("Deconvolution", "num_output: 4 kernel_size: 3 stride: 2 pad: 1 group: 2", [5, 6, 4, 3]);

    [TestMethod]
    public void BatchedOneByOneDeconvolutionEqualsPerImage() =>
        AssertBatchedEqualsPerImage("Deconvolution", "num_output: 3 kernel_size: 1", [4, 2, 5, 5]);

    [TestMethod]
    public void UnevenChunksEqualPerImage() =>
        // 7 images at most 3 per GEMM: chunks of 3, 2 and 2.
        AssertBatchedEqualsPerImage("Convolution", "num_output: 3 kernel_size: 2", [7, 2, 5, 4], maxImages: 3, expectedImagesPerGemm: 3);

    [TestMethod]
    public void LargeGemmsRunOneImageAtATimeAsCaffe()
    {
        BaseConvolutionLayer layer = Create("Convolution", "num_output: 64 kernel_size: 3 pad: 1");
        layer.SetUp([new Blob(3, 32, 40, 40)], [new Blob()]);
        Assert.AreEqual(1, layer.ImagesPerGemm);
        // 7x7 outputs make narrow, small GEMMs: the whole batch goes into one.
        layer.SetUp([new Blob(10, 32, 7, 7)], [new Blob()]);
        Assert.AreEqual(10, layer.ImagesPerGemm);
    }

    [TestMethod]
    public void OneBatchChunkIsSpreadEvenly()
    {
        // 10 images at most 7 per GEMM run as 5 + 5.
        BaseConvolutionLayer layer = Create("Convolution", "num_output: 2 kernel_size: 3 pad: 1");
        layer.MaxImagesPerGemm = 7;
        layer.SetUp([new Blob(10, 1, 13, 13)], [new Blob()]);
        Assert.AreEqual(5, layer.ImagesPerGemm);
    }

    [TestMethod]
    public void EmptyBatchRunsWithoutWork()
    {
        BaseConvolutionLayer layer = Create("Convolution", "num_output: 2 kernel_size: 3 weight_filler { type: 'gaussian' }");
        var bottom = new Blob(0, 2, 5, 5);
        var top = new Blob();
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { 0, 2, 3, 3 }, top.Shape.ToArray());
    }

    private static LayerException SetUpError(string convParam, params int[][] bottomShapes) => SetUpError("Convolution", convParam, bottomShapes);

    private static LayerException SetUpError(string type, string convParam, params int[][] bottomShapes)
    {
        BaseConvolutionLayer layer = Create(type, convParam);
        Blob[] bottoms = bottomShapes.Length == 0 ? [new Blob(2, 3, 6, 4)] : bottomShapes.Select(s => new Blob(s)).ToArray();
        Blob[] tops = bottoms.Select(_ => new Blob()).ToArray();
        var e = Assert.ThrowsExactly<LayerException>(() => layer.SetUp(bottoms, tops));
        Assert.AreEqual("layer1", e.LayerName);
        Assert.AreEqual(type, e.LayerType);
        StringAssert.Contains(e.Message, "Layer 'layer1'");
        return e;
    }

    [TestMethod]
    public void BadGeometryErrorsNameTheLayerAndTheProblem()
    {
        StringAssert.Contains(SetUpError("kernel_size: 3").Message, "num_output");
        StringAssert.Contains(SetUpError("num_output: 4").Message, "kernel_size must be specified once");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 0").Message, "kernel dimensions must be positive");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_h: 3").Message, "kernel dimensions must be positive");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 3 kernel_h: 3 kernel_w: 3").Message, "either kernel_size or kernel_h/w should be specified; not both");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 3 kernel_size: 3 kernel_size: 3").Message, "3 times; 2 spatial dims");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_h: 3 kernel_w: 3", [2, 3, 4, 4, 4]).Message, "only be used for 2D");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 3 stride: 0").Message, "stride dimensions must be positive");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 3 stride: 1 stride: 2 stride: 3").Message, "stride must be specified once");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 3 pad: 1 pad_h: 1").Message, "either pad or pad_h/w");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 3 dilation: 0").Message, "dilation dimensions must be positive");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 3 group: 2").Message, "must be a multiple of group");
        StringAssert.Contains(SetUpError("num_output: 5 kernel_size: 3 group: 3").Message, "num_output (5) must be a multiple of group (3)");
        StringAssert.Contains(SetUpError("num_output: 3 kernel_size: 3 group: 0").Message, "group must be positive");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 3 axis: 4").Message, "axis 4 is out of range");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 7").Message, "larger than the padded input 6");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 3 dilation: 3").Message, "kernel extent 7");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 3", [2, 3, 6, 4], [2, 3, 6, 5]).Message, "same shape");
        StringAssert.Contains(SetUpError("num_output: 4 kernel_size: 3 weight_filler { type: 'nonsense' }").Message, "weight_filler");
        StringAssert.Contains(SetUpError("Deconvolution", "num_output: 4 kernel_size: 2 pad: 3", [2, 3, 1, 1]).Message, "no output along spatial axis 0");
        StringAssert.Contains(SetUpError("num_output: 1 kernel_size: 200 pad: 100", [1, 1, 500, 500]).Message, "column buffer of one image");
    }

    [TestMethod]
    public void GivenWeightsMustHaveCaffesShapes()
    {
        BaseConvolutionLayer layer = Create("Convolution", "num_output: 4 kernel_size: 3");
        layer.Blobs.Add(new Blob(4, 3, 3, 2));
        layer.Blobs.Add(new Blob(4));
        LayerTesting.Throws(() => layer.SetUp([new Blob(2, 3, 6, 4)], [new Blob()]),
            "incorrect weight shape: expected 4 3 3 3; instead, shape was 4 3 3 2");

        layer = Create("Convolution", "num_output: 4 kernel_size: 3");
        layer.Blobs.Add(new Blob(4, 3, 3, 3));
        LayerTesting.Throws(() => layer.SetUp([new Blob(2, 3, 6, 4)], [new Blob()]), "incorrect number of weight blobs: 1, expected 2");

        layer = Create("Convolution", "num_output: 4 kernel_size: 3");
        layer.Blobs.Add(new Blob(4, 3, 3, 3));
        layer.Blobs.Add(new Blob(3));
        LayerTesting.Throws(() => layer.SetUp([new Blob(2, 3, 6, 4)], [new Blob()]),
            "incorrect bias shape: expected 4; instead, shape was 3");

        // Deconvolution weights are [channels, num_output / group, kernel...].
        layer = Create("Deconvolution", "num_output: 4 kernel_size: 3 group: 2 bias_term: false");
        layer.Blobs.Add(new Blob(6, 2, 3, 3));
        layer.SetUp([new Blob(2, 6, 5, 5)], [new Blob()]);
    }

    [TestMethod]
    public void ReshapeRejectsChangedChannelsOrAxes()
    {
        BaseConvolutionLayer layer = Create("Convolution", "num_output: 4 kernel_size: 3");
        var top = new Blob();
        layer.SetUp([new Blob(2, 3, 6, 4)], [top]);
        LayerTesting.Throws(() => layer.Forward([new Blob(2, 5, 6, 4)], [top]), "set up for 3 channels");
        LayerTesting.Throws(() => layer.Forward([new Blob(2, 3, 6, 4, 4)], [top]), "num_axes may not change");
    }

    [TestMethod]
    public void BlobCountsAreChecked()
    {
        BaseConvolutionLayer layer = Create("Convolution", "num_output: 4 kernel_size: 3");
        LayerTesting.Throws(() => layer.SetUp([new Blob(2, 3, 6, 4), new Blob(2, 3, 6, 4)], [new Blob()]), "as many bottoms as tops");
    }
}
