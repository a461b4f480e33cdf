namespace Caffe;

/// <summary>
/// Rectified linear unit, y = max(x, 0) + negative_slope · min(x, 0) (Caffe's <c>ReLU</c>, leaky when
/// <c>relu_param.negative_slope</c> is set). In place is allowed.
/// </summary>
public sealed class ReLULayer(LayerParameter param) : NeuronLayer(param)
{
    private readonly float _negativeSlope = (param.ReluParam ?? new ReLUParameter()).NegativeSlope;

    /// <inheritdoc/>
    public override string Type => "ReLU";

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Memory<float> bottomData = bottom[0].DataMemory;
        Memory<float> topData = top[0].DataMemory;   // may be bottomData: in place
        ParallelRows.ForElements(bottom[0].Count, (start, length) =>
            Rectifier.Forward(bottomData.Span.Slice(start, length), _negativeSlope, topData.Span.Slice(start, length)));
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        // Caffe tests the sign of the bottom data, which in place is the top data (same sign for slope >= 0).
        Memory<float> bottomData = bottom[0].DataMemory;
        Memory<float> topDiff = top[0].DiffMemory;
        Memory<float> bottomDiff = bottom[0].DiffMemory;
        ParallelRows.ForElements(bottom[0].Count, (start, length) =>
            Rectifier.Backward(topDiff.Span.Slice(start, length), bottomData.Span.Slice(start, length),
                _negativeSlope, bottomDiff.Span.Slice(start, length)));
    }
}
