namespace Caffe.Tests.Layers;

[TestClass]
public sealed class FlattenLayerTests
{
    private Blob _bottom = null!;
    private readonly Blob _top = new();

    [TestInitialize]
    public void Fill()
    {
        Rng.SetRandomSeed(1701);
        _bottom = LayerTesting.Gaussian([2, 3, 6, 5]);
    }

    private static FlattenLayer Create(string prototxt = "") => new(LayerTesting.Param("name: 'flat' type: 'Flatten' " + prototxt));

    private int[] TopShape(string prototxt)
    {
        Create(prototxt).SetUp([_bottom], [_top]);
        return _top.Shape.ToArray();
    }

    [TestMethod]
    public void SetUp() => CollectionAssert.AreEqual(new[] { 2, 90 }, TopShape(""));

    [TestMethod]
    public void SetUpWithAxis() => CollectionAssert.AreEqual(new[] { 2, 3, 30 }, TopShape("flatten_param { axis: 2 }"));

    [TestMethod]
    public void SetUpWithEndAxis() => CollectionAssert.AreEqual(new[] { 2, 18, 5 }, TopShape("flatten_param { end_axis: -2 }"));

    [TestMethod]
    public void SetUpWithStartAndEndAxis() => CollectionAssert.AreEqual(new[] { 36, 5 }, TopShape("flatten_param { axis: 0 end_axis: -2 }"));

    [TestMethod]
    public void EndAxisJustBeforeAxisInsertsASingletonAxis() =>
        CollectionAssert.AreEqual(new[] { 2, 1, 3, 6, 5 }, TopShape("flatten_param { axis: 1 end_axis: 0 }"));

    [TestMethod]
    public void ForwardSharesTheDataAndBackwardTheDiff()
    {
        FlattenLayer layer = Create();
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        for (int c = 0; c < 90; c++)
        {
            Assert.AreEqual(_bottom.DataAt(0, c / 30, c / 5 % 6, c % 5), _top.Data[_top.Offset([0, c])]);
            Assert.AreEqual(_bottom.DataAt(1, c / 30, c / 5 % 6, c % 5), _top.Data[_top.Offset([1, c])]);
        }
        Assert.IsTrue(_top.SharesDataWith(_bottom));
        Rng.FillGaussian(_top.Diff, 0, 1);
        layer.Backward([_top], [true], [_bottom]);
        Assert.IsTrue(_bottom.SharesDiffWith(_top));
        CollectionAssert.AreEqual(_top.Diff.ToArray(), _bottom.Diff.ToArray());
    }

    [TestMethod]
    public void Gradient()
    {
        new GradientChecker(1e-2f, 1e-2f).CheckGradientEltwise(Create(), [_bottom], [_top]);
    }

    [TestMethod]
    public void EndAxisBeforeAxisIsAnError()
    {
        LayerTesting.Throws(() => TopShape("flatten_param { axis: 2 end_axis: 0 }"), "'flat'", "end_axis 0 (axis 0) comes before axis 2");
    }

    [TestMethod]
    public void AxisOutOfRangeIsAnError()
    {
        LayerTesting.Throws(() => TopShape("flatten_param { end_axis: 4 }"), "flatten_param.end_axis 4 is out of range");
    }

    [TestMethod]
    public void InPlaceIsAnError()
    {
        LayerTesting.Throws(() => Create().SetUp([_bottom], [_bottom]), "does not allow in-place");
    }
}
