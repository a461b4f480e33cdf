namespace Caffe;

/// <summary>
/// The infogain loss (Caffe's <c>InfogainLoss</c>): a softmax over <c>infogain_loss_param { axis }</c> of the first
/// bottom (computed here with Caffe's max subtraction), then −Σ_l H[label, l] log(max(p_l, 1e-20)) per prediction,
/// divided per <c>loss_param { normalization }</c>. H (K × K) comes from <c>infogain_loss_param { source }</c>, a
/// .binaryproto, or from a third bottom. Predictions whose label is <c>ignore_label</c> are skipped. An optional
/// second top returns the softmax probabilities. Labels and H get no gradient.
/// </summary>
public sealed class InfogainLossLayer(LayerParameter param) : LossLayer(param)
{
    private readonly Blob _infogain = new();
    private float[] _prob = [];
    private float[] _sumRowsH = [];
    private bool _hasIgnoreLabel;
    private int _ignoreLabel;
    private LossParameter.Types.NormalizationMode _normalization;
    private int _axis;
    private int _outerNum;
    private int _innerNum;
    private int _numLabels;

    /// <inheritdoc/>
    public override string Type => "InfogainLoss";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => -1;

    /// <inheritdoc/>
    public override int MinBottomBlobs => 2;

    /// <inheritdoc/>
    public override int MaxBottomBlobs => 3;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => -1;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    /// <inheritdoc/>
    public override int MaxTopBlobs => 2;

    /// <summary>Only the predictions can receive a gradient; labels and a bottom H cannot.</summary>
    public override bool AllowForceBackward(int bottomIndex) => bottomIndex == 0;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.LayerSetUp(bottom, top);
        LossParameter? lossParam = Param.LossParam;
        _hasIgnoreLabel = lossParam?.HasIgnoreLabel ?? false;
        _ignoreLabel = lossParam?.IgnoreLabel ?? 0;
        if (lossParam?.HasNormalize == true)
            throw Error("loss_param normalize is deprecated and not accepted by InfogainLoss; use 'normalization'.");
        _normalization = LossLayer.NormalizationModeOf(lossParam);
        if (bottom.Count >= 3) return;
        InfogainLossParameter? p = Param.InfogainLossParam;
        if (p == null || !p.HasSource)
            throw Error("the infogain matrix H must come from infogain_loss_param { source } or a third bottom.");
        try
        {
            _infogain.FromProto(ProtoIO.ReadProtoFromBinaryFile(BlobProto.Parser, p.Source));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ModelFormatException or ArgumentException or FormatException)
        {
            throw new LayerException(Name, Type, $"cannot read the infogain matrix from '{p.Source}': {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        base.Reshape(bottom, top);
        InfogainLossParameter p = Param.InfogainLossParam ?? new InfogainLossParameter();
        _axis = LayerAxes.Canonical(this, bottom[0], p.Axis, "infogain_loss_param axis");
        _outerNum = bottom[0].CountRange(0, _axis);
        _innerNum = bottom[0].CountFrom(_axis + 1);
        if ((long)_outerNum * _innerNum != bottom[1].Count)
            throw Error($"the number of labels, {bottom[1].Count} (shape ({Blob.ShapeText(bottom[1].Shape)})), must match the number of " +
                        $"predictions, {_outerNum * _innerNum}: for axis {_axis} and predictions of shape ({Blob.ShapeText(bottom[0].Shape)}) " +
                        "there is one label per position outside that axis.");
        _numLabels = bottom[0].ShapeAt(_axis);
        Blob infogain = InfogainMatrix(bottom);
        if (infogain.Count != _numLabels * _numLabels)
            throw Error($"H must be {_numLabels} x {_numLabels} ({_numLabels * _numLabels} values) for {_numLabels} classes, " +
                        $"but has shape ({Blob.ShapeText(infogain.Shape)}).");
        if (_sumRowsH.Length != _numLabels) _sumRowsH = new float[_numLabels];
        if (bottom.Count == 2) SumRowsOfH(infogain);
        if (_prob.Length < bottom[0].Count) _prob = new float[bottom[0].Count];
        if (top.Count >= 2) top[1].ReshapeLike(bottom[0]);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Span<float> prob = _prob.AsSpan(0, bottom[0].Count);
        Softmax(bottom[0].Data, prob);
        ReadOnlySpan<float> label = bottom[1].Data;
        ReadOnlySpan<float> h = InfogainMatrix(bottom).Data;
        int count = 0;
        float loss = 0;
        for (int i = 0; i < _outerNum; i++)
        {
            for (int j = 0; j < _innerNum; j++)
            {
                int labelValue = (int)label[i * _innerNum + j];
                if (_hasIgnoreLabel && labelValue == _ignoreLabel) continue;
                CheckLabel(label[i * _innerNum + j], i * _innerNum + j);
                for (int l = 0; l < _numLabels; l++)
                {
                    float p = prob[(i * _numLabels + l) * _innerNum + j];
                    loss -= h[labelValue * _numLabels + l] * MathF.Log(MathF.Max(p, MultinomialLogisticLossLayer.LogThreshold));
                }
                count++;
            }
        }
        top[0].Data[0] = loss / LossLayer.GetNormalizer(_normalization, _outerNum, _innerNum, count);
        if (top.Count == 2) prob.CopyTo(top[1].Data);
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[1]) throw Error("cannot backpropagate to the label input.");
        if (propagateDown.Count > 2 && propagateDown[2]) throw Error("cannot backpropagate to the infogain matrix input.");
        if (!propagateDown[0]) return;
        ReadOnlySpan<float> prob = _prob.AsSpan(0, bottom[0].Count);
        ReadOnlySpan<float> label = bottom[1].Data;
        Blob infogain = InfogainMatrix(bottom);
        // An H given as a bottom may change between passes: sum its rows each time.
        if (bottom.Count >= 3) SumRowsOfH(infogain);
        ReadOnlySpan<float> h = infogain.Data;
        Span<float> bottomDiff = bottom[0].Diff;
        int dim = bottom[0].Count / Math.Max(_outerNum, 1);
        int count = 0;
        for (int i = 0; i < _outerNum; i++)
        {
            for (int j = 0; j < _innerNum; j++)
            {
                int labelValue = (int)label[i * _innerNum + j];
                if (_hasIgnoreLabel && labelValue == _ignoreLabel)
                {
                    for (int l = 0; l < _numLabels; l++) bottomDiff[i * dim + l * _innerNum + j] = 0f;
                    continue;
                }
                CheckLabel(label[i * _innerNum + j], i * _innerNum + j);
                for (int l = 0; l < _numLabels; l++)
                {
                    int index = i * dim + l * _innerNum + j;
                    bottomDiff[index] = prob[index] * _sumRowsH[labelValue] - h[labelValue * _numLabels + l];
                }
                count++;
            }
        }
        float lossWeight = top[0].Diff[0] / LossLayer.GetNormalizer(_normalization, _outerNum, _innerNum, count);
        Blas.Scal(bottomDiff.Length, lossWeight, bottomDiff);
    }

