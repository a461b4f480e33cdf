using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// Caffe's im2col / col2im (<c>src/caffe/util/im2col.cpp</c>): unfold one image (channels x height
/// x width, contiguous) into the column buffer of a convolution, and fold a column buffer back by
/// summation. The column buffer is (channels · kernelH · kernelW) rows x (outH · outW) columns with
/// outH = (height + 2 padH − (dilationH (kernelH − 1) + 1)) / strideH + 1, likewise outW; row
/// index (c · kernelH + kh) · kernelW + kw. Positions in the padding read as zero.
/// </summary>
public static partial class Im2Col
{
    // Below this many column elements the work stays on the calling thread.
    private const int ParallelWork = 1 << 16;

    /// <summary>im2col_cpu: fills <paramref name="col"/> from <paramref name="data"/>.</summary>
    public static void Im2ColCpu(ReadOnlySpan<float> data, int channels, int height, int width, int kernelH, int kernelW,
        int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, Span<float> col)
    {
        var g = Geometry.Create("Im2ColCpu", channels, height, width, kernelH, kernelW, padH, padW,
            strideH, strideW, dilationH, dilationW, data.Length, col.Length);
        if (g.ColumnCount == 0 || channels == 0) return;
        if (channels == 1 || (long)g.ColumnCount * g.KernelSize * channels < ParallelWork)
        {
            for (int c = 0; c < channels; c++) g.Im2ColChannel(data, col, c, g.ColumnCount, 0);
            return;
        }
        unsafe
        {
            fixed (float* pData = data, pCol = col)
            {
                nint d = (nint)pData, cl = (nint)pCol;
                int dataLength = data.Length, colLength = col.Length;
                Parallel.For(0, channels, Options(channels), c =>
                    g.Im2ColChannel(new ReadOnlySpan<float>((float*)d, dataLength), new Span<float>((float*)cl, colLength), c, g.ColumnCount, 0));
            }
        }
    }

    /// <summary>col2im_cpu: zeroes <paramref name="data"/> (channels x height x width), then adds every column entry back to the pixel it came from.</summary>
    public static void Col2ImCpu(ReadOnlySpan<float> col, int channels, int height, int width, int kernelH, int kernelW,
        int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, Span<float> data)
    {
        var g = Geometry.Create("Col2ImCpu", channels, height, width, kernelH, kernelW, padH, padW,
            strideH, strideW, dilationH, dilationW, data.Length, col.Length);
        if (channels == 1 || (long)g.ColumnCount * g.KernelSize * channels < ParallelWork)
        {
            for (int c = 0; c < channels; c++) g.Col2ImChannel(col, data, c, g.ColumnCount, 0);
            return;
        }
        unsafe
        {
            fixed (float* pData = data, pCol = col)
            {
                nint d = (nint)pData, cl = (nint)pCol;
                int dataLength = data.Length, colLength = col.Length;
                Parallel.For(0, channels, Options(channels), c =>
                    g.Col2ImChannel(new ReadOnlySpan<float>((float*)cl, colLength), new Span<float>((float*)d, dataLength), c, g.ColumnCount, 0));
            }
        }
    }

    /// <summary>
    /// im2col_nd_cpu for any number of spatial axes: <paramref name="imShape"/> is (channels,
    /// spatial…), <paramref name="colShape"/> is (channels · Π kernel, output spatial…); the other
    /// spans have one entry per spatial axis.
    /// </summary>
    public static void Im2ColNdCpu(ReadOnlySpan<float> data, int numSpatialAxes, ReadOnlySpan<int> imShape,
        ReadOnlySpan<int> colShape, ReadOnlySpan<int> kernelShape, ReadOnlySpan<int> pad, ReadOnlySpan<int> stride,
        ReadOnlySpan<int> dilation, Span<float> col) =>
        Im2ColNd.Run("Im2ColNdCpu", im2col: true, data, numSpatialAxes, imShape, colShape, kernelShape, pad, stride, dilation, col);

    /// <summary>col2im_nd_cpu: zeroes <paramref name="data"/>, then sums the column buffer back; shapes as <see cref="Im2ColNdCpu"/>.</summary>
    public static void Col2ImNdCpu(ReadOnlySpan<float> col, int numSpatialAxes, ReadOnlySpan<int> imShape,
        ReadOnlySpan<int> colShape, ReadOnlySpan<int> kernelShape, ReadOnlySpan<int> pad, ReadOnlySpan<int> stride,
        ReadOnlySpan<int> dilation, Span<float> data) =>
        Im2ColNd.Run("Col2ImNdCpu", im2col: false, col, numSpatialAxes, imShape, colShape, kernelShape, pad, stride, dilation, data);

    private static ParallelOptions Options(int items) =>
        new() { MaxDegreeOfParallelism = Math.Min(items, Environment.ProcessorCount) };

