namespace Caffe.Tests.Layers;

/// <summary>Caffe's test_pooling_layer.cpp (CPU cases), plus Caffe's output-size rule, large inputs and errors.</summary>
[TestClass]
public sealed class PoolingLayerTests
{
    private Blob _bottom = null!;
    private Blob _top = null!;
    private Blob _topMask = null!;

    // MATLAB's magic(6), the input of Caffe's rectangular-kernel cases.
    private static readonly float[] Magic6 =
    [
        35, 1, 6, 26, 19, 24,
        3, 32, 7, 21, 23, 25,
        31, 9, 2, 22, 27, 20,
        8, 28, 33, 17, 10, 15,
        30, 5, 34, 12, 14, 16,
        4, 36, 29, 13, 18, 11,
    ];

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _bottom = LayerTesting.Gaussian([2, 3, 6, 5]);
        _top = new Blob();
        _topMask = new Blob();
    }

    private static PoolingLayer Layer(string poolParam) =>
        new(LayerTesting.Param($"name: 'pool' type: 'Pooling' pooling_param {{ {poolParam} }}"));

    // A num x channels blob with every plane equal to `plane`.
    private static Blob Planes(int num, int channels, int height, int width, float[] plane)
    {
        var blob = new Blob(num, channels, height, width);
        for (int p = 0; p < num * channels; p++) plane.CopyTo(blob.Data.Slice(p * plane.Length, plane.Length));
        return blob;
    }

    private static void AssertPlanes(Blob blob, float[] expected, string what)
    {
        for (int p = 0; p < blob.Num * blob.Channels; p++)
        {
            for (int i = 0; i < expected.Length; i++)
                Assert.AreEqual(expected[i], blob.Data[p * expected.Length + i], 1e-6f, $"{what}: plane {p}, element {i}");
        }
    }

    [TestMethod]
    public void Setup()
    {
        var layer = Layer("kernel_size: 3 stride: 2");
        layer.SetUp([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 3, 2 }, _top.Shape.ToArray());
    }

    [TestMethod]
    public void SetupPadded()
    {
        var layer = Layer("kernel_size: 3 stride: 2 pad: 1 pool: AVE");
        layer.SetUp([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 4, 3 }, _top.Shape.ToArray());
    }

    [TestMethod]
    public void SetupGlobalPooling()
    {
        var layer = Layer("global_pooling: true pool: AVE");
        layer.SetUp([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 1, 1 }, _top.Shape.ToArray());
    }

    [TestMethod]
    public void OutputSizeIsCaffesCeilWithTheLastPaddedWindowDropped()
    {
        // ceil((5 + 2 - 2) / 2) + 1 = 4, but the 4th window would start at 6 = H + pad: 3 x 3.
        var layer = Layer("kernel_size: 2 stride: 2 pad: 1");
        layer.SetUp([new Blob(1, 1, 5, 5)], [_top]);
        CollectionAssert.AreEqual(new[] { 1, 1, 3, 3 }, _top.Shape.ToArray());
        // Without padding the partial last window is kept: ceil((5 - 2) / 2) + 1 = 3.
        layer = Layer("kernel_size: 2 stride: 2");
        layer.SetUp([new Blob(1, 1, 5, 6)], [_top]);
        CollectionAssert.AreEqual(new[] { 1, 1, 3, 3 }, _top.Shape.ToArray());
        // round_mode: FLOOR.
        layer = Layer("kernel_size: 3 stride: 2 round_mode: FLOOR");
        layer.SetUp([_bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 2, 3, 2, 2 }, _top.Shape.ToArray());
    }

    [TestMethod]
    public void ForwardMaxSquareKernel()
    {
        float[] plane = [1, 2, 5, 2, 3, 9, 4, 1, 4, 8, 1, 2, 5, 2, 3];
        foreach (bool withMask in new[] { false, true })
        {
            Blob bottom = Planes(2, 2, 3, 5, plane);
            var layer = Layer("kernel_size: 2 stride: 1 pool: MAX");
            Blob[] tops = withMask ? [_top, _topMask] : [_top];
            layer.SetUp([bottom], tops);
            CollectionAssert.AreEqual(new[] { 2, 2, 2, 4 }, _top.Shape.ToArray());
            layer.Forward([bottom], tops);
            AssertPlanes(_top, [9, 5, 5, 8, 9, 5, 5, 8], "top");
            if (withMask) AssertPlanes(_topMask, [5, 2, 2, 9, 5, 12, 12, 9], "mask");
        }
    }

    [TestMethod]
    public void ForwardMaxRectangularHighKernel()
    {
        Blob bottom = Planes(2, 2, 6, 6, Magic6);
        var layer = Layer("kernel_h: 3 kernel_w: 2 stride: 1 pool: MAX");
        layer.SetUp([bottom], [_top, _topMask]);
        CollectionAssert.AreEqual(new[] { 2, 2, 4, 5 }, _top.Shape.ToArray());
        layer.Forward([bottom], [_top, _topMask]);
        AssertPlanes(_top, [35, 32, 26, 27, 27, 32, 33, 33, 27, 27, 31, 34, 34, 27, 27, 36, 36, 34, 18, 18], "top");
        AssertPlanes(_topMask, [0, 7, 3, 16, 16, 7, 20, 20, 16, 16, 12, 26, 26, 16, 16, 31, 31, 26, 34, 34], "mask");
    }

    [TestMethod]
    public void ForwardMaxRectangularWideKernel()
    {
        Blob bottom = Planes(2, 2, 6, 6, Magic6);
        var layer = Layer("kernel_h: 2 kernel_w: 3 stride: 1 pool: MAX");
        layer.SetUp([bottom], [_top, _topMask]);
        CollectionAssert.AreEqual(new[] { 2, 2, 5, 4 }, _top.Shape.ToArray());
        layer.Forward([bottom], [_top, _topMask]);
        AssertPlanes(_top, [35, 32, 26, 26, 32, 32, 27, 27, 33, 33, 33, 27, 34, 34, 34, 17, 36, 36, 34, 18], "top");
        AssertPlanes(_topMask, [0, 7, 3, 3, 7, 7, 16, 16, 20, 20, 20, 16, 26, 26, 26, 21, 31, 31, 26, 34], "mask");
    }

    [TestMethod]
    public void ForwardMaxPadded()
    {
        Blob bottom = LayerTesting.FromValues([1, 1, 3, 3], 1, 2, 4, 2, 3, 2, 4, 2, 1);
        var layer = Layer("kernel_size: 3 stride: 2 pad: 2 pool: MAX");
        layer.SetUp([bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 1, 1, 3, 3 }, _top.Shape.ToArray());
        layer.Forward([bottom], [_top]);
        AssertPlanes(_top, [1, 4, 4, 4, 4, 4, 4, 4, 1], "top");
    }

    [TestMethod]
    public void ForwardAveCountsThePaddingInTheDivisor()
    {
        var bottom = new Blob(1, 1, 3, 3);
        bottom.Data.Fill(2f);
        var layer = Layer("kernel_size: 3 stride: 1 pad: 1 pool: AVE");
        layer.SetUp([bottom], [_top]);
        layer.Forward([bottom], [_top]);
        AssertPlanes(_top, [8f / 9, 4f / 3, 8f / 9, 4f / 3, 2, 4f / 3, 8f / 9, 4f / 3, 8f / 9], "top");
    }

    [TestMethod]
    public void ForwardAveClipsTheDivisorAtThePaddedEdge()
    {
        // 6 x 6 ones, kernel 3, stride 2, pad 1 -> 4 x 4. Along each axis the windows cover input rows
        // {0,1}, {1,2,3}, {3,4,5}, {5} and have sizes 3, 3, 3, 2 (the last one is clipped at H + pad = 7).
        var bottom = new Blob(1, 1, 6, 6);
        bottom.Data.Fill(1f);
        var layer = Layer("kernel_size: 3 stride: 2 pad: 1 pool: AVE");
        layer.SetUp([bottom], [_top]);
        CollectionAssert.AreEqual(new[] { 1, 1, 4, 4 }, _top.Shape.ToArray());
        layer.Forward([bottom], [_top]);
        float[] inside = [2, 3, 3, 1], size = [3, 3, 3, 2];
        var expected = new float[16];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) expected[i * 4 + j] = inside[i] * inside[j] / (size[i] * size[j]);
        AssertPlanes(_top, expected, "top");
    }

    [TestMethod]
    public void GlobalPoolingReducesEachPlane()
    {
        var max = Layer("global_pooling: true pool: MAX");
        max.SetUp([_bottom], [_top]);
        max.Forward([_bottom], [_top]);
        var ave = Layer("global_pooling: true pool: AVE");
        var aveTop = new Blob();
        ave.SetUp([_bottom], [aveTop]);
        ave.Forward([_bottom], [aveTop]);
        for (int p = 0; p < 6; p++)
        {
            ReadOnlySpan<float> plane = _bottom.Data.Slice(p * 30, 30);
            float expectedMax = float.MinValue, sum = 0;
            foreach (float v in plane)
            {
                expectedMax = MathF.Max(expectedMax, v);
                sum += v;
            }
            Assert.AreEqual(expectedMax, _top.Data[p]);
            Assert.AreEqual(sum / 30, aveTop.Data[p], 1e-6f);
        }
    }

    [TestMethod]
    public void MaxBackwardRoutesToTheArgmaxWithAndWithoutMaskTop()
    {
        float[] plane = [1, 2, 5, 2, 3, 9, 4, 1, 4, 8, 1, 2, 5, 2, 3];
        foreach (bool withMask in new[] { false, true })
        {
            Blob bottom = Planes(1, 2, 3, 5, plane);
            var layer = Layer("kernel_size: 2 stride: 1 pool: MAX");
            Blob[] tops = withMask ? [_top, _topMask] : [_top];
            layer.SetUp([bottom], tops);
            layer.Forward([bottom], tops);
            for (int i = 0; i < _top.Count; i++) _top.Diff[i] = i + 1;
            bottom.Diff.Fill(123f);
            layer.Backward(tops, [true], [bottom]);
            // Argmaxes per plane [5 2 2 9; 5 12 12 9] receive top diffs (1..8, then 9..16).
            for (int c = 0; c < 2; c++)
            {
                float b = c * 8;
                var expected = new float[15];
                expected[5] = (1 + b) + (5 + b);
                expected[2] = (2 + b) + (3 + b);
                expected[9] = (4 + b) + (8 + b);
                expected[12] = (6 + b) + (7 + b);
                CollectionAssert.AreEqual(expected, bottom.Diff.Slice(c * 15, 15).ToArray(), $"channel {c}, mask top {withMask}");
            }
        }
    }

    [TestMethod]
    public void LargeInputsMatchANaiveReference()
    {
        // Big enough to run planes in parallel.
        var bottom = LayerTesting.Gaussian([4, 16, 23, 21]);
        foreach (string method in new[] { "MAX", "AVE" })
        {
            var layer = Layer($"kernel_h: 3 kernel_w: 4 stride_h: 2 stride_w: 3 pad_h: 1 pad_w: 2 pool: {method}");
            layer.SetUp([bottom], [_top]);
            layer.Forward([bottom], [_top]);
            int ph = _top.Height, pw = _top.Width;
            for (int p = 0; p < 64; p++)
            {
                for (int y = 0; y < ph; y++)
                {
                    for (int x = 0; x < pw; x++)
                    {
                        float max = float.MinValue, sum = 0;
                        for (int h = y * 2 - 1; h < y * 2 - 1 + 3; h++)
                        {
                            for (int w = x * 3 - 2; w < x * 3 - 2 + 4; w++)
                            {
                                if (h < 0 || h >= 23 || w < 0 || w >= 21) continue;
                                float v = bottom.Data[p * 23 * 21 + h * 21 + w];
                                max = MathF.Max(max, v);
                                sum += v;
                            }
                        }
                        int hEnd = Math.Min(y * 2 - 1 + 3, 23 + 1), wEnd = Math.Min(x * 3 - 2 + 4, 21 + 2);
                        float size = (hEnd - (y * 2 - 1)) * (wEnd - (x * 3 - 2));
                        float expected = method == "MAX" ? max : sum / size;
                        Assert.AreEqual(expected, _top.Data[(p * ph + y) * pw + x], 1e-5f, $"{method} plane {p} ({y}, {x})");
                    }
                }
            }
        }
    }

    [TestMethod]
    public void MaxPoolingKeepsCaffesScanOrderOnWideRows()
    {
        // Wide rows take the vectorised path; few distinct values make ties common, and NaN and -inf never win.
        var bottom = new Blob(2, 3, 11, 45);
        Span<float> data = bottom.Data;
        for (int i = 0; i < data.Length; i++) data[i] = Rng.Next(5) - 2;
        for (int i = 0; i < data.Length; i += 37) data[i] = float.NaN;
        for (int i = 5; i < data.Length; i += 41) data[i] = float.NegativeInfinity;
        foreach (var (kernel, stride, pad) in new[] { (3, 1, 0), (3, 2, 1), (2, 2, 0), (5, 3, 2), (3, 1, 1), (4, 4, 0) })
        {
            var layer = Layer($"kernel_size: {kernel} stride: {stride} pad: {pad} pool: MAX");
            layer.SetUp([bottom], [_top, _topMask]);
            layer.Forward([bottom], [_top, _topMask]);
            int ph = _top.Height, pw = _top.Width;
            for (int p = 0; p < 6; p++)
            {
                for (int y = 0; y < ph; y++)
                {
                    for (int x = 0; x < pw; x++)
                    {
                        int hStart = y * stride - pad, wStart = x * stride - pad;
                        int hEnd = Math.Min(hStart + kernel, 11), wEnd = Math.Min(wStart + kernel, 45);
                        float max = -float.MaxValue;
                        int argmax = -1;
                        for (int h = Math.Max(hStart, 0); h < hEnd; h++)
                        {
                            for (int w = Math.Max(wStart, 0); w < wEnd; w++)
                            {
                                float v = data[p * 11 * 45 + h * 45 + w];
                                if (v > max)
                                {
                                    max = v;
                                    argmax = h * 45 + w;
                                }
                            }
                        }
                        int at = (p * ph + y) * pw + x;
                        string where = $"kernel {kernel} stride {stride} pad {pad}, plane {p} ({y}, {x})";
                        Assert.AreEqual(max, _top.Data[at], where);
                        Assert.AreEqual(argmax, _topMask.Data[at], where);
                    }
                }
            }
        }
    }

    [TestMethod]
    public void MaxAndAveEqualCaffesLoopsBitForBitOnEveryGeometry()
    {
        // Caffe's scalar loops written out, against the vectorised plane copies: rows narrower and wider than a
        // vector, every stride's phase split (odd padding included), clipped last windows, global pooling; MAX with
        // ties, NaN and -inf (value and argmax, through a mask top and through backward with the internal mask),
        // AVE to the last bit.
        (int H, int W, string Param)[] cases =
        [
            (5, 5, "kernel_size: 2 stride: 2"),
            (13, 13, "kernel_size: 3 stride: 2"),
            (27, 27, "kernel_size: 3 stride: 2"),
            (32, 32, "kernel_size: 3 stride: 2"),
            (16, 16, "kernel_size: 3 stride: 2 pad: 1"),
            (9, 37, "kernel_size: 3 stride: 1 pad: 1"),
            (7, 7, "kernel_size: 3 stride: 1 pad: 1"),
            (12, 33, "kernel_h: 2 kernel_w: 5 stride_h: 1 stride_w: 3 pad_h: 1 pad_w: 2"),
            (10, 50, "kernel_h: 3 kernel_w: 4 stride_h: 2 stride_w: 4 pad_h: 0 pad_w: 3"),
            (11, 40, "kernel_size: 5 stride: 2 pad: 3"),
            (7, 6, "global_pooling: true"),
            (8, 21, "kernel_size: 3 stride: 2 round_mode: FLOOR"),
        ];
        foreach (var (height, width, param) in cases)
        {
            var bottom = new Blob(2, 3, height, width);
            Span<float> data = bottom.Data;
            for (int i = 0; i < data.Length; i++) data[i] = (Rng.Next(7) - 3) * 0.37f;
            for (int i = 3; i < data.Length; i += 29) data[i] = float.NaN;
            for (int i = 11; i < data.Length; i += 31) data[i] = float.NegativeInfinity;
            foreach (string method in new[] { "MAX", "AVE" })
            {
                var layer = Layer($"{param} pool: {method}");
                Blob[] tops = method == "MAX" ? [_top, _topMask] : [_top];
                layer.SetUp([bottom], tops);
                layer.Forward([bottom], tops);
                var (ph, pw) = (_top.Height, _top.Width);
                var reference = CaffePooling(bottom, layer, method, ph, pw);
                for (int i = 0; i < _top.Count; i++)
                {
                    string where = $"{param} {method} {height}x{width}: top {i} of {ph}x{pw} planes";
                    Assert.AreEqual(reference.Top[i], _top.Data[i], where);
                    if (method == "MAX") Assert.AreEqual(reference.Argmax[i], _topMask.Data[i], where);
                }
                if (method == "MAX")
                {
                    // Backward through the internal int mask (one top) routes each top diff to the same argmax.
                    var single = Layer($"{param} pool: MAX");
                    single.SetUp([bottom], [_top]);
                    single.Forward([bottom], [_top]);
                    for (int i = 0; i < _top.Count; i++) _top.Diff[i] = i + 1;
                    single.Backward([_top], [true], [bottom]);
                    var expected = new float[bottom.Count];
                    for (int i = 0; i < _top.Count; i++)
                        if (reference.Argmax[i] >= 0) expected[i / (ph * pw) * height * width + reference.Argmax[i]] += i + 1;
                    CollectionAssert.AreEqual(expected, bottom.Diff.ToArray(), $"{param} MAX backward {height}x{width}");
                }
            }
        }
    }

    // Caffe's pooling_layer.cpp forward loops: windows clipped to the plane, row-major scans, AVE divided by the
    // window clipped to the padded plane.
    private static (float[] Top, int[] Argmax) CaffePooling(Blob bottom, PoolingLayer layer, string method, int ph, int pw)
    {
        PoolingParameter pp = layer.Param.PoolingParam;
        bool global = pp.GlobalPooling;
        int height = bottom.Height, width = bottom.Width;
        int kh = global ? height : (int)(pp.HasKernelSize ? pp.KernelSize : pp.KernelH);
        int kw = global ? width : (int)(pp.HasKernelSize ? pp.KernelSize : pp.KernelW);
        int sh = (int)(pp.HasStrideH ? pp.StrideH : pp.Stride), sw = (int)(pp.HasStrideW ? pp.StrideW : pp.Stride);
        int padH = (int)(pp.HasPadH ? pp.PadH : pp.Pad), padW = (int)(pp.HasPadW ? pp.PadW : pp.Pad);
        var top = new float[bottom.Num * bottom.Channels * ph * pw];
        var argmax = new int[top.Length];
        for (int p = 0; p < bottom.Num * bottom.Channels; p++)
        {
            ReadOnlySpan<float> plane = bottom.Data.Slice(p * height * width, height * width);
            for (int y = 0; y < ph; y++)
            {
                for (int x = 0; x < pw; x++)
                {
                    int hStart = y * sh - padH, wStart = x * sw - padW;
                    int hEnd = Math.Min(hStart + kh, height + padH), wEnd = Math.Min(wStart + kw, width + padW);
                    int poolSize = (hEnd - hStart) * (wEnd - wStart);
                    hStart = Math.Max(hStart, 0);
                    wStart = Math.Max(wStart, 0);
                    hEnd = Math.Min(hEnd, height);
                    wEnd = Math.Min(wEnd, width);
                    float max = -float.MaxValue, sum = 0;
                    int index = -1;
                    for (int h = hStart; h < hEnd; h++)
                    {
                        for (int w = wStart; w < wEnd; w++)
                        {
                            float v = plane[h * width + w];
                            sum += v;
                            if (v > max)
                            {
                                max = v;
                                index = h * width + w;
                            }
                        }
                    }
                    int at = (p * ph + y) * pw + x;
                    top[at] = method == "MAX" ? max : sum / poolSize;
                    argmax[at] = index;
                }
            }
        }
        return (top, argmax);
    }

    [TestMethod]
    public void GradientMax()
    {
        for (int kernelH = 3; kernelH <= 4; kernelH++)
        {
            for (int kernelW = 3; kernelW <= 4; kernelW++)
            {
                var layer = Layer($"kernel_h: {kernelH} kernel_w: {kernelW} stride: 2 pad: 1 pool: MAX");
                new GradientChecker(1e-4f, 1e-2f).CheckGradientExhaustive(layer, [_bottom], [_top]);
            }
        }
    }

    [TestMethod]
    public void GradientMaxTopMask()
    {
        for (int kernelH = 3; kernelH <= 4; kernelH++)
        {
            for (int kernelW = 3; kernelW <= 4; kernelW++)
            {
                var layer = Layer($"kernel_h: {kernelH} kernel_w: {kernelW} stride: 2 pool: MAX");
                new GradientChecker(1e-4f, 1e-2f).CheckGradientExhaustive(layer, [_bottom], [_top, _topMask]);
            }
        }
    }

    [TestMethod]
    public void GradientAve()
    {
        for (int kernelH = 3; kernelH <= 4; kernelH++)
        {
            for (int kernelW = 3; kernelW <= 4; kernelW++)
            {
                var layer = Layer($"kernel_h: {kernelH} kernel_w: {kernelW} stride: 2 pool: AVE");
                new GradientChecker(1e-2f, 1e-2f).CheckGradientExhaustive(layer, [_bottom], [_top]);
            }
        }
    }

    [TestMethod]
    public void GradientAvePadded()
    {
        for (int kernelH = 3; kernelH <= 4; kernelH++)
        {
            for (int kernelW = 3; kernelW <= 4; kernelW++)
            {
                var layer = Layer($"kernel_h: {kernelH} kernel_w: {kernelW} stride: 2 pad: 2 pool: AVE");
                new GradientChecker(1e-2f, 1e-2f).CheckGradientExhaustive(layer, [_bottom], [_top]);
            }
        }
    }

    // test_stochastic_pooling.cpp: bottom 2x3x6x5 uniform in [0.1, 1], kernel 3, stride 2.
    private static (PoolingLayer Layer, Blob Bottom, Blob Top) Stochastic(Phase phase)
    {
        Rng.SetRandomSeed(1701);
        LayerParameter param = LayerTesting.Param("name: 'pool' type: 'Pooling' pooling_param { kernel_size: 3 stride: 2 pool: STOCHASTIC }");
        param.Phase = phase;
        var layer = new PoolingLayer(param);
        Blob bottom = LayerTesting.Uniform([2, 3, 6, 5], 0.1f, 1f), top = new();
        layer.SetUp([bottom], [top]);
        return (layer, bottom, top);
    }

    [TestMethod]
    public void StochasticSetupShapesLikeMax()
    {
        (_, _, Blob top) = Stochastic(Phase.Train);
        CollectionAssert.AreEqual(new[] { 2, 3, 3, 2 }, top.Shape.ToArray());
    }

    [TestMethod]
    public void StochasticTrainPicksAnElementOfEachWindow()
    {
        (PoolingLayer layer, Blob bottom, Blob top) = Stochastic(Phase.Train);
        layer.Forward([bottom], [top]);
        for (int plane = 0; plane < 6; plane++)
        {
            for (int ph = 0; ph < 3; ph++)
            {
                for (int pw = 0; pw < 2; pw++)
                {
                    float value = top.Data[(plane * 3 + ph) * 2 + pw];
                    Assert.IsTrue(value >= 0.1f);
                    bool found = false;
                    for (int h = ph * 2; h < Math.Min(ph * 2 + 3, 6); h++)
                        for (int w = pw * 2; w < Math.Min(pw * 2 + 3, 5); w++)
                            found |= bottom.Data[(plane * 6 + h) * 5 + w] == value;
                    Assert.IsTrue(found, $"output {value} at plane {plane} ({ph}, {pw}) is not in its window");
                }
            }
        }
    }

    [TestMethod]
    public void StochasticTrainSamplesInProportionToTheValues()
    {
        // One window [1, 3]: the second element must come out about 3/4 of the time.
        LayerParameter param = LayerTesting.Param("type: 'Pooling' pooling_param { kernel_h: 1 kernel_w: 2 stride: 2 pool: STOCHASTIC }");
        param.Phase = Phase.Train;
        var layer = new PoolingLayer(param);
        Blob bottom = LayerTesting.FromValues([1, 1, 1, 2], 1f, 3f), top = new();
        layer.SetUp([bottom], [top]);
        Rng.SetRandomSeed(7);
        int threes = 0;
        for (int i = 0; i < 4000; i++)
        {
            layer.Forward([bottom], [top]);
            if (top.Data[0] == 3f) threes++;
        }
        Assert.AreEqual(0.75, threes / 4000.0, 0.03);
    }

    [TestMethod]
    public void StochasticTestIsTheProbabilityWeightedAverage()
    {
        (PoolingLayer layer, Blob bottom, Blob top) = Stochastic(Phase.Test);
        layer.Forward([bottom], [top]);
        for (int plane = 0; plane < 6; plane++)
        {
            for (int ph = 0; ph < 3; ph++)
            {
                for (int pw = 0; pw < 2; pw++)
                {
                    double sum = 0, squares = 0, max = 0;
                    for (int h = ph * 2; h < Math.Min(ph * 2 + 3, 6); h++)
                    {
                        for (int w = pw * 2; w < Math.Min(pw * 2 + 3, 5); w++)
                        {
                            float v = bottom.Data[(plane * 6 + h) * 5 + w];
                            (sum, squares, max) = (sum + v, squares + v * v, Math.Max(max, v));
                        }
                    }
                    float value = top.Data[(plane * 3 + ph) * 2 + pw];
                    Assert.AreEqual(squares / sum, value, 1e-5);
                    Assert.IsTrue(value <= max + 1e-6);
                }
            }
        }
    }

    [TestMethod]
    public void StochasticTrainGradient()
    {
        (PoolingLayer layer, Blob bottom, Blob top) = Stochastic(Phase.Train);
        new GradientChecker(1e-4f, 1e-2f).CheckGradient(layer, [bottom], [top]);
    }

    [TestMethod]
    public void StochasticTestGradient()
    {
        (PoolingLayer layer, Blob bottom, Blob top) = Stochastic(Phase.Test);
        new GradientChecker(1e-3f, 1e-2f).CheckGradientExhaustive(layer, [bottom], [top]);
    }

    [TestMethod]
    public void StochasticRejectsPadding()
    {
        LayerTesting.Throws(() => Layer("kernel_size: 3 stride: 2 pad: 1 pool: STOCHASTIC").SetUp([_bottom], [_top]),
            "padding is implemented only for average and max pooling");
    }

    [TestMethod]
    public void ReshapeFollowsTheBottom()
    {
        var layer = Layer("kernel_size: 3 stride: 2 pool: MAX");
        layer.SetUp([_bottom], [_top]);
        layer.Forward([_bottom], [_top]);
        var bigger = LayerTesting.Gaussian([3, 2, 9, 9]);
        layer.Forward([bigger], [_top]);
        CollectionAssert.AreEqual(new[] { 3, 2, 4, 4 }, _top.Shape.ToArray());
        float firstWindow = float.MinValue;
        for (int h = 0; h < 3; h++)
            for (int w = 0; w < 3; w++) firstWindow = MathF.Max(firstWindow, bigger.Data[h * 9 + w]);
        Assert.AreEqual(firstWindow, _top.Data[0]);
    }

    [TestMethod]
    public void BadParametersNameTheLayer()
    {
        void Fails(string poolParam, string expected, Blob? bottom = null, int tops = 1)
        {
            var layer = Layer(poolParam);
            Blob[] topBlobs = Enumerable.Range(0, tops).Select(_ => new Blob()).ToArray();
            var e = Assert.ThrowsExactly<LayerException>(() => layer.SetUp([bottom ?? _bottom], topBlobs));
            Assert.AreEqual("pool", e.LayerName);
            Assert.AreEqual("Pooling", e.LayerType);
            StringAssert.Contains(e.Message, expected);
        }

        Fails("stride: 2", "for non-square filters both kernel_h and kernel_w are required");
        Fails("kernel_h: 2", "for non-square filters both kernel_h and kernel_w are required");
        Fails("kernel_size: 2 kernel_h: 2 kernel_w: 2", "not both");
        Fails("kernel_size: 0", "filter dimensions cannot be zero");
        Fails("global_pooling: true kernel_size: 2", "filter size cannot be specified");
        Fails("global_pooling: true stride: 2", "only pad = 0 and stride = 1");
        Fails("kernel_size: 3 pad: 1 pad_h: 1 pad_w: 1", "pad is pad OR pad_h and pad_w");
        Fails("kernel_size: 3 pad_h: 1", "pad is pad OR pad_h and pad_w");
        Fails("kernel_size: 3 stride_w: 2", "stride is stride OR stride_h and stride_w");
        Fails("kernel_size: 3 stride: 0", "stride dimensions must be positive");
        Fails("kernel_size: 3 pad: 3", "must be smaller than the kernel");
        Fails("kernel_size: 3 pad: 1 pool: STOCHASTIC", "padding is implemented only for average and max pooling");
        Fails("kernel_size: 7", "larger than the padded input height");
        Fails("kernel_size: 2", "input must have 4 axes", new Blob(2, 3, 4));
        Fails("kernel_size: 2 pool: AVE", "at most 1 top", tops: 2);
        Fails("kernel_size: 2 pool: MAX", "at most 2 top", tops: 3);
    }

    [TestMethod]
    public void CreatedByTheRegistry()
    {
        Layer layer = LayerRegistry.CreateLayer(LayerTesting.Param("name: 'p' type: 'Pooling' pooling_param { kernel_size: 2 }"));
        Assert.IsInstanceOfType<PoolingLayer>(layer);
        Assert.AreEqual("Pooling", layer.Type);
    }
}
