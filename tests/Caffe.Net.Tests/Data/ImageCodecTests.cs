using Google.Protobuf;

namespace Caffe.Tests.Data;

/// <summary>Caffe's util/io image and Datum functions: BGR decoding, OpenCV-style resize, encoding, datum conversions.</summary>
[TestClass]
public sealed class ImageCodecTests
{
    private static NdArray Ramp(int height, int width, int channels)
    {
        var image = new NdArray(height, width, channels);
        for (int i = 0; i < image.Count; i++) image.Data[i] = (i * 37) % 256;
        return image;
    }

    [TestMethod]
    public void PngRoundTripIsExactInBgrOrder()
    {
        NdArray image = Ramp(5, 7, 3);
        byte[] png = ImageCodec.Encode(image, "png");
        CollectionAssert.AreEqual(image.Data, ImageCodec.Decode(png, ImageColorMode.Color, "test").Data);
        CollectionAssert.AreEqual(image.Data, ImageCodec.Decode(png, ImageColorMode.Native, "test").Data);
        // pycaffe's load_image gives RGB in [0, 1]: channel 0 there is channel 2 here.
        string path = Path.Combine(Path.GetTempPath(), $"caffe-codec-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, png);
        try
        {
            NdArray rgb = Caffe.IO.LoadImage(path);
            Assert.AreEqual(image[2, 3, 2] / 255f, rgb[2, 3, 0], 1e-6f);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void GrayImagesStayGrayNativelyAndColorImagesUseOpenCvWeights()
    {
        NdArray gray = Ramp(3, 4, 1);
        byte[] png = ImageCodec.Encode(gray, "png");
        NdArray native = ImageCodec.Decode(png, ImageColorMode.Native, "gray");
        CollectionAssert.AreEqual(new[] { 3, 4, 1 }, native.Shape.ToArray());
        CollectionAssert.AreEqual(gray.Data, native.Data);
        NdArray color = ImageCodec.Decode(png, ImageColorMode.Color, "gray");
        CollectionAssert.AreEqual(new[] { 3, 4, 3 }, color.Shape.ToArray());
        Assert.AreEqual(gray.Data[5], color.Data[15]);

        var pixel = new NdArray(1, 1, 3);
        pixel.Data[0] = 255; // blue
        NdArray toGray = ImageCodec.Decode(ImageCodec.Encode(pixel, "png"), ImageColorMode.Gray, "blue");
        Assert.AreEqual(29f, toGray.Data[0], "0.114 × 255 rounded");
    }

    [TestMethod]
    public void ResizeIsBilinearOnOpenCvsGrid()
    {
        var row = new NdArray(1, 2, 1);
        row.Data[1] = 255;
        // cv::resize([[0, 255]], (4, 1), INTER_LINEAR) = [[0, 64, 191, 255]]
        CollectionAssert.AreEqual(new[] { 0f, 64, 191, 255 }, ImageCodec.Resize(row, 1, 4).Data);
        NdArray image = Ramp(6, 8, 3);
        NdArray half = ImageCodec.Resize(image, 3, 4);
        // Halving samples the mean of each 2×2 block.
        float expected = MathF.Round((image[2, 4, 1] + image[2, 5, 1] + image[3, 4, 1] + image[3, 5, 1]) / 4);
        Assert.AreEqual(expected, half[1, 2, 1]);
        Assert.ThrowsExactly<ArgumentException>(() => ImageCodec.Resize(image, 0, 3));
    }

    [TestMethod]
    public void JpegIsLossyButClose()
    {
        var flat = new NdArray(8, 8, 3);
        for (int p = 0; p < 64; p++)
        {
            flat.Data[3 * p] = 40;
            flat.Data[3 * p + 1] = 120;
            flat.Data[3 * p + 2] = 200;
        }
        NdArray decoded = ImageCodec.Decode(ImageCodec.Encode(flat, "jpg"), ImageColorMode.Color, "jpeg");
        for (int i = 0; i < flat.Count; i++) Assert.AreEqual(flat.Data[i], decoded.Data[i], 3f);
        Assert.ThrowsExactly<ArgumentException>(() => ImageCodec.Encode(flat, "tiff"));
    }

    [TestMethod]
    public void UndecodableAndMissingImages()
    {
        var e = Assert.ThrowsExactly<ModelFormatException>(() => ImageCodec.Decode("GIF89a-but-not-really"u8, ImageColorMode.Color, "db, key 'x'"));
        StringAssert.StartsWith(e.Message, "db, key 'x': ");
        byte[] png = ImageCodec.Encode(Ramp(20, 20, 3), "png");
        Assert.ThrowsExactly<ModelFormatException>(() => ImageCodec.Decode(png.AsSpan(0, png.Length / 2), ImageColorMode.Color, "half.png"));
        Assert.ThrowsExactly<FileNotFoundException>(() => ImageCodec.Read("/nonexistent/x.png", ImageColorMode.Color));
    }

    [TestMethod]
    public void ImageToDatumIsChwBytes()
    {
        NdArray image = Ramp(2, 3, 3);
        Datum datum = DatumIO.ImageToDatum(image, 4);
        CollectionAssert.AreEqual(new[] { 3, 2, 3, 4 }, new[] { datum.Channels, datum.Height, datum.Width, datum.Label });
        Assert.IsFalse(datum.Encoded);
        for (int c = 0; c < 3; c++)
            for (int h = 0; h < 2; h++)
                for (int w = 0; w < 3; w++)
                    Assert.AreEqual((byte)image[h, w, c], datum.Data[(c * 2 + h) * 3 + w]);
        NdArray back = Caffe.IO.DatumToArray(datum);
        Assert.AreEqual(image[1, 2, 0], back[0, 1, 2]);
    }

    [TestMethod]
    public void DecodeDatumTurnsAnEncodedDatumRaw()
    {
        NdArray image = Ramp(3, 2, 3);
        var datum = new Datum { Data = ByteString.CopyFrom(ImageCodec.Encode(image, "png")), Encoded = true, Label = 6 };
        Assert.IsTrue(DatumIO.DecodeDatum(datum));
        Assert.IsFalse(datum.Encoded);
        Assert.AreEqual(6, datum.Label);
        Assert.AreEqual(DatumIO.ImageToDatum(image, 6), datum);
        Assert.IsFalse(DatumIO.DecodeDatum(datum), "already raw");
    }

    [TestMethod]
    public void ParseNamesTheRecordOfABadValue()
    {
        byte[] value = DataTestSupport.RawDatum(0, 1, 2, 2, j => j).ToByteArray();
        Assert.AreEqual(4, DatumIO.Parse(value, "db", "k").Data.Length);
        var e = Assert.ThrowsExactly<DatabaseException>(() => DatumIO.Parse(value[..^5], "db", "k"));
        StringAssert.StartsWith(e.Message, "db, key 'k': ");
        Assert.AreEqual("k", e.Key);
        var noShape = new Datum { Data = ByteString.CopyFromUtf8("abc") }.ToByteArray();
        e = Assert.ThrowsExactly<DatabaseException>(() => DatumIO.Parse(noShape, "db", "k2"));
        StringAssert.Contains(e.Message, "no valid shape");
    }

    [TestMethod]
    public void ReadImageToDatumMatchesCaffe()
    {
        string path = Path.Combine(Path.GetTempPath(), $"caffe-codec-{Guid.NewGuid():N}.png");
        NdArray image = Ramp(4, 4, 3);
        File.WriteAllBytes(path, ImageCodec.Encode(image, "png"));
        try
        {
            Datum raw = DatumIO.ReadImageToDatum(path, 1, 0, 0, isColor: true);
            Assert.AreEqual(DatumIO.ImageToDatum(image, 1), raw);
            Datum same = DatumIO.ReadImageToDatum(path, 1, 0, 0, isColor: true, encoding: "png");
            CollectionAssert.AreEqual(File.ReadAllBytes(path), same.Data.ToByteArray());
            Datum gray = DatumIO.ReadImageToDatum(path, 1, 2, 2, isColor: false, encoding: "png");
            Assert.IsTrue(gray.Encoded);
            CollectionAssert.AreEqual(new[] { 2, 2, 1 }, DatumIO.DecodeToImage(gray, ImageColorMode.Native).Shape.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
