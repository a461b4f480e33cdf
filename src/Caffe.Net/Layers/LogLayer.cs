using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// y = log_base(shift + scale x) element-wise (Caffe's <c>Log</c>); <c>log_param { base scale shift }</c>, where
/// base −1 (the default) means e.
/// </summary>
public sealed class LogLayer(LayerParameter param) : NeuronLayer(param)
{
    private float _baseScale;
    private float _inputScale;
    private float _inputShift;
    private float _backwardNumScale;

    /// <inheritdoc/>
    public override string Type => "Log";

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        LogParameter p = Param.LogParam ?? new LogParameter();
        float logBase = LogOfBase(p.Base, "log_param", Error);
        _baseScale = 1f / logBase;
        if (float.IsInfinity(_baseScale))
            throw Error($"log_param base {p.Base} gives 1/ln(base) = {_baseScale}; base must not be 1.");
        _inputScale = p.Scale;
        _inputShift = p.Shift;
        _backwardNumScale = _inputScale / logBase;
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Span<float> topData = top[0].Data;
        if (_inputScale == 1f && _inputShift == 0f)
        {
            TensorPrimitives.Log(bottom[0].Data, topData);
        }
        else
        {
            ScaleAndShift(bottom[0].Data, topData);
            TensorPrimitives.Log(topData, topData);
        }
        if (_baseScale != 1f) TensorPrimitives.Multiply(topData, _baseScale, topData);
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        Span<float> bottomDiff = bottom[0].Diff;
        // dy/dx = scale / (ln(base) (shift + scale x)).
        ScaleAndShift(bottom[0].Data, bottomDiff);
        TensorPrimitives.Reciprocal(bottomDiff, bottomDiff);
        if (_backwardNumScale != 1f) TensorPrimitives.Multiply(bottomDiff, _backwardNumScale, bottomDiff);
        TensorPrimitives.Multiply(top[0].Diff, bottomDiff, bottomDiff);
    }

    /// <summary>
    /// ln(base) for the Exp and Log layers: exactly 1 for base −1 (meaning e); otherwise base must be positive
    /// and its logarithm finite.
    /// </summary>
    internal static float LogOfBase(float logBase, string field, Func<string, LayerException> error)
    {
        if (logBase == -1f) return 1f;
        if (!(logBase > 0f))
            throw error($"{field} base must be strictly positive (or -1 for e), got {logBase}.");
        float result = MathF.Log(logBase);
        if (float.IsNaN(result) || float.IsInfinity(result))
            throw error($"{field} base {logBase} gives ln(base) = {result}.");
        return result;
    }

    private void ScaleAndShift(ReadOnlySpan<float> x, Span<float> y)
    {
        x.CopyTo(y);
        if (_inputScale != 1f) TensorPrimitives.Multiply(y, _inputScale, y);
        if (_inputShift != 0f) TensorPrimitives.Add(y, _inputShift, y);
    }
}
