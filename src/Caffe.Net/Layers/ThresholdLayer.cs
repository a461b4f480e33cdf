namespace Caffe;

/// <summary>
/// y = 1 if x &gt; threshold, else 0, element-wise (Caffe's <c>Threshold</c>, <c>threshold_param { threshold }</c>).
/// It has no gradient: backward into a bottom that needs one is an error, as Caffe's NOT_IMPLEMENTED.
/// </summary>
public sealed class ThresholdLayer(LayerParameter param) : NeuronLayer(param)
{
    /// <inheritdoc/>
    public override string Type => "Threshold";

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        float threshold = Param.ThresholdParam?.Threshold ?? new ThresholdParameter().Threshold;
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        Span<float> topData = top[0].Data;
        for (int i = 0; i < topData.Length; i++) topData[i] = bottomData[i] > threshold ? 1f : 0f;
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[0]) throw Error("Threshold has no gradient; backward cannot propagate to its bottom.");
    }
}