    /// <summary>The validated 2-D geometry and the per-channel loops.</summary>
    private readonly record struct Geometry(int Height, int Width, int KernelH, int KernelW, int PadH, int PadW,
        int StrideH, int StrideW, int DilationH, int DilationW, int OutH, int OutW)
    {
        public int ColumnCount => OutH * OutW;

        public int KernelSize => KernelH * KernelW;

        public static Geometry Create(string call, int channels, int height, int width, int kernelH, int kernelW,
            int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, int dataLength, int colLength,
            int images = 1)
        {
            // Formatted only on error: building it on every call cost more than a small im2col.
            string Args() => $"{call}(channels={channels}, height={height}, width={width}, kernel={kernelH}x{kernelW}, " +
                             $"pad={padH}x{padW}, stride={strideH}x{strideW}, dilation={dilationH}x{dilationW})";
            if (channels < 0 || height < 0 || width < 0)
                throw new ArgumentOutOfRangeException(nameof(channels), $"{Args()}: image dimensions must not be negative.");
            if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1)
                throw new ArgumentOutOfRangeException(nameof(kernelH), $"{Args()}: kernel, stride and dilation must be at least 1.");
            if (padH < 0 || padW < 0)
                throw new ArgumentOutOfRangeException(nameof(padH), $"{Args()}: padding must not be negative.");
            int outH = OutputSize(height, kernelH, padH, strideH, dilationH);
            int outW = OutputSize(width, kernelW, padW, strideW, dilationW);
            long imageSize = (long)channels * height * width * images;
            long colSize = (long)channels * kernelH * kernelW * outH * outW * images;
            if (dataLength < imageSize)
                throw new ArgumentException($"{Args()}: the image needs {imageSize} elements but the span holds {dataLength}.", "data");
            if (colLength < colSize)
                throw new ArgumentException(
                    $"{Args()}: the column buffer ({channels * kernelH * kernelW} x {(long)outH * outW * images}) needs {colSize} elements but the span holds {colLength}.", "col");
            return new Geometry(height, width, kernelH, kernelW, padH, padW, strideH, strideW, dilationH, dilationW, outH, outW);
        }

        /// <summary>Output extent along one axis, clamped at 0 when the dilated kernel is larger than the padded input.</summary>
        private static int OutputSize(int size, int kernel, int pad, int stride, int dilation)
        {
            long extent = (long)dilation * (kernel - 1) + 1;
            long span = size + 2L * pad - extent;
            return span < 0 ? 0 : checked((int)(span / stride + 1));
        }

        /// <summary>The columns of one kernel tap for output row oh: first valid output column and count, plus the image row.</summary>
        private (int Row, int Ow0, int Ow1, int Col0) Tap(int kh, int kw, int oh)
        {
            int row = oh * StrideH - PadH + kh * DilationH;
            int col0 = kw * DilationW - PadW;              // image column of output column 0
            // Valid ow satisfy 0 <= col0 + ow * strideW < width.
            int ow0 = col0 >= 0 ? 0 : Math.Min(OutW, (-col0 + StrideW - 1) / StrideW);
            int ow1 = Width - col0 <= 0 ? 0 : Math.Min(OutW, (Width - col0 - 1) / StrideW + 1);
            if (ow1 < ow0) ow1 = ow0;
            return (row, ow0, ow1, col0);
        }

        /// <summary>Unfolds channel c; column-buffer row r starts at r · pitch + columnOffset.</summary>
        public void Im2ColChannel(ReadOnlySpan<float> data, Span<float> col, int c, long pitch, long columnOffset)
        {
            ReadOnlySpan<float> image = data.Slice(c * Height * Width, Height * Width);
            for (int kh = 0; kh < KernelH; kh++)
            {
                for (int kw = 0; kw < KernelW; kw++)
                {
                    Span<float> dst = col.Slice((int)(((c * KernelH + kh) * KernelW + kw) * pitch + columnOffset), ColumnCount);
                    for (int oh = 0; oh < OutH; oh++)
                    {
                        Span<float> outRow = dst.Slice(oh * OutW, OutW);
                        var (row, ow0, ow1, col0) = Tap(kh, kw, oh);
                        if ((uint)row >= (uint)Height)
                        {
                            outRow.Clear();
                            continue;
                        }
                        outRow[..ow0].Clear();
                        outRow[ow1..].Clear();
                        ReadOnlySpan<float> inRow = image.Slice(row * Width, Width);
                        if (StrideW == 1)
                        {
                            inRow.Slice(col0 + ow0, ow1 - ow0).CopyTo(outRow[ow0..ow1]);
                        }
                        else
                        {
                            for (int ow = ow0, x = col0 + ow0 * StrideW; ow < ow1; ow++, x += StrideW) outRow[ow] = inRow[x];
                        }
                    }
                }
            }
        }

        /// <summary>Folds channel c back; column-buffer rows laid out as in <see cref="Im2ColChannel"/>.</summary>
        public void Col2ImChannel(ReadOnlySpan<float> col, Span<float> data, int c, long pitch, long columnOffset)
        {
            Span<float> image = data.Slice(c * Height * Width, Height * Width);
            image.Clear();
            for (int kh = 0; kh < KernelH; kh++)
            {
                for (int kw = 0; kw < KernelW; kw++)
                {
                    ReadOnlySpan<float> src = col.Slice((int)(((c * KernelH + kh) * KernelW + kw) * pitch + columnOffset), ColumnCount);
                    for (int oh = 0; oh < OutH; oh++)
                    {
                        var (row, ow0, ow1, col0) = Tap(kh, kw, oh);
                        if ((uint)row >= (uint)Height || ow1 == ow0) continue;
                        ReadOnlySpan<float> colRow = src.Slice(oh * OutW, OutW);
                        Span<float> imRow = image.Slice(row * Width, Width);
                        if (StrideW == 1)
                        {
                            Span<float> target = imRow.Slice(col0 + ow0, ow1 - ow0);
                            TensorPrimitives.Add(target, colRow[ow0..ow1], target);
                        }
                        else
                        {
                            for (int ow = ow0, x = col0 + ow0 * StrideW; ow < ow1; ow++, x += StrideW) imRow[x] += colRow[ow];
                        }
                    }
                }
            }
        }
    }
}
