namespace Caffe;

/// <summary>
/// The one-vs-all hinge loss (Caffe's <c>HingeLoss</c>, <c>hinge_loss_param { norm }</c>): for predictions x of shape
/// (N, K…) and labels l, t_k = max(0, 1 − δ(k = l) x_k + δ(k ≠ l) x_k); the loss is Σ t / N (L1) or Σ t² / N (L2).
/// Labels are truncated to integers, must lie in [0, K), and get no gradient.
/// </summary>
public sealed class HingeLossLayer(LayerParameter param) : LossLayer(param)
{
    // The margins t of the last forward (Caffe keeps them in the bottom's diff).
    private float[] _margins = [];

    /// <inheritdoc/>
    public override string Type => "HingeLoss";

    private HingeLossParameter.Types.Norm Norm => (Param.HingeLossParam ?? new HingeLossParameter()).Norm;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.LayerSetUp(bottom, top);
        if (!Enum.IsDefined(Norm)) throw Error($"unknown hinge_loss_param norm {(int)Norm} (L1 or L2).");
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.Reshape(bottom, top);
        if (bottom[1].Count != bottom[0].ShapeAt(0))
            throw Error($"needs one label per item: data shape ({Blob.ShapeText(bottom[0].Shape)}), label shape ({Blob.ShapeText(bottom[1].Shape)}).");
        if (_margins.Length < bottom[0].Count) _margins = new float[bottom[0].Count];
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int num = bottom[0].ShapeAt(0);
        int count = bottom[0].Count;
        int dim = count / num;
        ReadOnlySpan<float> label = bottom[1].Data;
        Span<float> margins = _margins.AsSpan(0, count);
        bottom[0].Data.CopyTo(margins);
        for (int i = 0; i < num; i++) margins[i * dim + LabelAt(label, i, dim)] *= -1f;
        for (int j = 0; j < count; j++) margins[j] = MathF.Max(0f, 1f + margins[j]);
        float loss = Norm == HingeLossParameter.Types.Norm.L2 ? Blas.Dot(count, margins, margins) : Blas.Asum(count, margins);
        top[0].Data[0] = loss / num;
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[1]) throw Error("cannot backpropagate to the label input.");
        if (!propagateDown[0]) return;
        int num = bottom[0].ShapeAt(0);
        int count = bottom[0].Count;
        int dim = count / num;
        ReadOnlySpan<float> label = bottom[1].Data;
        Span<float> bottomDiff = bottom[0].Diff;
        _margins.AsSpan(0, count).CopyTo(bottomDiff);
        for (int i = 0; i < num; i++) bottomDiff[i * dim + LabelAt(label, i, dim)] *= -1f;
        float lossWeight = top[0].Diff[0];
        if (Norm == HingeLossParameter.Types.Norm.L2)
        {
            Blas.Scal(count, lossWeight * 2 / num, bottomDiff);
            return;
        }
        float scale = lossWeight / num;
        for (int j = 0; j < count; j++)
        {
            float v = bottomDiff[j];
            bottomDiff[j] = (v > 0 ? 1f : v < 0 ? -1f : 0f) * scale;
        }
    }

    private int LabelAt(ReadOnlySpan<float> label, int item, int dim)
    {
        // Caffe truncates the label to an int; what it truncates to must be a class index.
        float value = label[item];
        if (!(value > -1f && value < dim))
            throw Error($"label {value} of item {item} is not a class index in [0, {dim}).");
        return (int)value;
    }
}
