namespace Caffe;

/// <summary>Base of element-wise layers: one bottom, one top of the same shape (in place allowed).</summary>
public abstract class NeuronLayer(LayerParameter param) : Layer(param)
{
    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) => top[0].ReshapeLike(bottom[0]);
}
