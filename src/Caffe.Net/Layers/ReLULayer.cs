namespace Caffe;

/// <summary>
/// Rectified linear unit, y = max(x, 0) + negative_slope · min(x, 0) (Caffe's <c>ReLU</c>, leaky when
/// <c>relu_param.negative_slope</c> is set). In place is allowed.
/// </summary>
public sealed class ReLULayer(LayerParameter param) : NeuronLayer(param)
{
    private readonly float _negativeSlope = (param.ReluParam ?? new ReLUParameter()).NegativeSlope;
    private float[] _mask = [];
    private int _maskCount;
    private int _maskRequests;

    /// <inheritdoc/>
    public override string Type => "ReLU";

    /// <summary>
    /// When true, each forward records <see cref="ForwardMask"/>, which an in-place ReLU could not give back
    /// afterwards (its input is overwritten). Off by default; a backward hook registered with
    /// <c>keepForwardMasks: true</c> turns it on for its layers while it is registered.
    /// </summary>
    public bool KeepForwardMask { get; set; }

    /// <summary>1 where the input of the last forward was positive, else 0; empty when no mask was kept.</summary>
    public ReadOnlySpan<float> ForwardMask => _mask.AsSpan(0, _maskCount);

    internal void RequestForwardMask(bool keep)
    {
        _maskRequests += keep ? 1 : -1;
        if (!KeepForwardMask && _maskRequests == 0) _maskCount = 0;
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Memory<float> bottomData = bottom[0].DataMemory;
        Memory<float> topData = top[0].DataMemory;   // may be bottomData: in place
        Memory<float> mask = default;
        if (KeepForwardMask || _maskRequests > 0)
        {
            if (_mask.Length < bottom[0].Count) _mask = new float[bottom[0].Count];
            _maskCount = bottom[0].Count;
            mask = _mask.AsMemory(0, _maskCount);
        }
        ParallelRows.ForElements(bottom[0].Count, (start, length) =>
        {
            if (!mask.IsEmpty) Rectifier.PositiveMask(bottomData.Span.Slice(start, length), mask.Span.Slice(start, length));
            Rectifier.Forward(bottomData.Span.Slice(start, length), _negativeSlope, topData.Span.Slice(start, length));
        });
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
