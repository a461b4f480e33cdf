namespace Caffe.Tests.Layers;

[TestClass]
public sealed class SliceLayerTests
{
    private Blob _bottom = null!;
    private readonly Blob _top0 = new();
    private readonly Blob _top1 = new();
    private readonly Blob _top2 = new();

    [TestInitialize]
    public void Fill()
    {
        Rng.SetRandomSeed(1701);
        _bottom = LayerTesting.Gaussian([6, 12, 2, 3]);
    }

    private void ReduceBottomBlobSize() => _bottom = LayerTesting.Gaussian([4, 5, 2, 2]);

    private static SliceLayer Create(string prototxt = "") => new(LayerTesting.Param("name: 'cut' type: 'Slice' " + prototxt));

    [TestMethod]
    public void SetUpNum()
    {
        Create("slice_param { axis: 0 }").SetUp([_bottom], [_top0, _top1, _top2]);
        foreach (Blob top in new[] { _top0, _top1, _top2 }) CollectionAssert.AreEqual(new[] { 2, 12, 2, 3 }, top.Shape.ToArray());
    }

    [TestMethod]
    public void SetUpChannels()
    {
        Create("slice_param { slice_point: 3 }").SetUp([_bottom], [_top0, _top1]);
        CollectionAssert.AreEqual(new[] { 6, 3, 2, 3 }, _top0.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 6, 9, 2, 3 }, _top1.Shape.ToArray());
    }

    [TestMethod]
    public void DeprecatedSliceDimIsRead()
    {
        Create("slice_param { slice_dim: 0 slice_point: 1 slice_point: 4 }").SetUp([_bottom], [_top0, _top1, _top2]);
        Assert.AreEqual(1, _top0.Num);
        Assert.AreEqual(3, _top1.Num);
        Assert.AreEqual(2, _top2.Num);
    }

    [TestMethod]
    public void TrivialSliceSharesTheBottom()
    {
        SliceLayer layer = Create();
        layer.SetUp([_bottom], [_top0]);
        layer.Forward([_bottom], [_top0]);
        CollectionAssert.AreEqual(_bottom.Shape.ToArray(), _top0.Shape.ToArray());
        CollectionAssert.AreEqual(_bottom.Data.ToArray(), _top0.Data.ToArray());
        Assert.IsTrue(_top0.SharesDataWith(_bottom) && _top0.SharesDiffWith(_bottom));
    }

    [TestMethod]
    public void SliceAcrossNum()
    {
        SliceLayer layer = Create("slice_param { axis: 0 }");
        layer.SetUp([_bottom], [_top0, _top1]);
        Assert.AreEqual(3, _top0.Num);
        Assert.AreEqual(3, _top1.Num);
        layer.Forward([_bottom], [_top0, _top1]);
        for (int n = 0; n < 3; n++)
            for (int c = 0; c < 12; c++)
                for (int h = 0; h < 2; h++)
                    for (int w = 0; w < 3; w++)
                    {
                        Assert.AreEqual(_bottom.DataAt(n, c, h, w), _top0.DataAt(n, c, h, w));
                        Assert.AreEqual(_bottom.DataAt(n + 3, c, h, w), _top1.DataAt(n, c, h, w));
                    }
    }

    [TestMethod]
    public void SliceAcrossChannels()
    {
        SliceLayer layer = Create("slice_param { slice_point: 2 slice_point: 8 }");
        layer.SetUp([_bottom], [_top0, _top1, _top2]);
        Assert.AreEqual(2, _top0.Channels);
        Assert.AreEqual(6, _top1.Channels);
        Assert.AreEqual(4, _top2.Channels);
        layer.Forward([_bottom], [_top0, _top1, _top2]);
        for (int n = 0; n < 6; n++)
            for (int h = 0; h < 2; h++)
                for (int w = 0; w < 3; w++)
                {
                    for (int c = 0; c < 2; c++) Assert.AreEqual(_bottom.DataAt(n, c, h, w), _top0.DataAt(n, c, h, w));
                    for (int c = 0; c < 6; c++) Assert.AreEqual(_bottom.DataAt(n, c + 2, h, w), _top1.DataAt(n, c, h, w));
                    for (int c = 0; c < 4; c++) Assert.AreEqual(_bottom.DataAt(n, c + 8, h, w), _top2.DataAt(n, c, h, w));
                }
    }

    [TestMethod]
    public void SlicePointAtTheEndGivesAnEmptyTop()
    {
        Create("slice_param { slice_point: 4 slice_point: 12 }").SetUp([_bottom], [_top0, _top1, _top2]);
        Assert.AreEqual(8, _top1.Channels);
        Assert.AreEqual(0, _top2.Count);
    }

    [TestMethod]
    public void BackwardReassemblesTheDiff()
    {
        SliceLayer layer = Create("slice_param { slice_point: 5 }");
        layer.SetUp([_bottom], [_top0, _top1]);
        layer.Forward([_bottom], [_top0, _top1]);
        _top0.Diff.Fill(1);
        _top1.Diff.Fill(2);
        layer.Backward([_top0, _top1], [true], [_bottom]);
        for (int n = 0; n < 6; n++)
            for (int c = 0; c < 12; c++)
                Assert.AreEqual(c < 5 ? 1f : 2f, _bottom.Diff[_bottom.Offset(n, c, 1, 2)]);
        _bottom.Diff.Fill(-3);
        layer.Backward([_top0, _top1], [false], [_bottom]);
        Assert.IsTrue(_bottom.Diff.ToArray().All(v => v == -3), "no propagate_down leaves the diff alone");
    }

    [TestMethod]
    public void GradientTrivial()
    {
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(Create(), [_bottom], [_top0]);
    }

    [TestMethod]
    public void GradientAcrossNum()
    {
        ReduceBottomBlobSize();
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(Create("slice_param { axis: 0 }"), [_bottom], [_top0, _top1]);
    }

    [TestMethod]
    public void GradientAcrossChannels()
    {
        ReduceBottomBlobSize();
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(Create("slice_param { slice_point: 4 }"), [_bottom], [_top0, _top1]);
    }

    [TestMethod]
    public void AxisAndSliceDimTogetherIsAnError()
    {
        LayerTesting.Throws(() => Create("slice_param { axis: 1 slice_dim: 1 }").SetUp([_bottom], [_top0, _top1]), "'cut'", "not both");
    }

    [TestMethod]
    public void SlicePointCountMustMatchTheTops()
    {
        LayerTesting.Throws(() => Create("slice_param { slice_point: 3 slice_point: 6 }").SetUp([_bottom], [_top0, _top1]),
            "2 slice_point(s) make 3 parts, but the layer has 2 top(s)");
    }

    [TestMethod]
    public void SlicePointsMustIncrease()
    {
        LayerTesting.Throws(() => Create("slice_param { slice_point: 6 slice_point: 6 }").SetUp([_bottom], [_top0, _top1, _top2]),
            "slice_point 6 (number 1) must be greater than the previous point (6)");
        LayerTesting.Throws(() => Create("slice_param { slice_point: 0 }").SetUp([_bottom], [_top0, _top1]), "slice_point 0 (number 0)");
    }

    [TestMethod]
    public void SlicePointBeyondTheAxisIsAnError()
    {
        LayerTesting.Throws(() => Create("slice_param { slice_point: 13 }").SetUp([_bottom], [_top0, _top1]),
            "slice_point 13", "at most the size 12 of axis 1");
    }

    [TestMethod]
    public void MoreTopsThanTheAxisIsAnError()
    {
        Blob[] tops = [.. Enumerable.Range(0, 5).Select(_ => new Blob())];
        LayerTesting.Throws(() =>
            Create("slice_param { axis: 0 slice_point: 1 slice_point: 2 slice_point: 3 slice_point: 4 }").SetUp([new Blob(4, 2)], tops),
            "cannot cut axis 0 of size 4 into 5 parts");
    }

    [TestMethod]
    public void EqualSplitMustDivideTheAxis()
    {
        LayerTesting.Throws(() => Create("slice_param { axis: 0 }").SetUp([_bottom], [_top0, _top1, _top2, new Blob()]),
            "the 4 tops must divide axis 0 of size 6 evenly");
    }

    [TestMethod]
    public void AxisOutOfRangeIsAnError()
    {
        LayerTesting.Throws(() => Create("slice_param { axis: -5 }").SetUp([_bottom], [_top0, _top1]),
            "slice_param.axis -5 is out of range");
        LayerTesting.Throws(() => Create("slice_param { slice_dim: 7 }").SetUp([_bottom], [_top0, _top1]),
            "slice_param.slice_dim 7 is out of range");
    }
}
