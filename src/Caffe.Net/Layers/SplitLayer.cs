using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// Hands one blob to several consumers (inserted automatically by the net): every top shares the bottom's
/// data, and backward sums the tops' diffs into the bottom's diff.
/// </summary>
public sealed class SplitLayer(LayerParameter param) : Layer(param)
{
    /// <inheritdoc/>
    public override string Type => "Split";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        foreach (Blob t in top)
        {
            if (ReferenceEquals(t, bottom[0])) throw Error("Split does not allow in-place computation.");
            t.ReshapeLike(bottom[0]);
        }
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        foreach (Blob t in top) t.ShareData(bottom[0]);
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        Span<float> bottomDiff = bottom[0].Diff;
        top[0].Diff.CopyTo(bottomDiff);
        for (int i = 1; i < top.Count; i++) TensorPrimitives.Add(bottomDiff, top[i].Diff, bottomDiff);
    }
}
