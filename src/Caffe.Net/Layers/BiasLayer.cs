using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// Adds a bias broadcast along bottom[0]'s axes (Caffe's <c>Bias</c>): the bias is bottom[1], or a learned
/// blob spanning <c>bias_param.num_axes</c> axes from <c>bias_param.axis</c> (filled by
/// <c>bias_param.filler</c>, zeros when unset). In place is allowed.
/// </summary>
public sealed class BiasLayer(LayerParameter param) : Layer(param)
{
    private AxisBroadcast _geometry;

    /// <inheritdoc/>
    public override string Type => "Bias";

    /// <inheritdoc/>
    public override int MinBottomBlobs => 1;

    /// <inheritdoc/>
    public override int MaxBottomBlobs => 2;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (bottom.Count == 1 && Blobs.Count == 0)
        {
            BiasParameter p = Param.BiasParam ?? new BiasParameter();
            var bias = new Blob(AxisBroadcast.ParamShape(bottom[0], p.Axis, p.NumAxes, "bias", Error));
            Filler.Fill(p.Filler ?? new FillerParameter(), bias);
            Blobs.Add(bias);
        }
        for (int i = 0; i < Blobs.Count; i++) SetParamPropagateDown(i, true);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Blob bias = bottom.Count > 1 ? bottom[1] : Blobs[0];
        _geometry = AxisBroadcast.Create(bottom[0], bias, (Param.BiasParam ?? new BiasParameter()).Axis, "bias", Error);
        if (!ReferenceEquals(bottom[0], top[0])) top[0].ReshapeLike(bottom[0]);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (!ReferenceEquals(bottom[0], top[0])) bottom[0].Data.CopyTo(top[0].Data);
        Memory<float> bias = (bottom.Count > 1 ? bottom[1] : Blobs[0]).DataMemory;
        Memory<float> topData = top[0].DataMemory;
        (int outer, int dim, int inner) = _geometry;
        if (inner == 1)
        {
            // One value per bias element: whole rows of dim values at once.
            ParallelRows.For(outer, dim, (first, end) =>
            {
                for (int n = first; n < end; n++)
                {
                    Span<float> r = topData.Span.Slice(n * dim, dim);
                    TensorPrimitives.Add(r, bias.Span, r);
                }
            });
            return;
        }
        ParallelRows.For(_geometry.Rows, inner, (first, end) =>
        {
            Span<float> data = topData.Span;
            ReadOnlySpan<float> b = bias.Span;
            for (int row = first; row < end; row++)
            {
                Span<float> r = data.Slice(row * inner, inner);
                TensorPrimitives.Add(r, b[row % dim], r);
            }
        });
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        // In place the bottom diff already is the top diff.
        if (propagateDown[0] && !ReferenceEquals(bottom[0], top[0])) top[0].Diff.CopyTo(bottom[0].Diff);
        bool biasParam = bottom.Count == 1;
        if (biasParam ? !ParamPropagateDown(0) : !propagateDown[1]) return;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        Span<float> biasDiff = (biasParam ? Blobs[0] : bottom[1]).Diff;
        (int outer, int dim, int inner) = _geometry;
        // A learned bias accumulates; bottom[1]'s diff is overwritten by the first image's sums.
        bool accumulate = biasParam;
        for (int n = 0; n < outer; n++)
        {
            if (inner == 1)
            {
                ReadOnlySpan<float> dy = topDiff.Slice(n * dim, dim);
                if (accumulate) TensorPrimitives.Add(dy, biasDiff, biasDiff);
                else dy.CopyTo(biasDiff);
            }
            else
            {
                for (int d = 0; d < dim; d++)
                {
                    float sum = TensorPrimitives.Sum(topDiff.Slice((n * dim + d) * inner, inner));
                    biasDiff[d] = accumulate ? biasDiff[d] + sum : sum;
                }
            }
            accumulate = true;
        }
    }
}
