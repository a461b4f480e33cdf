namespace Caffe.Tests.Layers;

using Op = ReductionParameter.Types.ReductionOp;

[TestClass]
public sealed class ReductionLayerTests
{
    public static IEnumerable<object[]> Cases =>
        from op in new[] { Op.Sum, Op.Mean, Op.Asum, Op.Sumsq }
        from setting in new[] { (Coeff: 1f, Axis: 0), (Coeff: 2.3f, Axis: 0), (Coeff: 2.3f, Axis: 1) }
        select new object[] { op, setting.Coeff, setting.Axis };

    // Caffe's fixture: 2x3x4x5 uniform in [0, 1].
    private static Blob Bottom()
    {
        Rng.SetRandomSeed(1701);
        return LayerTesting.Uniform([2, 3, 4, 5], 0, 1);
    }

    [TestMethod]
    public void SetUpShapes()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.Create<ReductionLayer>("type: 'Reduction'").SetUp([bottom], [top]);
        Assert.AreEqual(0, top.NumAxes);
        Assert.AreEqual(1, top.Count);
        LayerTesting.Create<ReductionLayer>("type: 'Reduction' reduction_param { axis: 1 }").SetUp([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 2 }, top.Shape.ToArray());
        LayerTesting.Create<ReductionLayer>("type: 'Reduction' reduction_param { axis: -2 }").SetUp([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 2, 3 }, top.Shape.ToArray());
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Forward(Op op, float coeff, int axis)
    {
        Blob bottom = Bottom(), top = new();
        var layer = LayerTesting.Create<ReductionLayer>(Param(op, coeff, axis));
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        int num = bottom.CountRange(0, axis), dim = bottom.CountFrom(axis);
        for (int n = 0; n < num; n++)
        {
            double expected = 0;
            for (int d = 0; d < dim; d++)
            {
                double x = bottom.Data[n * dim + d];
                expected += op switch { Op.Sum => x, Op.Mean => x / dim, Op.Asum => Math.Abs(x), _ => x * x };
            }
            expected *= coeff;
            Assert.AreEqual(expected, top.Data[n], Math.Abs(expected) * 1e-5);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Gradient(Op op, float coeff, int axis)
    {
        Blob bottom = Bottom(), top = new();
        var layer = LayerTesting.Create<ReductionLayer>(Param(op, coeff, axis));
        new GradientChecker(1e-2f, 2e-3f).CheckGradientExhaustive(layer, [bottom], [top]);
    }

    [TestMethod]
    public void HandComputedWithNegativeValues()
    {
        Blob bottom = LayerTesting.FromValues([2, 2], -1f, 2f, 3f, -4f), top = new();
        var asum = LayerTesting.Create<ReductionLayer>("type: 'Reduction' reduction_param { operation: ASUM axis: 1 coeff: 0.5 }");
        LayerTesting.SetUpAndForward(asum, [bottom], [top]);
        CollectionAssert.AreEqual(new[] { 1.5f, 3.5f }, top.Data.ToArray());
        new[] { 2f, 4f }.CopyTo(top.Diff);
        asum.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { -1f, 1f, 2f, -2f }, bottom.Diff.ToArray());

        var mean = LayerTesting.Create<ReductionLayer>("type: 'Reduction' reduction_param { operation: MEAN }");
        LayerTesting.SetUpAndForward(mean, [bottom], [top]);
        Assert.AreEqual(0f, top.Data[0]);
        top.Diff[0] = 8f;
        mean.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { 2f, 2f, 2f, 2f }, bottom.Diff.ToArray());
    }

    [TestMethod]
    public void AxisOutOfRangeIsAnError()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<ReductionLayer>("name: 'r' type: 'Reduction' reduction_param { axis: 4 }").SetUp([bottom], [top]),
            "'r'", "reduction_param axis 4", "(2 3 4 5)");
    }

    private static string Param(Op op, float coeff, int axis) =>
        $"type: 'Reduction' reduction_param {{ operation: {op.ToString().ToUpperInvariant()} coeff: {coeff} axis: {axis} }}";
}
