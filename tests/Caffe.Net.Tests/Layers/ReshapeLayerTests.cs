namespace Caffe.Tests.Layers;

[TestClass]
public sealed class ReshapeLayerTests
{
    private Blob _bottom = null!;
    private readonly Blob _top = new();

    [TestInitialize]
    public void Fill()
    {
        Rng.SetRandomSeed(1701);
        _bottom = LayerTesting.Gaussian([2, 3, 6, 5]);
    }

    private static ReshapeLayer Create(string reshapeParam) =>
        new(LayerTesting.Param("name: 'view' type: 'Reshape' reshape_param { " + reshapeParam + " }"));

    private int[] TopShape(string reshapeParam)
    {
        Create(reshapeParam).SetUp([_bottom], [_top]);
        return _top.Shape.ToArray();
    }

    [TestMethod]
    public void FlattenOutputSizes() =>
        CollectionAssert.AreEqual(new[] { 2, 90, 1, 1 }, TopShape("shape { dim: 0 dim: -1 dim: 1 dim: 1 }"));

    [TestMethod]
    public void FlattenValues()
    {
        ReshapeLayer layer = Create("shape { dim: 0 dim: -1 dim: 1 dim: 1 }");
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        for (int c = 0; c < 90; c++)
            for (int n = 0; n < 2; n++)
                Assert.AreEqual(_bottom.DataAt(n, c / 30, c / 5 % 6, c % 5), _top.DataAt(n, c));
    }

    [TestMethod]
    public void CopyDimensions() =>
        CollectionAssert.AreEqual(new[] { 2, 3, 6, 5 }, TopShape("shape { dim: 0 dim: 0 dim: 0 dim: 0 }"));

    [TestMethod]
    public void InferenceOfUnspecified() =>
        CollectionAssert.AreEqual(new[] { 2, 3, 10, 3 }, TopShape("shape { dim: 0 dim: 3 dim: 10 dim: -1 }"));

    [TestMethod]
    public void InferenceOfUnspecifiedWithStartAxis() =>
        CollectionAssert.AreEqual(new[] { 2, 3, 10, 3 }, TopShape("axis: 1 shape { dim: 3 dim: 10 dim: -1 }"));

    [TestMethod]
    public void InsertSingletonAxesStart() =>
        CollectionAssert.AreEqual(new[] { 1, 1, 1, 2, 3, 6, 5 }, TopShape("axis: 0 num_axes: 0 shape { dim: 1 dim: 1 dim: 1 }"));

    [TestMethod]
    public void InsertSingletonAxesMiddle() =>
        CollectionAssert.AreEqual(new[] { 2, 3, 1, 1, 1, 6, 5 }, TopShape("axis: 2 num_axes: 0 shape { dim: 1 dim: 1 dim: 1 }"));

    [TestMethod]
    public void InsertSingletonAxesEnd() =>
        CollectionAssert.AreEqual(new[] { 2, 3, 6, 5, 1, 1, 1 }, TopShape("axis: -1 num_axes: 0 shape { dim: 1 dim: 1 dim: 1 }"));

    [TestMethod]
    public void FlattenMiddle() =>
        CollectionAssert.AreEqual(new[] { 2, 18, 5 }, TopShape("axis: 1 num_axes: 2 shape { dim: -1 }"));

    [TestMethod]
    public void Forward()
    {
        ReshapeLayer layer = Create("shape { dim: 6 dim: 2 dim: 3 dim: 5 }");
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        CollectionAssert.AreEqual(_bottom.Data.ToArray(), _top.Data.ToArray());
        Assert.IsTrue(_top.SharesDataWith(_bottom) && _top.SharesDiffWith(_bottom));
    }

