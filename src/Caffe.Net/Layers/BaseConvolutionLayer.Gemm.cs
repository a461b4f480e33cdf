using System.Numerics.Tensors;

namespace Caffe;

// The GEMM helpers of Caffe's base_conv_layer (forward_cpu_gemm, backward_cpu_gemm, weight_cpu_gemm and the
// bias helpers), over the whole batch. Caffe runs one GEMM per image and group with N = the output's spatial
// size; when that GEMM is narrow or small (GoogLeNet's 7x7 and 14x14 stages, its 1x1 reductions) it runs far
// below peak, so several images are unfolded side by side into one column buffer and multiplied at once
// (N = images x spatial), and the product, laid out [channels, images, spatial], is swapped back to the blob's
// [images, channels, spatial]. Large GEMMs keep Caffe's per-image path, which needs no reordering and keeps
// the column buffer in cache: measured single-threaded on CaffeNet, batching its 13x13 layers cost 5-10 %.
public abstract partial class BaseConvolutionLayer
{
    // Images are batched until a GEMM has at least this many columns (a narrower one is split poorly between
    // BLAS threads) and this much work (a smaller call is dominated by the BLAS threads' start and sync).
    private const int MinGemmColumns = 128;
    private const long MinGemmFlops = 16L << 20;

    // Bound of the shared column buffer when several images share it (4 MB, so that GEMM reads the columns im2col
    // has just written from cache); a single image gets what it needs, as in Caffe.
    private const long MaxBatchedColumnFloats = 1L << 20;

    // Below this many floats a reorder stays on the calling thread.
    private const int ParallelCopyWork = 1 << 17;

    private int _chunks = 1;
    private int _imagesPerGemm = 1;

    /// <summary>Caps the images per GEMM (1 gives Caffe's per-image path); for tests and benchmarks.</summary>
    internal int MaxImagesPerGemm { get; set; } = int.MaxValue;

    /// <summary>The number of images one GEMM covers after the last reshape.</summary>
    internal int ImagesPerGemm => _imagesPerGemm;

    /// <summary>
    /// output = weights ⊛ input for every image (Caffe's <c>forward_cpu_gemm</c>), where input is the im2col side
    /// (the bottom of a convolution) and output the GEMM side; with <paramref name="addBias"/> the bias is added
    /// per output channel (<c>forward_cpu_bias</c>).
    /// </summary>
    protected void ForwardGemm(ReadOnlyMemory<float> input, Memory<float> output, bool addBias)
    {
        ReadOnlyMemory<float> bias = addBias ? Blobs[1].DataMemory : ReadOnlyMemory<float>.Empty;
        for (int chunk = 0; chunk < _chunks; chunk++)
        {
            var (n0, images) = Chunk(chunk);
            ForwardChunk(Columns(input, n0, images), output, n0, images, bias);
        }
    }

    /// <summary>
    /// input = col2im(weightsᵀ · output) for every image (Caffe's <c>backward_cpu_gemm</c>): from the GEMM side
    /// back to the im2col side, overwriting <paramref name="input"/>.
    /// </summary>
    protected void BackwardGemm(ReadOnlyMemory<float> output, Memory<float> input)
    {
        for (int chunk = 0; chunk < _chunks; chunk++)
        {
            var (n0, images) = Chunk(chunk);
            BackwardChunk(GemmSide(output, n0, images), input, n0, images);
        }
    }

    /// <summary>
    /// The backward pass of a convolution over every image: with <paramref name="weights"/>, accumulates
    /// outputDiff · im2col(input)ᵀ into the weight diff (Caffe's <c>weight_cpu_gemm</c>); with
    /// <paramref name="data"/>, overwrites <paramref name="inputDiff"/> with col2im(weightsᵀ · outputDiff)
    /// (<c>backward_cpu_gemm</c>). The output diff is arranged for GEMM once per chunk for both.
    /// </summary>
    protected void WeightAndBackwardGemm(ReadOnlyMemory<float> input, ReadOnlyMemory<float> outputDiff, bool weights,
        bool data, Memory<float> inputDiff)
    {
        if (!weights && !data) return;
        for (int chunk = 0; chunk < _chunks; chunk++)
        {
            var (n0, images) = Chunk(chunk);
            ReadOnlySpan<float> product = GemmSide(outputDiff, n0, images);
            if (weights) WeightChunk(Columns(input, n0, images), product, images);
            if (data) BackwardChunk(product, inputDiff, n0, images);
        }
    }

