using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// Multiplies by a scale broadcast along bottom[0]'s axes (Caffe's <c>Scale</c>): the scale is bottom[1],
/// or a learned blob spanning <c>scale_param.num_axes</c> axes from <c>scale_param.axis</c> (filled by
/// <c>scale_param.filler</c>, ones when unset). With <c>bias_term</c> a bias is added as a Bias layer
/// would, its blob last in <see cref="Layer.Blobs"/> ([scale, bias], or [bias] with two bottoms).
/// In place is allowed: the bottom data is then kept aside for the scale gradient.
/// </summary>
public sealed class ScaleLayer(LayerParameter param) : Layer(param)
{
    private readonly Blob _temp = new();
    private BiasLayer? _biasLayer;
    private Blob[] _biasBottom = [];
    private AxisBroadcast _geometry;

    /// <inheritdoc/>
    public override string Type => "Scale";

    /// <inheritdoc/>
    public override int MinBottomBlobs => 1;

    /// <inheritdoc/>
    public override int MaxBottomBlobs => 2;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ScaleParameter p = Param.ScaleParam ?? new ScaleParameter();
        if (bottom.Count == 1 && Blobs.Count == 0)
        {
            var scale = new Blob(AxisBroadcast.ParamShape(bottom[0], p.Axis, p.NumAxes, "scale", Error));
            Filler.Fill(p.Filler ?? new FillerParameter { Type = "constant", Value = 1f }, scale);
            Blobs.Add(scale);
        }
        if (p.BiasTerm) SetUpBias(bottom, top, p);
        for (int i = 0; i < Blobs.Count; i++) SetParamPropagateDown(i, true);
    }

    // The bias is an internal Bias layer working in place on the top; its blob is shared with ours.
    private void SetUpBias(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top, ScaleParameter p)
    {
        LayerParameter biasParam = Param.Clone();
        biasParam.Type = "Bias";
        biasParam.LossWeight.Clear();
        biasParam.BiasParam = new BiasParameter
        {
            Axis = p.Axis,
            NumAxes = bottom.Count > 1 ? bottom[1].NumAxes : p.NumAxes,
            Filler = p.BiasFiller?.Clone() ?? new FillerParameter(),
        };
        _biasLayer = new BiasLayer(biasParam);
        _biasBottom = [bottom[0]];
        _biasLayer.SetUp(_biasBottom, top);
        if (Blobs.Count + bottom.Count < 3)
        {
            // New bias: [scale, bias] with a learned scale, [bias] with bottom[1] as the scale.
            Blobs.Add(_biasLayer.Blobs[0]);
        }
        else
        {
            // Bias loaded with the weights: the internal layer uses it instead of its fresh one.
            _biasLayer.Blobs[0] = Blobs[^1];
        }
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Blob scale = bottom.Count > 1 ? bottom[1] : Blobs[0];
        _geometry = AxisBroadcast.Create(bottom[0], scale, (Param.ScaleParam ?? new ScaleParameter()).Axis, "scale", Error);
        if (ReferenceEquals(bottom[0], top[0])) _temp.ReshapeLike(bottom[0]);
        else top[0].ReshapeLike(bottom[0]);
        if (_biasLayer != null)
        {
            _biasBottom[0] = top[0];
            _biasLayer.Reshape(_biasBottom, top);
        }
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        // Only backward needs the original bottom, but forward cannot know whether backward follows.
        if (ReferenceEquals(bottom[0], top[0])) bottom[0].Data.CopyTo(_temp.Data);
        Blob scale = bottom.Count > 1 ? bottom[1] : Blobs[0];
        ScaleRows(bottom[0].DataMemory, scale.DataMemory, top[0].DataMemory);
        _biasLayer?.Forward(_biasBottom, top);
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (_biasLayer != null && ParamPropagateDown(Blobs.Count - 1))
            _biasLayer.Backward(top, [false], _biasBottom);
        bool scaleParam = bottom.Count == 1;
        Blob scale = scaleParam ? Blobs[0] : bottom[1];
        if (scaleParam ? ParamPropagateDown(0) : propagateDown[1])
        {
            Blob bottomData = ReferenceEquals(bottom[0], top[0]) ? _temp : bottom[0];
            ScaleGradient(top[0].Diff, bottomData.Data, scale.Diff, accumulate: scaleParam);
        }
        if (propagateDown[0]) ScaleRows(top[0].DiffMemory, scale.DataMemory, bottom[0].DiffMemory);
    }

    // output[n, d, :] = scale[d] · input[n, d, :]; output may be input.
    private void ScaleRows(Memory<float> input, Memory<float> scale, Memory<float> output)
    {
        (int outer, int dim, int inner) = _geometry;
        if (inner == 1)
        {
            // One value per scale element: whole rows of dim values at once.
            ParallelRows.For(outer, dim, (first, end) =>
            {
                for (int n = first; n < end; n++)
                    TensorPrimitives.Multiply(input.Span.Slice(n * dim, dim), scale.Span, output.Span.Slice(n * dim, dim));
            });
            return;
        }
        ParallelRows.For(_geometry.Rows, inner, (first, end) =>
        {
            ReadOnlySpan<float> x = input.Span;
            ReadOnlySpan<float> s = scale.Span;
            Span<float> y = output.Span;
            for (int row = first; row < end; row++)
                TensorPrimitives.Multiply(x.Slice(row * inner, inner), s[row % dim], y.Slice(row * inner, inner));
        });
    }

    // scaleDiff[d] (+)= Σ_n Σ_i topDiff[n, d, i] · bottom[n, d, i], summed over i first, then n, as Caffe.
    // Caffe overwrites a learned scale's diff in some shapes (element-wise, or a single outer row); we
    // accumulate in every shape, as parameter diffs must.
    private void ScaleGradient(ReadOnlySpan<float> topDiff, ReadOnlySpan<float> bottomData, Span<float> scaleDiff, bool accumulate)
    {
        (int outer, int dim, int inner) = _geometry;
        for (int n = 0; n < outer; n++)
        {
            if (inner == 1)
            {
                ReadOnlySpan<float> dy = topDiff.Slice(n * dim, dim), x = bottomData.Slice(n * dim, dim);
                if (accumulate) TensorPrimitives.MultiplyAdd(dy, x, scaleDiff, scaleDiff);
                else TensorPrimitives.Multiply(dy, x, scaleDiff);
            }
            else
            {
                for (int d = 0; d < dim; d++)
                {
                    int offset = (n * dim + d) * inner;
                    float dot = TensorPrimitives.Dot(topDiff.Slice(offset, inner), bottomData.Slice(offset, inner));
                    scaleDiff[d] = accumulate ? scaleDiff[d] + dot : dot;
                }
            }
            accumulate = true;
        }
    }
}