    private Blob InfogainMatrix(IReadOnlyList<Blob> bottom) => bottom.Count >= 3 ? bottom[2] : _infogain;

    private void SumRowsOfH(Blob infogain)
    {
        ReadOnlySpan<float> h = infogain.Data;
        for (int row = 0; row < _numLabels; row++)
        {
            float sum = 0;
            for (int col = 0; col < _numLabels; col++) sum += h[row * _numLabels + col];
            _sumRowsH[row] = sum;
        }
    }

    // Caffe's softmax along the axis: subtract each position's maximum, exponentiate, divide by the sum.
    private void Softmax(ReadOnlySpan<float> input, Span<float> output)
    {
        int channels = _numLabels;
        for (int i = 0; i < _outerNum; i++)
        {
            int start = i * channels * _innerNum;
            for (int j = 0; j < _innerNum; j++)
            {
                float max = float.NegativeInfinity;
                for (int c = 0; c < channels; c++) max = MathF.Max(max, input[start + c * _innerNum + j]);
                float sum = 0;
                for (int c = 0; c < channels; c++)
                {
                    int index = start + c * _innerNum + j;
                    output[index] = MathF.Exp(input[index] - max);
                    sum += output[index];
                }
                for (int c = 0; c < channels; c++) output[start + c * _innerNum + j] /= sum;
            }
        }
    }

    private void CheckLabel(float value, int position)
    {
        if (!(value > -1f && value < _numLabels))
            throw Error($"label {value} at position {position} is not a class index in [0, {_numLabels}).");
    }
}
