namespace Caffe;

/// <summary>
/// Swallows its bottoms so that they are not reported as net outputs (Caffe's <c>Silence</c>); no tops.
/// Backward zeroes the diffs of the bottoms that need one.
/// </summary>
public sealed class SilenceLayer(LayerParameter param) : Layer(param)
{
    /// <inheritdoc/>
    public override string Type => "Silence";

    /// <inheritdoc/>
    public override int MinBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 0;

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) { }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) { }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        for (int i = 0; i < bottom.Count; i++)
        {
            if (propagateDown[i]) bottom[i].Diff.Clear();
        }
    }
}
