namespace Caffe.Tests.Data;

/// <summary>
/// WindowData (BVLC has no test for it): windows cut from a two-colour image written at test time, so every
/// warped pixel is known — background/foreground sampling, context padding, square crops, mirroring, means, cache.
/// </summary>
[TestClass]
public sealed class WindowDataLayerTests
{
    private static readonly float[] Left = [10, 20, 30];     // BGR of columns 0..19
    private static readonly float[] Right = [200, 150, 100]; // BGR of columns 20..39

    private TempDir _dir = null!;

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _dir = new TempDir();
        var image = new NdArray(40, 40, 3);
        for (int h = 0; h < 40; h++)
            for (int w = 0; w < 40; w++)
                for (int c = 0; c < 3; c++) image[h, w, c] = w < 20 ? Left[c] : Right[c];
        File.WriteAllBytes(_dir.File("img.png"), ImageCodec.Encode(image, "png"));
    }

    [TestCleanup]
    public void TearDown() => _dir.Dispose();

    private string WindowFile(params string[] windows) => WriteText("windows.txt",
        $"# 0\nimg.png\n3\n40\n40\n{windows.Length}\n{string.Join("\n", windows)}\n");

    private string WriteText(string name, string text)
    {
        string path = _dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    private (WindowDataLayer Layer, Blob Data, Blob Label) SetUp(string source, string windowParam, string transform = "crop_size: 8")
    {
        var layer = new WindowDataLayer(LayerTesting.Param(
            $"name: 'windows' type: 'WindowData' window_data_param {{ source: '{source}' root_folder: '{_dir.Path}/' {windowParam} }} " +
            $"transform_param {{ {transform} }}"));
        var data = new Blob();
        var label = new Blob();
        layer.SetUp([], [data, label]);
        return (layer, data, label);
    }

    private static float At(Blob data, int item, int c, int h, int w) => data.Data[((item * 3 + c) * 8 + h) * 8 + w];

    [TestMethod]
    public void SamplesBackgroundThenForegroundWindows()
    {
        // Overlap 0.9 → foreground (label 1); 0.1 → background (label forced to 0); 0.4 → neither with bg_threshold 0.3.
        string source = WindowFile("1 0.9 2 2 15 15", "5 0.1 24 24 37 37", "2 0.4 0 0 39 39");
        (WindowDataLayer layer, Blob data, Blob label) = SetUp(source, "batch_size: 4 fg_fraction: 0.5 bg_threshold: 0.3");
        try
        {
            CollectionAssert.AreEqual(new[] { 4, 3, 8, 8 }, data.Shape.ToArray());
            CollectionAssert.AreEqual(new[] { 4 }, label.Shape.ToArray());
            for (int iter = 0; iter < 3; iter++)
            {
                layer.Forward([], [data, label]);
                CollectionAssert.AreEqual(new[] { 0f, 0f, 1f, 1f }, label.Data.ToArray());
                for (int item = 0; item < 4; item++)
                    for (int c = 0; c < 3; c++)
                        for (int i = 0; i < 64; i++)
                            Assert.AreEqual(item < 2 ? Right[c] : Left[c], data.Data[(item * 3 + c) * 64 + i], $"item {item} c {c}");
            }
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void ContextPadBeyondTheImageLeavesZeroPadding()
    {
        // Box (0,0)-(9,9), context_pad 2 of crop 8: grown to (-5,-5)-(15,15); 5 of 21 pixels fall outside, which
        // warp to 2 padding rows and columns; the 16 inside warp to 6.
        string source = WindowFile("3 1.0 0 0 9 9");
        (WindowDataLayer layer, Blob data, Blob label) = SetUp(source, "batch_size: 2 fg_fraction: 1 context_pad: 2");
        try
        {
            layer.Forward([], [data, label]);
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 8; h++)
                    for (int w = 0; w < 8; w++)
                        Assert.AreEqual(h < 2 || w < 2 ? 0f : Left[c], At(data, 0, c, h, w), $"c {c} h {h} w {w}");
            Assert.AreEqual(3f, label.Data[0]);
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void MirroredWindowsMirrorTheirPadding()
    {
        string source = WindowFile("3 1.0 0 0 9 9");
        (WindowDataLayer layer, Blob data, Blob label) = SetUp(source, "batch_size: 8 fg_fraction: 1 context_pad: 2", "crop_size: 8 mirror: true");
        try
        {
            layer.Forward([], [data, label]);
            int mirrored = 0;
            for (int item = 0; item < 8; item++)
            {
                // Padding on the left (columns 0-1) or, mirrored, none on the left and 2 empty columns on the right.
                bool isMirrored = At(data, item, 0, 4, 0) != 0;
                if (isMirrored) mirrored++;
                for (int h = 0; h < 8; h++)
                    for (int w = 0; w < 8; w++)
                    {
                        bool padding = h < 2 || (isMirrored ? w >= 6 : w < 2);
                        Assert.AreEqual(padding ? 0f : Left[1], At(data, item, 1, h, w), $"item {item} h {h} w {w}");
                    }
            }
            Assert.IsTrue(mirrored is > 0 and < 8, $"{mirrored} of 8 mirrored");
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void SquareModeWidensTallWindows()
    {
        // A 2×40 box at columns 5-6: warped as is it is all left colour; squared it reaches into the right half.
        string source = WindowFile("1 1.0 5 0 6 39");
        (WindowDataLayer warpLayer, Blob warp, Blob label) = SetUp(source, "batch_size: 1 fg_fraction: 1");
        try
        {
            warpLayer.Forward([], [warp, label]);
            foreach (int w in new[] { 0, 7 }) Assert.AreEqual(Left[0], At(warp, 0, 0, 4, w));
        }
        finally
        {
            warpLayer.Close();
        }
        (WindowDataLayer squareLayer, Blob square, _) = SetUp(source, "batch_size: 1 fg_fraction: 1 crop_mode: 'square'");
        try
        {
            squareLayer.Forward([], [square, label]);
            // 14 columns left of the image become 3 padding columns; the last column comes from the right half.
            for (int c = 0; c < 3; c++)
            {
                Assert.AreEqual(0f, At(square, 0, c, 4, 0));
                Assert.AreEqual(0f, At(square, 0, c, 4, 2));
                Assert.AreEqual(Left[c], At(square, 0, c, 4, 3));
                Assert.AreEqual(Right[c], At(square, 0, c, 4, 7));
            }
        }
        finally
        {
            squareLayer.Close();
        }
    }

    [TestMethod]
    public void MeanValueAndWindowScale()
    {
        string source = WindowFile("1 1.0 2 2 15 15");
        (WindowDataLayer layer, Blob data, Blob label) = SetUp(source, "batch_size: 1 fg_fraction: 1 scale: 0.5", "crop_size: 8 mean_value: 4");
        try
        {
            layer.Forward([], [data, label]);
            for (int c = 0; c < 3; c++) Assert.AreEqual((Left[c] - 4) * 0.5f, At(data, 0, c, 3, 3));
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void MeanFileIsReadAroundItsCentre()
    {
        var mean = new BlobProto { Num = 1, Channels = 3, Height = 10, Width = 10 };
        for (int i = 0; i < 300; i++) mean.Data.Add(i % 100 == 11 ? 7 : 1);
        string meanFile = _dir.File("mean.binaryproto");
        ProtoIO.WriteProtoToBinaryFile(mean, meanFile);
        string source = WindowFile("1 1.0 2 2 15 15");
        (WindowDataLayer layer, Blob data, Blob label) = SetUp(source, "batch_size: 1 fg_fraction: 1", $"crop_size: 8 mean_file: '{meanFile}'");
        try
        {
            layer.Forward([], [data, label]);
            // mean_off = (10 - 8) / 2 = 1: crop pixel (0, 0) uses mean pixel (1, 1), which is 7.
            Assert.AreEqual(Left[0] - 7, At(data, 0, 0, 0, 0));
            Assert.AreEqual(Left[0] - 1, At(data, 0, 0, 0, 1));
        }
        finally
        {
            layer.Close();
        }
    }

    [TestMethod]
    public void CachedImagesGiveTheSameBatches()
    {
        string source = WindowFile("1 0.9 2 2 15 15", "2 0.8 22 1 38 30", "5 0.1 24 24 37 37", "0 0.2 0 20 19 39");
        float[] Run(string extra)
        {
            Rng.SetRandomSeed(42);
            (WindowDataLayer layer, Blob data, Blob label) = SetUp(source, "batch_size: 6 context_pad: 1 " + extra, "crop_size: 8 mirror: true");
            try
            {
                layer.Forward([], [data, label]);
                layer.Forward([], [data, label]);
                return [.. data.Data, .. label.Data];
            }
            finally
            {
                layer.Close();
            }
        }
        CollectionAssert.AreEqual(Run(""), Run("cache_images: true"));
    }

    [TestMethod]
    public void BadWindowFilesNameTheLine()
    {
        string missing = _dir.File("none.txt");
        LayerTesting.Throws(() => SetUp(missing, "batch_size: 1"), missing);
        string bad = WriteText("bad.txt", "# 0\nimg.png\n3\n40\n40\n1\n1 high 2 2 15 15\n");
        LayerTesting.Throws(() => SetUp(bad, "batch_size: 1"), $"{bad}: line 7", "'high'");
        string sequence = WriteText("seq.txt", "# 0\nimg.png\n3\n40\n40\n1\n1 0.9 2 2 15 15\n# 5\nimg.png\n3\n40\n40\n0\n");
        LayerTesting.Throws(() => SetUp(sequence, "batch_size: 1"), "line 8");
        string truncated = WriteText("short.txt", "# 0\nimg.png\n3\n40\n40\n2\n1 0.9 2 2 15 15\n");
        LayerTesting.Throws(() => SetUp(truncated, "batch_size: 1"), "unexpected end of file");
        string zeroLabel = WindowFile("0 0.9 2 2 15 15");
        LayerTesting.Throws(() => SetUp(zeroLabel, "batch_size: 1"), "line 7", "label 0");
    }

    [TestMethod]
    public void BadParametersFailAtSetUp()
    {
        string onlyFg = WindowFile("1 0.9 2 2 15 15");
        LayerTesting.Throws(() => SetUp(onlyFg, "batch_size: 4"), "no background windows");
        LayerTesting.Throws(() => SetUp(onlyFg, "batch_size: 4 fg_fraction: 1", ""), "crop_size");
        LayerTesting.Throws(() => SetUp(onlyFg, "batch_size: 4 fg_fraction: 1 crop_mode: 'circle'"), "crop_mode");
    }

    [TestMethod]
    public void MissingImageOrWindowOutsideTheImageFailsInForward()
    {
        string source = WriteText("missing.txt", "# 0\nnot-there.png\n3\n40\n40\n1\n1 0.9 2 2 15 15\n");
        (WindowDataLayer layer, Blob data, Blob label) = SetUp(source, "batch_size: 1 fg_fraction: 1");
        try
        {
            LayerTesting.Throws(() => layer.Forward([], [data, label]), $"{source}: line 7", "not-there.png");
        }
        finally
        {
            layer.Close();
        }
        string outside = WindowFile("1 0.9 30 30 45 45");
        (layer, data, label) = SetUp(outside, "batch_size: 1 fg_fraction: 1");
        try
        {
            LayerTesting.Throws(() => layer.Forward([], [data, label]), "not inside");
        }
        finally
        {
            layer.Close();
        }
    }
}
