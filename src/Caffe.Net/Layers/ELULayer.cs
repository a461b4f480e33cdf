namespace Caffe;

/// <summary>
/// The exponential linear unit (Caffe's <c>ELU</c>): y = x for x &gt; 0, alpha (e^x − 1) otherwise
/// (<c>elu_param { alpha }</c>, default 1).
/// </summary>
public sealed class ELULayer(LayerParameter param) : NeuronLayer(param)
{
    /// <inheritdoc/>
    public override string Type => "ELU";

    private float Alpha => Param.EluParam?.Alpha ?? new ELUParameter().Alpha;

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        Span<float> topData = top[0].Data;
        float alpha = Alpha;
        for (int i = 0; i < topData.Length; i++)
        {
            float x = bottomData[i];
            topData[i] = MathF.Max(x, 0f) + alpha * (MathF.Exp(MathF.Min(x, 0f)) - 1f);
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        ReadOnlySpan<float> topData = top[0].Data;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        Span<float> bottomDiff = bottom[0].Diff;
        float alpha = Alpha;
        for (int i = 0; i < bottomDiff.Length; i++)
        {
            // For x ≤ 0 the derivative alpha e^x equals y + alpha.
            bottomDiff[i] = bottomData[i] > 0 ? topDiff[i] : topDiff[i] * (alpha + topData[i]);
        }
    }
}
