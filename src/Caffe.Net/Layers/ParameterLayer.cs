namespace Caffe;

/// <summary>
/// Exposes a learnable blob as a top (Caffe's <c>Parameter</c>, <c>parameter_param { shape }</c>): the layer's only
/// parameter blob, zero-initialized, whose data and diff the top shares, so gradients arriving at the top are the
/// parameter's gradients.
/// </summary>
public sealed class ParameterLayer(LayerParameter param) : Layer(param)
{
    /// <inheritdoc/>
    public override string Type => "Parameter";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 0;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        BlobShape shape = Param.ParameterParam?.Shape
            ?? throw Error("parameter_param { shape } is required: it gives the shape of the parameter blob.");
        var blob = new Blob();
        try
        {
            blob.Reshape(shape);
        }
        catch (ArgumentException e)
        {
            throw Error($"parameter_param shape ({string.Join(" ", shape.Dim)}) is invalid: {e.Message}");
        }
        if (Blobs.Count == 0) Blobs.Add(blob);
        else if (Blobs.Count != 1 || !Blobs[0].Shape.SequenceEqual(blob.Shape))
            throw Error($"its stored parameter blob has shape ({Blob.ShapeText(Blobs[0].Shape)}) but parameter_param shape is ({Blob.ShapeText(blob.Shape)}).");
        SetParamPropagateDown(0, true);
        top[0].Reshape(blob.Shape);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        top[0].ShareData(Blobs[0]);
        top[0].ShareDiff(Blobs[0]);
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
    }
}