    /// <summary>
    /// The backward pass of a deconvolution over every image, where <paramref name="input"/> (the top diff) is the
    /// im2col side: with <paramref name="weights"/>, accumulates outputData · im2col(input)ᵀ into the weight diff;
    /// with <paramref name="data"/>, overwrites <paramref name="outputDiff"/> with weights ⊛ input. im2col runs
    /// once per chunk for both, as Caffe's skip_im2col.
    /// </summary>
    protected void WeightAndForwardGemm(ReadOnlyMemory<float> input, ReadOnlyMemory<float> outputData, bool weights,
        bool data, Memory<float> outputDiff)
    {
        if (!weights && !data) return;
        for (int chunk = 0; chunk < _chunks; chunk++)
        {
            var (n0, images) = Chunk(chunk);
            ReadOnlySpan<float> col = Columns(input, n0, images);
            if (weights) WeightChunk(col, GemmSide(outputData, n0, images), images);
            if (data) ForwardChunk(col, outputDiff, n0, images, ReadOnlyMemory<float>.Empty);
        }
    }

    // Images [n0, n0 + images) of the GEMM side = weights · col (+ bias).
    private void ForwardChunk(ReadOnlySpan<float> col, Memory<float> output, int n0, int images, ReadOnlyMemory<float> bias)
    {
        ReadOnlySpan<float> weights = Blobs[0].Data;
        int m = _convOutChannels / _group, k = _kernelDim, columns = images * _convOutSpatialDim;
        Memory<float> target = output.Slice(n0 * _outputDim, images * _outputDim);
        Memory<float> product = images == 1 ? target : GemmBuffer(images * _outputDim);
        Span<float> productSpan = product.Span;
        for (int g = 0; g < _group; g++)
        {
            Blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, m, columns, k, 1f, weights[(g * _weightOffset)..],
                col[(g * k * columns)..], 0f, productSpan[(g * m * columns)..]);
        }
        if (images > 1) SwapLeadingAxes(product, _convOutChannels, images, _convOutSpatialDim, target, bias);
        else if (!bias.IsEmpty) AddBias(productSpan, bias.Span, _convOutSpatialDim);
    }

    // Images [n0, n0 + images) of the im2col side = col2im(weightsᵀ · product).
    private void BackwardChunk(ReadOnlySpan<float> product, Memory<float> input, int n0, int images)
    {
        ReadOnlySpan<float> weights = Blobs[0].Data;
        int m = _convOutChannels / _group, k = _kernelDim, columns = images * _convOutSpatialDim;
        Memory<float> target = input.Slice(n0 * _inputDim, images * _inputDim);
        Memory<float> col = Is1x1 && images == 1 ? target : ColumnBuffer(_kernelDim * _group * columns);
        Span<float> colSpan = col.Span;
        for (int g = 0; g < _group; g++)
        {
            Blas.Gemm(Transpose.Trans, Transpose.NoTrans, k, columns, m, 1f, weights[(g * _weightOffset)..],
                product[(g * m * columns)..], 0f, colSpan[(g * k * columns)..]);
        }
        if (Is1x1)
        {
            if (images > 1) SwapLeadingAxes(col, _convInChannels, images, _convOutSpatialDim, target, ReadOnlyMemory<float>.Empty);
        }
        else if (Use2DIm2Col)
        {
            Im2Col.Col2ImImages(col, images, _convInChannels, _convInputShape[1], _convInputShape[2],
                _kernelShape[0], _kernelShape[1], _pad[0], _pad[1], _stride[0], _stride[1], _dilation[0], _dilation[1], target);
        }
        else
        {
            Im2Col.Col2ImNdCpu(colSpan, _numSpatialAxes, _convInputShape, _colBufferShape, _kernelShape,
                _pad, _stride, _dilation, target.Span);
        }
    }

    // weight diff += product · colᵀ for one chunk of images.
    private void WeightChunk(ReadOnlySpan<float> col, ReadOnlySpan<float> product, int images)
    {
        Span<float> weightDiff = Blobs[0].Diff;
        int m = _convOutChannels / _group, k = _kernelDim, columns = images * _convOutSpatialDim;
        for (int g = 0; g < _group; g++)
        {
            Blas.Gemm(Transpose.NoTrans, Transpose.Trans, m, k, columns, 1f, product[(g * m * columns)..],
                col[(g * k * columns)..], 1f, weightDiff[(g * _weightOffset)..]);
        }
    }

    /// <summary>Adds the bias to every output channel of every image of the top (Caffe's <c>forward_cpu_bias</c>).</summary>
    protected void ForwardBias(Span<float> top)
    {
        ReadOnlySpan<float> bias = Blobs[1].Data;
        int topDim = _numOutput * _outSpatialDim;
        for (int n = 0; n < _num; n++) AddBias(top.Slice(n * topDim, topDim), bias, _outSpatialDim);
    }

    /// <summary>Accumulates into the bias diff the top diff summed over images and positions (Caffe's <c>backward_cpu_bias</c>).</summary>
    protected void BackwardBias(ReadOnlySpan<float> topDiff)
    {
        Span<float> biasDiff = Blobs[1].Diff;
        for (int n = 0; n < _num; n++)
        {
            for (int c = 0; c < _numOutput; c++)
                biasDiff[c] += TensorPrimitives.Sum(topDiff.Slice((n * _numOutput + c) * _outSpatialDim, _outSpatialDim));
        }
    }

    private void PlanImagesPerGemm()
    {
        int num = Math.Max(_num, 1);
        long columnsPerImage = Math.Max(_convOutSpatialDim, 1);
        long colFloatsPerImage = Math.Max((long)_kernelDim * _group * columnsPerImage, 1);
        if (colFloatsPerImage > int.MaxValue)
            throw Error($"the column buffer of one image would hold {colFloatsPerImage} values " +
                        $"({_kernelDim * (long)_group} x {columnsPerImage}), more than a buffer can.");
        long flopsPerImage = Math.Max(2L * (_convOutChannels / _group) * _kernelDim * columnsPerImage, 1);
        long images = Math.Max(CeilDiv(MinGemmColumns, columnsPerImage), CeilDiv(MinGemmFlops, flopsPerImage));
        images = Math.Min(images, Math.Max(1, MaxBatchedColumnFloats / colFloatsPerImage));
        images = Math.Min(images, Math.Max(MaxImagesPerGemm, 1));
        // N-D im2col unfolds one image at a time (1x1 kernels need no im2col at all).
        if (!Use2DIm2Col && !Is1x1) images = 1;
        // Chunks differ by at most one image (10 images at most 4 per GEMM run as 4 + 3 + 3).
        int chunks = (int)CeilDiv(num, Math.Min(images, num));
        _imagesPerGemm = (int)CeilDiv(num, chunks);
        _chunks = _num == 0 ? 0 : chunks;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    // The first image and the number of images of chunk `chunk`.
    private (int First, int Count) Chunk(int chunk)
    {
        int size = _num / _chunks, extra = _num % _chunks;
        return (chunk * size + Math.Min(chunk, extra), size + (chunk < extra ? 1 : 0));
    }

    // The column buffer of images [n0, n0 + images) of the im2col side: the blob itself for a single image of a
    // 1x1 convolution, otherwise the shared buffer filled by im2col (or, for 1x1, by interleaving the images).
    private ReadOnlySpan<float> Columns(ReadOnlyMemory<float> input, int n0, int images)
    {
        ReadOnlyMemory<float> source = input.Slice(n0 * _inputDim, images * _inputDim);
        if (Is1x1 && images == 1) return source.Span;
        Memory<float> col = ColumnBuffer(_kernelDim * _group * images * _convOutSpatialDim);
        if (Is1x1)
        {
            SwapLeadingAxes(source, images, _convInChannels, _convOutSpatialDim, col, ReadOnlyMemory<float>.Empty);
        }
        else if (Use2DIm2Col)
        {
            Im2Col.Im2ColImages(source, images, _convInChannels, _convInputShape[1], _convInputShape[2],
                _kernelShape[0], _kernelShape[1], _pad[0], _pad[1], _stride[0], _stride[1], _dilation[0], _dilation[1], col);
        }
        else
        {
            Im2Col.Im2ColNdCpu(source.Span, _numSpatialAxes, _convInputShape, _colBufferShape, _kernelShape,
                _pad, _stride, _dilation, col.Span);
        }
        return col.Span;
    }

    // The GEMM side of images [n0, n0 + images) as a [channels, images x spatial] matrix.
    private ReadOnlySpan<float> GemmSide(ReadOnlyMemory<float> output, int n0, int images)
    {
        ReadOnlyMemory<float> source = output.Slice(n0 * _outputDim, images * _outputDim);
        if (images == 1) return source.Span;
        Memory<float> buffer = GemmBuffer(images * _outputDim);
        SwapLeadingAxes(source, images, _convOutChannels, _convOutSpatialDim, buffer, ReadOnlyMemory<float>.Empty);
        return buffer.Span;
    }

    private static void AddBias(Span<float> image, ReadOnlySpan<float> bias, int spatial)
    {
        for (int c = 0; c < bias.Length; c++)
        {
            Span<float> row = image.Slice(c * spatial, spatial);
            TensorPrimitives.Add(row, bias[c], row);
        }
    }

    // dst[j, i, :] = src[i, j, :] (+ bias[i] when a bias is given) for src of shape [rows, cols, inner].
    private static void SwapLeadingAxes(ReadOnlyMemory<float> src, int rows, int cols, int inner, Memory<float> dst,
        ReadOnlyMemory<float> bias)
    {
        void Row(int i)
        {
            ReadOnlySpan<float> from = src.Span.Slice(i * cols * inner, cols * inner);
            Span<float> to = dst.Span;
            float b = bias.IsEmpty ? 0f : bias.Span[i];
            for (int j = 0; j < cols; j++)
            {
                ReadOnlySpan<float> piece = from.Slice(j * inner, inner);
                Span<float> destination = to.Slice((j * rows + i) * inner, inner);
                if (bias.IsEmpty) piece.CopyTo(destination);
                else TensorPrimitives.Add(piece, b, destination);
            }
        }

        if ((long)rows * cols * inner < ParallelCopyWork || rows == 1)
        {
            for (int i = 0; i < rows; i++) Row(i);
        }
        else
        {
            Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, Row);
        }
    }

    private static Memory<float> ColumnBuffer(int count) => Workspace.Columns(count);

    private static Memory<float> GemmBuffer(int count) => Workspace.Gemm(count);

    // Scratch memory shared by every convolution layer that runs on a thread: layers run one after the other,
    // so one buffer sized for the largest layer replaces a buffer per layer (GoogLeNet has 57 convolutions).
    private static class Workspace
    {
        [ThreadStatic]
        private static float[]? t_columns;

        [ThreadStatic]
        private static float[]? t_gemm;

        public static Memory<float> Columns(int count) => Grow(ref t_columns, count);

        public static Memory<float> Gemm(int count) => Grow(ref t_gemm, count);

        private static Memory<float> Grow(ref float[]? buffer, int count)
        {
            if (buffer == null || buffer.Length < count) buffer = GC.AllocateUninitializedArray<float>(count);
            return buffer.AsMemory(0, count);
        }
    }
}
