namespace Caffe.Tests.IO;

/// <summary>
/// caffe.io.resize_image and oversample against numbers from scikit-image 0.19 / SciPy 1.10
/// (tests/data/pycaffe/make_reference.py).
/// </summary>
[TestClass]
public sealed class ResizeImageTests
{
    private static NdArray Ref(string name) => Npy.Load(TestData.Path($"pycaffe/{name}.npy"));

    [TestMethod]
    [DataRow("up_rgb", 12, 14, 1, DisplayName = "bilinear upsampling, RGB (mirrored edges)")]
    [DataRow("down_rgb", 5, 4, 1, DisplayName = "bilinear downsampling, RGB (Gaussian anti-aliasing)")]
    [DataRow("mixed_gray", 8, 11, 1, DisplayName = "one axis kept, one enlarged, gray")]
    [DataRow("down_nearest", 4, 7, 0, DisplayName = "nearest, downsampling with anti-aliasing")]
    [DataRow("up_nearest", 7, 9, 0, DisplayName = "nearest, upsampling")]
    [DataRow("range255", 9, 4, 1, DisplayName = "values outside [0, 1] are normalized and restored")]
    [DataRow("zoom_two_channels", 9, 3, 1, DisplayName = "2 channels go through ndimage.zoom")]
    [DataRow("zoom_four_nearest", 3, 8, 0, DisplayName = "4 channels, nearest, ndimage.zoom")]
    public void MatchesSkimageAndNdimage(string name, int height, int width, int order)
    {
        NdArray input = Ref($"resize_{name}_in");
        NdArray actual = Caffe.IO.ResizeImage(input, [height, width], order);
        NdArrayAssert.AreClose(Ref($"resize_{name}_out"), actual, 2e-6f, name);
    }

    [TestMethod]
    public void ConstantImageIsFilledWithItsValue()
    {
        var image = new NdArray(4, 5, 3);
        Array.Fill(image.Data, 0.25f);
        NdArray resized = Caffe.IO.ResizeImage(image, [7, 2]);
        CollectionAssert.AreEqual(new[] { 7, 2, 3 }, resized.Shape.ToArray());
        Assert.IsTrue(resized.Data.All(v => v == 0.25f));
    }

    [TestMethod]
    public void SameSizeIsIdentityUpToRounding()
    {
        NdArray input = Ref("resize_up_rgb_in");
        NdArray same = Caffe.IO.ResizeImage(input, [input.Shape[0], input.Shape[1]]);
        NdArrayAssert.AreClose(input, same, 1e-6f, "same size");
    }

    [TestMethod]
    public void RejectsBadArguments()
    {
        var image = new NdArray(4, 4, 3);
        Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.ResizeImage(new NdArray(4, 4), [2, 2]));
        Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.ResizeImage(image, [2]));
        Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.ResizeImage(image, [0, 2]));
        var order = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Caffe.IO.ResizeImage(image, [2, 2], 3));
        StringAssert.Contains(order.Message, "orders 0");
    }

    [TestMethod]
    public void OversampleGivesCornersCenterAndMirrorsInPycaffeOrder()
    {
        NdArray images = Ref("oversample_in");
        var list = new List<NdArray>();
        int size = images.Count / images.Shape[0];
        for (int n = 0; n < images.Shape[0]; n++)
            list.Add(new NdArray(images.Data.AsSpan(n * size, size).ToArray(), images.Shape.Skip(1).ToArray()));
        NdArray crops = Caffe.IO.Oversample(list, [6, 7]);
        NdArrayAssert.AreClose(Ref("oversample_out"), crops, 0, "oversample");
    }

    [TestMethod]
    public void OversampleRejectsMixedShapesAndLargeCrops()
    {
        var a = new NdArray(8, 8, 3);
        var b = new NdArray(8, 9, 3);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.Oversample([a, b], [4, 4])).Message, "image 1");
        Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.Oversample([a], [9, 4]));
    }
}
