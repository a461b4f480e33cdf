namespace Caffe;

/// <summary>
/// Base of loss layers: bottoms are predictions and labels (or targets), the top is a scalar loss whose
/// weight defaults to 1. Labels never receive a gradient, even under <c>force_backward</c>.
/// </summary>
public abstract class LossLayer(LayerParameter param) : Layer(param)
{
    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 2;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override bool AutoTopBlobs => true;

    /// <inheritdoc/>
    public override bool AllowForceBackward(int bottomIndex) => bottomIndex != 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (Param.LossWeight.Count == 0) Param.LossWeight.Add(1f);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (bottom[0].ShapeAt(0) != bottom[1].ShapeAt(0))
            throw Error($"the data and label must have the same first dimension: " +
                        $"{bottom[0].ShapeString} vs {bottom[1].ShapeString}.");
        top[0].Reshape();
    }
}
