namespace Caffe;

/// <summary>
/// Keeps the items (first-axis slices) whose selector is non-zero (Caffe's <c>Filter</c>): bottoms 0…k−1 are filtered
/// into tops 0…k−1, the last bottom is the selector, of shape (N) or (N, 1, …). At setup the tops keep the full batch
/// size (Caffe's first-reshape rule), so nets can be built before a selector is known. Backward copies the diffs
/// back to the kept items and zeroes the others; the selector gets no gradient.
/// </summary>
public sealed class FilterLayer(LayerParameter param) : Layer(param)
{
    private readonly List<int> _indicesToForward = [];
    private bool _firstReshape;
    private int _numBottoms;

    /// <inheritdoc/>
    public override string Type => "Filter";

    /// <inheritdoc/>
    public override int MinBottomBlobs => 2;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    /// <summary>The selector is data: force_backward never asks for its gradient.</summary>
    public override bool AllowForceBackward(int bottomIndex) => bottomIndex < _numBottoms - 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (top.Count != bottom.Count - 1)
            throw Error($"needs one top per filtered bottom (bottoms minus the selector): {bottom.Count} bottom(s) give {bottom.Count - 1}, but there are {top.Count} top(s).");
        _firstReshape = true;
        _numBottoms = bottom.Count;
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Blob selector = bottom[^1];
        if (selector.NumAxes < 1)
            throw Error($"the selector (last bottom) must have at least one axis, got shape ({Blob.ShapeText(selector.Shape)}).");
        for (int i = 1; i < selector.NumAxes; i++)
        {
            if (selector.ShapeAt(i) != 1)
                throw Error($"the selector (last bottom) must have singleton dimensions after the first, got shape ({Blob.ShapeText(selector.Shape)}).");
        }
        for (int i = 0; i < bottom.Count - 1; i++)
        {
            if (bottom[i].NumAxes < 1 || bottom[i].ShapeAt(0) != selector.ShapeAt(0))
                throw Error($"bottom {i} of shape ({Blob.ShapeText(bottom[i].Shape)}) must have the selector's first dimension {selector.ShapeAt(0)}.");
        }

        _indicesToForward.Clear();
        ReadOnlySpan<float> selectorData = selector.Data;
        for (int item = 0; item < selector.ShapeAt(0); item++)
        {
            if (selectorData[item] != 0f) _indicesToForward.Add(item);
        }
        int newNum = _indicesToForward.Count;
        if (_firstReshape)
        {
            newNum = bottom[0].ShapeAt(0);
            _firstReshape = false;
        }
        for (int t = 0; t < top.Count; t++)
        {
            int[] shape = [.. bottom[t].Shape];
            shape[0] = newNum;
            top[t].Reshape(shape);
        }
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        for (int t = 0; t < top.Count; t++)
        {
            ReadOnlySpan<float> bottomData = bottom[t].Data;
            Span<float> topData = top[t].Data;
            int dim = bottom[t].CountFrom(1);
            for (int n = 0; n < _indicesToForward.Count; n++)
                bottomData.Slice(_indicesToForward[n] * dim, dim).CopyTo(topData.Slice(n * dim, dim));
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[bottom.Count - 1])
            throw Error("cannot backpropagate to the selector (last bottom).");
        for (int t = 0; t < top.Count; t++)
        {
            if (!propagateDown[t]) continue;
            ReadOnlySpan<float> topDiff = top[t].Diff;
            Span<float> bottomDiff = bottom[t].Diff;
            int dim = bottom[t].CountFrom(1);
            bottomDiff.Clear();
            for (int n = 0; n < _indicesToForward.Count; n++)
                topDiff.Slice(n * dim, dim).CopyTo(bottomDiff.Slice(_indicesToForward[n] * dim, dim));
        }
    }
}
