namespace Caffe;

/// <summary>
/// Cuts its bottom along <c>slice_param.axis</c> (default 1; the deprecated <c>slice_dim</c> is read too) into
/// one top per part: at the given <c>slice_point</c>s, or into equal parts when none are given. Backward
/// reassembles the diff. With a single top the top shares the bottom's data and diff.
/// </summary>
public sealed class SliceLayer(LayerParameter param) : Layer(param)
{
    private int _axis;
    private int _numSlices;
    private int _sliceSize;

    /// <inheritdoc/>
    public override string Type => "Slice";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        SliceParameter p = Param.SliceParam ?? new();
        if (p.HasAxis && p.HasSliceDim)
            throw Error($"give either slice_param.axis ({p.Axis}) or the deprecated slice_dim ({p.SliceDim}), not both.");
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        SliceParameter p = Param.SliceParam ?? new();
        Blob input = bottom[0];
        _axis = p.HasSliceDim
            ? LayerAxes.Legacy(this, input, p.SliceDim, "slice_param.slice_dim")
            : LayerAxes.Canonical(this, input, p.Axis, "slice_param.axis");
        int axisSize = input.Shape[_axis];
        _numSlices = input.CountRange(0, _axis);
        _sliceSize = input.CountFrom(_axis + 1);
        int[] sizes = p.SlicePoint.Count != 0 ? SizesFromPoints(p.SlicePoint, axisSize, top.Count) : EqualSizes(axisSize, top.Count);
        var topShape = input.Shape.ToArray();
        for (int i = 0; i < top.Count; i++)
        {
            topShape[_axis] = sizes[i];
            top[i].Reshape(topShape);
        }
        if (top.Count == 1)
        {
            top[0].ShareData(input);
            top[0].ShareDiff(input);
        }
    }

    private int[] SizesFromPoints(IReadOnlyList<uint> points, int axisSize, int numTops)
    {
        if (points.Count != numTops - 1)
            throw Error($"{points.Count} slice_point(s) make {points.Count + 1} parts, but the layer has {numTops} top(s).");
        if (numTops > axisSize)
            throw Error($"cannot cut axis {_axis} of size {axisSize} into {numTops} parts.");
        var sizes = new int[numTops];
        long previous = 0;
        for (int i = 0; i < points.Count; i++)
        {
            if (points[i] <= previous || points[i] > axisSize)
            {
                throw Error($"slice_point {points[i]} (number {i}) must be greater than the previous point ({previous}) " +
                            $"and at most the size {axisSize} of axis {_axis}.");
            }
            sizes[i] = (int)(points[i] - previous);
            previous = points[i];
        }
        sizes[^1] = axisSize - (int)previous;
        return sizes;
    }

    private int[] EqualSizes(int axisSize, int numTops)
    {
        if (axisSize % numTops != 0)
            throw Error($"without slice_point the {numTops} tops must divide axis {_axis} of size {axisSize} evenly.");
        return Enumerable.Repeat(axisSize / numTops, numTops).ToArray();
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (top.Count == 1) return;
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        int bottomAxis = bottom[0].Shape[_axis];
        int offset = 0;
        foreach (Blob t in top)
        {
            int topAxis = t.Shape[_axis];
            int chunk = topAxis * _sliceSize;
            Span<float> topData = t.Data;
            for (int n = 0; n < _numSlices; n++)
                bottomData.Slice((n * bottomAxis + offset) * _sliceSize, chunk).CopyTo(topData.Slice(n * chunk, chunk));
            offset += topAxis;
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0] || top.Count == 1) return;
        Span<float> bottomDiff = bottom[0].Diff;
        int bottomAxis = bottom[0].Shape[_axis];
        int offset = 0;
        foreach (Blob t in top)
        {
            int topAxis = t.Shape[_axis];
            int chunk = topAxis * _sliceSize;
            ReadOnlySpan<float> topDiff = t.Diff;
            for (int n = 0; n < _numSlices; n++)
                topDiff.Slice(n * chunk, chunk).CopyTo(bottomDiff.Slice((n * bottomAxis + offset) * _sliceSize, chunk));
            offset += topAxis;
        }
    }
}
