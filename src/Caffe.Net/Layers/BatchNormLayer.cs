using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// Batch normalization without the affine part (Caffe's <c>BatchNorm</c>; a Scale layer with
/// <c>bias_term</c> usually follows). Normalizes each channel (axis 1) to zero mean and unit variance,
/// with the batch's statistics, or with the stored ones when <c>use_global_stats</c> (default: true in
/// TEST, false in TRAIN). Blobs: running mean [C], running variance [C] and the scale factor [1] they
/// are divided by; TRAIN forward with batch statistics updates them, as Caffe does. None is learned:
/// the layer adds <c>param { lr_mult: 0 }</c> for each and rejects any other lr_mult. In place is allowed.
/// </summary>
public sealed class BatchNormLayer(LayerParameter param) : Layer(param)
{
    private readonly Blob _xNorm = new();   // the normalized output, kept for backward (an in-place successor may clobber the top)
    private float[] _mean = [];
    private float[] _variance = [];
    private float[] _std = [];              // sqrt(variance + eps)
    private bool _useGlobalStats;
    private float _movingAverageFraction;
    private float _eps;
    private int _channels;

    /// <inheritdoc/>
    public override string Type => "BatchNorm";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        BatchNormParameter p = Param.BatchNormParam ?? new BatchNormParameter();
        _movingAverageFraction = p.MovingAverageFraction;
        _useGlobalStats = p.HasUseGlobalStats ? p.UseGlobalStats : Phase == Phase.Test;
        _eps = p.Eps;
        if (bottom[0].NumAxes < 1) throw Error($"the bottom blob needs at least one axis, got shape {bottom[0].ShapeString}.");
        _channels = bottom[0].NumAxes == 1 ? 1 : bottom[0].ShapeAt(1);
        if (Blobs.Count == 0)
        {
            Blobs.Add(new Blob(_channels));
            Blobs.Add(new Blob(_channels));
            Blobs.Add(new Blob(1));
        }
        CheckStatisticsBlobs();
        _mean = new float[_channels];
        _variance = new float[_channels];
        _std = new float[_channels];
        for (int i = 0; i < Blobs.Count; i++)
        {
            if (Param.Param.Count == i) Param.Param.Add(new ParamSpec { LrMult = 0 });
            else if (Param.Param[i].LrMult != 0)
                throw Error($"cannot configure batch normalization statistics as layer parameters: param {i} has lr_mult {Param.Param[i].LrMult}, must be 0.");
        }
    }

    private void CheckStatisticsBlobs()
    {
        int[] expected = [_channels, _channels, 1];
        if (Blobs.Count != 3 || Enumerable.Range(0, 3).Any(i => Blobs[i].Count != expected[i]))
        {
            throw Error($"expects 3 blobs (mean [{_channels}], variance [{_channels}], scale factor [1]), got " +
                        $"{Blobs.Count}: {string.Join(", ", Blobs.Select(b => $"[{b.ShapeString}]"))}.");
        }
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int channels = bottom[0].NumAxes == 1 ? 1 : bottom[0].ShapeAt(1);
        if (channels != _channels)
            throw Error($"bottom has {channels} channels ({bottom[0].ShapeString}), the layer was set up for {_channels}.");
        top[0].ReshapeLike(bottom[0]);
        _xNorm.ReshapeLike(bottom[0]);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (!ReferenceEquals(bottom[0], top[0])) bottom[0].Data.CopyTo(top[0].Data);
        int num = bottom[0].ShapeAt(0);
        int spatial = SpatialDim(bottom[0]);
        if (_useGlobalStats)
        {
            float stored = Blobs[2].Data[0];
            float factor = stored == 0 ? 0 : 1 / stored;
            TensorPrimitives.Multiply(Blobs[0].Data, factor, _mean);
            TensorPrimitives.Multiply(Blobs[1].Data, factor, _variance);
        }
        Memory<float> topData = top[0].DataMemory;
        Memory<float> xNorm = _xNorm.DataMemory;
        float inverseCount = (float)(1.0 / ((double)num * spatial));
        ParallelRows.For(_channels, (long)num * spatial, (first, end) =>
        {
            Span<float> data = topData.Span;
            for (int c = first; c < end; c++)
            {
                // Per-image sums scaled by 1/(num·spatial), then summed over images: Caffe's two gemv.
                if (!_useGlobalStats)
                {
                    float mean = 0;
                    for (int n = 0; n < num; n++) mean += TensorPrimitives.Sum(Row(data, n, c, spatial)) * inverseCount;
                    _mean[c] = mean;
                }
                for (int n = 0; n < num; n++) TensorPrimitives.Subtract(Row(data, n, c, spatial), _mean[c], Row(data, n, c, spatial));
                if (!_useGlobalStats)
                {
                    float variance = 0;
                    for (int n = 0; n < num; n++) variance += TensorPrimitives.SumOfSquares(Row(data, n, c, spatial)) * inverseCount;
                    _variance[c] = variance;
                }
                _std[c] = MathF.Sqrt(_variance[c] + _eps);
                for (int n = 0; n < num; n++)
                {
                    Span<float> row = Row(data, n, c, spatial);
                    TensorPrimitives.Divide(row, _std[c], row);
                    row.CopyTo(Row(xNorm.Span, n, c, spatial));
                }
            }
        });
        if (!_useGlobalStats) UpdateMovingAverages(bottom[0].Count / _channels);
    }

    // S = maf·S + 1, mean and variance likewise with the batch's values (the variance with Bessel's m/(m−1)).
    private void UpdateMovingAverages(int m)
    {
        Span<float> scaleFactor = Blobs[2].Data;
        scaleFactor[0] *= _movingAverageFraction;
        scaleFactor[0] += 1;
        Span<float> runningMean = Blobs[0].Data;
        Span<float> runningVariance = Blobs[1].Data;
        float biasCorrection = m > 1 ? (float)m / (m - 1) : 1;
        for (int c = 0; c < _channels; c++)
        {
            runningMean[c] = _mean[c] + _movingAverageFraction * runningMean[c];
            runningVariance[c] = biasCorrection * _variance[c] + _movingAverageFraction * runningVariance[c];
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        Memory<float> topDiff = top[0].DiffMemory;
        if (ReferenceEquals(bottom[0], top[0]))
        {
            // In place the bottom diff overwrites the top diff we read: work from a copy.
            top[0].Diff.CopyTo(_xNorm.Diff);
            topDiff = _xNorm.DiffMemory;
        }
        Memory<float> bottomDiff = bottom[0].DiffMemory;
        Memory<float> y = _xNorm.DataMemory;
        int num = bottom[0].ShapeAt(0);
        int spatial = SpatialDim(bottom[0]);
        // dE/dX = (dE/dY − mean(dE/dY) − mean(dE/dY · Y) · Y) / sqrt(var + eps), means over all axes but the channel.
        float minusInverseCount = (float)(-1.0 / ((double)num * spatial));
        ParallelRows.For(_channels, (long)num * spatial, (first, end) =>
        {
            ReadOnlySpan<float> dy = topDiff.Span;
            ReadOnlySpan<float> yData = y.Span;
            Span<float> dx = bottomDiff.Span;
            for (int c = first; c < end; c++)
            {
                if (_useGlobalStats)
                {
                    for (int n = 0; n < num; n++) TensorPrimitives.Divide(Row(dy, n, c, spatial), _std[c], Row(dx, n, c, spatial));
                    continue;
                }
                float sumDyY = 0, sumDy = 0;
                for (int n = 0; n < num; n++) sumDyY += TensorPrimitives.Dot(Row(dy, n, c, spatial), Row(yData, n, c, spatial));
                for (int n = 0; n < num; n++) sumDy += TensorPrimitives.Sum(Row(dy, n, c, spatial));
                for (int n = 0; n < num; n++)
                {
                    Span<float> row = Row(dx, n, c, spatial);
                    TensorPrimitives.Multiply(Row(yData, n, c, spatial), sumDyY, row);
                    TensorPrimitives.Add(row, sumDy, row);
                    TensorPrimitives.MultiplyAdd(row, minusInverseCount, Row(dy, n, c, spatial), row);
                    TensorPrimitives.Divide(row, _std[c], row);
                }
            }
        });
    }

    private int SpatialDim(Blob bottom)
    {
        long rows = (long)bottom.ShapeAt(0) * _channels;
        return rows == 0 ? 0 : (int)(bottom.Count / rows);
    }

    // The spatial row of image n, channel c.
    private Span<float> Row(Span<float> data, int n, int c, int spatial) => data.Slice((n * _channels + c) * spatial, spatial);

    private ReadOnlySpan<float> Row(ReadOnlySpan<float> data, int n, int c, int spatial) =>
        data.Slice((n * _channels + c) * spatial, spatial);
}
