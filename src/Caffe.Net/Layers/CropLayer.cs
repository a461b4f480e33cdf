namespace Caffe;

/// <summary>
/// Crops bottom[0] to the shape of bottom[1] on every axis from <c>axis</c> on (Caffe's <c>Crop</c>,
/// <c>crop_param { axis offset }</c>; axis defaults to 2, the spatial axes of N,C,H,W). <c>offset</c> is given
/// once for all cropped axes, once per cropped axis, or not at all (0). bottom[1] only supplies the shape and gets no
/// gradient; backward writes the top diff into the cropped window and zeroes the rest.
/// </summary>
public sealed class CropLayer(LayerParameter param) : Layer(param)
{
    private int[] _offsets = [];

    /// <inheritdoc/>
    public override string Type => "Crop";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 2;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        CropParameter p = Param.CropParam ?? new CropParameter();
        Blob data = bottom[0], reference = bottom[1];
        int inputDim = data.NumAxes;
        int startAxis = LayerAxes.Canonical(this, data, p.Axis, "crop_param axis");
        if (p.Offset.Count > 1 && startAxis + p.Offset.Count != inputDim)
            throw Error($"crop_param gives {p.Offset.Count} offsets, but axis {startAxis} of the {inputDim}-D bottom " +
                        $"leaves {inputDim - startAxis} axes to crop: give one offset, or one per cropped axis.");
        if (reference.NumAxes < inputDim)
            throw Error($"the reference bottom of shape ({Blob.ShapeText(reference.Shape)}) has fewer axes than the bottom to crop " +
                        $"of shape ({Blob.ShapeText(data.Shape)}).");

        _offsets = new int[inputDim];
        int[] newShape = [.. data.Shape];
        for (int i = startAxis; i < inputDim; i++)
        {
            long offset = p.Offset.Count == 0 ? 0 : p.Offset[p.Offset.Count == 1 ? 0 : i - startAxis];
            if (data.ShapeAt(i) - offset < reference.ShapeAt(i))
                throw Error($"the crop on axis {i} is out of bounds: offset {offset} + size {reference.ShapeAt(i)} exceeds " +
                            $"{data.ShapeAt(i)} (bottom shape ({Blob.ShapeText(data.Shape)}), reference shape ({Blob.ShapeText(reference.Shape)}).");
            newShape[i] = reference.ShapeAt(i);
            _offsets[i] = (int)offset;
        }
        top[0].Reshape(newShape);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) =>
        CopyWindow(bottom[0], top[0], bottom[0].Data, top[0].Data, toTop: true);

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        Span<float> bottomDiff = bottom[0].Diff;
        bottomDiff.Clear();
        CopyWindow(bottom[0], top[0], top[0].Diff, bottomDiff, toTop: false);
    }

    // Copies between the top and the window of the bottom that starts at the offsets, one last-axis row at a time.
    private void CopyWindow(Blob bottom, Blob top, ReadOnlySpan<float> source, Span<float> destination, bool toTop)
    {
        int numAxes = top.NumAxes;
        if (top.Count == 0) return;
        if (numAxes == 0)
        {
            destination[0] = source[0];
            return;
        }
        int rowLength = top.ShapeAt(numAxes - 1);
        int rows = top.Count / rowLength;
        var index = new int[numAxes];
        for (int row = 0; row < rows; row++)
        {
            // index holds the top position of the row's first element; the bottom position adds the offsets.
            int bottomOffset = 0;
            for (int a = 0; a < numAxes; a++) bottomOffset = bottomOffset * bottom.ShapeAt(a) + index[a] + _offsets[a];
            int topOffset = row * rowLength;
            if (toTop) source.Slice(bottomOffset, rowLength).CopyTo(destination.Slice(topOffset, rowLength));
            else source.Slice(topOffset, rowLength).CopyTo(destination.Slice(bottomOffset, rowLength));
            for (int a = numAxes - 2; a >= 0; a--)
            {
                if (++index[a] < top.ShapeAt(a)) break;
                index[a] = 0;
            }
        }
    }
}
