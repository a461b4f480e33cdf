namespace Caffe.Tests.Layers;

[TestClass]
public sealed class TileLayerTests
{
    private static Blob Bottom() => LayerTesting.SeededGaussian(2, 3, 4, 5);

    [TestMethod]
    public void TrivialSetUpKeepsTheShape()
    {
        Blob bottom = Bottom(), top = new();
        for (int axis = 0; axis < 4; axis++)
        {
            LayerTesting.Create<TileLayer>($"type: 'Tile' tile_param {{ axis: {axis} tiles: 1 }}").SetUp([bottom], [top]);
            CollectionAssert.AreEqual(bottom.Shape.ToArray(), top.Shape.ToArray());
        }
    }

    [TestMethod]
    public void SetUpMultipliesTheAxis()
    {
        Blob bottom = Bottom(), top = new();
        for (int axis = 0; axis < 4; axis++)
        {
            LayerTesting.Create<TileLayer>($"type: 'Tile' tile_param {{ axis: {axis} tiles: 3 }}").SetUp([bottom], [top]);
            for (int j = 0; j < 4; j++) Assert.AreEqual((axis == j ? 3 : 1) * bottom.ShapeAt(j), top.ShapeAt(j));
        }
    }

    [TestMethod]
    public void ForwardNum()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<TileLayer>("type: 'Tile' tile_param { axis: 0 tiles: 3 }"), [bottom], [top]);
        for (int n = 0; n < top.Num; n++)
        for (int c = 0; c < top.Channels; c++)
        for (int h = 0; h < top.Height; h++)
        for (int w = 0; w < top.Width; w++)
            Assert.AreEqual(bottom.DataAt(n % bottom.Num, c, h, w), top.DataAt(n, c, h, w));
    }

    [TestMethod]
    public void ForwardChannelsIsTheDefaultAxis()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<TileLayer>("type: 'Tile' tile_param { tiles: 3 }"), [bottom], [top]);
        CollectionAssert.AreEqual(new[] { 2, 9, 4, 5 }, top.Shape.ToArray());
        for (int n = 0; n < top.Num; n++)
        for (int c = 0; c < top.Channels; c++)
        for (int h = 0; h < top.Height; h++)
        for (int w = 0; w < top.Width; w++)
            Assert.AreEqual(bottom.DataAt(n, c % bottom.Channels, h, w), top.DataAt(n, c, h, w));
    }

    [TestMethod]
    public void HandComputedForwardAndBackward()
    {
        Blob bottom = LayerTesting.FromValues([2, 2], 1f, 2f, 3f, 4f), top = new();
        var layer = LayerTesting.Create<TileLayer>("type: 'Tile' tile_param { axis: -1 tiles: 2 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 1f, 2f, 3f, 4f, 3f, 4f }, top.Data.ToArray());
        new[] { 1f, 10f, 100f, 1000f, 2f, 20f, 200f, 2000f }.CopyTo(top.Diff);
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { 101f, 1010f, 202f, 2020f }, bottom.Diff.ToArray());
    }

    [TestMethod]
    [DataRow("axis: 1 tiles: 1")]
    [DataRow("axis: 0 tiles: 3")]
    [DataRow("axis: 1 tiles: 3")]
    public void Gradient(string tileParam)
    {
        Blob bottom = Bottom(), top = new();
        var layer = LayerTesting.Create<TileLayer>($"type: 'Tile' tile_param {{ {tileParam} }}");
        new GradientChecker(1e-2f, 1e-2f).CheckGradientExhaustive(layer, [bottom], [top]);
    }

    [TestMethod]
    public void BadParametersAreErrors()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<TileLayer>("name: 't' type: 'Tile' tile_param { tiles: 0 }").SetUp([bottom], [top]),
            "'t'", "tiles must be positive, got 0");
        LayerTesting.Throws(() => LayerTesting.Create<TileLayer>("type: 'Tile' tile_param { tiles: -2 }").SetUp([bottom], [top]),
            "got -2");
        LayerTesting.Throws(() => LayerTesting.Create<TileLayer>("type: 'Tile'").SetUp([bottom], [top]),
            "tiles (the number of copies) must be given");
        LayerTesting.Throws(() => LayerTesting.Create<TileLayer>("type: 'Tile' tile_param { axis: 4 tiles: 2 }").SetUp([bottom], [top]),
            "tile_param axis 4", "4-D");
    }
}
