namespace Caffe.Tests;

/// <summary>im2col / col2im against loops written from Caffe's definition, N-D against 2-D, and adjointness.</summary>
[TestClass]
public sealed class Im2ColTests
{
    // channels, height, width, kernelH, kernelW, padH, padW, strideH, strideW, dilationH, dilationW
    private static readonly int[][] Cases =
    [
        [1, 5, 5, 3, 3, 0, 0, 1, 1, 1, 1],
        [3, 7, 9, 3, 2, 1, 2, 2, 1, 1, 2],
        [2, 10, 8, 5, 3, 2, 1, 3, 2, 2, 1],
        [4, 6, 6, 1, 1, 0, 0, 1, 1, 1, 1],
        [2, 4, 5, 7, 7, 3, 3, 1, 1, 1, 1],     // kernel larger than the image, covered by padding
        [1, 3, 3, 3, 3, 0, 0, 1, 1, 2, 2],     // dilated kernel does not fit: no output
        [2, 9, 11, 3, 3, 4, 5, 4, 3, 1, 1],    // padding larger than the kernel
        [8, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1],   // large enough for the parallel path
        [3, 13, 17, 4, 2, 2, 0, 3, 5, 3, 2],
        [1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1],
        [1, 1, 1, 7, 7, 3, 3, 1, 1, 1, 1],     // most taps see only padding
        [2, 3, 2, 5, 5, 4, 4, 3, 3, 1, 1],     // ... also with stride
        [1, 2, 9, 1, 3, 0, 0, 1, 4, 1, 3],     // stride and dilation along the width only
        // Few planes with enough work to be cut into bands of rows run in parallel: CaffeNet's conv1 (11 x 11,
        // stride 4), GoogLeNet's (7 x 7, stride 2, pad 3), and a dilated one with odd padding.
        [3, 99, 99, 11, 11, 0, 0, 4, 4, 1, 1],
        [2, 120, 130, 7, 7, 3, 3, 2, 2, 1, 1],
        [1, 64, 70, 3, 3, 1, 3, 2, 2, 2, 2],
    ];

