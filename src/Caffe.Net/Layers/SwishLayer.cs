namespace Caffe;

/// <summary>
/// y = x · sigmoid(beta x) element-wise (Caffe's <c>Swish</c>, <c>swish_param { beta }</c>, default 1). Caffe runs an
/// internal Sigmoid layer; this computes the same sigmoid (0.5 tanh(x/2) + 0.5) directly and keeps it for backward,
/// so in-place use is correct as in Caffe.
/// </summary>
public sealed class SwishLayer(LayerParameter param) : NeuronLayer(param)
{
    private float[] _sigmoid = [];

    /// <inheritdoc/>
    public override string Type => "Swish";

    private float Beta => Param.SwishParam?.Beta ?? new SwishParameter().Beta;

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.Reshape(bottom, top);
        if (_sigmoid.Length < bottom[0].Count) _sigmoid = new float[bottom[0].Count];
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        Span<float> topData = top[0].Data;
        Span<float> sigmoid = _sigmoid.AsSpan(0, topData.Length);
        float beta = Beta;
        for (int i = 0; i < topData.Length; i++)
        {
            float x = bottomData[i];
            sigmoid[i] = (float)(0.5 * Math.Tanh(0.5 * (beta * x)) + 0.5);
            topData[i] = x * sigmoid[i];
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        ReadOnlySpan<float> topData = top[0].Data;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        Span<float> bottomDiff = bottom[0].Diff;
        ReadOnlySpan<float> sigmoid = _sigmoid.AsSpan(0, bottomDiff.Length);
        float beta = Beta;
        for (int i = 0; i < bottomDiff.Length; i++)
        {
            // d/dx x s(beta x) = beta y + s (1 − beta y), with y the output.
            float betaY = beta * topData[i];
            bottomDiff[i] = (float)(topDiff[i] * (betaY + sigmoid[i] * (1.0 - betaY)));
        }
    }
}
