namespace Caffe;

/// <summary>
/// Provides the net's input blobs, shaped by <c>input_param { shape }</c> (one shape for all tops, or one per
/// top). Its tops are what pycaffe lists as <c>net.inputs</c>; the user fills them before forward.
/// </summary>
public sealed class InputLayer(LayerParameter param) : Layer(param)
{
    /// <inheritdoc/>
    public override string Type => "Input";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 0;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int numShapes = Param.InputParam?.Shape.Count ?? 0;
        if (numShapes > 1 && numShapes != top.Count)
            throw Error($"input_param must give 'shape' once, once per top blob, or not at all: {top.Count} tops vs. {numShapes} shapes.");
        if (numShapes == 0) return;
        for (int i = 0; i < top.Count; i++) top[i].Reshape(Param.InputParam!.Shape[numShapes == 1 ? 0 : i]);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        // The user owns the input shapes: they change only through the blobs themselves.
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) { }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) { }
}
