namespace Caffe.Tests.Layers;

[TestClass]
public sealed class CropLayerTests
{
    // Caffe's fixture: bottom 0 is 2x5x6x5 holding 0, 1, 2, …; bottom 1 is 2x4x5x3.
    private static (Blob Data, Blob Reference) Bottoms()
    {
        var data = new Blob(2, 5, 6, 5);
        for (int i = 0; i < data.Count; i++) data.Data[i] = i;
        return (data, new Blob(2, 4, 5, 3));
    }

    [TestMethod]
    public void SetUpShapes()
    {
        var (data, reference) = Bottoms();
        Blob top = new();
        LayerTesting.Create<CropLayer>("type: 'Crop' crop_param { axis: 0 }").SetUp([data, reference], [top]);
        CollectionAssert.AreEqual(new[] { 2, 4, 5, 3 }, top.Shape.ToArray());
        LayerTesting.Create<CropLayer>("type: 'Crop'").SetUp([data, reference], [top]);
        CollectionAssert.AreEqual(new[] { 2, 5, 5, 3 }, top.Shape.ToArray());
        LayerTesting.Create<CropLayer>("type: 'Crop' crop_param { axis: -1 }").SetUp([data, reference], [top]);
        CollectionAssert.AreEqual(new[] { 2, 5, 6, 3 }, top.Shape.ToArray());
    }

    [TestMethod]
    [DataRow("axis: 0", 0, 0, 0, 0)]
    [DataRow("axis: 0 offset: 0 offset: 1 offset: 1 offset: 2", 0, 1, 1, 2)]
    [DataRow("offset: 1", 0, 0, 1, 1)]
    [DataRow("axis: 1 offset: 1 offset: 0 offset: 2", 0, 1, 0, 2)]
    public void Forward(string cropParam, int offN, int offC, int offH, int offW)
    {
        var (data, reference) = Bottoms();
        Blob top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<CropLayer>($"type: 'Crop' crop_param {{ {cropParam} }}"), [data, reference], [top]);
        for (int n = 0; n < top.Num; n++)
        for (int c = 0; c < top.Channels; c++)
        for (int h = 0; h < top.Height; h++)
        for (int w = 0; w < top.Width; w++)
            Assert.AreEqual(data.DataAt(n + offN, c + offC, h + offH, w + offW), top.DataAt(n, c, h, w));
    }

    [TestMethod]
    [DataRow("axis: 0", 0, 0, 0, 0)]
    [DataRow("axis: 0 offset: 0 offset: 1 offset: 1 offset: 2", 0, 1, 1, 2)]
    public void BackwardWritesTheWindowAndZeroesTheRest(string cropParam, int offN, int offC, int offH, int offW)
    {
        var (data, reference) = Bottoms();
        Blob top = new();
        var layer = LayerTesting.Create<CropLayer>($"type: 'Crop' crop_param {{ {cropParam} }}");
        LayerTesting.SetUpAndForward(layer, [data, reference], [top]);
        top.Data.CopyTo(top.Diff);
        data.Diff.Fill(-1f);
        layer.Backward([top], [true, true], [data, reference]);
        for (int n = 0; n < data.Num; n++)
        for (int c = 0; c < data.Channels; c++)
        for (int h = 0; h < data.Height; h++)
        for (int w = 0; w < data.Width; w++)
        {
            bool inside = n >= offN && n < offN + top.Num && c >= offC && c < offC + top.Channels
                && h >= offH && h < offH + top.Height && w >= offW && w < offW + top.Width;
            int i = data.Offset(n, c, h, w);
            Assert.AreEqual(inside ? data.Data[i] : 0f, data.Diff[i]);
        }
    }

    [TestMethod]
    public void Crop5D()
    {
        var data = new Blob(2, 4, 5, 4, 6);
        for (int i = 0; i < data.Count; i++) data.Data[i] = i;
        Blob reference = new(2, 3, 3, 2, 5), top = new();
        var layer = LayerTesting.Create<CropLayer>("type: 'Crop' crop_param { axis: 1 offset: 0 offset: 1 offset: 2 offset: 1 }");
        LayerTesting.SetUpAndForward(layer, [data, reference], [top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 3, 2, 5 }, top.Shape.ToArray());
        for (int a = 0; a < 2; a++)
        for (int b = 0; b < 3; b++)
        for (int c = 0; c < 3; c++)
        for (int d = 0; d < 2; d++)
        for (int e = 0; e < 5; e++)
            Assert.AreEqual(data.Data[data.Offset([a, b, c + 1, d + 2, e + 1])], top.Data[top.Offset([a, b, c, d, e])]);
    }

    [TestMethod]
    [DataRow("axis: 0")]
    [DataRow("offset: 1 offset: 2")]
    public void Gradient(string cropParam)
    {
        Rng.SetRandomSeed(1701);
        Blob data = LayerTesting.Gaussian([2, 3, 5, 4]), reference = new(2, 2, 3, 2), top = new();
        var layer = LayerTesting.Create<CropLayer>($"type: 'Crop' crop_param {{ {cropParam} }}");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [data, reference], [top], 0);
    }

    [TestMethod]
    public void OffsetsPastTheBottomAreAnError()
    {
        var (data, reference) = Bottoms();
        Blob top = new();
        LayerTesting.Throws(() => LayerTesting.Create<CropLayer>("name: 'crop' type: 'Crop' crop_param { offset: 1 offset: 3 }")
                .SetUp([data, reference], [top]),
            "'crop'", "axis 3", "offset 3", "size 3", "exceeds 5", "2 5 6 5", "2 4 5 3");
        LayerTesting.Throws(() => LayerTesting.Create<CropLayer>("type: 'Crop' crop_param { axis: 0 }")
                .SetUp([reference, data], [top]),
            "axis 1", "offset 0", "size 5", "exceeds 4");
    }

    [TestMethod]
    public void BadOffsetCountAndAxisAreErrors()
    {
        var (data, reference) = Bottoms();
        Blob top = new();
        LayerTesting.Throws(() => LayerTesting.Create<CropLayer>("type: 'Crop' crop_param { axis: 1 offset: 0 offset: 1 }")
                .SetUp([data, reference], [top]),
            "2 offsets", "leaves 3 axes");
        LayerTesting.Throws(() => LayerTesting.Create<CropLayer>("type: 'Crop' crop_param { axis: 4 }").SetUp([data, reference], [top]),
            "crop_param axis 4");
        LayerTesting.Throws(() => LayerTesting.Create<CropLayer>("type: 'Crop'").SetUp([data, new Blob(2, 4, 5)], [top]),
            "fewer axes");
    }
}
