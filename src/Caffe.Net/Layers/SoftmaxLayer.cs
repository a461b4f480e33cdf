using System.Buffers;
using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// Softmax along <c>softmax_param.axis</c> (default 1, the channels): for every position of the other axes,
/// subtracts the maximum over the axis, exponentiates and divides by the sum, as Caffe does for numerical
/// stability. In-place computation is allowed.
/// </summary>
public sealed class SoftmaxLayer(LayerParameter param) : Layer(param)
{
    // A parallel chunk must hold about this many elements to pay for its scheduling.
    private const int ChunkElements = 32 * 1024;

    private int _outerNum;
    private int _channels;
    private int _innerNum;

    private delegate void BlockBody(int row, int kStart, int kLength, float[] scratch);

    /// <inheritdoc/>
    public override string Type => "Softmax";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int axis = LayerAxes.Canonical(this, bottom[0], (Param.SoftmaxParam ?? new()).Axis, "softmax_param.axis");
        top[0].ReshapeLike(bottom[0]);
        _outerNum = bottom[0].CountRange(0, axis);
        _channels = bottom[0].ShapeAt(axis);
        _innerNum = bottom[0].CountFrom(axis + 1);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Memory<float> bottomData = bottom[0].DataMemory;
        Memory<float> topData = top[0].DataMemory;
        int channels = _channels, inner = _innerNum, dim = channels * inner;
        ForEachBlock((row, kStart, kLength, scratch) =>
        {
            ReadOnlySpan<float> input = bottomData.Span.Slice(row * dim, dim);
            Span<float> output = topData.Span.Slice(row * dim, dim);   // may alias input: in place
            if (inner == 1)
            {
                float max = TensorPrimitives.Max(input);
                TensorPrimitives.Subtract(input, max, output);
                TensorPrimitives.Exp(output, output);
                TensorPrimitives.Divide(output, TensorPrimitives.Sum(output), output);
                return;
            }
            Span<float> scale = scratch.AsSpan(0, kLength);
            input.Slice(kStart, kLength).CopyTo(scale);
            for (int c = 1; c < channels; c++)
                TensorPrimitives.Max(scale, input.Slice(c * inner + kStart, kLength), scale);
            for (int c = 0; c < channels; c++)
            {
                Span<float> plane = output.Slice(c * inner + kStart, kLength);
                TensorPrimitives.Subtract(input.Slice(c * inner + kStart, kLength), scale, plane);
                TensorPrimitives.Exp(plane, plane);
            }
            output.Slice(kStart, kLength).CopyTo(scale);
            for (int c = 1; c < channels; c++)
                TensorPrimitives.Add(scale, output.Slice(c * inner + kStart, kLength), scale);
            for (int c = 0; c < channels; c++)
            {
                Span<float> plane = output.Slice(c * inner + kStart, kLength);
                TensorPrimitives.Divide(plane, scale, plane);
            }
        });
    }

    /// <summary>bottom_diff = (top_diff − Σ_axis top_diff·top_data) · top_data, per position.</summary>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        Memory<float> topDiff = top[0].DiffMemory;
        Memory<float> topData = top[0].DataMemory;
        Memory<float> bottomDiff = bottom[0].DiffMemory;
        int channels = _channels, inner = _innerNum, dim = channels * inner;
        ForEachBlock((row, kStart, kLength, scratch) =>
        {
            ReadOnlySpan<float> dy = topDiff.Span.Slice(row * dim, dim);
            ReadOnlySpan<float> y = topData.Span.Slice(row * dim, dim);
            Span<float> dx = bottomDiff.Span.Slice(row * dim, dim);     // may alias dy: in place
            if (inner == 1)
            {
                float dot = TensorPrimitives.Dot(dy, y);
                TensorPrimitives.Subtract(dy, dot, dx);
                TensorPrimitives.Multiply(dx, y, dx);
                return;
            }
            Span<float> scale = scratch.AsSpan(0, kLength);
            scale.Clear();
            for (int c = 0; c < channels; c++)
            {
                int at = c * inner + kStart;
                TensorPrimitives.MultiplyAdd(dy.Slice(at, kLength), y.Slice(at, kLength), scale, scale);
            }
            for (int c = 0; c < channels; c++)
            {
                int at = c * inner + kStart;
                Span<float> plane = dx.Slice(at, kLength);
                TensorPrimitives.Subtract(dy.Slice(at, kLength), scale, plane);
                TensorPrimitives.Multiply(plane, y.Slice(at, kLength), plane);
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="body"/> over every (outer row, block of inner positions); in parallel when the blob
    /// is large, in chunks of about <see cref="ChunkElements"/> elements.
    /// </summary>
    private void ForEachBlock(BlockBody body)
    {
        int outer = _outerNum, channels = _channels, inner = _innerNum;
        long dim = (long)channels * inner;
        if (outer == 0 || dim == 0) return;
        if (outer * dim < 2 * ChunkElements)
        {
            float[] scratch = ArrayPool<float>.Shared.Rent(inner);
            for (int row = 0; row < outer; row++) body(row, 0, inner, scratch);
            ArrayPool<float>.Shared.Return(scratch);
            return;
        }
        if (dim >= ChunkElements && inner > 1)
        {
            // Few large rows (e.g. a segmentation map): split each row's positions into blocks.
            int blockLength = Math.Min(inner, Math.Max(1, ChunkElements / channels));
            int blocks = (inner + blockLength - 1) / blockLength;
            Parallel.For(0, outer * blocks, item =>
            {
                int row = item / blocks, kStart = item % blocks * blockLength;
                float[] scratch = ArrayPool<float>.Shared.Rent(blockLength);
                body(row, kStart, Math.Min(blockLength, inner - kStart), scratch);
                ArrayPool<float>.Shared.Return(scratch);
            });
            return;
        }
        int rowsPerItem = (int)Math.Max(1, ChunkElements / dim);
        int items = (outer + rowsPerItem - 1) / rowsPerItem;
        Parallel.For(0, items, item =>
        {
            float[] scratch = ArrayPool<float>.Shared.Rent(inner);
            int end = Math.Min(outer, (item + 1) * rowsPerItem);
            for (int row = item * rowsPerItem; row < end; row++) body(row, 0, inner, scratch);
            ArrayPool<float>.Shared.Return(scratch);
        });
    }
}
