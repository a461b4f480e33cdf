namespace Caffe.Tests.Layers;

[TestClass]
public sealed class LRNLayerTests
{
    private const float Epsilon = 1e-5f;
    private Blob _bottom = null!;
    private Blob _top = null!;

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _bottom = LayerTesting.Gaussian([2, 7, 3, 3]);
        _top = new Blob();
    }

    private static bool Within(LRNParameter p) => p.NormRegion == LRNParameter.Types.NormRegion.WithinChannel;

    // The bottom as plain arrays (the references below visit every window of every element).
    private sealed record Input(float[] X, int Num, int Channels, int Height, int Width)
    {
        public static Input Of(Blob blob) => new(blob.Data.ToArray(), blob.Num, blob.Channels, blob.Height, blob.Width);

        public int Index(int n, int c, int h, int w) => ((n * Channels + c) * Height + h) * Width + w;
    }

    // The normalizer of element (n, c, h, w) in double: across channels k + α/n Σ x², within a channel
    // 1 + α/n² Σ x² over the clipped window.
    private static double Denominator(Input b, LRNParameter p, int n, int c, int h, int w)
    {
        int size = (int)p.LocalSize, pre = (size - 1) / 2;
        double sum = 0;
        if (Within(p))
        {
            for (int nh = Math.Max(h - pre, 0); nh < Math.Min(h - pre + size, b.Height); nh++)
            {
                for (int nw = Math.Max(w - pre, 0); nw < Math.Min(w - pre + size, b.Width); nw++)
                {
                    double v = b.X[b.Index(n, c, nh, nw)];
                    sum += v * v;
                }
            }
            return 1 + p.Alpha * sum / (size * size);
        }
        for (int i = Math.Max(c - pre, 0); i < Math.Min(c - pre + size, b.Channels); i++)
        {
            double v = b.X[b.Index(n, i, h, w)];
            sum += v * v;
        }
        return p.K + p.Alpha * sum / size;
    }

    private static double[] ReferenceForward(Blob bottom, LRNParameter p)
    {
        Input b = Input.Of(bottom);
        var top = new double[b.X.Length];
        for (int n = 0; n < b.Num; n++)
            for (int c = 0; c < b.Channels; c++)
                for (int h = 0; h < b.Height; h++)
                    for (int w = 0; w < b.Width; w++)
                    {
                        int i = b.Index(n, c, h, w);
                        top[i] = b.X[i] * Math.Pow(Denominator(b, p, n, c, h, w), -p.Beta);
                    }
        return top;
    }

    // dx_i = dy_i d_i^−β − 2αβ/N x_i Σ_{j whose window holds i} dy_j x_j d_j^(−β−1), N = n (across) or n² (within).
    private static double[] ReferenceBackward(Blob bottom, Blob top, LRNParameter p)
    {
        Input b = Input.Of(bottom);
        float[] topDiff = top.Diff.ToArray();
        int size = (int)p.LocalSize, pre = (size - 1) / 2;
        double norm = Within(p) ? size * size : size;
        var dx = new double[b.X.Length];
        for (int n = 0; n < b.Num; n++)
            for (int c = 0; c < b.Channels; c++)
                for (int h = 0; h < b.Height; h++)
                    for (int w = 0; w < b.Width; w++)
                    {
                        int j = b.Index(n, c, h, w);
                        double d = Denominator(b, p, n, c, h, w);
                        double dy = topDiff[j];
                        dx[j] += dy * Math.Pow(d, -p.Beta);
                        double common = -2 * p.Alpha * p.Beta / norm * dy * b.X[j] * Math.Pow(d, -p.Beta - 1);
                        if (Within(p))
                        {
                            for (int nh = Math.Max(h - pre, 0); nh < Math.Min(h - pre + size, b.Height); nh++)
                                for (int nw = Math.Max(w - pre, 0); nw < Math.Min(w - pre + size, b.Width); nw++)
                                {
                                    int i = b.Index(n, c, nh, nw);
                                    dx[i] += common * b.X[i];
                                }
                        }
                        else
                        {
                            for (int ci = Math.Max(c - pre, 0); ci < Math.Min(c - pre + size, b.Channels); ci++)
                            {
                                int i = b.Index(n, ci, h, w);
                                dx[i] += common * b.X[i];
                            }
                        }
                    }
        return dx;
    }

    private void CheckForward(string prototxt, Blob bottom, float tolerance = Epsilon)
    {
        LayerParameter param = LayerTesting.Param(prototxt);
        var top = new Blob();
        var layer = new LRNLayer(param);
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        double[] expected = ReferenceForward(bottom, param.LrnParam ?? new LRNParameter());
        AssertClose(expected, top.Data, tolerance);
    }

    private static void CheckBackward(string prototxt, Blob bottom)
    {
        LayerParameter param = LayerTesting.Param(prototxt);
        var top = new Blob();
        var layer = new LRNLayer(param);
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        Rng.FillGaussian(top.Diff, 0, 1);
        bottom.Diff.Fill(float.NaN);
        layer.Backward([top], [true], [bottom]);
        double[] expected = ReferenceBackward(bottom, top, param.LrnParam ?? new LRNParameter());
        AssertClose(expected, bottom.Diff, 1e-5);
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance))
                Assert.Fail($"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
        }
    }

    [TestMethod]
    public void SetUpAcrossChannels()
    {
        var layer = new LRNLayer(LayerTesting.Param("type: 'LRN'"));
        layer.SetUp([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 7, 3, 3 }, _top.Shape.ToArray());
    }

    [TestMethod]
    public void ForwardAcrossChannels() => CheckForward("type: 'LRN'", _bottom);

    [TestMethod]
    public void ForwardAcrossChannelsLargeRegion() => CheckForward("lrn_param { local_size: 15 }", _bottom);

    [TestMethod]
    public void ForwardAcrossChannelsNonDefault() =>
        CheckForward("lrn_param { local_size: 3 alpha: 0.5 beta: 0.6 k: 2 }", _bottom);

    [TestMethod]
    public void HandComputedAcrossChannels()
    {
        // One pixel, three channels, local_size 3, α = 3, β = 1, k = 1: s_c = 1 + Σ window x².
        var bottom = LayerTesting.FromValues([1, 3, 1, 1], 1f, 2f, 3f);
        var top = new Blob();
        var layer = new LRNLayer(LayerTesting.Param("lrn_param { local_size: 3 alpha: 3 beta: 1 }"));
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        float[] expected = [1f / 6, 2f / 15, 3f / 14];
        for (int i = 0; i < 3; i++) Assert.AreEqual(expected[i], top.Data[i], 1e-7f);
    }

    [TestMethod]
    public void HandComputedWithinChannel()
    {
        // A 2x2 plane, local_size 3: every window covers the whole plane but is divided by 9 (Caffe's AVE
        // pooling counts the padding). α = 9, β = 1: y = x / (1 + Σ x²) = x / 31.
        var bottom = LayerTesting.FromValues([1, 1, 2, 2], 1f, 2f, 3f, 4f);
        var top = new Blob();
        var layer = new LRNLayer(LayerTesting.Param("lrn_param { norm_region: WITHIN_CHANNEL local_size: 3 alpha: 9 beta: 1 k: 5 }"));
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        for (int i = 0; i < 4; i++) Assert.AreEqual((i + 1) / 31f, top.Data[i], 1e-7f);
    }

    [TestMethod]
    public void BackwardAcrossChannelsMatchesReference() =>
        CheckBackward("lrn_param { local_size: 5 alpha: 0.3 beta: 0.75 k: 1.5 }", _bottom);

    [TestMethod]
    public void GradientAcrossChannels()
    {
        var layer = new LRNLayer(LayerTesting.Param("type: 'LRN'"));
        new GradientChecker(1e-2f, 1e-2f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void GradientAcrossChannelsLargeRegion()
    {
        var layer = new LRNLayer(LayerTesting.Param("lrn_param { local_size: 15 }"));
        new GradientChecker(1e-2f, 1e-2f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void SetUpWithinChannel()
    {
        var layer = new LRNLayer(LayerTesting.Param("lrn_param { norm_region: WITHIN_CHANNEL local_size: 3 }"));
        layer.SetUp([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 7, 3, 3 }, _top.Shape.ToArray());
    }

    [TestMethod]
    public void ForwardWithinChannel() =>
        CheckForward("lrn_param { norm_region: WITHIN_CHANNEL local_size: 3 }", _bottom);

    [TestMethod]
    public void ForwardWithinChannelWindowLargerThanPlane() =>
        CheckForward("lrn_param { norm_region: WITHIN_CHANNEL local_size: 5 alpha: 2 beta: 0.5 }", _bottom);

    [TestMethod]
    public void BackwardWithinChannelMatchesReference() =>
        CheckBackward("lrn_param { norm_region: WITHIN_CHANNEL local_size: 3 alpha: 0.7 beta: 0.6 }", _bottom);

    [TestMethod]
    public void GradientWithinChannel()
    {
        var layer = new LRNLayer(LayerTesting.Param("lrn_param { norm_region: WITHIN_CHANNEL local_size: 3 }"));
        new GradientChecker(1e-2f, 1e-2f).CheckGradientExhaustive(layer, [_bottom], [_top]);
    }

    [TestMethod]
    public void LargeBlobsSplitOverThreadsMatchReference()
    {
        // Several pixel blocks and planes per image, enough work to run in parallel.
        Blob bottom = LayerTesting.Gaussian([2, 16, 48, 48]);
        CheckForward("lrn_param { local_size: 5 alpha: 0.0001 beta: 0.75 }", bottom, 1e-6f);
        CheckBackward("lrn_param { local_size: 5 alpha: 0.5 beta: 0.75 }", bottom);
        CheckForward("lrn_param { norm_region: WITHIN_CHANNEL local_size: 5 alpha: 0.5 }", bottom, 1e-6f);
        CheckBackward("lrn_param { norm_region: WITHIN_CHANNEL local_size: 5 alpha: 0.5 }", bottom);
    }

    [TestMethod]
    public void ReshapeFollowsTheBottom()
    {
        var layer = new LRNLayer(LayerTesting.Param("type: 'LRN'"));
        layer.SetUp([_bottom], [_top]);
        Blob other = LayerTesting.Gaussian([1, 3, 5, 2]);
        layer.Forward([other], [_top]);
        CollectionAssert.AreEqual(new[] { 1, 3, 5, 2 }, _top.Shape.ToArray());
        double[] expected = ReferenceForward(other, new LRNParameter());
        for (int i = 0; i < other.Count; i++) Assert.AreEqual(expected[i], _top.Data[i], Epsilon);
    }

    [TestMethod]
    [DataRow(4u)]
    [DataRow(0u)]
    public void EvenLocalSizeIsRejected(uint size)
    {
        var layer = new LRNLayer(LayerTesting.Param($"name: 'norm1' lrn_param {{ local_size: {size} }}"));
        LayerTesting.Throws(() => layer.SetUp([_bottom], [_top]), "local_size", "norm1");
    }

    [TestMethod]
    public void NonFourAxisBottomIsRejected()
    {
        var layer = new LRNLayer(LayerTesting.Param("name: 'norm1' type: 'LRN'"));
        LayerTesting.Throws(() => layer.SetUp([new Blob(2, 7, 9)], [_top]), "4 axes");
    }

    [TestMethod]
    public void InPlaceIsRejected()
    {
        var layer = new LRNLayer(LayerTesting.Param("name: 'norm1' type: 'LRN'"));
        LayerTesting.Throws(() => layer.SetUp([_bottom], [_bottom]), "in-place");
    }

    [TestMethod]
    public void RegistryCreatesIt() =>
        Assert.IsInstanceOfType<LRNLayer>(LayerRegistry.CreateLayer(LayerTesting.Param("type: 'LRN'")));
}
