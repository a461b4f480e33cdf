namespace Caffe.Tests.Layers;

[TestClass]
public sealed class ConcatLayerTests
{
    private Blob _bottom0 = null!;
    private Blob _bottom1 = null!;
    private Blob _bottom2 = null!;

    [TestInitialize]
    public void Fill()
    {
        Rng.SetRandomSeed(1701);
        _bottom0 = new Blob(2, 3, 6, 5);
        _bottom1 = new Blob(2, 5, 6, 5);
        _bottom2 = new Blob(5, 3, 6, 5);
        _bottom0.Data.Fill(1);
        _bottom1.Data.Fill(2);
        _bottom2.Data.Fill(3);
    }

    private static ConcatLayer Create(string prototxt = "") => new(LayerTesting.Param("name: 'cat' type: 'Concat' " + prototxt));

    [TestMethod]
    public void SetUpNum()
    {
        var top = new Blob();
        Create("concat_param { axis: 0 }").SetUp([_bottom0, _bottom2], [top]);
        CollectionAssert.AreEqual(new[] { 7, 3, 6, 5 }, top.Shape.ToArray());
    }

    [TestMethod]
    public void SetUpChannels()
    {
        var top = new Blob();
        Create().SetUp([_bottom0, _bottom1], [top]);
        CollectionAssert.AreEqual(new[] { 2, 8, 6, 5 }, top.Shape.ToArray());
    }

    [TestMethod]
    public void SetUpChannelsNegativeIndexing()
    {
        var top = new Blob();
        Create("concat_param { axis: -3 }").SetUp([_bottom0, _bottom1], [top]);
        CollectionAssert.AreEqual(new[] { 2, 8, 6, 5 }, top.Shape.ToArray());
    }

    [TestMethod]
    public void DeprecatedConcatDimIsRead()
    {
        var top = new Blob();
        Create("concat_param { concat_dim: 0 }").SetUp([_bottom0, _bottom2], [top]);
        CollectionAssert.AreEqual(new[] { 7, 3, 6, 5 }, top.Shape.ToArray());
    }

    [TestMethod]
    public void ForwardTrivialSharesTheBottom()
    {
        Rng.FillGaussian(_bottom0.Data, 0, 1);
        var top = new Blob();
        ConcatLayer layer = Create();
        layer.SetUp([_bottom0], [top]);
        layer.Forward([_bottom0], [top]);
        CollectionAssert.AreEqual(_bottom0.Data.ToArray(), top.Data.ToArray());
        Assert.IsTrue(top.SharesDataWith(_bottom0));
        Assert.IsTrue(top.SharesDiffWith(_bottom0));
    }

    [TestMethod]
    public void ForwardNum()
    {
        Rng.FillGaussian(_bottom0.Data, 0, 1);
        Rng.FillGaussian(_bottom2.Data, 0, 1);
        var top = new Blob();
        ConcatLayer layer = Create("concat_param { axis: 0 }");
        layer.SetUp([_bottom0, _bottom2], [top]);
        layer.Forward([_bottom0, _bottom2], [top]);
        for (int n = 0; n < 7; n++)
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 6; h++)
                    for (int w = 0; w < 5; w++)
                    {
                        float expected = n < 2 ? _bottom0.DataAt(n, c, h, w) : _bottom2.DataAt(n - 2, c, h, w);
                        Assert.AreEqual(expected, top.DataAt(n, c, h, w));
                    }
    }

    [TestMethod]
    public void ForwardChannels()
    {
        Rng.FillGaussian(_bottom0.Data, 0, 1);
        Rng.FillGaussian(_bottom1.Data, 0, 1);
        var top = new Blob();
        ConcatLayer layer = Create();
        layer.SetUp([_bottom0, _bottom1], [top]);
        layer.Forward([_bottom0, _bottom1], [top]);
        for (int n = 0; n < 2; n++)
            for (int h = 0; h < 6; h++)
                for (int w = 0; w < 5; w++)
                {
                    for (int c = 0; c < 3; c++) Assert.AreEqual(_bottom0.DataAt(n, c, h, w), top.DataAt(n, c, h, w));
                    for (int c = 0; c < 5; c++) Assert.AreEqual(_bottom1.DataAt(n, c, h, w), top.DataAt(n, c + 3, h, w));
                }
    }

    [TestMethod]
    public void BackwardSplitsTheDiffAndSkipsBottomsWithoutPropagation()
    {
        var top = new Blob();
        ConcatLayer layer = Create();
        layer.SetUp([_bottom0, _bottom1], [top]);
        layer.Forward([_bottom0, _bottom1], [top]);
        for (int i = 0; i < top.Count; i++) top.Diff[i] = i;
        _bottom1.Diff.Fill(-7);
        layer.Backward([top], [true, false], [_bottom0, _bottom1]);
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 6; h++)
                    for (int w = 0; w < 5; w++)
                        Assert.AreEqual(top.Offset(n, c, h, w), _bottom0.Diff[_bottom0.Offset(n, c, h, w)]);
        Assert.IsTrue(_bottom1.Diff.ToArray().All(v => v == -7), "a bottom without propagate_down is left alone");
    }

    [TestMethod]
    public void GradientTrivial()
    {
        new GradientChecker(1e-2f, 1e-2f).CheckGradient(Create(), [_bottom0], [new Blob()]);
    }

    [TestMethod]
    public void GradientNum()
    {
        new GradientChecker(1e-2f, 1e-2f).CheckGradient(Create("concat_param { axis: 0 }"), [_bottom0, _bottom2], [new Blob()]);
    }

    [TestMethod]
    public void GradientChannels()
    {
        new GradientChecker(1e-2f, 1e-2f).CheckGradient(Create(), [_bottom0, _bottom1], [new Blob()]);
    }

    [TestMethod]
    public void GradientChannelsBottomOneOnly()
    {
        new GradientChecker(1e-2f, 1e-2f).CheckGradient(Create(), [_bottom0, _bottom1], [new Blob()], 1);
    }

    [TestMethod]
    public void ShapeMismatchNamesTheBottom()
    {
        LayerTesting.Throws(() => Create().SetUp([_bottom0, _bottom2], [new Blob()]),
            "'cat'", "bottom[1] has shape 5 3 6 5 (450)", "concat axis 1");
    }

    [TestMethod]
    public void AxisCountMismatchIsAnError()
    {
        LayerTesting.Throws(() => Create().SetUp([_bottom0, new Blob(2, 3, 30)], [new Blob()]), "bottom[1] has shape 2 3 30");
    }

    [TestMethod]
    public void AxisAndConcatDimTogetherIsAnError()
    {
        LayerTesting.Throws(() =>
            Create("concat_param { axis: 1 concat_dim: 1 }").SetUp([_bottom0, _bottom1], [new Blob()]), "not both");
    }

    [TestMethod]
    public void AxisOutOfRangeIsAnError()
    {
        LayerTesting.Throws(() => Create("concat_param { axis: 4 }").SetUp([_bottom0, _bottom1], [new Blob()]),
            "concat_param.axis 4 is out of range");
        LayerTesting.Throws(() => Create("concat_param { concat_dim: 4 }").SetUp([_bottom0, _bottom1], [new Blob()]),
            "concat_param.concat_dim 4 is out of range");
    }
}
