namespace Caffe.Tests.Layers;

[TestClass]
public sealed class EltwiseLayerTests
{
    private Blob _a = null!;
    private Blob _b = null!;
    private Blob _c = null!;
    private readonly Blob _top = new();

    [TestInitialize]
    public void Fill()
    {
        Rng.SetRandomSeed(1701);
        _a = LayerTesting.Uniform([2, 3, 4, 5], 0, 1);
        _b = LayerTesting.Uniform([2, 3, 4, 5], 0, 1);
        _c = LayerTesting.Uniform([2, 3, 4, 5], 0, 1);
    }

    private static EltwiseLayer Create(string prototxt) => new(LayerTesting.Param("name: 'mix' type: 'Eltwise' " + prototxt));

    private EltwiseLayer Run(string prototxt)
    {
        EltwiseLayer layer = Create(prototxt);
        layer.SetUp([_a, _b, _c], [_top]);
        layer.Forward([_a, _b, _c], [_top]);
        return layer;
    }

    [TestMethod]
    public void SetUp()
    {
        Create("eltwise_param { operation: PROD }").SetUp([_a, _b, _c], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 4, 5 }, _top.Shape.ToArray());
    }

    [TestMethod]
    public void Prod()
    {
        Run("eltwise_param { operation: PROD }");
        for (int i = 0; i < _top.Count; i++) Assert.AreEqual(_a.Data[i] * _b.Data[i] * _c.Data[i], _top.Data[i]);
    }

    [TestMethod]
    public void Sum()
    {
        Run("eltwise_param { operation: SUM }");
        for (int i = 0; i < _top.Count; i++) Assert.AreEqual(_a.Data[i] + _b.Data[i] + _c.Data[i], _top.Data[i], 1e-6);
    }

    [TestMethod]
    public void SumIsTheDefault()
    {
        Run("");
        for (int i = 0; i < _top.Count; i++) Assert.AreEqual(_a.Data[i] + _b.Data[i] + _c.Data[i], _top.Data[i], 1e-6);
    }

    [TestMethod]
    public void SumCoeff()
    {
        Run("eltwise_param { operation: SUM coeff: 1 coeff: -0.5 coeff: 2 }");
        for (int i = 0; i < _top.Count; i++) Assert.AreEqual(_a.Data[i] - 0.5 * _b.Data[i] + 2 * _c.Data[i], _top.Data[i], 1e-4);
    }

    [TestMethod]
    public void Max()
    {
        Run("eltwise_param { operation: MAX }");
        for (int i = 0; i < _top.Count; i++) Assert.AreEqual(Math.Max(_a.Data[i], Math.Max(_b.Data[i], _c.Data[i])), _top.Data[i]);
    }

    [TestMethod]
    public void MaxBackwardRoutesTheDiffToTheArgmax()
    {
        _a = LayerTesting.FromValues([4], 5, 1, 2, 2);
        _b = LayerTesting.FromValues([4], 3, 4, 2, 2);
        _c = LayerTesting.FromValues([4], 1, 1, 7, 2);
        EltwiseLayer layer = Run("eltwise_param { operation: MAX }");
        CollectionAssert.AreEqual(new[] { 5f, 4f, 7f, 2f }, _top.Data.ToArray());
        _top.Diff.Fill(10);
        layer.Backward([_top], [true, true, true], [_a, _b, _c]);
        // As in Caffe, bottom 0 must beat bottom 1 strictly (a tie goes to bottom 1), and later bottoms need a strict win too.
        CollectionAssert.AreEqual(new[] { 10f, 0f, 0f, 0f }, _a.Diff.ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 10f, 0f, 10f }, _b.Diff.ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 0f, 10f, 0f }, _c.Diff.ToArray());
    }

    [TestMethod]
    public void SumCoeffBackwardScalesTheDiff()
    {
        EltwiseLayer layer = Run("eltwise_param { coeff: 1 coeff: -0.5 coeff: 2 }");
        Rng.FillGaussian(_top.Diff, 0, 1);
        _c.Diff.Fill(9);
        layer.Backward([_top], [true, true, false], [_a, _b, _c]);
        for (int i = 0; i < _top.Count; i++)
        {
            Assert.AreEqual(_top.Diff[i], _a.Diff[i]);
            Assert.AreEqual(-0.5f * _top.Diff[i], _b.Diff[i]);
            Assert.AreEqual(9f, _c.Diff[i]);
        }
    }

    [TestMethod]
    public void UnstableProdGradientDividesTheTop()
    {
        EltwiseLayer layer = Run("eltwise_param { operation: PROD stable_prod_grad: false }");
        _top.Diff.Fill(1);
        _b.Data[3] = 0;   // not re-run forward: the gradient uses the stored top
        layer.Backward([_top], [false, true, false], [_a, _b, _c]);
        Assert.IsTrue(float.IsInfinity(_b.Diff[3]) || float.IsNaN(_b.Diff[3]), "top / 0 is not finite, as in Caffe");
    }

    [TestMethod]
    public void StableProdGradient()
    {
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(
            Create("eltwise_param { operation: PROD stable_prod_grad: true }"), [_a, _b, _c], [_top]);
    }

    [TestMethod]
    public void UnstableProdGradient()
    {
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(
            Create("eltwise_param { operation: PROD stable_prod_grad: false }"), [_a, _b, _c], [_top]);
    }

    [TestMethod]
    public void SumGradient()
    {
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(Create("eltwise_param { operation: SUM }"), [_a, _b, _c], [_top]);
    }

    [TestMethod]
    public void SumCoeffGradient()
    {
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(
            Create("eltwise_param { operation: SUM coeff: 1 coeff: -0.5 coeff: 2 }"), [_a, _b, _c], [_top]);
    }

    [TestMethod]
    public void MaxGradient()
    {
        new GradientChecker(1e-4f, 1e-3f).CheckGradientEltwise(Create("eltwise_param { operation: MAX }"), [_a, _b, _c], [_top]);
    }

    [TestMethod]
    public void CoeffCountMustMatchTheBottoms()
    {
        LayerTesting.Throws(() => Create("eltwise_param { coeff: 1 coeff: 2 }").SetUp([_a, _b, _c], [_top]),
            "'mix'", "2 coeff(s) for 3 bottoms");
    }

    [TestMethod]
    public void CoeffWithProdIsAnError()
    {
        LayerTesting.Throws(() =>
            Create("eltwise_param { operation: PROD coeff: 1 coeff: 2 coeff: 3 }").SetUp([_a, _b, _c], [_top]),
            "coeff applies to operation SUM only");
    }

    [TestMethod]
    public void ShapesMustMatch()
    {
        LayerTesting.Throws(() => Create("").SetUp([_a, new Blob(2, 3, 5, 4)], [_top]),
            "bottom[0] is 2 3 4 5 (120), bottom[1] is 2 3 5 4 (120)");
    }

    [TestMethod]
    public void OneBottomIsAnError()
    {
        LayerTesting.Throws(() => Create("").SetUp([_a], [_top]), "at least 2 bottom");
    }
}
