namespace Caffe;

public static partial class Im2Col
{
    /// <summary>
    /// im2col of <paramref name="images"/> consecutive images (each channels x height x width) into one
    /// column buffer of (channels · kernelH · kernelW) rows x (images · outH · outW) columns: image i fills
    /// columns [i · outH · outW, (i + 1) · outH · outW) of every row, so a single GEMM covers the whole batch.
    /// The work is spread over (image, channel) pairs.
    /// </summary>
    internal static void Im2ColImages(ReadOnlyMemory<float> data, int images, int channels, int height, int width,
        int kernelH, int kernelW, int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, Memory<float> col)
    {
        var g = Geometry.Create("Im2ColImages", channels, height, width, kernelH, kernelW, padH, padW,
            strideH, strideW, dilationH, dilationW, data.Length, col.Length, images);
        if (g.ColumnCount == 0 || channels == 0 || images == 0) return;
        int imageSize = channels * height * width;
        long pitch = (long)images * g.ColumnCount;
        ForEachPlane(images, channels, (long)g.KernelSize * g.ColumnCount, (i, c) =>
            g.Im2ColChannel(data.Span.Slice(i * imageSize, imageSize), col.Span, c, pitch, (long)i * g.ColumnCount));
    }

    /// <summary>
    /// col2im of a column buffer laid out as <see cref="Im2ColImages"/> makes it: every image of
    /// <paramref name="data"/> is zeroed, then receives the sum of its columns.
    /// </summary>
    internal static void Col2ImImages(ReadOnlyMemory<float> col, int images, int channels, int height, int width,
        int kernelH, int kernelW, int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, Memory<float> data)
    {
        var g = Geometry.Create("Col2ImImages", channels, height, width, kernelH, kernelW, padH, padW,
            strideH, strideW, dilationH, dilationW, data.Length, col.Length, images);
        if (channels == 0 || images == 0) return;
        int imageSize = channels * height * width;
        long pitch = (long)images * g.ColumnCount;
        ForEachPlane(images, channels, (long)g.KernelSize * g.ColumnCount, (i, c) =>
            g.Col2ImChannel(col.Span, data.Span.Slice(i * imageSize, imageSize), c, pitch, (long)i * g.ColumnCount));
    }

    // Each (image, channel) pair touches its own rows/plane, so pairs run in parallel when the work pays for it.
    private static void ForEachPlane(int images, int channels, long workPerPlane, Action<int, int> body)
    {
        int planes = images * channels;
        if (planes == 1 || workPerPlane * planes < ParallelWork)
        {
            for (int p = 0; p < planes; p++) body(p / channels, p % channels);
            return;
        }
        Parallel.For(0, planes, Options(planes), p => body(p / channels, p % channels));
    }
}
