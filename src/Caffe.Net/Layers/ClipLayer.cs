namespace Caffe;

/// <summary>
/// y = max(min, min(max, x)) element-wise (Caffe's <c>Clip</c>); <c>clip_param { min max }</c> are both required.
/// The gradient passes where min ≤ x ≤ max (both ends included, as in Caffe).
/// </summary>
public sealed class ClipLayer(LayerParameter param) : NeuronLayer(param)
{
    private float _min;
    private float _max;

    /// <inheritdoc/>
    public override string Type => "Clip";

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ClipParameter? clip = Param.ClipParam;
        if (clip == null || !clip.HasMin || !clip.HasMax)
            throw Error("clip_param must give both 'min' and 'max' (they are required fields).");
        if (clip.Min > clip.Max)
            throw Error($"clip_param min ({clip.Min}) must not exceed max ({clip.Max}).");
        _min = clip.Min;
        _max = clip.Max;
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        Span<float> topData = top[0].Data;
        for (int i = 0; i < topData.Length; i++) topData[i] = MathF.Max(_min, MathF.Min(bottomData[i], _max));
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        Span<float> bottomDiff = bottom[0].Diff;
        for (int i = 0; i < bottomDiff.Length; i++)
        {
            float x = bottomData[i];
            bottomDiff[i] = x >= _min && x <= _max ? topDiff[i] : 0f;
        }
    }
}
