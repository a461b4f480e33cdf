namespace Caffe;

/// <summary>
/// Reduces every axis from <c>axis</c> on to one number per leading index (Caffe's <c>Reduction</c>,
/// <c>reduction_param { operation axis coeff }</c>): SUM, ASUM (sum of |x|), SUMSQ (sum of x²) or MEAN, times
/// <c>coeff</c>. The top's shape is the bottom's shape up to <c>axis</c>; axis 0 gives a scalar of shape ().
/// </summary>
public sealed class ReductionLayer(LayerParameter param) : Layer(param)
{
    private ReductionParameter.Types.ReductionOp _op;
    private int _num;
    private int _dim;
    private float _coeff;

    /// <inheritdoc/>
    public override string Type => "Reduction";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        _op = (Param.ReductionParam ?? new ReductionParameter()).Operation;
        if (!Enum.IsDefined(_op)) throw Error($"unknown reduction_param operation {(int)_op} (SUM, ASUM, SUMSQ or MEAN).");
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReductionParameter p = Param.ReductionParam ?? new ReductionParameter();
        int axis = LayerAxes.Canonical(this, bottom[0], p.Axis, "reduction_param axis");
        top[0].Reshape(bottom[0].Shape.Take(axis).ToArray());
        _num = bottom[0].CountRange(0, axis);
        _dim = bottom[0].CountFrom(axis);
        _coeff = p.Coeff;
        if (_op == ReductionParameter.Types.ReductionOp.Mean) _coeff /= _dim;
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        Span<float> topData = top[0].Data;
        for (int i = 0; i < _num; i++)
        {
            ReadOnlySpan<float> row = bottomData.Slice(i * _dim, _dim);
            float value = _op switch
            {
                ReductionParameter.Types.ReductionOp.Asum => Blas.Asum(_dim, row),
                ReductionParameter.Types.ReductionOp.Sumsq => Blas.Dot(_dim, row, row),
                _ => Sum(row),
            };
            topData[i] = _coeff == 1f ? value : value * _coeff;
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        Span<float> bottomDiff = bottom[0].Diff;
        for (int i = 0; i < _num; i++)
        {
            float bottomCoeff = topDiff[i] * _coeff;
            ReadOnlySpan<float> x = bottomData.Slice(i * _dim, _dim);
            Span<float> dx = bottomDiff.Slice(i * _dim, _dim);
            switch (_op)
            {
                case ReductionParameter.Types.ReductionOp.Asum:
                    for (int j = 0; j < _dim; j++) dx[j] = (x[j] > 0 ? 1f : x[j] < 0 ? -1f : 0f) * bottomCoeff;
                    break;
                case ReductionParameter.Types.ReductionOp.Sumsq:
                    for (int j = 0; j < _dim; j++) dx[j] = 2 * bottomCoeff * x[j];
                    break;
                default:
                    dx.Fill(bottomCoeff);
                    break;
            }
        }
    }

    private static float Sum(ReadOnlySpan<float> row)
    {
        float sum = 0;
        foreach (float v in row) sum += v;
        return sum;
    }
}
