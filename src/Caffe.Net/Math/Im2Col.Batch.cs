namespace Caffe;

public static partial class Im2Col
{
    /// <summary>
    /// im2col of <paramref name="images"/> consecutive images (each channels x height x width) into one
    /// column buffer of (channels · kernelH · kernelW) rows x (images · outH · outW) columns: image i fills
    /// columns [i · outH · outW, (i + 1) · outH · outW) of every row, so a single GEMM covers the whole batch.
    /// The work is spread over bands of output rows of every (image, channel) pair.
    /// </summary>
    internal static void Im2ColImages(ReadOnlyMemory<float> data, int images, int channels, int height, int width,
        int kernelH, int kernelW, int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, Memory<float> col)
    {
        var g = Geometry.Create("Im2ColImages", channels, height, width, kernelH, kernelW, padH, padW,
            strideH, strideW, dilationH, dilationW, data.Length, col.Length, images);
        if (g.ColumnCount == 0 || channels == 0 || images == 0) return;
        int planeSize = height * width;
        long pitch = (long)images * g.ColumnCount;
        ForEachBand(images * channels, g.OutH, (long)g.KernelSize * g.ColumnCount, (p, first, end) =>
            g.Im2ColBand(data.Span.Slice(p * planeSize, planeSize), col.Span, p % channels, pitch, (long)(p / channels) * g.ColumnCount, first, end));
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
        int planeSize = height * width;
        long pitch = (long)images * g.ColumnCount;
        ForEachBand(images * channels, height, (long)g.KernelSize * g.ColumnCount, (p, first, end) =>
            g.Col2ImBand(col.Span, data.Span.Slice(p * planeSize, planeSize), p % channels, pitch, (long)(p / channels) * g.ColumnCount, first, end));
    }

    // Calls body(plane, first row, end row) over bands of rows of every plane; bands touch their own rows, so they
    // run in parallel when the work pays for it. A plane is cut into bands only when there are too few planes to
    // keep every core busy (CaffeNet's conv1 has 3).
    private static void ForEachBand(int planes, int rows, long workPerPlane, Action<int, int, int> body)
    {
        int cores = Environment.ProcessorCount;
        if (planes == 0 || rows == 0) return;
        if (workPerPlane * planes < ParallelWork || cores == 1)
        {
            for (int p = 0; p < planes; p++) body(p, 0, rows);
            return;
        }
        int bands = Math.Clamp((2 * cores + planes - 1) / planes, 1, rows);
        Parallel.For(0, planes * bands, Options(planes * bands), item =>
        {
            int p = item / bands, band = item % bands;
            body(p, rows * band / bands, rows * (band + 1) / bands);
        });
    }
}