    [TestMethod]
    public void ForwardAfterReshape()
    {
        ReshapeLayer layer = Create("shape { dim: 6 dim: 2 dim: 3 dim: 5 }");
        layer.SetUp([_bottom], [_top]);
        _bottom.Reshape(2 * 3 * 6 * 5);
        layer.Reshape([_bottom], [_top]);
        Rng.FillGaussian(_bottom.Data, 0, 1);
        layer.Forward([_bottom], [_top]);
        CollectionAssert.AreEqual(_bottom.Data.ToArray(), _top.Data.ToArray());
    }

    [TestMethod]
    public void ForwardAfterTheBottomGrewSharesTheNewMemory()
    {
        ReshapeLayer layer = Create("shape { dim: -1 dim: 2 dim: 3 dim: 5 }");
        layer.SetUp([_bottom], [_top]);
        _bottom.Reshape(4, 3, 6, 5);
        Rng.FillGaussian(_bottom.Data, 0, 1);
        layer.Forward([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 12, 2, 3, 5 }, _top.Shape.ToArray());
        CollectionAssert.AreEqual(_bottom.Data.ToArray(), _top.Data.ToArray());
        Assert.IsTrue(_top.SharesDataWith(_bottom) && _top.SharesDiffWith(_bottom));
        // A fixed shape cannot follow a bottom that changed its count.
        ReshapeLayer fixedShape = Create("shape { dim: 6 dim: 2 dim: 3 dim: 5 }");
        LayerTesting.Throws(() => fixedShape.SetUp([_bottom], [new Blob()]),
            "has 180 elements, but the bottom (shape 4 3 6 5 (360)) has 360");
    }

    [TestMethod]
    public void Gradient()
    {
        new GradientChecker(1e-2f, 1e-2f).CheckGradientEltwise(Create("shape { dim: 6 dim: 2 dim: 3 dim: 5 }"), [_bottom], [_top]);
    }

    [TestMethod]
    public void TwoInferredDimensionsIsAnError()
    {
        LayerTesting.Throws(() => TopShape("shape { dim: -1 dim: 3 dim: -1 }"), "'view'", "shape (-1 3 -1) has more than one -1");
    }

    [TestMethod]
    public void CountMismatchIsAnError()
    {
        LayerTesting.Throws(() => TopShape("shape { dim: 2 dim: 3 dim: 7 }"),
            "the new shape (2 3 7) has 42 elements, but the bottom (shape 2 3 6 5 (180)) has 180");
    }

    [TestMethod]
    public void InferredDimensionMustDivideTheCount()
    {
        LayerTesting.Throws(() => TopShape("shape { dim: 7 dim: -1 }"), "bottom count 180", "product 7");
    }

    [TestMethod]
    public void CopiedDimensionBeyondTheBottomAxesIsAnError()
    {
        LayerTesting.Throws(() => TopShape("axis: 2 shape { dim: 0 dim: 0 dim: 0 }"), "has a 0 at position 2", "no axis 4 to copy");
    }

    [TestMethod]
    public void NegativeDimensionOtherThanMinusOneIsAnError()
    {
        LayerTesting.Throws(() => TopShape("shape { dim: -2 dim: 90 }"), "dimension -2 at position 0");
    }

    [TestMethod]
    public void AxisAndNumAxesOutOfRangeAreErrors()
    {
        LayerTesting.Throws(() => TopShape("axis: 5 shape { dim: 1 }"), "reshape_param.axis 5 is out of range");
        LayerTesting.Throws(() => TopShape("axis: -6 shape { dim: 1 }"), "reshape_param.axis -6 is out of range");
        LayerTesting.Throws(() => TopShape("num_axes: -2 shape { dim: 1 }"), "num_axes must be >= 0, or -1");
        LayerTesting.Throws(() => TopShape("axis: 2 num_axes: 3 shape { dim: 1 }"), "reaches past the 4 axes");
    }

    [TestMethod]
    public void InPlaceIsAnError()
    {
        LayerTesting.Throws(() => Create("shape { dim: -1 }").SetUp([_bottom], [_bottom]), "does not allow in-place");
    }
}
