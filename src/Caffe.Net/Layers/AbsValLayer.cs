using System.Numerics.Tensors;

namespace Caffe;

/// <summary>y = |x| element-wise (Caffe's <c>AbsVal</c>). Not in place: backward needs the sign of the input.</summary>
public sealed class AbsValLayer(LayerParameter param) : NeuronLayer(param)
{
    /// <inheritdoc/>
    public override string Type => "AbsVal";

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (ReferenceEquals(bottom[0], top[0])) throw Error("AbsVal does not allow in-place computation.");
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) =>
        TensorPrimitives.Abs(bottom[0].Data, top[0].Data);

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        Span<float> bottomDiff = bottom[0].Diff;
        for (int i = 0; i < bottomDiff.Length; i++)
        {
            float x = bottomData[i];
            // caffe_cpu_sign: the sign of 0 is 0.
            float sign = x > 0 ? 1f : x < 0 ? -1f : 0f;
            bottomDiff[i] = topDiff[i] * sign;
        }
    }
}
