using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// y = (shift + scale x)^power element-wise (Caffe's <c>Power</c>); <c>power_param { power scale shift }</c>.
/// Like Caffe, power 0 or scale 0 ignores the input, and backward has shortcuts for power 1 and 2 and for shift 0.
/// </summary>
public sealed class PowerLayer(LayerParameter param) : NeuronLayer(param)
{
    private float _power;
    private float _scale;
    private float _shift;
    private float _diffScale;

    /// <inheritdoc/>
    public override string Type => "Power";

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        PowerParameter p = Param.PowerParam ?? new PowerParameter();
        _power = p.Power;
        _scale = p.Scale;
        _shift = p.Shift;
        _diffScale = _power * _scale;
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Span<float> topData = top[0].Data;
        if (_diffScale == 0f)
        {
            topData.Fill(_power == 0f ? 1f : MathF.Pow(_shift, _power));
            return;
        }
        bottom[0].Data.CopyTo(topData);
        if (_scale != 1f) TensorPrimitives.Multiply(topData, _scale, topData);
        if (_shift != 0f) TensorPrimitives.Add(topData, _shift, topData);
        if (_power != 1f) TensorPrimitives.Pow(topData, _power, topData);
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        Span<float> bottomDiff = bottom[0].Diff;
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        if (_diffScale == 0f || _power == 1f)
        {
            bottomDiff.Fill(_diffScale);
        }
        else if (_power == 2f)
        {
            // dy/dx = 2 scale (shift + scale x) = diff_scale scale x + diff_scale shift.
            TensorPrimitives.Multiply(bottomData, _diffScale * _scale, bottomDiff);
            if (_shift != 0f) TensorPrimitives.Add(bottomDiff, _diffScale * _shift, bottomDiff);
        }
        else if (_shift == 0f)
        {
            // dy/dx = power (scale x)^power / x = power y / x.
            TensorPrimitives.Divide(top[0].Data, bottomData, bottomDiff);
            TensorPrimitives.Multiply(bottomDiff, _power, bottomDiff);
        }
        else
        {
            // dy/dx = diff_scale y / (shift + scale x).
            bottomData.CopyTo(bottomDiff);
            if (_scale != 1f) TensorPrimitives.Multiply(bottomDiff, _scale, bottomDiff);
            TensorPrimitives.Add(bottomDiff, _shift, bottomDiff);
            TensorPrimitives.Divide(top[0].Data, bottomDiff, bottomDiff);
            if (_diffScale != 1f) TensorPrimitives.Multiply(bottomDiff, _diffScale, bottomDiff);
        }
        if (_diffScale != 0f) TensorPrimitives.Multiply(top[0].Diff, bottomDiff, bottomDiff);
    }
}
