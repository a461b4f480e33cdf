namespace Caffe.Tests.Layers;

/// <summary>Caffe's test_spp_layer.cpp, plus hand-computed pyramids (MAX and padded AVE), reshape and bad parameters.</summary>
[TestClass]
public sealed class SPPLayerTests
{
    private Blob _bottom = null!;
    private Blob _top = null!;

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _bottom = LayerTesting.Gaussian([2, 3, 9, 8]);
        _top = new Blob();
    }

    private static SPPLayer NewLayer(string sppParam) =>
        LayerTesting.Create<SPPLayer>($"name: 'spp' type: 'SPP' spp_param {{ {sppParam} }}");

    [TestMethod]
    public void SetUpConcatenatesTheGeometricSumOfBins()
    {
        // (1 + 4 + 16) bins per channel: 3 x 21 = 63.
        NewLayer("pyramid_height: 3").SetUp([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 63 }, _top.Shape.ToArray());
        Assert.AreEqual(1, _top.Height);
        Assert.AreEqual(1, _top.Width);
    }

    [TestMethod]
    public void EqualOutputDims()
    {
        // (1 - 4^5) / (1 - 4) = 341 bins per channel: 3 x 341 = 1023.
        var bottom = new Blob(4, 3, 1024, 765);
        NewLayer("pyramid_height: 5").SetUp([bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 4, 1023 }, _top.Shape.ToArray());
    }

    [TestMethod]
    public void EqualOutputDims2()
    {
        var bottom = new Blob(10, 3, 7, 7);
        NewLayer("pyramid_height: 3").SetUp([bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 10, 63 }, _top.Shape.ToArray());
    }

    [TestMethod]
    public void ForwardBackward()
    {
        SPPLayer layer = NewLayer("pyramid_height: 3");
        LayerTesting.SetUpAndForward(layer, [_bottom], [_top]);
        _top.Diff.Fill(1);
        layer.Backward([_top], [true], [_bottom]);
        // MAX pooling hands each bin's gradient to one input: every level together hands out 21 per channel.
        for (int n = 0; n < 2; n++)
        {
            for (int c = 0; c < 3; c++)
            {
                float sum = 0;
                for (int i = 0; i < 72; i++) sum += _bottom.Diff[(n * 3 + c) * 72 + i];
                Assert.AreEqual(21f, sum, 1e-5f);
            }
        }
    }

    [TestMethod]
    public void MaxPyramidMatchesHandComputedBins()
    {
        var bottom = LayerTesting.FromValues([1, 2, 4, 4],
            1, 2, 3, 4,
            5, 6, 7, 8,
            9, 10, 11, 12,
            13, 14, 15, 16,
            // channel 1: the negated values, so its maxima sit at the other corner of each bin
            -1, -2, -3, -4,
            -5, -6, -7, -8,
            -9, -10, -11, -12,
            -13, -14, -15, -16);
        LayerTesting.SetUpAndForward(NewLayer("pyramid_height: 2"), [bottom], [_top]);
        // Level 0 (one bin per channel), then level 1 (2 x 2 bins per channel), channel-major.
        CollectionAssert.AreEqual(new float[] { 16, -1, 6, 8, 14, 16, -1, -3, -9, -11 }, _top.Data.ToArray());
    }

    [TestMethod]
    public void AveragePyramidPadsOddInputs()
    {
        // 3 x 3 into 2 x 2 bins: kernel 2, stride 2, pad 1; Caffe's average divides by the padded window size.
        var bottom = LayerTesting.FromValues([1, 1, 3, 3], 1, 2, 3, 4, 5, 6, 7, 8, 9);
        LayerTesting.SetUpAndForward(NewLayer("pyramid_height: 2 pool: AVE"), [bottom], [_top]);
        float[] expected = [45f / 9, 1f / 4, (2f + 3) / 4, (4f + 7) / 4, (5f + 6 + 8 + 9) / 4];
        Assert.AreEqual(expected.Length, _top.Count);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], _top.Data[i], 1e-6f, $"bin {i}");
    }

    [TestMethod]
    public void StochasticPyramidAtTestIsTheWeightedAverageOfEachBin()
    {
        // STOCHASTIC pooling runs on the CPU (BVLC has it on the GPU only); at TEST each bin is Σv² / Σv.
        var bottom = LayerTesting.FromValues([1, 1, 4, 4], [.. Enumerable.Range(1, 16).Select(v => (float)v)]);
        SPPLayer layer = LayerTesting.Create<SPPLayer>(
            "name: 'spp' type: 'SPP' phase: TEST spp_param { pyramid_height: 2 pool: STOCHASTIC }");
        LayerTesting.SetUpAndForward(layer, [bottom], [_top]);
        float[] expected = [1496f / 136, 66f / 14, 138f / 22, 546f / 46, 746f / 54];
        Assert.AreEqual(expected.Length, _top.Count);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], _top.Data[i], 1e-5f, $"bin {i}");
    }

    [TestMethod]
    public void StochasticPyramidNeedingPaddingIsRejected()
    {
        // 3 x 3 into 2 x 2 bins needs a padding of 1, which stochastic pooling does not take (as in Caffe).
        SPPLayer layer = NewLayer("pyramid_height: 2 pool: STOCHASTIC");
        LayerTesting.Throws(() => layer.SetUp([new Blob(1, 1, 3, 3)], [_top]), "'spp'", "pyramid level 1", "padding");
    }

    [TestMethod]
    public void OneLevelIsASinglePooling()
    {
        LayerTesting.SetUpAndForward(NewLayer("pyramid_height: 1"), [_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 1, 1 }, _top.Shape.ToArray());
        for (int i = 0; i < 6; i++)
        {
            float max = float.NegativeInfinity;
            for (int j = 0; j < 72; j++) max = MathF.Max(max, _bottom.Data[i * 72 + j]);
            Assert.AreEqual(max, _top.Data[i]);
        }
    }

    [TestMethod]
    public void ReshapeFollowsANewInputSize()
    {
        SPPLayer layer = NewLayer("pyramid_height: 3");
        LayerTesting.SetUpAndForward(layer, [_bottom], [_top]);
        var bigger = LayerTesting.Gaussian([2, 3, 13, 11]);
        layer.Forward([bigger], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 63 }, _top.Shape.ToArray());
        // Level 0 is the global maximum of each channel.
        for (int i = 0; i < 3; i++)
        {
            float max = float.NegativeInfinity;
            for (int j = 0; j < 143; j++) max = MathF.Max(max, bigger.Data[i * 143 + j]);
            Assert.AreEqual(max, _top.Data[i]);
        }
    }

    [TestMethod]
    public void Gradient()
    {
        SPPLayer layer = NewLayer("pyramid_height: 3");
        layer.SetUp([_bottom], [_top]);
        new GradientChecker(1e-4f, 1e-2f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GradientAverage()
    {
        SPPLayer layer = NewLayer("pyramid_height: 3 pool: AVE");
        new GradientChecker(1e-2f, 1e-2f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void MissingPyramidHeightIsRejected() =>
        LayerTesting.Throws(() => NewLayer("pool: MAX").SetUp([_bottom], [_top]), "'spp'", "pyramid_height", "got 0");

    [TestMethod]
    public void NonImageInputIsRejected() =>
        LayerTesting.Throws(() => NewLayer("pyramid_height: 2").SetUp([new Blob(2, 3, 9)], [_top]), "4 axes", "2 3 9");

    [TestMethod]
    public void APyramidTooDeepForTheInputIsRejected()
    {
        // Level 2 of a 2 x 2 input: 4 x 4 bins of kernel 1 would need a padding of 1.
        LayerTesting.Throws(() => NewLayer("pyramid_height: 3").SetUp([new Blob(1, 1, 2, 2)], [_top]),
            "'spp'", "pyramid level 2", "padding");
    }
}
