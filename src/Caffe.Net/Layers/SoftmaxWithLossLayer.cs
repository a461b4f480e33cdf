using NormalizationMode = Caffe.LossParameter.Types.NormalizationMode;

namespace Caffe;

/// <summary>
/// Multinomial logistic loss of a softmax (Caffe's <c>SoftmaxWithLoss</c>): bottom 0 holds scores with the
/// classes along <c>softmax_param.axis</c>, bottom 1 one integer label per position of the other axes. The top
/// is −Σ log p(label) over the non-ignored positions, divided by the normalizer of
/// <c>loss_param.normalization</c>; an optional second top receives the probabilities.
/// </summary>
public sealed class SoftmaxWithLossLayer(LayerParameter param) : LossLayer(param)
{
    // C's FLT_MIN, the smallest normal float.
    private const float SmallestNormal = 1.17549435e-38f;

    private readonly Blob _prob = new();
    private SoftmaxLayer? _softmax;
    private Blob[] _softmaxBottom = [];
    private Blob[] _softmaxTop = [];
    private NormalizationMode _normalization;
    private int? _ignoreLabel;
    private int _axis;
    private int _outerNum;
    private int _innerNum;

    /// <inheritdoc/>
    public override string Type => "SoftmaxWithLoss";

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => -1;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    /// <inheritdoc/>
    public override int MaxTopBlobs => 2;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.LayerSetUp(bottom, top);
        LayerParameter softmaxParam = Param.Clone();
        softmaxParam.Type = "Softmax";
        // Caffe copies the loss weights too, which breaks its own two-top case (BVLC issue #2968).
        softmaxParam.LossWeight.Clear();
        _softmax = new SoftmaxLayer(softmaxParam);
        _softmaxBottom = [bottom[0]];
        _softmaxTop = [_prob];
        _softmax.SetUp(_softmaxBottom, _softmaxTop);

        LossParameter? lossParam = Param.LossParam;
        _ignoreLabel = lossParam is { HasIgnoreLabel: true } ? lossParam.IgnoreLabel : null;
        _normalization = NormalizationModeOf(lossParam);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.Reshape(bottom, top);
        _softmaxBottom[0] = bottom[0];
        _softmax!.Reshape(_softmaxBottom, _softmaxTop);
        _axis = LayerAxes.Canonical(this, bottom[0], (Param.SoftmaxParam ?? new()).Axis, "softmax_param.axis");
        _outerNum = bottom[0].CountRange(0, _axis);
        _innerNum = bottom[0].CountFrom(_axis + 1);
        if (_outerNum * _innerNum != bottom[1].Count)
        {
            throw Error($"the label blob ({bottom[1].ShapeString}) must hold one label per prediction: the scores " +
                        $"{bottom[0].ShapeString} have {_outerNum * _innerNum} positions besides softmax axis {_axis}, " +
                        $"each labelled with an integer in [0, {bottom[0].ShapeAt(_axis)}).");
        }
        if (top.Count >= 2) top[1].ReshapeLike(bottom[0]);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        _softmax!.Forward(_softmaxBottom, _softmaxTop);
        ReadOnlySpan<float> prob = _prob.Data;
        ReadOnlySpan<float> label = bottom[1].Data;
        int channels = _prob.ShapeAt(_axis);
        int dim = _prob.Count / _outerNum;
        int count = 0;
        float loss = 0;
        for (int i = 0; i < _outerNum; i++)
        {
            for (int j = 0; j < _innerNum; j++)
            {
                int labelValue = LabelAt(label, i, j, channels);
                if (labelValue == _ignoreLabel) continue;
                // The floor at FLT_MIN keeps log finite when a probability underflows to 0.
                loss = (float)(loss - Math.Log(MathF.Max(prob[i * dim + labelValue * _innerNum + j], SmallestNormal)));
                count++;
            }
        }
        top[0].Data[0] = loss / GetNormalizer(_normalization, _outerNum, _innerNum, count);
        if (top.Count == 2) top[1].ShareData(_prob);
    }

    /// <summary>bottom_diff = (prob − onehot(label)) · loss_weight / normalizer; ignored positions get 0.</summary>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[1])
            throw Error("cannot backpropagate to the label input (bottom 1); labels have no gradient.");
        if (!propagateDown[0]) return;
        Span<float> bottomDiff = bottom[0].Diff;
        _prob.Data.CopyTo(bottomDiff);
        ReadOnlySpan<float> label = bottom[1].Data;
        int channels = _prob.ShapeAt(_axis);
        int dim = _prob.Count / _outerNum;
        int count = 0;
        for (int i = 0; i < _outerNum; i++)
        {
            for (int j = 0; j < _innerNum; j++)
            {
                int labelValue = LabelAt(label, i, j, channels);
                if (labelValue == _ignoreLabel)
                {
                    for (int c = 0; c < channels; c++) bottomDiff[i * dim + c * _innerNum + j] = 0;
                }
                else
                {
                    bottomDiff[i * dim + labelValue * _innerNum + j] -= 1;
                    count++;
                }
            }
        }
        float lossWeight = top[0].Diff[0] / GetNormalizer(_normalization, _outerNum, _innerNum, count);
        Blas.Scal(bottomDiff.Length, lossWeight, bottomDiff);
    }

    /// <summary>The label of position (<paramref name="i"/>, <paramref name="j"/>), truncated to an integer as Caffe does; checked unless ignored.</summary>
    private int LabelAt(ReadOnlySpan<float> label, int i, int j, int channels)
    {
        float value = label[i * _innerNum + j];
        int labelValue = (int)value;
        if (labelValue == _ignoreLabel && !float.IsNaN(value)) return labelValue;
        if (float.IsNaN(value) || labelValue < 0 || labelValue >= channels)
        {
            throw Error($"label {value} at position {i * _innerNum + j} of the label blob (outer index {i}, " +
                        $"inner index {j}) is outside the {channels} classes [0, {channels})" +
                        (_ignoreLabel is int ignore ? $" and is not the ignore_label {ignore}." : "."));
        }
        return labelValue;
    }
}
