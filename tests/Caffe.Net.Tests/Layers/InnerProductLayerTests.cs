namespace Caffe.Tests.Layers;

/// <summary>Caffe's test_inner_product_layer.cpp, plus axis cases against a naive reference and parameter errors.</summary>
[TestClass]
public sealed class InnerProductLayerTests
{
    private Blob _bottom = null!;
    private Blob _top = null!;

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _bottom = LayerTesting.Uniform([2, 3, 4, 5], 0f, 1f);
        _top = new Blob();
    }

    private static InnerProductLayer Layer(string ipParam) =>
        new(LayerTesting.Param($"name: 'ip' type: 'InnerProduct' inner_product_param {{ {ipParam} }}"));

    // top[m, n] = Σ_k bottom[m, k] · W[n, k] (W[k, n] when transposed) + bias[n].
    private static float[] Reference(Blob bottom, int axis, Layer layer, bool transpose)
    {
        int m = bottom.CountRange(0, axis), k = bottom.CountFrom(axis);
        Blob weight = layer.Blobs[0];
        int n = transpose ? weight.ShapeAt(1) : weight.ShapeAt(0);
        var result = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = layer.Blobs.Count > 1 ? layer.Blobs[1].Data[j] : 0;
                for (int l = 0; l < k; l++)
                    sum += (double)bottom.Data[i * k + l] * weight.Data[transpose ? l * n + j : j * k + l];
                result[i * n + j] = (float)sum;
            }
        }
        return result;
    }

    [TestMethod]
    public void SetupFlattensFromAxisOne()
    {
        var layer = Layer("num_output: 10");
        layer.SetUp([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 10 }, _top.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 10, 60 }, layer.Blobs[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 10 }, layer.Blobs[1].Shape.ToArray());
    }

    [TestMethod]
    public void SetupTransposeStoresTheWeightsKByN()
    {
        var layer = Layer("num_output: 10 transpose: false");
        layer.SetUp([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 10, 60 }, layer.Blobs[0].Shape.ToArray());
        layer = Layer("num_output: 10 transpose: true");
        layer.SetUp([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 60, 10 }, layer.Blobs[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 10 }, _top.Shape.ToArray());
    }

    [TestMethod]
    public void ForwardWithPositiveParametersIsAtLeastTheBias()
    {
        var layer = Layer("num_output: 10 weight_filler { type: 'uniform' } bias_filler { type: 'uniform' min: 1 max: 2 }");
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        foreach (float v in _top.Data) Assert.IsTrue(v >= 1f, $"{v} < 1");
        BlobAssert.AreRelativelyClose(Reference(_bottom, 1, layer, false), _top.Data, 1e-5f, "top");
    }

    [TestMethod]
    public void ForwardTransposeEqualsForwardWithTransposedWeights()
    {
        var plain = Layer("num_output: 10 weight_filler { type: 'uniform' } bias_filler { type: 'uniform' min: 1 max: 2 }");
        plain.SetUp([_bottom], [_top]);
        plain.Forward([_bottom], [_top]);
        float[] expected = _top.Data.ToArray();

        var transposed = Layer("num_output: 10 transpose: true");
        var top = new Blob();
        transposed.SetUp([_bottom], [top]);
        Blob w = plain.Blobs[0], wt = transposed.Blobs[0];
        for (int n = 0; n < 10; n++)
            for (int k = 0; k < 60; k++) wt.Data[k * 10 + n] = w.Data[n * 60 + k];
        transposed.Blobs[1].CopyFrom(plain.Blobs[1]);
        transposed.Forward([_bottom], [top]);
        BlobAssert.AreRelativelyClose(expected, top.Data, 1e-6f, "top");
    }

    [TestMethod]
    public void ForwardWithoutBatchAxis()
    {
        var bottom = LayerTesting.Uniform([1, 2, 3, 4], 0f, 1f);
        var layer = Layer("num_output: 10 weight_filler { type: 'uniform' } bias_filler { type: 'uniform' min: 1 max: 2 }");
        layer.SetUp([bottom], [_top]);
        layer.Forward([bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 1, 10 }, _top.Shape.ToArray());
        BlobAssert.AreRelativelyClose(Reference(bottom, 1, layer, false), _top.Data, 1e-5f, "top");
    }

    [TestMethod]
    public void AxisKeepsTheLeadingAxes()
    {
        foreach (var (axis, expectedShape) in new[] { (2, new[] { 2, 3, 7 }), (-1, new[] { 2, 3, 4, 7 }), (0, new[] { 7 }) })
        {
            foreach (bool transpose in new[] { false, true })
            {
                var layer = Layer($"num_output: 7 axis: {axis} transpose: {(transpose ? "true" : "false")} " +
                                  "weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
                layer.SetUp([_bottom], [_top]);
                layer.Forward([_bottom], [_top]);
                CollectionAssert.AreEqual(expectedShape, _top.Shape.ToArray(), $"axis {axis}");
                BlobAssert.AreRelativelyClose(Reference(_bottom, _bottom.CanonicalAxisIndex(axis), layer, transpose),
                    _top.Data, 1e-5f, $"axis {axis}, transpose {transpose}");
            }
        }
    }

    [TestMethod]
    public void NoBiasTerm()
    {
        var layer = Layer("num_output: 4 bias_term: false weight_filler { type: 'gaussian' }");
        layer.SetUp([_bottom], [_top]);
        Assert.AreEqual(1, layer.Blobs.Count);
        layer.Forward([_bottom], [_top]);
        BlobAssert.AreRelativelyClose(Reference(_bottom, 1, layer, false), _top.Data, 1e-5f, "top");
    }

    [TestMethod]
    public void Gradient()
    {
        var layer = Layer("num_output: 10 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' min: 1 max: 2 }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GradientTranspose()
    {
        var layer = Layer("num_output: 11 transpose: true weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' min: 1 max: 2 }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GradientWithAxis()
    {
        var layer = Layer("num_output: 3 axis: 2 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void BackwardTransposeEqualsBackwardWithTransposedWeights()
    {
        var plain = Layer("num_output: 10 weight_filler { type: 'constant' value: 1 } bias_filler { type: 'constant' value: 1 }");
        plain.SetUp([_bottom], [_top]);
        Rng.FillUniform(plain.Blobs[0].Data, -1f, 1f);
        plain.Forward([_bottom], [_top]);
        Blob topDiff = LayerTesting.Uniform(_top.Shape.ToArray(), -1f, 1f);
        topDiff.Data.CopyTo(_top.Diff);
        plain.Backward([_top], [true], [_bottom]);
        float[] bottomDiff = _bottom.Diff.ToArray();
        Blob w = plain.Blobs[0];

        var transposed = Layer("num_output: 10 transpose: true");
        var top = new Blob();
        transposed.SetUp([_bottom], [top]);
        Blob wt = transposed.Blobs[0];
        for (int n = 0; n < 10; n++)
            for (int k = 0; k < 60; k++) wt.Data[k * 10 + n] = w.Data[n * 60 + k];
        transposed.Forward([_bottom], [top]);
        topDiff.Data.CopyTo(top.Diff);
        transposed.Backward([top], [true], [_bottom]);
        BlobAssert.AreRelativelyClose(bottomDiff, _bottom.Diff, 1e-6f, "bottom diff");
        for (int n = 0; n < 10; n++)
            for (int k = 0; k < 60; k++)
                Assert.AreEqual(w.Diff[n * 60 + k], wt.Diff[k * 10 + n], 1e-6f, $"weight diff ({n}, {k})");
        BlobAssert.AreRelativelyClose(plain.Blobs[1].Diff, transposed.Blobs[1].Diff, 1e-6f, "bias diff");
    }

    [TestMethod]
    public void BackwardAccumulatesParameterDiffsAndOverwritesBottomDiff() =>
        LayerTesting.CheckBackwardAccumulatesParamDiffs(
            Layer("num_output: 5 weight_filler { type: 'gaussian' } bias_filler { type: 'gaussian' }"), _bottom, _top, 1e-6f);

    [TestMethod]
    public void ReshapeKeepsKAndFollowsTheBatch()
    {
        var layer = Layer("num_output: 4 weight_filler { type: 'gaussian' }");
        layer.SetUp([_bottom], [_top]);
        var bigger = LayerTesting.Gaussian([5, 3, 4, 5]);
        layer.Forward([bigger], [_top]);
        CollectionAssert.AreEqual(new[] { 5, 4 }, _top.Shape.ToArray());
        BlobAssert.AreRelativelyClose(Reference(bigger, 1, layer, false), _top.Data, 1e-5f, "top");
        var e = LayerTesting.Throws(() => layer.Forward([new Blob(2, 3, 4, 6)], [_top]), "set up for K = 60");
        Assert.AreEqual("ip", e.LayerName);
    }

    [TestMethod]
    public void BadParametersNameTheLayer()
    {
        void Fails(string ipParam, string expected, IEnumerable<Blob>? blobs = null)
        {
            var layer = Layer(ipParam);
            if (blobs != null) layer.Blobs.AddRange(blobs);
            var e = Assert.ThrowsExactly<LayerException>(() => layer.SetUp([_bottom], [_top]));
            Assert.AreEqual("ip", e.LayerName);
            Assert.AreEqual("InnerProduct", e.LayerType);
            StringAssert.Contains(e.Message, expected);
        }

        Fails("bias_term: true", "num_output must be positive");
        Fails("num_output: 3 axis: 4", "axis 4 is out of range");
        Fails("num_output: 3 axis: -5", "axis -5 is out of range");
        Fails("num_output: 3", "incorrect number of weight blobs: 1, expected 2", [new Blob(3, 60)]);
        Fails("num_output: 3 bias_term: false", "does not hold num_output x K = 3 x 60", [new Blob(3, 59)]);
        Fails("num_output: 3", "does not hold num_output = 3", [new Blob(3, 60), new Blob(4)]);
        Fails("num_output: 3 weight_filler { type: 'uniform' min: 2 max: 1 }", "weight_filler");
        var twoBottoms = Layer("num_output: 3");
        Assert.ThrowsExactly<LayerException>(() => twoBottoms.SetUp([_bottom, _bottom], [_top]));
    }

    [TestMethod]
    public void CreatedByTheRegistry()
    {
        Layer layer = LayerRegistry.CreateLayer(LayerTesting.Param("name: 'fc' type: 'InnerProduct' inner_product_param { num_output: 2 }"));
        Assert.IsInstanceOfType<InnerProductLayer>(layer);
        Assert.AreEqual("InnerProduct", layer.Type);
    }
}
