namespace Caffe.Tests.Visualization;

/// <summary>Heat maps, overlays, gradient pictures, pycaffe's vis_square grids and the bilinear resize.</summary>
[TestClass]
public sealed class ImageHelperTests
{
    [TestMethod]
    public void JetGoesFromDarkBlueToDarkRed()
    {
        NdArray heat = Caffe.Visualization.Heatmap(new NdArray([2f, 4f, 6f], [1, 3]));
        CollectionAssert.AreEqual(new[] { 1, 3, 3 }, heat.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0.5f, 0.5f, 1f, 0.5f, 0.5f, 0f, 0f }, heat.Data);
    }

    [TestMethod]
    public void ViridisAndGrayEndpoints()
    {
        var map = new NdArray([0f, 1f], [1, 2, 1]);
        NdArray viridis = Caffe.Visualization.Heatmap(map, Colormap.Viridis);
        CollectionAssert.AreEqual(new[] { 0x44 / 255f, 0x01 / 255f, 0x54 / 255f, 0xfd / 255f, 0xe7 / 255f, 0x25 / 255f }, viridis.Data);
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0f, 1f, 1f, 1f }, Caffe.Visualization.Heatmap(map, Colormap.Gray).Data);
        CollectionAssert.AreEqual(new float[6], Caffe.Visualization.Heatmap(new NdArray([3f, 3f], [2, 1]), Colormap.Gray).Data,
            "a constant map is all low");
    }

    [TestMethod]
    public void OverlayBlendsAndResizesTheMap()
    {
        var gray = new NdArray([0.2f, 0.4f, 0.6f, 0.8f], [2, 2, 1]);
        var map = new NdArray([0f, 1f], [1, 2]);
        NdArray overlay = Caffe.Visualization.Overlay(gray, map, alpha: 0.25f, colormap: Colormap.Gray);
        // The 1×2 map resized to 2×2: columns sample 0 → 0 and 1 → 1 (pixel centres clamp at the borders).
        float[] expected = new[] { 0.2f, 0.4f, 0.6f, 0.8f }.SelectMany((v, p) => Enumerable.Repeat(0.75f * v + 0.25f * (p % 2), 3)).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], overlay.Data[i], 1e-6f, $"value {i}");
        Assert.ThrowsExactly<ArgumentException>(() => Caffe.Visualization.Overlay(new NdArray(2, 2), map));
    }

    [TestMethod]
    public void GradientImageCentresZeroAtHalf()
    {
        NdArray picture = Caffe.Visualization.GradientImage(new NdArray([-2f, 0f, 1f, 2f], [1, 1, 2, 2]));
        CollectionAssert.AreEqual(new[] { 2, 2, 1 }, picture.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 0.5f, 0.75f, 1f }, picture.Data);
        NdArray rgb = Caffe.Visualization.GradientImage(new NdArray([1f, -4f, 0f], [3, 1, 1]));
        CollectionAssert.AreEqual(new[] { 0.625f, 0f, 0.5f }, rgb.Data, "the largest magnitude is negative here");
    }

    [TestMethod]
    public void VisSquareTilesLikePycaffe()
    {
        // 5 tiles of 1×2 → a 3×3 grid, each tile followed by one white row and column: 6×9.
        float[] values = Enumerable.Range(0, 10).Select(v => (float)v).ToArray();
        NdArray grid = Caffe.Visualization.VisSquare(new NdArray(values, [5, 1, 2]));
        CollectionAssert.AreEqual(new[] { 6, 9, 1 }, grid.Shape.ToArray());
        float[] row0 = [0 / 9f, 1 / 9f, 1, 2 / 9f, 3 / 9f, 1, 4 / 9f, 5 / 9f, 1];
        float[] row2 = [6 / 9f, 7 / 9f, 1, 8 / 9f, 9 / 9f, 1, 1, 1, 1];
        for (int x = 0; x < 9; x++)
        {
            Assert.AreEqual(row0[x], grid[0, x, 0], 1e-6f, $"row 0, column {x}");
            Assert.AreEqual(1f, grid[1, x, 0], $"padding row, column {x}");
            Assert.AreEqual(row2[x], grid[2, x, 0], 1e-6f, $"row 2, column {x}");
            Assert.AreEqual(1f, grid[4, x, 0], "empty cells are white");
        }
    }

    [TestMethod]
    public void FilterGridShowsColourFiltersChannelsLast()
    {
        var weights = new Blob(2, 3, 1, 1);
        new float[] { 0, 1, 2, 3, 4, 5 }.CopyTo(weights.Data);
        NdArray grid = Caffe.Visualization.FilterGrid(weights);
        CollectionAssert.AreEqual(new[] { 4, 4, 3 }, grid.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 0.2f, 0.4f }, new[] { grid[0, 0, 0], grid[0, 0, 1], grid[0, 0, 2] });
        CollectionAssert.AreEqual(new[] { 0.6f, 0.8f, 1f }, new[] { grid[0, 2, 0], grid[0, 2, 1], grid[0, 2, 2] });
        NdArray gray = Caffe.Visualization.FilterGrid(new Blob(4, 2, 3, 3));
        CollectionAssert.AreEqual(new[] { 12, 12, 1 }, gray.Shape.ToArray(), "8 one-channel tiles in a 3×3 grid of 4×4 cells");
    }

    [TestMethod]
    public void ActivationGridTakesOneImage()
    {
        var blob = new Blob(2, 3, 1, 1);
        new float[] { 9, 9, 9, 0, 5, 10 }.CopyTo(blob.Data);
        NdArray grid = Caffe.Visualization.ActivationGrid(blob, image: 1, maxChannels: 2);
        CollectionAssert.AreEqual(new[] { 4, 4, 1 }, grid.Shape.ToArray());
        Assert.AreEqual(0f, grid[0, 0, 0]);
        Assert.AreEqual(1f, grid[0, 2, 0]);
    }

    [TestMethod]
    public void SmallHelpers()
    {
        var batch = new NdArray([1f, 2f, 3f, 4f, 5f, 6f], [2, 3, 1, 1]);
        CollectionAssert.AreEqual(new[] { 4f, 5f, 6f }, Caffe.Visualization.ImageOf(batch, 1).Data);
        CollectionAssert.AreEqual(new[] { 3, 1, 1 }, Caffe.Visualization.ImageOf(batch, 1).Shape.ToArray());
        NdArray big = Caffe.Visualization.Upscale(new NdArray([1f, 2f], [1, 2, 1]), 2);
        CollectionAssert.AreEqual(new[] { 1f, 1f, 2f, 2f, 1f, 1f, 2f, 2f }, big.Data);
    }

    [TestMethod]
    public void BilinearResizeUsesPixelCentres()
    {
        float[] target = new float[4];
        ImageResize.Bilinear([0f, 10f], 1, 2, target, 1, 4);
        CollectionAssert.AreEqual(new[] { 0f, 2.5f, 7.5f, 10f }, target);
        float[] same = new float[4];
        ImageResize.Bilinear([1f, 2f, 3f, 4f], 2, 2, same, 2, 2);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f }, same);
        float[] shrunk = new float[1];
        ImageResize.Bilinear([1f, 2f, 3f, 4f], 2, 2, shrunk, 1, 1);
        Assert.AreEqual(2.5f, shrunk[0]);
    }
}
