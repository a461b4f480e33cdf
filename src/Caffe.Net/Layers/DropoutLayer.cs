namespace Caffe;

/// <summary>
/// Dropout (Caffe's <c>Dropout</c>): in TRAIN each input is kept with probability 1 − dropout_ratio and
/// scaled by 1 / (1 − dropout_ratio), so that TEST is the identity. The mask is drawn from the calling
/// thread's <see cref="Rng"/>. In place is allowed.
/// </summary>
public sealed class DropoutLayer(LayerParameter param) : NeuronLayer(param)
{
    private float _threshold;
    private float _scale;
    private uint[] _mask = [];

    /// <inheritdoc/>
    public override string Type => "Dropout";

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        _threshold = (Param.DropoutParam ?? new DropoutParameter()).DropoutRatio;
        if (!(_threshold >= 0 && _threshold < 1))
            throw Error($"dropout_ratio must be in [0, 1), got {_threshold}.");
        _scale = (float)(1.0 / (1.0 - _threshold));
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.Reshape(bottom, top);
        if (_mask.Length < bottom[0].Count) _mask = new uint[bottom[0].Count];
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        Span<float> topData = top[0].Data;
        if (Phase != Phase.Train)
        {
            if (!ReferenceEquals(bottom[0], top[0])) bottomData.CopyTo(topData);
            return;
        }
        Span<uint> mask = _mask.AsSpan(0, bottomData.Length);
        Rng.FillBernoulli(mask, 1.0 - _threshold);
        for (int i = 0; i < bottomData.Length; i++) topData[i] = bottomData[i] * mask[i] * _scale;
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        Span<float> bottomDiff = bottom[0].Diff;
        if (Phase != Phase.Train)
        {
            if (!ReferenceEquals(bottom[0], top[0])) topDiff.CopyTo(bottomDiff);
            return;
        }
        ReadOnlySpan<uint> mask = _mask.AsSpan(0, topDiff.Length);
        for (int i = 0; i < topDiff.Length; i++) bottomDiff[i] = topDiff[i] * mask[i] * _scale;
    }
}
