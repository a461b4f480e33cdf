namespace Caffe;

/// <summary>
/// The contrastive loss of Hadsell et al. (Caffe's <c>ContrastiveLoss</c>, <c>contrastive_loss_param { margin
/// legacy_version }</c>): bottoms a and b of shape (N, C, 1, 1) and a similarity y of shape (N, 1, 1, 1); with
/// d = ‖a − b‖ the loss is 1/2N Σ [y d² + (1 − y) max(margin − d, 0)²], or max(margin − d², 0) for dissimilar pairs
/// with <c>legacy_version</c>. a and b get gradients; y does not.
/// </summary>
public sealed class ContrastiveLossLayer(LayerParameter param) : LossLayer(param)
{
    private float[] _diff = [];
    private float[] _distSq = [];

    /// <inheritdoc/>
    public override string Type => "ContrastiveLoss";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 3;

    /// <inheritdoc/>
    public override bool AllowForceBackward(int bottomIndex) => bottomIndex != 2;

    private ContrastiveLossParameter LossParam => Param.ContrastiveLossParam ?? new ContrastiveLossParameter();

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.Reshape(bottom, top);
        Blob a = bottom[0], b = bottom[1], y = bottom[2];
        if (a.NumAxes > 4 || b.NumAxes > 4 || y.NumAxes > 4)
            throw Error("its bottoms must have at most 4 axes (N, C, 1, 1).");
        if (a.Channels != b.Channels || a.Height != 1 || a.Width != 1 || b.Height != 1 || b.Width != 1)
            throw Error($"the two feature bottoms must both be (N, C, 1, 1) with the same C: shapes ({Blob.ShapeText(a.Shape)}) and ({Blob.ShapeText(b.Shape)}).");
        if (y.Channels != 1 || y.Height != 1 || y.Width != 1 || y.Num != a.Num)
            throw Error($"the similarity bottom must be (N, 1, 1, 1) with N = {a.Num}: shape ({Blob.ShapeText(y.Shape)}).");
        if (_diff.Length < a.Count) _diff = new float[a.Count];
        if (_distSq.Length < a.Num) _distSq = new float[a.Num];
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int num = bottom[0].Num;
        int channels = bottom[0].Channels;
        Span<float> diff = _diff.AsSpan(0, bottom[0].Count);
        System.Numerics.Tensors.TensorPrimitives.Subtract(bottom[0].Data, bottom[1].Data, diff);
        ReadOnlySpan<float> similar = bottom[2].Data;
        float margin = LossParam.Margin;
        bool legacy = LossParam.LegacyVersion;
        float loss = 0;
        for (int i = 0; i < num; i++)
        {
            ReadOnlySpan<float> d = diff.Slice(i * channels, channels);
            _distSq[i] = Blas.Dot(channels, d, d);
            if ((int)similar[i] != 0)
            {
                loss += _distSq[i];
            }
            else if (legacy)
            {
                loss += MathF.Max(margin - _distSq[i], 0f);
            }
            else
            {
                float dist = MathF.Max(margin - MathF.Sqrt(_distSq[i]), 0f);
                loss += dist * dist;
            }
        }
        top[0].Data[0] = loss / num / 2f;
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[2]) throw Error("cannot backpropagate to the similarity input.");
        int num = bottom[0].Num;
        int channels = bottom[0].Channels;
        ReadOnlySpan<float> similar = bottom[2].Data;
        float margin = LossParam.Margin;
        bool legacy = LossParam.LegacyVersion;
        for (int i = 0; i < 2; i++)
        {
            if (!propagateDown[i]) continue;
            float sign = i == 0 ? 1f : -1f;
            float alpha = sign * top[0].Diff[0] / bottom[i].Num;
            Span<float> bottomDiff = bottom[i].Diff;
            for (int j = 0; j < num; j++)
            {
                ReadOnlySpan<float> d = _diff.AsSpan(j * channels, channels);
                Span<float> output = bottomDiff.Slice(j * channels, channels);
                if ((int)similar[j] != 0)
                {
                    Blas.Axpby(channels, alpha, d, 0f, output);
                    continue;
                }
                float mdist, beta;
                if (legacy)
                {
                    mdist = margin - _distSq[j];
                    beta = -alpha;
                }
                else
                {
                    float dist = MathF.Sqrt(_distSq[j]);
                    mdist = margin - dist;
                    // 1e-4 keeps the gradient finite for identical pairs, as in Caffe.
                    beta = -alpha * mdist / (dist + 1e-4f);
                }
                if (mdist > 0f) Blas.Axpby(channels, beta, d, 0f, output);
                else output.Clear();
            }
        }
    }
}
