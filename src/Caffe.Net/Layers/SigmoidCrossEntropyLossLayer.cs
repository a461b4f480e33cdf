namespace Caffe;

/// <summary>
/// The cross-entropy of sigmoid outputs against targets in [0, 1] (Caffe's <c>SigmoidCrossEntropyLoss</c>), computed
/// from the inputs x in Caffe's stable form −[x (t − 1{x ≥ 0}) − log(1 + e^(x − 2x·1{x ≥ 0}))]. Targets equal to
/// <c>loss_param { ignore_label }</c> are skipped. The sum is divided per <c>loss_param</c>: <c>normalization</c>,
/// else the deprecated <c>normalize</c> (true = VALID, false = BATCH_SIZE), else BATCH_SIZE — this layer's own
/// default, unlike the proto's VALID. The targets get no gradient.
/// </summary>
public sealed class SigmoidCrossEntropyLossLayer(LayerParameter param) : LossLayer(param)
{
    private float[] _sigmoid = [];
    private bool _hasIgnoreLabel;
    private int _ignoreLabel;
    private LossParameter.Types.NormalizationMode _normalization;
    private int _outerNum;
    private int _innerNum;
    private float _normalizer = 1f;

    /// <inheritdoc/>
    public override string Type => "SigmoidCrossEntropyLoss";

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.LayerSetUp(bottom, top);
        LossParameter? lossParam = Param.LossParam;
        _hasIgnoreLabel = lossParam?.HasIgnoreLabel ?? false;
        _ignoreLabel = lossParam?.IgnoreLabel ?? 0;
        _normalization = LossLayer.NormalizationModeOf(lossParam, LossParameter.Types.NormalizationMode.BatchSize);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.Reshape(bottom, top);
        _outerNum = bottom[0].ShapeAt(0);
        _innerNum = bottom[0].CountFrom(1);
        if (bottom[0].Count != bottom[1].Count)
            throw Error($"the inputs and targets must have the same count: shapes ({Blob.ShapeText(bottom[0].Shape)}) and ({Blob.ShapeText(bottom[1].Shape)}).");
        if (_sigmoid.Length < bottom[0].Count) _sigmoid = new float[bottom[0].Count];
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> input = bottom[0].Data;
        ReadOnlySpan<float> target = bottom[1].Data;
        Span<float> sigmoid = _sigmoid.AsSpan(0, input.Length);
        int validCount = 0;
        float loss = 0;
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            // The same sigmoid as Caffe's Sigmoid layer, kept for backward.
            sigmoid[i] = (float)(0.5 * Math.Tanh(0.5 * x) + 0.5);
            if (_hasIgnoreLabel && (int)target[i] == _ignoreLabel) continue;
            float positive = x >= 0 ? 1f : 0f;
            loss -= x * (target[i] - positive) - MathF.Log(1 + MathF.Exp(x - 2 * x * positive));
            validCount++;
        }
        _normalizer = LossLayer.GetNormalizer(_normalization, _outerNum, _innerNum, validCount);
        top[0].Data[0] = loss / _normalizer;
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[1]) throw Error("cannot backpropagate to the target input.");
        if (!propagateDown[0]) return;
        ReadOnlySpan<float> target = bottom[1].Data;
        Span<float> bottomDiff = bottom[0].Diff;
        ReadOnlySpan<float> sigmoid = _sigmoid.AsSpan(0, bottomDiff.Length);
        float scale = top[0].Diff[0] / _normalizer;
        for (int i = 0; i < bottomDiff.Length; i++)
        {
            bool ignored = _hasIgnoreLabel && (int)target[i] == _ignoreLabel;
            bottomDiff[i] = ignored ? 0f : (sigmoid[i] - target[i]) * scale;
        }
    }
}
