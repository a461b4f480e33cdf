using System.Numerics;
using System.Numerics.Tensors;

namespace Caffe;

/// <summary>Hyperbolic tangent, y = tanh(x); backward from the top data, dx = dy · (1 − y²). In place is allowed.</summary>
public sealed class TanHLayer(LayerParameter param) : NeuronLayer(param)
{
    /// <inheritdoc/>
    public override string Type => "TanH";

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Memory<float> bottomData = bottom[0].DataMemory;
        Memory<float> topData = top[0].DataMemory;
        ParallelRows.ForElements(bottom[0].Count, (start, length) =>
            TensorPrimitives.Tanh(bottomData.Span.Slice(start, length), topData.Span.Slice(start, length)));
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        Memory<float> topData = top[0].DataMemory;
        Memory<float> topDiff = top[0].DiffMemory;
        Memory<float> bottomDiff = bottom[0].DiffMemory;   // may be topDiff: in place
        ParallelRows.ForElements(bottom[0].Count, (start, length) =>
        {
            ReadOnlySpan<float> y = topData.Span.Slice(start, length);
            ReadOnlySpan<float> dy = topDiff.Span.Slice(start, length);
            Span<float> dx = bottomDiff.Span.Slice(start, length);
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var v = new Vector<float>(y[i..]);
                    (new Vector<float>(dy[i..]) * (Vector<float>.One - v * v)).CopyTo(dx[i..]);
                }
            }
            for (; i < y.Length; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
        });
    }
}
