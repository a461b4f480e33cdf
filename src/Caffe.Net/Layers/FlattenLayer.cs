namespace Caffe;

/// <summary>
/// Merges axes <c>flatten_param.axis</c> (default 1) through <c>end_axis</c> (default -1, the last) into one,
/// e.g. N×C×H×W → N×(C·H·W). The top is a view: it shares the bottom's data in forward, and the bottom takes
/// the top's diff in backward, as in Caffe. Not in place.
/// </summary>
public sealed class FlattenLayer(LayerParameter param) : Layer(param)
{
    /// <inheritdoc/>
    public override string Type => "Flatten";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (ReferenceEquals(top[0], bottom[0])) throw Error("Flatten does not allow in-place computation.");
        FlattenParameter p = Param.FlattenParam ?? new();
        Blob input = bottom[0];
        int start = LayerAxes.Canonical(this, input, p.Axis, "flatten_param.axis");
        int end = LayerAxes.Canonical(this, input, p.EndAxis, "flatten_param.end_axis");
        // end == start - 1 is allowed, as in Caffe: it inserts an axis of size 1.
        if (end < start - 1)
        {
            throw Error($"flatten_param.end_axis {p.EndAxis} (axis {end}) comes before axis {p.Axis} (axis {start}) " +
                        $"for the bottom of shape {input.ShapeString}.");
        }
        var topShape = new List<int>(input.NumAxes);
        for (int i = 0; i < start; i++) topShape.Add(input.Shape[i]);
        topShape.Add(input.CountRange(start, end + 1));
        for (int i = end + 1; i < input.NumAxes; i++) topShape.Add(input.Shape[i]);
        top[0].Reshape(topShape);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) => top[0].ShareData(bottom[0]);

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) =>
        bottom[0].ShareDiff(top[0]);
}
