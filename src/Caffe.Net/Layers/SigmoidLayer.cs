namespace Caffe;

/// <summary>
/// Logistic sigmoid, y = 1 / (1 + e^-x), computed as Caffe does: 0.5 · tanh(0.5 · x) + 0.5 in double
/// precision (exact for large |x| where the plain formula under- or overflows). In place is allowed.
/// </summary>
public sealed class SigmoidLayer(LayerParameter param) : NeuronLayer(param)
{
    /// <inheritdoc/>
    public override string Type => "Sigmoid";

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Memory<float> bottomData = bottom[0].DataMemory;
        Memory<float> topData = top[0].DataMemory;
        ParallelRows.ForElements(bottom[0].Count, (start, length) =>
        {
            ReadOnlySpan<float> x = bottomData.Span.Slice(start, length);
            Span<float> y = topData.Span.Slice(start, length);
            for (int i = 0; i < x.Length; i++) y[i] = (float)(0.5 * Math.Tanh(0.5 * x[i]) + 0.5);
        });
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        Memory<float> topData = top[0].DataMemory;
        Memory<float> topDiff = top[0].DiffMemory;
        Memory<float> bottomDiff = bottom[0].DiffMemory;
        ParallelRows.ForElements(bottom[0].Count, (start, length) =>
        {
            ReadOnlySpan<float> y = topData.Span.Slice(start, length);
            ReadOnlySpan<float> dy = topDiff.Span.Slice(start, length);
            Span<float> dx = bottomDiff.Span.Slice(start, length);
            // Caffe's (dy · y) · (1. - y): the last factor is a double.
            for (int i = 0; i < y.Length; i++) dx[i] = (float)(dy[i] * y[i] * (1.0 - y[i]));
        });
    }
}
