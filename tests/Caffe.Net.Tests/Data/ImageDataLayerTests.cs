namespace Caffe.Tests.Data;

/// <summary>Caffe's test_image_data_layer.cpp on images written at test time, plus pixels, gray and bad inputs.</summary>
[TestClass]
public sealed class ImageDataLayerTests
{
    private TempDir _dir = null!;

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _dir = new TempDir();
        // Stand-ins for Caffe's examples/images: two sizes, and a name with a space.
        WriteImage("cat.jpg", 36, 48, "jpg");
        WriteImage("fish-bike.jpg", 32, 49, "jpg");
        WriteImage("cat gray.jpg", 36, 48, "jpg");
    }

    [TestCleanup]
    public void TearDown() => _dir.Dispose();

    // A BGR image whose pixel (h, w) is (h, w, h + w) scaled into 0..255.
    private NdArray WriteImage(string name, int height, int width, string encoding)
    {
        var image = new NdArray(height, width, 3);
        for (int h = 0; h < height; h++)
            for (int w = 0; w < width; w++)
            {
                image[h, w, 0] = 5 * h % 256;
                image[h, w, 1] = 3 * w % 256;
                image[h, w, 2] = (h + w) % 256;
            }
        File.WriteAllBytes(_dir.File(name), ImageCodec.Encode(image, encoding));
        return image;
    }

    private string List(string name, params string[] lines)
    {
        string path = _dir.File(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static (ImageDataLayer Layer, Blob Data, Blob Label) SetUp(string paramText)
    {
        var layer = new ImageDataLayer(LayerTesting.Param($"name: 'images' type: 'ImageData' {paramText}"));
        var data = new Blob();
        var label = new Blob();
        layer.SetUp([], [data, label]);
        return (layer, data, label);
    }

    private string FiveCats() => List("list.txt", Enumerable.Range(0, 5).Select(i => $"{_dir.File("cat.jpg")} {i}").ToArray());

    [TestMethod]
    public void Read()
    {
        (ImageDataLayer layer, Blob data, Blob label) = SetUp($"image_data_param {{ batch_size: 5 source: '{FiveCats()}' shuffle: false }}");
        try
        {
            CollectionAssert.AreEqual(new[] { 5, 3, 36, 48 }, data.Shape.ToArray());
            CollectionAssert.AreEqual(new[] { 5 }, label.Shape.ToArray());
            for (int iter = 0; iter < 2; iter++)
            {
                layer.Forward([], [data, label]);
                for (int i = 0; i < 5; i++) Assert.AreEqual(i, label.Data[i]);
            }
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void Resize()
    {
        (ImageDataLayer layer, Blob data, Blob label) = SetUp(
            $"image_data_param {{ batch_size: 5 source: '{FiveCats()}' new_height: 25 new_width: 26 shuffle: false }}");
        try
        {
            CollectionAssert.AreEqual(new[] { 5, 3, 25, 26 }, data.Shape.ToArray());
            for (int iter = 0; iter < 2; iter++)
            {
                layer.Forward([], [data, label]);
                CollectionAssert.AreEqual(new[] { 5, 3, 25, 26 }, data.Shape.ToArray());
                for (int i = 0; i < 5; i++) Assert.AreEqual(i, label.Data[i]);
            }
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void Reshape()
    {
        string list = List("reshape.txt", $"{_dir.File("cat.jpg")} 0", $"{_dir.File("fish-bike.jpg")} 1");
        (ImageDataLayer layer, Blob data, Blob label) = SetUp($"image_data_param {{ batch_size: 1 source: '{list}' shuffle: false }}");
        try
        {
            layer.Forward([], [data, label]);
            CollectionAssert.AreEqual(new[] { 1, 3, 36, 48 }, data.Shape.ToArray());
            layer.Forward([], [data, label]);
            CollectionAssert.AreEqual(new[] { 1, 3, 32, 49 }, data.Shape.ToArray());
            Assert.AreEqual(1f, label.Data[0]);
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void Shuffle()
    {
        (ImageDataLayer layer, Blob data, Blob label) = SetUp($"image_data_param {{ batch_size: 5 source: '{FiveCats()}' shuffle: true }}");
        try
        {
            int totalInOrder = 0;
            for (int iter = 0; iter < 2; iter++)
            {
                layer.Forward([], [data, label]);
                var seen = new HashSet<float>();
                for (int i = 0; i < 5; i++)
                {
                    Assert.IsTrue(seen.Add(label.Data[i]), $"label {label.Data[i]} seen twice");
                    if (label.Data[i] == i) totalInOrder++;
                }
                Assert.HasCount(5, seen);
            }
            Assert.IsLessThan(10, totalInOrder);
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void Space()
    {
        string list = List("space.txt", $"{_dir.File("cat.jpg")} 0", $"{_dir.File("cat gray.jpg")} 1");
        (ImageDataLayer layer, Blob data, Blob label) = SetUp($"image_data_param {{ batch_size: 1 source: '{list}' shuffle: false }}");
        try
        {
            layer.Forward([], [data, label]);
            CollectionAssert.AreEqual(new[] { 1, 3, 36, 48 }, data.Shape.ToArray());
            Assert.AreEqual(0f, label.Data[0]);
            layer.Forward([], [data, label]);
            CollectionAssert.AreEqual(new[] { 1, 3, 36, 48 }, data.Shape.ToArray());
            Assert.AreEqual(1f, label.Data[0]);
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void PixelsAreBgrFromTheRootFolderAndTransformed()
    {
        NdArray image = WriteImage("exact.png", 4, 5, "png");
        string list = List("png.txt", "exact.png 3");
        (ImageDataLayer layer, Blob data, Blob label) = SetUp(
            $"image_data_param {{ batch_size: 1 source: '{list}' root_folder: '{_dir.Path}/' }} transform_param {{ scale: 0.5 mean_value: 1 }}");
        try
        {
            layer.Forward([], [data, label]);
            Assert.AreEqual(3f, label.Data[0]);
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 4; h++)
                    for (int w = 0; w < 5; w++)
                        Assert.AreEqual((image[h, w, c] - 1) * 0.5f, data.Data[(c * 4 + h) * 5 + w], $"c {c} h {h} w {w}");
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void GrayImagesHaveOneChannel()
    {
        NdArray image = WriteImage("exact.png", 4, 5, "png");
        string list = List("gray.txt", $"{_dir.File("exact.png")} 0");
        (ImageDataLayer layer, Blob data, Blob label) = SetUp($"image_data_param {{ batch_size: 2 source: '{list}' is_color: false }}");
        try
        {
            layer.Forward([], [data, label]);
            CollectionAssert.AreEqual(new[] { 2, 1, 4, 5 }, data.Shape.ToArray());
            // OpenCV's BGR2GRAY weights.
            float expected = MathF.Round(0.114f * image[2, 3, 0] + 0.587f * image[2, 3, 1] + 0.299f * image[2, 3, 2]);
            Assert.AreEqual(expected, data.Data[2 * 5 + 3], 1f);
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void MissingListFileFailsAtSetUp()
    {
        string missing = _dir.File("no-list.txt");
        LayerTesting.Throws(() => SetUp($"image_data_param {{ batch_size: 1 source: '{missing}' }}"), missing);
    }

    [TestMethod]
    public void UnparsableLabelFailsNamingTheLine()
    {
        string list = List("bad-label.txt", $"{_dir.File("cat.jpg")} 0", $"{_dir.File("cat.jpg")} cat");
        LayerTesting.Throws(() => SetUp($"image_data_param {{ batch_size: 1 source: '{list}' }}"), $"{list}: line 2", "'cat'");
        list = List("no-label.txt", "just-a-path.jpg");
        LayerTesting.Throws(() => SetUp($"image_data_param {{ batch_size: 1 source: '{list}' }}"), "line 1");
    }

    [TestMethod]
    public void MissingOrUndecodableImageFailsInForwardNamingTheLine()
    {
        File.WriteAllText(_dir.File("broken.jpg"), "this is not a JPEG");
        string list = List("broken.txt", $"{_dir.File("cat.jpg")} 0", $"{_dir.File("broken.jpg")} 1", $"{_dir.File("missing.jpg")} 2");
        (ImageDataLayer layer, Blob data, Blob label) = SetUp($"image_data_param {{ batch_size: 1 source: '{list}' }}");
        try
        {
            layer.Forward([], [data, label]);
            LayerTesting.Throws(() => layer.Forward([], [data, label]), $"{list}: line 2", "broken.jpg");
        }
        finally
        {
            layer.Close();
        }
        list = List("missing.txt", $"{_dir.File("missing.jpg")} 2");
        LayerTesting.Throws(() => SetUp($"image_data_param {{ batch_size: 1 source: '{list}' }}"), "missing.jpg");
    }

    [TestMethod]
    public void ImagesOfAnotherSizeInABatchFailClearly()
    {
        string list = List("mixed.txt", $"{_dir.File("cat.jpg")} 0", $"{_dir.File("fish-bike.jpg")} 1");
        (ImageDataLayer layer, Blob data, Blob label) = SetUp($"image_data_param {{ batch_size: 2 source: '{list}' }}");
        try
        {
            LayerTesting.Throws(() => layer.Forward([], [data, label]), "line 2", "new_height");
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void BadParametersFailAtSetUp()
    {
        LayerTesting.Throws(() => SetUp($"image_data_param {{ batch_size: 1 source: '{FiveCats()}' new_height: 10 }}"),
            "new_height and new_width");
        LayerTesting.Throws(() => SetUp($"image_data_param {{ batch_size: 1 source: '{List("empty.txt")}' }}"), "empty");
        LayerTesting.Throws(() => SetUp($"image_data_param {{ batch_size: 1 source: '{FiveCats()}' }} transform_param {{ crop_size: 100 }}"),
            "crop_size 100");
    }
}
