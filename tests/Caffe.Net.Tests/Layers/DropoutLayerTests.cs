namespace Caffe.Tests.Layers;

[TestClass]
public sealed class DropoutLayerTests
{
    private Blob _bottom = null!;
    private readonly Blob _top = new();

    [TestInitialize]
    public void SetUp() => _bottom = LayerTesting.SeededGaussian();

    private void CheckTrainForward(float ratio, string prototxt)
    {
        var layer = new DropoutLayer(LayerTesting.Param(prototxt));
        Assert.AreEqual(Phase.Train, layer.Phase);
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        float scale = (float)(1.0 / (1.0 - ratio));
        int kept = 0;
        for (int i = 0; i < _bottom.Count; i++)
        {
            if (_top.Data[i] == 0) continue;
            kept++;
            Assert.AreEqual(_bottom.Data[i] * scale, _top.Data[i]);
        }
        // Caffe's test: the dropped fraction within 1.96 standard errors of the ratio.
        double stdError = Math.Sqrt(ratio * (1 - ratio) / _bottom.Count);
        double empirical = 1 - kept / (double)_bottom.Count;
        Assert.AreEqual(ratio, empirical, 1.96 * stdError);
    }

    [TestMethod]
    public void TrainHalfIsTheDefault() => CheckTrainForward(0.5f, "type: 'Dropout'");

    [TestMethod]
    public void TrainThreeQuarters() => CheckTrainForward(0.75f, "dropout_param { dropout_ratio: 0.75 }");

    [TestMethod]
    public void TrainSmallRatio() => CheckTrainForward(0.2f, "dropout_param { dropout_ratio: 0.2 }");

    [TestMethod]
    public void TestPhaseIsTheIdentity()
    {
        var layer = new DropoutLayer(LayerTesting.Param("phase: TEST dropout_param { dropout_ratio: 0.6 }"));
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        CollectionAssert.AreEqual(_bottom.Data.ToArray(), _top.Data.ToArray());
        Rng.FillGaussian(_top.Diff, 0, 1);
        layer.Backward([_top], [true], [_bottom]);
        CollectionAssert.AreEqual(_top.Diff.ToArray(), _bottom.Diff.ToArray());
    }

    [TestMethod]
    public void BackwardUsesTheForwardMask()
    {
        var layer = new DropoutLayer(LayerTesting.Param("dropout_param { dropout_ratio: 0.3 }"));
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        _top.Diff.Fill(1);
        layer.Backward([_top], [true], [_bottom]);
        float scale = (float)(1.0 / 0.7);
        for (int i = 0; i < _bottom.Count; i++)
            Assert.AreEqual(_top.Data[i] == 0 ? 0f : scale, _bottom.Diff[i]);
    }

    [TestMethod]
    public void TrainInPlaceDropsAndScales()
    {
        var original = _bottom.Data.ToArray();
        var layer = new DropoutLayer(LayerTesting.Param("type: 'Dropout'"));
        layer.SetUp([_bottom], [_bottom]);
        layer.Forward([_bottom], [_bottom]);
        int kept = 0;
        for (int i = 0; i < original.Length; i++)
        {
            if (_bottom.Data[i] == 0) continue;
            kept++;
            Assert.AreEqual(original[i] * 2f, _bottom.Data[i]);
        }
        Assert.IsTrue(kept > 0 && kept < original.Length);
    }

    [TestMethod]
    public void SameSeedSameMask()
    {
        var layer = new DropoutLayer(LayerTesting.Param("type: 'Dropout'"));
        layer.SetUp([_bottom], [_top]);
        Rng.SetRandomSeed(42);
        layer.Forward([_bottom], [_top]);
        var first = _top.Data.ToArray();
        Rng.SetRandomSeed(42);
        layer.Forward([_bottom], [_top]);
        CollectionAssert.AreEqual(first, _top.Data.ToArray());
    }

    [TestMethod]
    public void GradientTrain()
    {
        var layer = new DropoutLayer(LayerTesting.Param("phase: TRAIN"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GradientTest()
    {
        var layer = new DropoutLayer(LayerTesting.Param("phase: TEST"));
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(layer, [_bottom], [_top]);
    }

    [TestMethod]
    [DataRow(1f)]
    [DataRow(-0.1f)]
    [DataRow(1.5f)]
    public void RatioOutsideZeroOneIsRejected(float ratio)
    {
        var layer = new DropoutLayer(LayerTesting.Param($"name: 'drop' dropout_param {{ dropout_ratio: {ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)} }}"));
        LayerTesting.Throws(() => layer.SetUp([_bottom], [_top]), "dropout_ratio", "drop");
    }

    [TestMethod]
    public void RegistryCreatesIt() =>
        Assert.IsInstanceOfType<DropoutLayer>(LayerRegistry.CreateLayer(LayerTesting.Param("type: 'Dropout'")));
}
