namespace Caffe;

/// <summary>
/// Gathers items of the first bottom along the first axis (Caffe's <c>BatchReindex</c>): top item i is bottom item
/// bottom[1][i], so the top has bottom[1]'s length as its first dimension. The indices are data and are checked at
/// forward. Backward adds each top item's diff to the bottom item it came from; the indices get no gradient.
/// </summary>
public sealed class BatchReindexLayer(LayerParameter param) : Layer(param)
{
    /// <inheritdoc/>
    public override string Type => "BatchReindex";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 2;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <summary>The indices are data: force_backward never asks for their gradient.</summary>
    public override bool AllowForceBackward(int bottomIndex) => bottomIndex == 0;

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (bottom[1].NumAxes != 1)
            throw Error($"the index bottom must be 1-D, got shape ({Blob.ShapeText(bottom[1].Shape)}).");
        if (bottom[0].NumAxes < 1)
            throw Error("the data bottom must have at least one axis.");
        int[] shape = [.. bottom[0].Shape];
        shape[0] = bottom[1].ShapeAt(0);
        top[0].Reshape(shape);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> permutation = bottom[1].Data;
        int initialNum = bottom[0].ShapeAt(0);
        for (int i = 0; i < permutation.Length; i++)
        {
            float index = permutation[i];
            if (!(index >= 0f && index < initialNum))
                throw Error($"index {index} at position {i} is out of range [0, {initialNum}) for the data bottom of shape ({Blob.ShapeText(bottom[0].Shape)}).");
        }
        if (top[0].Count == 0) return;
        int innerDim = bottom[0].Count / initialNum;
        ReadOnlySpan<float> input = bottom[0].Data;
        Span<float> output = top[0].Data;
        for (int n = 0; n < permutation.Length; n++)
            input.Slice((int)permutation[n] * innerDim, innerDim).CopyTo(output.Slice(n * innerDim, innerDim));
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[1]) throw Error("cannot backpropagate to the index bottom.");
        if (!propagateDown[0]) return;
        Span<float> bottomDiff = bottom[0].Diff;
        bottomDiff.Clear();
        if (top[0].Count == 0) return;
        ReadOnlySpan<float> permutation = bottom[1].Data;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        int innerDim = bottom[0].Count / bottom[0].ShapeAt(0);
        for (int n = 0; n < permutation.Length; n++)
            Blas.Axpy(innerDim, 1f, topDiff.Slice(n * innerDim, innerDim), bottomDiff.Slice((int)permutation[n] * innerDim, innerDim));
    }
}
