namespace Caffe.Tests.IO;

[TestClass]
public sealed class ImageIOTests
{
    private static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"caffe-img-{Guid.NewGuid():N}-{name}");

    private static NdArray Gradient(int h, int w, int k)
    {
        var image = new NdArray(h, w, k);
        for (int i = 0; i < image.Count; i++) image.Data[i] = (i % 256) / 255f;
        return image;
    }

    [TestMethod]
    public void RgbRoundTripIsExactAtEightBits()
    {
        string path = Temp("rgb.png");
        NdArray image = Gradient(5, 7, 3);
        Caffe.IO.SaveImage(path, image);
        NdArray loaded = Caffe.IO.LoadImage(path);
        CollectionAssert.AreEqual(new[] { 5, 7, 3 }, loaded.Shape.ToArray());
        for (int i = 0; i < image.Count; i++) Assert.AreEqual(image.Data[i], loaded.Data[i], 1e-6f);
        File.Delete(path);
    }

    [TestMethod]
    public void GrayImageIsTiledToThreeChannelsWhenColor()
    {
        string path = Temp("gray.png");
        Caffe.IO.SaveImage(path, Gradient(4, 3, 1));
        NdArray color = Caffe.IO.LoadImage(path);
        CollectionAssert.AreEqual(new[] { 4, 3, 3 }, color.Shape.ToArray());
        for (int p = 0; p < 12; p++)
        {
            Assert.AreEqual(color.Data[3 * p], color.Data[3 * p + 1]);
            Assert.AreEqual(color.Data[3 * p], color.Data[3 * p + 2]);
        }
        NdArray gray = Caffe.IO.LoadImage(path, color: false);
        CollectionAssert.AreEqual(new[] { 4, 3, 1 }, gray.Shape.ToArray());
        Assert.AreEqual(color.Data[3 * 5], gray.Data[5], 1e-6f);
        File.Delete(path);
    }

    [TestMethod]
    public void ColorToGrayUsesLuminanceWeights()
    {
        string path = Temp("red.png");
        var image = new NdArray(1, 1, 3);
        image.Data[0] = 1f;
        Caffe.IO.SaveImage(path, image);
        Assert.AreEqual(0.2125f, Caffe.IO.LoadImage(path, color: false).Data[0], 1e-6f);
        File.Delete(path);
    }

    [TestMethod]
    public void AlphaIsDroppedAndColorKept()
    {
        string path = Temp("rgba.png");
        var image = new NdArray(1, 2, 4);
        float[] values = [0.2f, 0.4f, 0.6f, 0.0f, 1f, 0.5f, 0f, 0.5f];
        values.CopyTo(image.Data, 0);
        Caffe.IO.SaveImage(path, image);
        NdArray loaded = Caffe.IO.LoadImage(path);
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, loaded.Shape.ToArray());
        Assert.AreEqual(0.4f, loaded.Data[1], 1f / 255);
        Assert.AreEqual(0.5f, loaded.Data[4], 1f / 255);
        File.Delete(path);
    }

    [TestMethod]
    public void UndecodableAndTruncatedFilesAreClearErrors()
    {
        string garbage = Temp("garbage.png");
        File.WriteAllBytes(garbage, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var e = Assert.ThrowsExactly<ModelFormatException>(() => Caffe.IO.LoadImage(garbage));
        StringAssert.Contains(e.Message, garbage);

        string good = Temp("good.png");
        Caffe.IO.SaveImage(good, Gradient(64, 64, 3));
        byte[] bytes = File.ReadAllBytes(good);
        string truncated = Temp("truncated.png");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        Assert.ThrowsExactly<ModelFormatException>(() => Caffe.IO.LoadImage(truncated));
        Assert.ThrowsExactly<FileNotFoundException>(() => Caffe.IO.LoadImage(Temp("missing.png")));
        foreach (string f in new[] { garbage, good, truncated }) File.Delete(f);
    }

    [TestMethod]
    public void SaveImageRejectsBadShapes() =>
        Assert.ThrowsExactly<ArgumentException>(() => Caffe.IO.SaveImage(Temp("x.png"), new NdArray(2, 2)));
}
