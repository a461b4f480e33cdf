namespace Caffe.Tests.Layers;

[TestClass]
public sealed class SoftmaxLayerTests
{
    private static SoftmaxLayer Create(string prototxt = "") => new(LayerTesting.Param("type: 'Softmax' " + prototxt));

    /// <summary>Softmax along <paramref name="axis"/> in double precision, as the reference.</summary>
    private static double[] Reference(Blob bottom, int axis)
    {
        int outer = bottom.CountRange(0, axis), channels = bottom.ShapeAt(axis), inner = bottom.CountFrom(axis + 1);
        var result = new double[bottom.Count];
        for (int i = 0; i < outer; i++)
        {
            for (int k = 0; k < inner; k++)
            {
                double sum = 0;
                for (int c = 0; c < channels; c++) sum += Math.Exp(bottom.Data[(i * channels + c) * inner + k]);
                for (int c = 0; c < channels; c++)
                {
                    int at = (i * channels + c) * inner + k;
                    result[at] = Math.Exp(bottom.Data[at]) / sum;
                }
            }
        }
        return result;
    }

    private static void AssertMatchesReference(Blob bottom, Blob top, int axis, double tolerance = 1e-4)
    {
        double[] expected = Reference(bottom, axis);
        Assert.AreEqual(expected.Length, top.Count);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], top.Data[i], tolerance, $"element {i}");
    }

    [TestMethod]
    public void ForwardSumsToOneAndMatchesExpOverSum()
    {
        Rng.SetRandomSeed(1701);
        Blob bottom = LayerTesting.Gaussian([2, 10, 2, 3]);
        var top = new Blob();
        SoftmaxLayer layer = Create();
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        CollectionAssert.AreEqual(bottom.Shape.ToArray(), top.Shape.ToArray());
        for (int n = 0; n < 2; n++)
        {
            for (int k = 0; k < 6; k++)
            {
                double sum = 0;
                for (int c = 0; c < 10; c++) sum += top.Data[(n * 10 + c) * 6 + k];
                Assert.AreEqual(1.0, sum, 1e-4);
            }
        }
        AssertMatchesReference(bottom, top, 1);
    }

    [TestMethod]
    public void ForwardAlongOtherAxes()
    {
        Rng.SetRandomSeed(1701);
        Blob bottom = LayerTesting.Gaussian([2, 3, 4, 5]);
        foreach ((string param, int axis) in new[] { ("softmax_param { axis: 2 }", 2), ("softmax_param { axis: -1 }", 3), ("softmax_param { axis: 0 }", 0) })
        {
            var top = new Blob();
            SoftmaxLayer layer = Create(param);
            layer.SetUp([bottom], [top]);
            layer.Forward([bottom], [top]);
            AssertMatchesReference(bottom, top, axis);
        }
    }

    [TestMethod]
    public void ForwardOnMatrixUsesWholeRows()
    {
        Rng.SetRandomSeed(1701);
        Blob bottom = LayerTesting.Gaussian([4, 7], 0, 3);
        var top = new Blob();
        SoftmaxLayer layer = Create();
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        AssertMatchesReference(bottom, top, 1, 1e-6);
    }

    [TestMethod]
    public void ForwardSubtractsTheMaximumSoLargeScoresStayFinite()
    {
        Blob bottom = LayerTesting.FromValues([1, 3], 1000f, 1001f, 999f);
        var top = new Blob();
        SoftmaxLayer layer = Create();
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        double e0 = Math.Exp(-1), e2 = Math.Exp(-2), sum = e0 + 1 + e2;
        Assert.AreEqual(e0 / sum, top.Data[0], 1e-6);
        Assert.AreEqual(1 / sum, top.Data[1], 1e-6);
        Assert.AreEqual(e2 / sum, top.Data[2], 1e-6);
    }

    [TestMethod]
    public void ForwardInPlaceGivesTheSameResult()
    {
        Rng.SetRandomSeed(1701);
        Blob bottom = LayerTesting.Gaussian([2, 10, 2, 3]);
        Blob copy = new();
        copy.CopyFrom(bottom, reshape: true);
        SoftmaxLayer layer = Create();
        layer.SetUp([bottom], [bottom]);
        layer.Forward([bottom], [bottom]);
        AssertMatchesReference(copy, bottom, 1);
    }

    [TestMethod]
    public void LargeBlobsTakeTheParallelPathWithTheSameNumbers()
    {
        Rng.SetRandomSeed(1701);
        // A segmentation-sized map (split into blocks of positions) and a wide classifier (split into rows).
        foreach (int[] shape in new[] { new[] { 2, 21, 40, 50 }, new[] { 80, 1000 } })
        {
            Blob bottom = LayerTesting.Gaussian(shape, 0, 2);
            var top = new Blob();
            SoftmaxLayer layer = Create();
            layer.SetUp([bottom], [top]);
            layer.Forward([bottom], [top]);
            AssertMatchesReference(bottom, top, 1, 1e-6);

            // Backward: bottom_diff = (top_diff - Σ_c top_diff·top) · top, checked against a direct double sum.
            Rng.FillGaussian(top.Diff, 0, 1);
            layer.Backward([top], [true], [bottom]);
            int channels = shape[1], inner = bottom.CountFrom(2);
            for (int i = 0; i < shape[0]; i += 7)
            {
                for (int k = 0; k < inner; k += 13)
                {
                    double dot = 0;
                    for (int c = 0; c < channels; c++)
                    {
                        int at = (i * channels + c) * inner + k;
                        dot += (double)top.Diff[at] * top.Data[at];
                    }
                    for (int c = 0; c < channels; c++)
                    {
                        int at = (i * channels + c) * inner + k;
                        Assert.AreEqual((top.Diff[at] - dot) * top.Data[at], bottom.Diff[at], 1e-5, $"diff at {at}");
                    }
                }
            }
        }
    }

    [TestMethod]
    public void Gradient()
    {
        Rng.SetRandomSeed(1701);
        Blob bottom = LayerTesting.Gaussian([2, 10, 2, 3]);
        var checker = new GradientChecker(1e-2f, 1e-3f);
        checker.CheckGradientExhaustive(Create(), [bottom], [new Blob()]);
    }

    [TestMethod]
    public void GradientOnMatrixAndOtherAxis()
    {
        Rng.SetRandomSeed(1701);
        var checker = new GradientChecker(1e-2f, 1e-3f);
        checker.CheckGradientExhaustive(Create(), [LayerTesting.Gaussian([3, 6])], [new Blob()]);
        checker.CheckGradientExhaustive(Create("softmax_param { axis: -1 }"), [LayerTesting.Gaussian([2, 3, 4])], [new Blob()]);
    }

    [TestMethod]
    public void AxisOutOfRangeIsAnError()
    {
        SoftmaxLayer layer = Create("name: 'prob' softmax_param { axis: 4 }");
        LayerTesting.Throws(() => layer.SetUp([new Blob(2, 3, 4, 5)], [new Blob()]), "'prob'", "softmax_param.axis 4", "2 3 4 5");
    }

    [TestMethod]
    public void IsRegistered() => Assert.IsInstanceOfType<SoftmaxLayer>(LayerRegistry.CreateLayer(LayerTesting.Param("type: 'Softmax'")));
}
