namespace Caffe.Tests.Layers;

/// <summary>Caffe's LSTMUnit cases of test_lstm_layer.cpp, plus hand-computed values and the cont gating.</summary>
[TestClass]
public sealed class LSTMUnitLayerTests
{
    private const int NumOutput = 7;
    private const int NumInstances = 3;

    private Blob _cPrev = null!;
    private Blob _x = null!;
    private Blob _cont = null!;
    private Blob _c = null!;
    private Blob _h = null!;

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _cPrev = LayerTesting.Uniform([1, NumInstances, NumOutput], -1, 1);
        _x = LayerTesting.Uniform([1, NumInstances, 4 * NumOutput], -1, 1);
        _cont = new Blob(1, NumInstances);
        _c = new Blob();
        _h = new Blob();
    }

    private static LSTMUnitLayer NewLayer() => new(LayerTesting.Param("name: 'unit' type: 'LSTMUnit'"));

    [TestMethod]
    public void SetUpShapesBothTopsLikeThePreviousCell()
    {
        LSTMUnitLayer layer = NewLayer();
        layer.SetUp([_cPrev, _x, _cont], [_c, _h]);
        CollectionAssert.AreEqual(_cPrev.Shape.ToArray(), _c.Shape.ToArray());
        CollectionAssert.AreEqual(_cPrev.Shape.ToArray(), _h.Shape.ToArray());
        Assert.AreEqual(0, layer.Blobs.Count);
    }

    [TestMethod]
    public void ForwardMatchesTheCellEquations()
    {
        new[] { 1f, 0f, 0.5f }.CopyTo(_cont.Data);
        LSTMUnitLayer layer = NewLayer();
        LayerTesting.SetUpAndForward(layer, [_cPrev, _x, _cont], [_c, _h]);
        for (int n = 0; n < NumInstances; n++)
        {
            for (int d = 0; d < NumOutput; d++)
            {
                double Gate(int k) => _x.Data[n * 4 * NumOutput + k * NumOutput + d];
                double i = Sigmoid(Gate(0)), o = Sigmoid(Gate(2)), g = Math.Tanh(Gate(3));
                double f = _cont.Data[n] * Sigmoid(Gate(1));
                double c = f * _cPrev.Data[n * NumOutput + d] + i * g;
                Assert.AreEqual(c, _c.Data[n * NumOutput + d], 1e-6, $"c[{n},{d}]");
                Assert.AreEqual(o * Math.Tanh(c), _h.Data[n * NumOutput + d], 1e-6, $"h[{n},{d}]");
            }
        }
    }

    [TestMethod]
    public void ASequenceStartIgnoresThePreviousCell()
    {
        LSTMUnitLayer layer = NewLayer();
        LayerTesting.SetUpAndForward(layer, [_cPrev, _x, _cont], [_c, _h]);
        float[] c = _c.Data.ToArray(), h = _h.Data.ToArray();
        // cont = 0 everywhere: the forget gate is exactly 0, so even a huge c_{t-1} leaves no trace.
        _cPrev.Data.Fill(1e6f);
        layer.Forward([_cPrev, _x, _cont], [_c, _h]);
        CollectionAssert.AreEqual(c, _c.Data.ToArray());
        CollectionAssert.AreEqual(h, _h.Data.ToArray());
    }

    [TestMethod]
    public void BackwardGivesNoGradientToThePreviousCellAtASequenceStart()
    {
        new[] { 0f, 1f, 0f }.CopyTo(_cont.Data);
        LSTMUnitLayer layer = NewLayer();
        LayerTesting.SetUpAndForward(layer, [_cPrev, _x, _cont], [_c, _h]);
        _c.Diff.Fill(1);
        _h.Diff.Fill(1);
        layer.Backward([_c, _h], [true, true, false], [_cPrev, _x, _cont]);
        for (int d = 0; d < NumOutput; d++)
        {
            Assert.AreEqual(0f, _cPrev.Diff[d]);
            Assert.AreNotEqual(0f, _cPrev.Diff[NumOutput + d]);
            Assert.AreEqual(0f, _cPrev.Diff[2 * NumOutput + d]);
            // The forget gate input gets no gradient either.
            Assert.AreEqual(0f, _x.Diff[NumOutput + d]);
        }
    }

    // test_lstm_layer.cpp sets these indicators on the LSTM's cont blob, so its unit checks run with cont = 0
    // throughout; here they are set on the unit's own cont, as intended.
    [TestMethod]
    public void Gradient()
    {
        _cont.Data.Fill(0);
        var checker = new GradientChecker(1e-2f, 1e-3f);
        checker.CheckGradientExhaustive(NewLayer(), [_cPrev, _x, _cont], [_c, _h], 0);
        checker.CheckGradientExhaustive(NewLayer(), [_cPrev, _x, _cont], [_c, _h], 1);
    }

    [TestMethod]
    public void GradientNonZeroCont()
    {
        new[] { 1f, 0f, 1f }.CopyTo(_cont.Data);
        var checker = new GradientChecker(1e-2f, 1e-3f);
        checker.CheckGradientExhaustive(NewLayer(), [_cPrev, _x, _cont], [_c, _h], 0);
        checker.CheckGradientExhaustive(NewLayer(), [_cPrev, _x, _cont], [_c, _h], 1);
    }

    [TestMethod]
    public void BackwardToTheIndicatorsIsAnError()
    {
        LSTMUnitLayer layer = NewLayer();
        LayerTesting.SetUpAndForward(layer, [_cPrev, _x, _cont], [_c, _h]);
        LayerTesting.Throws(() => layer.Backward([_c, _h], [true, true, true], [_cPrev, _x, _cont]),
            "'unit'", "continuation indicators");
        Assert.IsFalse(layer.AllowForceBackward(2));
        Assert.IsTrue(layer.AllowForceBackward(1));
    }

    [TestMethod]
    public void GateInputOfTheWrongSizeIsRejected()
    {
        var x = new Blob(1, NumInstances, 3 * NumOutput);
        LayerTesting.Throws(() => NewLayer().SetUp([_cPrev, x, _cont], [_c, _h]), "gate input", "4 x 7");
    }

    [TestMethod]
    public void MismatchedInstancesAreRejected()
    {
        var cont = new Blob(1, NumInstances + 1);
        LayerTesting.Throws(() => NewLayer().SetUp([_cPrev, _x, cont], [_c, _h]), "bottom 2", "1 4");
        var twoSteps = new Blob(2, NumInstances, NumOutput);
        LayerTesting.Throws(() => NewLayer().SetUp([twoSteps, _x, _cont], [_c, _h]), "bottom 0", "one timestep");
    }

    [TestMethod]
    public void RegistryCreatesIt() =>
        Assert.IsInstanceOfType<LSTMUnitLayer>(LayerRegistry.CreateLayer(LayerTesting.Param("type: 'LSTMUnit'")));

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
