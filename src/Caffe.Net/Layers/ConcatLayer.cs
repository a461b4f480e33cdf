namespace Caffe;

/// <summary>
/// Joins its bottoms along <c>concat_param.axis</c> (default 1; the deprecated <c>concat_dim</c> is read too).
/// All other dimensions must agree. Backward hands each bottom its part of the top diff. With a single bottom
/// the top shares the bottom's data and diff.
/// </summary>
public sealed class ConcatLayer(LayerParameter param) : Layer(param)
{
    private int _axis;
    private int _numConcats;
    private int _inputSize;

    /// <inheritdoc/>
    public override string Type => "Concat";

    /// <inheritdoc/>
    public override int MinBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ConcatParameter p = Param.ConcatParam ?? new();
        if (p.HasAxis && p.HasConcatDim)
            throw Error($"give either concat_param.axis ({p.Axis}) or the deprecated concat_dim ({p.ConcatDim}), not both.");
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ConcatParameter p = Param.ConcatParam ?? new();
        Blob first = bottom[0];
        _axis = p.HasConcatDim
            ? LayerAxes.Legacy(this, first, p.ConcatDim, "concat_param.concat_dim")
            : LayerAxes.Canonical(this, first, p.Axis, "concat_param.axis");
        var topShape = first.Shape.ToArray();
        _numConcats = first.CountRange(0, _axis);
        _inputSize = first.CountFrom(_axis + 1);
        for (int i = 1; i < bottom.Count; i++)
        {
            Blob b = bottom[i];
            bool matches = b.NumAxes == first.NumAxes;
            for (int j = 0; matches && j < first.NumAxes; j++) matches = j == _axis || b.Shape[j] == first.Shape[j];
            if (!matches)
            {
                throw Error($"bottom[{i}] has shape {b.ShapeString}, but every bottom must have the shape of " +
                            $"bottom[0] ({first.ShapeString}) except along the concat axis {_axis}.");
            }
            topShape[_axis] += b.Shape[_axis];
        }
        top[0].Reshape(topShape);
        if (bottom.Count == 1)
        {
            top[0].ShareData(bottom[0]);
            top[0].ShareDiff(bottom[0]);
        }
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (bottom.Count == 1) return;
        Span<float> topData = top[0].Data;
        int topAxis = top[0].Shape[_axis];
        int offset = 0;
        foreach (Blob b in bottom)
        {
            int bottomAxis = b.Shape[_axis];
            int chunk = bottomAxis * _inputSize;
            ReadOnlySpan<float> bottomData = b.Data;
            for (int n = 0; n < _numConcats; n++)
                bottomData.Slice(n * chunk, chunk).CopyTo(topData.Slice((n * topAxis + offset) * _inputSize, chunk));
            offset += bottomAxis;
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (bottom.Count == 1) return;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        int topAxis = top[0].Shape[_axis];
        int offset = 0;
        for (int i = 0; i < bottom.Count; i++)
        {
            int bottomAxis = bottom[i].Shape[_axis];
            if (propagateDown[i])
            {
                int chunk = bottomAxis * _inputSize;
                Span<float> bottomDiff = bottom[i].Diff;
                for (int n = 0; n < _numConcats; n++)
                    topDiff.Slice((n * topAxis + offset) * _inputSize, chunk).CopyTo(bottomDiff.Slice(n * chunk, chunk));
            }
            offset += bottomAxis;
        }
    }
}
