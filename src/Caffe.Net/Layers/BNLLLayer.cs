namespace Caffe;

/// <summary>
/// The binomial normal log likelihood y = log(1 + e^x) element-wise (Caffe's <c>BNLL</c>), written as
/// x + log(1 + e^-x) for positive x so that large inputs do not overflow.
/// </summary>
public sealed class BNLLLayer(LayerParameter param) : NeuronLayer(param)
{
    // Caffe caps the exponent in backward so that e^x stays finite.
    private const float Threshold = 50f;

    /// <inheritdoc/>
    public override string Type => "BNLL";

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        Span<float> topData = top[0].Data;
        for (int i = 0; i < topData.Length; i++)
        {
            float x = bottomData[i];
            topData[i] = x > 0
                ? (float)(x + Math.Log(1.0 + MathF.Exp(-x)))
                : (float)Math.Log(1.0 + MathF.Exp(x));
        }
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
            float expVal = MathF.Exp(MathF.Min(bottomData[i], Threshold));
            bottomDiff[i] = (float)(topDiff[i] * expVal / (expVal + 1.0));
        }
    }
}
