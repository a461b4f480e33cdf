using System.Runtime.Intrinsics;

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
        unsafe
        {
            fixed (float* pData = data, pCol = col)
            {
                nint d = (nint)pData, cl = (nint)pCol;
                int dataLength = data.Length, colLength = col.Length, planeSize = height * width;
                ForEachBand(channels, g.OutH, (long)g.KernelSize * g.ColumnCount, (c, first, end) =>
                    g.Im2ColBand(new ReadOnlySpan<float>((float*)d, dataLength).Slice(c * planeSize, planeSize),
                        new Span<float>((float*)cl, colLength), c, g.ColumnCount, 0, first, end));
            }
        }
    }

    /// <summary>col2im_cpu: zeroes <paramref name="data"/> (channels x height x width), then adds every column entry back to the pixel it came from.</summary>
    public static void Col2ImCpu(ReadOnlySpan<float> col, int channels, int height, int width, int kernelH, int kernelW,
        int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, Span<float> data)
    {
        var g = Geometry.Create("Col2ImCpu", channels, height, width, kernelH, kernelW, padH, padW,
            strideH, strideW, dilationH, dilationW, data.Length, col.Length);
        if (channels == 0) return;
        unsafe
        {
            fixed (float* pData = data, pCol = col)
            {
                nint d = (nint)pData, cl = (nint)pCol;
                int dataLength = data.Length, colLength = col.Length, planeSize = height * width;
                ForEachBand(channels, height, (long)g.KernelSize * g.ColumnCount, (c, first, end) =>
                    g.Col2ImBand(new ReadOnlySpan<float>((float*)cl, colLength),
                        new Span<float>((float*)d, dataLength).Slice(c * planeSize, planeSize), c, g.ColumnCount, 0, first, end));
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

        /// <summary>Positions per phase row of the padded, stride-split image rows (see <see cref="PhaseSplit"/>).</summary>
        private int PhaseWidth => PhaseSplit.Width(Width, PadW, StrideW, OutW, DilationW * (KernelW - 1) + 1);

        /// <summary>
        /// Output rows [oh0, oh1) of channel c's column-buffer rows (c, kh, kw), row r starting at r · pitch +
        /// columnOffset: the input rows they read are split by stride once, zero-padded, and every output row of
        /// every tap is then one contiguous copy (or zeros where the tap's input row lies in the padding).
        /// </summary>
        public void Im2ColBand(ReadOnlySpan<float> plane, Span<float> col, int c, long pitch, long columnOffset, int oh0, int oh1)
        {
            int phaseWidth = PhaseWidth, rowPitch = StrideW * phaseWidth;
            int r0 = Math.Max(0, oh0 * StrideH - PadH);
            int r1 = Math.Min(Height, (oh1 - 1) * StrideH - PadH + (KernelH - 1) * DilationH + 1);
            Span<float> phases = Scratch(Math.Max(0, r1 - r0) * rowPitch);
            phases.Clear();
            for (int r = r0; r < r1; r++)
                PhaseSplit.Split(plane.Slice(r * Width, Width), StrideW, PadW, phases.Slice((r - r0) * rowPitch, rowPitch), phaseWidth);
            for (int kh = 0; kh < KernelH; kh++)
            {
                for (int kw = 0; kw < KernelW; kw++)
                {
                    Span<float> dst = col.Slice((int)(((c * KernelH + kh) * KernelW + kw) * pitch + columnOffset), ColumnCount);
                    int tap = kw * DilationW % StrideW * phaseWidth + kw * DilationW / StrideW;
                    for (int oh = oh0; oh < oh1; oh++)
                    {
                        int r = oh * StrideH - PadH + kh * DilationH;
                        Span<float> outRow = dst.Slice(oh * OutW, OutW);
                        if ((uint)r >= (uint)Height) outRow.Clear();
                        else CopyShort(phases.Slice((r - r0) * rowPitch + tap, OutW), outRow);
                    }
                }
            }
        }

        /// <summary>
        /// Rows [r0, r1) of channel c of the image from its column-buffer rows: the taps that land there are
        /// summed into zeroed, stride-split rows in Caffe's order (kernel row, kernel column, output row), which
        /// are then merged back. Bands of different rows are independent.
        /// </summary>
        public void Col2ImBand(ReadOnlySpan<float> col, Span<float> plane, int c, long pitch, long columnOffset, int r0, int r1)
        {
            int phaseWidth = PhaseWidth, rowPitch = StrideW * phaseWidth;
            Span<float> phases = Scratch((r1 - r0) * rowPitch);
            phases.Clear();
            for (int kh = 0; kh < KernelH; kh++)
            {
                for (int kw = 0; kw < KernelW; kw++)
                {
                    ReadOnlySpan<float> src = col.Slice((int)(((c * KernelH + kh) * KernelW + kw) * pitch + columnOffset), ColumnCount);
                    int tap = kw * DilationW % StrideW * phaseWidth + kw * DilationW / StrideW;
                    for (int oh = 0; oh < OutH; oh++)
                    {
                        int r = oh * StrideH - PadH + kh * DilationH;
                        if (r < r0 || r >= r1) continue;
                        AddShort(src.Slice(oh * OutW, OutW), phases.Slice((r - r0) * rowPitch + tap, OutW));
                    }
                }
            }
            for (int r = r0; r < r1; r++)
                PhaseSplit.Merge(phases.Slice((r - r0) * rowPitch, rowPitch), StrideW, PadW, phaseWidth, plane.Slice(r * Width, Width));
        }
    }

    // Rows of a convolution are short (13 values in CaffeNet's conv3-5): copied and added eight at a time inline,
    // where a call to memmove or TensorPrimitives per row cost more than the row.
    private static void CopyShort(ReadOnlySpan<float> source, Span<float> destination)
    {
        int n = source.Length;
        if (n < 8)
        {
            source.CopyTo(destination);
            return;
        }
        for (int i = 0; i < n - 8; i += 8) Vector256.Create(source.Slice(i, 8)).CopyTo(destination.Slice(i, 8));
        // The last eight overlap the previous chunk: the same values again.
        Vector256.Create(source.Slice(n - 8, 8)).CopyTo(destination.Slice(n - 8, 8));
    }

    private static void AddShort(ReadOnlySpan<float> source, Span<float> destination)
    {
        int i = 0;
        for (; i + 8 <= source.Length; i += 8)
            (Vector256.Create(destination.Slice(i, 8)) + Vector256.Create(source.Slice(i, 8))).CopyTo(destination.Slice(i, 8));
        for (; i < source.Length; i++) destination[i] += source[i];
    }

    [ThreadStatic]
    private static float[]? t_scratch;

    // The calling thread's buffer for the split rows of one band.
    private static Span<float> Scratch(int count)
    {
        if (t_scratch == null || t_scratch.Length < count) t_scratch = GC.AllocateUninitializedArray<float>(count);
        return t_scratch.AsSpan(0, count);
    }
}
