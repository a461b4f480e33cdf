namespace Caffe.Tests.Layers;

[TestClass]
public sealed class BatchNormLayerTests
{
    private Blob _bottom = null!;
    private Blob _top = null!;

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _bottom = LayerTesting.Gaussian([5, 2, 3, 4]);
        _top = new Blob();
    }

    private static void CheckNormalized(Blob blob)
    {
        for (int c = 0; c < blob.Channels; c++)
        {
            double sum = 0, squares = 0;
            for (int n = 0; n < blob.Num; n++)
                for (int h = 0; h < blob.Height; h++)
                    for (int w = 0; w < blob.Width; w++)
                    {
                        double v = blob.DataAt(n, c, h, w);
                        sum += v;
                        squares += v * v;
                    }
            int m = blob.Num * blob.Height * blob.Width;
            Assert.AreEqual(0, sum / m, 1e-3, "mean");
            Assert.AreEqual(1, squares / m, 1e-3, "variance");
        }
    }

    // Per-channel mean and biased variance of a 4-D blob, in double.
    private static (double[] Mean, double[] Variance) Statistics(float[] data, int num, int channels, int spatial)
    {
        var mean = new double[channels];
        var variance = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            for (int n = 0; n < num; n++)
                for (int s = 0; s < spatial; s++) mean[c] += data[(n * channels + c) * spatial + s];
            mean[c] /= num * spatial;
            for (int n = 0; n < num; n++)
                for (int s = 0; s < spatial; s++) variance[c] += Math.Pow(data[(n * channels + c) * spatial + s] - mean[c], 2);
            variance[c] /= num * spatial;
        }
        return (mean, variance);
    }

    [TestMethod]
    public void ForwardNormalizesEachChannel()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("type: 'BatchNorm'"));
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        CheckNormalized(_top);
    }

    [TestMethod]
    public void ForwardInPlace()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("type: 'BatchNorm'"));
        layer.SetUp([_bottom], [_bottom]);
        layer.Forward([_bottom], [_bottom]);
        CheckNormalized(_bottom);
    }

    [TestMethod]
    public void BlobsAreStatisticsWithZeroLearningRate()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("type: 'BatchNorm'"));
        layer.SetUp([_bottom], [_top]);
        Assert.HasCount(3, layer.Blobs);
        CollectionAssert.AreEqual(new[] { 2 }, layer.Blobs[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 2 }, layer.Blobs[1].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 1 }, layer.Blobs[2].Shape.ToArray());
        Assert.IsTrue(layer.Blobs.All(b => b.Data.ToArray().All(v => v == 0)));
        Assert.HasCount(3, layer.Param.Param);
        Assert.IsTrue(layer.Param.Param.All(s => s.HasLrMult && s.LrMult == 0));
    }

    [TestMethod]
    public void TrainForwardUpdatesRunningAverages()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("batch_norm_param { moving_average_fraction: 0.9 }"));
        layer.SetUp([_bottom], [_top]);
        var (mean, variance) = Statistics(_bottom.Data.ToArray(), 5, 2, 12);
        const int m = 5 * 12;
        layer.Forward([_bottom], [_top]);
        Assert.AreEqual(1f, layer.Blobs[2].Data[0]);
        for (int c = 0; c < 2; c++)
        {
            Assert.AreEqual(mean[c], layer.Blobs[0].Data[c], 1e-5);
            Assert.AreEqual(variance[c] * m / (m - 1), layer.Blobs[1].Data[c], 1e-5);
        }
        layer.Forward([_bottom], [_top]);
        Assert.AreEqual(1.9f, layer.Blobs[2].Data[0], 1e-6f);
        for (int c = 0; c < 2; c++)
        {
            Assert.AreEqual(1.9 * mean[c], layer.Blobs[0].Data[c], 1e-5);
            Assert.AreEqual(1.9 * variance[c] * m / (m - 1), layer.Blobs[1].Data[c], 1e-5);
        }
    }

    [TestMethod]
    public void GlobalStatisticsAreDividedByTheScaleFactor()
    {
        // Stored sums: mean (2, −4), variance (8, 0.5), factor 2 → mean (1, −2), variance (4, 0.25).
        var layer = new BatchNormLayer(LayerTesting.Param("batch_norm_param { use_global_stats: true eps: 0 }"));
        var bottom = LayerTesting.FromValues([2, 2, 1, 1], 3f, -2f, -1f, -1f);
        var top = new Blob();
        layer.SetUp([bottom], [top]);
        new[] { 2f, -4f }.CopyTo(layer.Blobs[0].Data);
        new[] { 8f, 0.5f }.CopyTo(layer.Blobs[1].Data);
        layer.Blobs[2].Data[0] = 2;
        layer.Forward([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 1f, 0f, -1f, 2f }, top.Data.ToArray());
        // The statistics are not touched.
        CollectionAssert.AreEqual(new[] { 2f, -4f }, layer.Blobs[0].Data.ToArray());
        Assert.AreEqual(2f, layer.Blobs[2].Data[0]);

        new[] { 1f, 1f, 2f, 2f }.CopyTo(top.Diff);
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { 0.5f, 2f, 1f, 4f }, bottom.Diff.ToArray());
    }

    [TestMethod]
    public void ZeroScaleFactorMeansZeroStatistics()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("phase: TEST batch_norm_param { eps: 0.25 }"));
        var bottom = LayerTesting.FromValues([1, 2], 1f, -3f);
        var top = new Blob();
        layer.SetUp([bottom], [top]);
        new[] { 5f, 5f }.CopyTo(layer.Blobs[0].Data);
        layer.Forward([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 2f, -6f }, top.Data.ToArray());
    }

    [TestMethod]
    public void TestPhaseUsesGlobalStatisticsByDefault()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("phase: TEST"));
        layer.SetUp([_bottom], [_top]);
        layer.Blobs[1].Data.Fill(1);
        layer.Blobs[2].Data[0] = 1;
        layer.Forward([_bottom], [_top]);
        float scale = 1 / MathF.Sqrt(1 + 1e-5f);
        for (int i = 0; i < _bottom.Count; i++) Assert.AreEqual(_bottom.Data[i] * scale, _top.Data[i], 1e-6f);
        Assert.AreEqual(1f, layer.Blobs[2].Data[0]);
    }

    [TestMethod]
    public void TrainWithGlobalStatisticsWhenAsked()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("phase: TRAIN batch_norm_param { use_global_stats: true }"));
        layer.SetUp([_bottom], [_top]);
        layer.Blobs[2].Data[0] = 1;
        layer.Blobs[1].Data.Fill(4);
        layer.Forward([_bottom], [_top]);
        for (int i = 0; i < _bottom.Count; i++) Assert.AreEqual(_bottom.Data[i] / MathF.Sqrt(4 + 1e-5f), _top.Data[i], 1e-6f);
    }

    [TestMethod]
    public void TwoAxisInputNormalizesColumns()
    {
        var bottom = LayerTesting.FromValues([4, 2], 1f, 10f, 2f, 20f, 3f, 30f, 4f, 40f);
        var top = new Blob();
        var layer = new BatchNormLayer(LayerTesting.Param("batch_norm_param { eps: 0 }"));
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        float s = MathF.Sqrt(1.25f);
        float[] expected = [-1.5f / s, -1.5f / s, -0.5f / s, -0.5f / s, 0.5f / s, 0.5f / s, 1.5f / s, 1.5f / s];
        for (int i = 0; i < 8; i++) Assert.AreEqual(expected[i], top.Data[i], 1e-6f);
        Assert.AreEqual(2.5f, layer.Blobs[0].Data[0], 1e-6f);
        Assert.AreEqual(1.25f * 4 / 3, layer.Blobs[1].Data[0], 1e-6f);
    }

    [TestMethod]
    public void BackwardInPlaceMatchesSeparateTop() =>
        LayerTesting.CheckInPlaceMatchesSeparateTop(() => new BatchNormLayer(LayerTesting.Param("type: 'BatchNorm'")), _bottom);

    [TestMethod]
    public void LargeBlobSplitOverThreads()
    {
        Blob bottom = LayerTesting.Gaussian([4, 8, 48, 48], 3f, 2f);
        var top = new Blob();
        var layer = new BatchNormLayer(LayerTesting.Param("type: 'BatchNorm'"));
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        CheckNormalized(top);
        var (mean, _) = Statistics(bottom.Data.ToArray(), 4, 8, 48 * 48);
        for (int c = 0; c < 8; c++) Assert.AreEqual(mean[c], layer.Blobs[0].Data[c], 1e-4);
    }

    [TestMethod]
    public void Gradient()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("type: 'BatchNorm'"));
        new GradientChecker(1e-2f, 1e-4f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void BackwardWithGlobalStatisticsDividesByTheStoredDeviation()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("batch_norm_param { use_global_stats: true }"));
        layer.SetUp([_bottom], [_top]);
        new[] { 0.5f, -1f }.CopyTo(layer.Blobs[0].Data);
        new[] { 6f, 1.5f }.CopyTo(layer.Blobs[1].Data);
        layer.Blobs[2].Data[0] = 3;
        layer.Forward([_bottom], [_top]);
        Rng.FillGaussian(_top.Diff, 0, 1);
        layer.Backward([_top], [true], [_bottom]);
        float[] std = [MathF.Sqrt(2 + 1e-5f), MathF.Sqrt(0.5f + 1e-5f)];
        for (int i = 0; i < _bottom.Count; i++)
            Assert.AreEqual(_top.Diff[i] / std[i / 12 % 2], _bottom.Diff[i], 1e-6f);
        // No gradient reaches the statistics.
        Assert.IsTrue(layer.Blobs.All(b => b.Diff.ToArray().All(v => v == 0)));
    }

    [TestMethod]
    public void NonZeroLearningRateIsRejected()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("name: 'bn' type: 'BatchNorm' param { lr_mult: 0 } param { lr_mult: 1 }"));
        LayerTesting.Throws(() => layer.SetUp([_bottom], [_top]), "lr_mult", "bn");
    }

    [TestMethod]
    public void ExplicitZeroLearningRatesAreKept()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("param { lr_mult: 0 } param { lr_mult: 0 } param { lr_mult: 0 }"));
        layer.SetUp([_bottom], [_top]);
        Assert.HasCount(3, layer.Param.Param);
    }

    [TestMethod]
    public void LoadedStatisticsOfWrongSizeAreRejected()
    {
        var layer = new BatchNormLayer(LayerTesting.Param(
            "name: 'bn' type: 'BatchNorm' blobs { shape { dim: 3 } data: [0, 0, 0] } blobs { shape { dim: 3 } data: [1, 1, 1] } blobs { shape { dim: 1 } data: 1 }"));
        LayerTesting.Throws(() => layer.SetUp([_bottom], [_top]), "mean [2]");
    }

    [TestMethod]
    public void ChannelChangeIsRejected()
    {
        var layer = new BatchNormLayer(LayerTesting.Param("name: 'bn' type: 'BatchNorm'"));
        layer.SetUp([_bottom], [_top]);
        LayerTesting.Throws(() => layer.Forward([new Blob(5, 3, 3, 4)], [_top]), "3 channels");
    }

    [TestMethod]
    public void RegistryCreatesIt() =>
        Assert.IsInstanceOfType<BatchNormLayer>(LayerRegistry.CreateLayer(LayerTesting.Param("type: 'BatchNorm'")));
}