    [TestMethod]
    public void Im2ColMatchesCaffeDefinition()
    {
        var rng = new Random(21);
        foreach (int[] p in Cases)
        {
            float[] data = BlasBackendTests.Random(rng, p[0] * p[1] * p[2]);
            float[] expected = ReferenceIm2Col(data, p);
            float[] col = BlasBackendTests.Filled(expected.Length + 5, float.NaN);
            Im2Col.Im2ColCpu(data, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], col);
            CollectionAssert.AreEqual(expected, col[..expected.Length], $"im2col [{string.Join(", ", p)}]");
            Assert.IsTrue(col[expected.Length..].All(float.IsNaN), "nothing written past the column buffer");
        }
    }

    [TestMethod]
    public void Col2ImMatchesCaffeDefinition()
    {
        var rng = new Random(22);
        foreach (int[] p in Cases)
        {
            var (outH, outW) = OutputSize(p);
            float[] col = BlasBackendTests.Random(rng, p[0] * p[3] * p[4] * outH * outW);
            float[] expected = ReferenceCol2Im(col, p);
            float[] data = BlasBackendTests.Filled(expected.Length, float.NaN); // zeroed first, as Caffe
            Im2Col.Col2ImCpu(col, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], data);
            for (int i = 0; i < expected.Length; i++)
                Assert.AreEqual(expected[i], data[i], $"col2im [{string.Join(", ", p)}] element {i}");
        }
    }

    [TestMethod]
    public void Col2ImIsTheAdjointOfIm2Col()
    {
        var rng = new Random(23);
        foreach (int[] p in Cases)
        {
            var (outH, outW) = OutputSize(p);
            float[] x = BlasBackendTests.Random(rng, p[0] * p[1] * p[2]);
            float[] y = BlasBackendTests.Random(rng, p[0] * p[3] * p[4] * outH * outW);
            float[] colX = new float[y.Length], imY = new float[x.Length];
            Im2Col.Im2ColCpu(x, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], colX);
            Im2Col.Col2ImCpu(y, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], imY);
            double left = 0, right = 0, scale = 1e-9;
            for (int i = 0; i < y.Length; i++) left += colX[i] * (double)y[i];
            for (int i = 0; i < x.Length; i++) right += x[i] * (double)imY[i];
            for (int i = 0; i < y.Length; i++) scale += Math.Abs(colX[i] * (double)y[i]);
            Assert.AreEqual(left, right, 1e-5 * scale, $"<im2col(x), y> != <x, col2im(y)> for [{string.Join(", ", p)}]");
        }
    }

    [TestMethod]
    public void NdWithTwoAxesEqualsTwoD()
    {
        var rng = new Random(24);
        foreach (int[] p in Cases)
        {
            var (outH, outW) = OutputSize(p);
            int[] imShape = [p[0], p[1], p[2]], colShape = [p[0] * p[3] * p[4], outH, outW];
            int[] kernel = [p[3], p[4]], pad = [p[5], p[6]], stride = [p[7], p[8]], dilation = [p[9], p[10]];
            float[] data = BlasBackendTests.Random(rng, p[0] * p[1] * p[2]);
            float[] col2d = new float[colShape[0] * outH * outW], colNd = BlasBackendTests.Filled(col2d.Length, float.NaN);
            Im2Col.Im2ColCpu(data, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], col2d);
            Im2Col.Im2ColNdCpu(data, 2, imShape, colShape, kernel, pad, stride, dilation, colNd);
            CollectionAssert.AreEqual(col2d, colNd, $"im2col_nd [{string.Join(", ", p)}]");

            float[] col = BlasBackendTests.Random(rng, col2d.Length);
            float[] im2d = new float[data.Length], imNd = BlasBackendTests.Filled(data.Length, float.NaN);
            Im2Col.Col2ImCpu(col, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], im2d);
            Im2Col.Col2ImNdCpu(col, 2, imShape, colShape, kernel, pad, stride, dilation, imNd);
            for (int i = 0; i < im2d.Length; i++)
                Assert.AreEqual(im2d[i], imNd[i], 1e-5f, $"col2im_nd [{string.Join(", ", p)}] element {i}");
        }
    }

    [TestMethod]
    public void ThreeDimensionalMatchesDefinitionAndIsAdjoint()
    {
        const int channels = 2;
        int[] im = [5, 6, 7], kernel = [3, 2, 3], pad = [1, 0, 2], stride = [2, 1, 3], dilation = [1, 2, 1];
        int[] outShape = new int[3];
        for (int i = 0; i < 3; i++) outShape[i] = (im[i] + 2 * pad[i] - (dilation[i] * (kernel[i] - 1) + 1)) / stride[i] + 1;
        int kernelSize = kernel[0] * kernel[1] * kernel[2], outSize = outShape[0] * outShape[1] * outShape[2];
        int[] imShape = [channels, .. im], colShape = [channels * kernelSize, .. outShape];
        var rng = new Random(25);
        float[] data = BlasBackendTests.Random(rng, channels * im[0] * im[1] * im[2]);
        float[] col = new float[channels * kernelSize * outSize];
        Im2Col.Im2ColNdCpu(data, 3, imShape, colShape, kernel, pad, stride, dilation, col);

        for (int c = 0; c < channels; c++)
        for (int kd = 0; kd < kernel[0]; kd++)
        for (int kh = 0; kh < kernel[1]; kh++)
        for (int kw = 0; kw < kernel[2]; kw++)
        for (int od = 0; od < outShape[0]; od++)
        for (int oh = 0; oh < outShape[1]; oh++)
        for (int ow = 0; ow < outShape[2]; ow++)
        {
            int d = od * stride[0] - pad[0] + kd * dilation[0];
            int h = oh * stride[1] - pad[1] + kh * dilation[1];
            int w = ow * stride[2] - pad[2] + kw * dilation[2];
            bool inside = d >= 0 && d < im[0] && h >= 0 && h < im[1] && w >= 0 && w < im[2];
            float expected = inside ? data[((c * im[0] + d) * im[1] + h) * im[2] + w] : 0f;
            int row = ((c * kernel[0] + kd) * kernel[1] + kh) * kernel[2] + kw;
            int at = row * outSize + (od * outShape[1] + oh) * outShape[2] + ow;
            Assert.AreEqual(expected, col[at], $"3-D im2col at c={c} k=({kd},{kh},{kw}) out=({od},{oh},{ow})");
        }

        float[] y = BlasBackendTests.Random(rng, col.Length), back = new float[data.Length];
        Im2Col.Col2ImNdCpu(y, 3, imShape, colShape, kernel, pad, stride, dilation, back);
        double left = 0, right = 0;
        for (int i = 0; i < y.Length; i++) left += col[i] * (double)y[i];
        for (int i = 0; i < data.Length; i++) right += data[i] * (double)back[i];
        Assert.AreEqual(left, right, 1e-4);
    }

    [TestMethod]
    public void BadArgumentsAreRejectedWithTheGeometry()
    {
        float[] data = new float[2 * 5 * 5], col = new float[2 * 9 * 9];
        var e = Assert.ThrowsExactly<ArgumentException>(() => Im2Col.Im2ColCpu(data, 2, 5, 5, 3, 3, 0, 0, 1, 1, 1, 1, new float[161]));
        StringAssert.Contains(e.Message, "column buffer (18 x 9) needs 162 elements but the span holds 161");
        StringAssert.Contains(e.Message, "kernel=3x3");
        e = Assert.ThrowsExactly<ArgumentException>(() => Im2Col.Col2ImCpu(col, 2, 5, 5, 3, 3, 0, 0, 1, 1, 1, 1, new float[49]));
        StringAssert.Contains(e.Message, "image needs 50 elements but the span holds 49");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Im2Col.Im2ColCpu(data, 2, 5, 5, 3, 3, 0, 0, 0, 1, 1, 1, col));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Im2Col.Im2ColCpu(data, 2, 5, 5, 3, 3, -1, 0, 1, 1, 1, 1, col));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Im2Col.Im2ColCpu(data, 2, 5, 5, 3, 0, 0, 0, 1, 1, 1, 1, col));
        e = Assert.ThrowsExactly<ArgumentException>(() =>
            Im2Col.Im2ColNdCpu(data, 2, [2, 5, 5], [17, 3, 3], [3, 3], [0, 0], [1, 1], [1, 1], col));
        StringAssert.Contains(e.Message, "colShape[0] must be channels x kernel size = 18");
        e = Assert.ThrowsExactly<ArgumentException>(() =>
            Im2Col.Im2ColNdCpu(data, 2, [2, 5, 5], [18, 3, 3], [3, 3], [0, 0], [1, 1], [1, 1], new float[100]));
        StringAssert.Contains(e.Message, "column buffer needs 162 elements");
        Assert.ThrowsExactly<ArgumentException>(() =>
            Im2Col.Col2ImNdCpu(col, 3, [2, 5, 5], [18, 3, 3], [3, 3], [0, 0], [1, 1], [1, 1], data));
    }

    private static (int OutH, int OutW) OutputSize(int[] p)
    {
        int outH = (p[1] + 2 * p[5] - (p[9] * (p[3] - 1) + 1)) / p[7] + 1;
        int outW = (p[2] + 2 * p[6] - (p[10] * (p[4] - 1) + 1)) / p[8] + 1;
        // C++ integer division truncates toward zero; a negative span leaves no output at all.
        if (p[1] + 2 * p[5] < p[9] * (p[3] - 1) + 1) outH = 0;
        if (p[2] + 2 * p[6] < p[10] * (p[4] - 1) + 1) outW = 0;
        return (outH, outW);
    }

    /// <summary>Caffe's definition: column row (c, kh, kw), column (oh, ow) holds the input pixel under that tap, or 0 in the padding.</summary>
    private static float[] ReferenceIm2Col(float[] data, int[] p)
    {
        var (outH, outW) = OutputSize(p);
        var col = new float[p[0] * p[3] * p[4] * outH * outW];
        ForEachTap(p, outH, outW, (colIndex, imIndex) => col[colIndex] = imIndex < 0 ? 0 : data[imIndex]);
        return col;
    }

    private static float[] ReferenceCol2Im(float[] col, int[] p)
    {
        var (outH, outW) = OutputSize(p);
        var data = new float[p[0] * p[1] * p[2]];
        ForEachTap(p, outH, outW, (colIndex, imIndex) =>
        {
            if (imIndex >= 0) data[imIndex] += col[colIndex];
        });
        return data;
    }

    /// <summary>Calls visit(column index, image index or -1 for padding) for every column entry.</summary>
    private static void ForEachTap(int[] p, int outH, int outW, Action<int, int> visit)
    {
        int channels = p[0], height = p[1], width = p[2], kh = p[3], kw = p[4];
        for (int c = 0; c < channels; c++)
        for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++)
        for (int oh = 0; oh < outH; oh++)
        for (int ow = 0; ow < outW; ow++)
        {
            int h = oh * p[7] - p[5] + i * p[9];
            int w = ow * p[8] - p[6] + j * p[10];
            int colIndex = (((c * kh + i) * kw + j) * outH + oh) * outW + ow;
            visit(colIndex, h >= 0 && h < height && w >= 0 && w < width ? (c * height + h) * width + w : -1);
        }
    }
}
