namespace Caffe;

/// <summary>
/// The Euclidean loss ½N · Σ (a − b)² over two bottoms of equal size per item (Caffe's <c>EuclideanLoss</c>), N the
/// first dimension. Both bottoms get gradients, with opposite signs, so either may be the target; force_backward
/// reaches both.
/// </summary>
public sealed class EuclideanLossLayer(LayerParameter param) : LossLayer(param)
{
    private float[] _diff = [];

    /// <inheritdoc/>
    public override string Type => "EuclideanLoss";

    /// <inheritdoc/>
    public override bool AllowForceBackward(int bottomIndex) => true;

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.Reshape(bottom, top);
        if (bottom[0].CountFrom(1) != bottom[1].CountFrom(1))
            throw Error($"the inputs must have the same size per item: shapes ({Blob.ShapeText(bottom[0].Shape)}) and ({Blob.ShapeText(bottom[1].Shape)}).");
        if (_diff.Length < bottom[0].Count) _diff = new float[bottom[0].Count];
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int count = bottom[0].Count;
        Span<float> diff = _diff.AsSpan(0, count);
        System.Numerics.Tensors.TensorPrimitives.Subtract(bottom[0].Data, bottom[1].Data, diff);
        float dot = Blas.Dot(count, diff, diff);
        top[0].Data[0] = dot / bottom[0].ShapeAt(0) / 2f;
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        int count = bottom[0].Count;
        ReadOnlySpan<float> diff = _diff.AsSpan(0, count);
        for (int i = 0; i < 2; i++)
        {
            if (!propagateDown[i]) continue;
            float sign = i == 0 ? 1f : -1f;
            float alpha = sign * top[0].Diff[0] / bottom[i].ShapeAt(0);
            Blas.Axpby(count, alpha, diff, 0f, bottom[i].Diff);
        }
    }
}
