namespace Caffe;

/// <summary>
/// The negative log likelihood of probabilities (Caffe's <c>MultinomialLogisticLoss</c>): predictions of shape
/// (N, K, …) already normalized, labels (N, 1, 1, 1); loss = −Σ log(max(p[label], 1e-20)) / N. The clamp
/// (Caffe's kLOG_THRESHOLD) keeps log(0) finite. Labels are truncated to integers, must lie in [0, K), and get no gradient.
/// </summary>
public sealed class MultinomialLogisticLossLayer(LayerParameter param) : LossLayer(param)
{
    /// <summary>Caffe's kLOG_THRESHOLD: probabilities are clamped to at least this before the log.</summary>
    internal const float LogThreshold = 1e-20f;

    /// <inheritdoc/>
    public override string Type => "MultinomialLogisticLoss";

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.Reshape(bottom, top);
        Blob label = bottom[1];
        if (label.NumAxes > 4 || label.Channels != 1 || label.Height != 1 || label.Width != 1)
            throw Error($"the label must be one value per item, (N, 1, 1, 1): shape ({Blob.ShapeText(label.Shape)}).");
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> prob = bottom[0].Data;
        ReadOnlySpan<float> label = bottom[1].Data;
        int num = bottom[0].ShapeAt(0);
        int dim = bottom[0].Count / num;
        float loss = 0;
        for (int i = 0; i < num; i++)
        {
            float p = MathF.Max(prob[i * dim + LabelAt(label, i, dim)], LogThreshold);
            loss -= MathF.Log(p);
        }
        top[0].Data[0] = loss / num;
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[1]) throw Error("cannot backpropagate to the label input.");
        if (!propagateDown[0]) return;
        ReadOnlySpan<float> prob = bottom[0].Data;
        ReadOnlySpan<float> label = bottom[1].Data;
        Span<float> bottomDiff = bottom[0].Diff;
        int num = bottom[0].ShapeAt(0);
        int dim = bottom[0].Count / num;
        bottomDiff.Clear();
        float scale = -top[0].Diff[0] / num;
        for (int i = 0; i < num; i++)
        {
            int index = i * dim + LabelAt(label, i, dim);
            bottomDiff[index] = scale / MathF.Max(prob[index], LogThreshold);
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
