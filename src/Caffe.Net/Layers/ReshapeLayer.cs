namespace Caffe;

/// <summary>
/// Gives the bottom a new shape without copying (Caffe's <c>Reshape</c>): <c>reshape_param.shape</c> replaces
/// the axes [<c>axis</c>, <c>axis</c> + <c>num_axes</c>) of the bottom (all of them by default); a dimension of
/// 0 copies the bottom's dimension at that position and a single -1 is inferred from the count. The top shares
/// the bottom's data and diff. Not in place.
/// </summary>
public sealed class ReshapeLayer(LayerParameter param) : Layer(param)
{
    private readonly List<int> _copyAxes = [];
    private int _inferredAxis = -1;
    private long _constantCount = 1;

    /// <inheritdoc/>
    public override string Type => "Reshape";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (ReferenceEquals(top[0], bottom[0])) throw Error("Reshape does not allow in-place computation.");
        BlobShape shape = Param.ReshapeParam?.Shape ?? new BlobShape();
        _copyAxes.Clear();
        _inferredAxis = -1;
        _constantCount = 1;
        for (int i = 0; i < shape.Dim.Count; i++)
        {
            long dim = shape.Dim[i];
            if (dim == 0)
            {
                _copyAxes.Add(i);
            }
            else if (dim == -1)
            {
                if (_inferredAxis != -1)
                    throw Error($"reshape_param.shape ({ShapeText(shape)}) has more than one -1; at most one dimension can be inferred.");
                _inferredAxis = i;
            }
            else if (dim < -1 || dim > int.MaxValue)
            {
                throw Error($"reshape_param.shape ({ShapeText(shape)}) has dimension {dim} at position {i}; " +
                            "expected a positive size, 0 (copy the bottom's) or -1 (infer).");
            }
            else
            {
                _constantCount *= dim;
                if (_constantCount > int.MaxValue)
                    throw Error($"reshape_param.shape ({ShapeText(shape)}) has more than {int.MaxValue} elements.");
            }
        }
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReshapeParameter p = Param.ReshapeParam ?? new();
        Blob input = bottom[0];
        int bottomAxes = input.NumAxes;
        int start = p.Axis >= 0 ? p.Axis : bottomAxes + p.Axis + 1;
        if (start < 0 || start > bottomAxes)
            throw Error($"reshape_param.axis {p.Axis} is out of range for the {bottomAxes}-D bottom of shape {input.ShapeString}; expected [{-bottomAxes - 1}, {bottomAxes}].");
        if (p.NumAxes < -1)
            throw Error($"reshape_param.num_axes must be >= 0, or -1 for all remaining axes; got {p.NumAxes}.");
        int end = p.NumAxes == -1 ? bottomAxes : start + p.NumAxes;
        if (end > bottomAxes)
            throw Error($"reshape_param.axis {p.Axis} + num_axes {p.NumAxes} reaches past the {bottomAxes} axes of the bottom (shape {input.ShapeString}).");

        BlobShape shape = p.Shape ?? new BlobShape();
        var topShape = new List<int>();
        for (int i = 0; i < start; i++) topShape.Add(input.Shape[i]);
        foreach (long dim in shape.Dim) topShape.Add((int)dim);
        for (int i = end; i < bottomAxes; i++) topShape.Add(input.Shape[i]);

        foreach (int copyAxis in _copyAxes)
        {
            if (start + copyAxis >= bottomAxes)
                throw Error($"reshape_param.shape ({ShapeText(shape)}) has a 0 at position {copyAxis}, but the bottom " +
                            $"(shape {input.ShapeString}) has no axis {start + copyAxis} to copy.");
            topShape[start + copyAxis] = input.Shape[start + copyAxis];
        }
        if (_inferredAxis >= 0)
        {
            long explicitCount = _constantCount * input.CountRange(0, start) * input.CountFrom(end);
            foreach (int copyAxis in _copyAxes) explicitCount *= topShape[start + copyAxis];
            if (explicitCount == 0 || input.Count % explicitCount != 0)
                throw Error($"cannot infer the -1 in reshape_param.shape ({ShapeText(shape)}): the bottom count {input.Count} " +
                            $"(shape {input.ShapeString}) is not divisible by the product {explicitCount} of the other dimensions.");
            topShape[start + _inferredAxis] = (int)(input.Count / explicitCount);
        }
        long topCount = 1;
        foreach (int d in topShape) topCount *= d;
        if (topCount != input.Count)
            throw Error($"the new shape ({Blob.ShapeText(topShape)}) has {topCount} elements, but the bottom " +
                        $"(shape {input.ShapeString}) has {input.Count}.");
        top[0].Reshape(topShape);
        top[0].ShareData(input);
        top[0].ShareDiff(input);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) { }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) { }

    private static string ShapeText(BlobShape shape) => string.Join(" ", shape.Dim);
}
