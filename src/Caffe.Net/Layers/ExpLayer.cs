using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// y = base^(shift + scale x) element-wise (Caffe's <c>Exp</c>); <c>exp_param { base scale shift }</c>, where
/// base −1 (the default) means e. Computed as e^(ln(base) scale x) · base^shift, as Caffe does.
/// </summary>
public sealed class ExpLayer(LayerParameter param) : NeuronLayer(param)
{
    private float _innerScale;
    private float _outerScale;

    /// <inheritdoc/>
    public override string Type => "Exp";

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ExpParameter p = Param.ExpParam ?? new ExpParameter();
        float logBase = LogLayer.LogOfBase(p.Base, "exp_param", Error);
        _innerScale = logBase * p.Scale;
        _outerScale = p.Shift == 0f ? 1f : p.Base == -1f ? MathF.Exp(p.Shift) : MathF.Pow(p.Base, p.Shift);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Span<float> topData = top[0].Data;
        if (_innerScale == 1f)
        {
            TensorPrimitives.Exp(bottom[0].Data, topData);
        }
        else
        {
            TensorPrimitives.Multiply(bottom[0].Data, _innerScale, topData);
            TensorPrimitives.Exp(topData, topData);
        }
        if (_outerScale != 1f) TensorPrimitives.Multiply(topData, _outerScale, topData);
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        Span<float> bottomDiff = bottom[0].Diff;
        // dy/dx = ln(base) scale y, so only the top is needed (in place works).
        TensorPrimitives.Multiply(top[0].Data, top[0].Diff, bottomDiff);
        if (_innerScale != 1f) TensorPrimitives.Multiply(bottomDiff, _innerScale, bottomDiff);
    }
}
