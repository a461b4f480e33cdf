namespace Caffe;

/// <summary>
/// Classification accuracy (Caffe's <c>Accuracy</c>): the fraction of non-ignored positions whose label is among
/// the <c>top_k</c> highest scores along <c>accuracy_param.axis</c>. Ties count against the label, as in Caffe.
/// An optional second top holds the accuracy of each class. The layer has no gradient.
/// </summary>
public sealed class AccuracyLayer(LayerParameter param) : Layer(param)
{
    private int _topK;
    private int? _ignoreLabel;
    private int _axis;
    private int _outerNum;
    private int _innerNum;
    private float[] _classCounts = [];

    /// <inheritdoc/>
    public override string Type => "Accuracy";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 2;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    /// <inheritdoc/>
    public override int MaxTopBlobs => 2;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        AccuracyParameter p = Param.AccuracyParam ?? new();
        if (p.TopK < 1 || p.TopK > int.MaxValue)
            throw Error($"accuracy_param.top_k must be at least 1, got {p.TopK}.");
        _topK = (int)p.TopK;
        _ignoreLabel = p.HasIgnoreLabel ? p.IgnoreLabel : null;
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        _axis = LayerAxes.Canonical(this, bottom[0], (Param.AccuracyParam ?? new()).Axis, "accuracy_param.axis");
        _outerNum = bottom[0].CountRange(0, _axis);
        _innerNum = bottom[0].CountFrom(_axis + 1);
        int numLabels = bottom[0].ShapeAt(_axis);
        if (_outerNum * _innerNum != bottom[1].Count)
        {
            throw Error($"the label blob ({bottom[1].ShapeString}) must hold one label per prediction: the scores " +
                        $"{bottom[0].ShapeString} have {_outerNum * _innerNum} positions besides axis {_axis}, " +
                        $"each labelled with an integer in [0, {numLabels}).");
        }
        if (_topK > numLabels)
            throw Error($"accuracy_param.top_k {_topK} exceeds the number of classes {numLabels} (scores {bottom[0].ShapeString}).");
        top[0].Reshape();
        if (top.Count > 1)
        {
            top[1].Reshape(numLabels);
            if (_classCounts.Length != numLabels) _classCounts = new float[numLabels];
        }
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> scores = bottom[0].Data;
        ReadOnlySpan<float> label = bottom[1].Data;
        int numLabels = bottom[0].ShapeAt(_axis);
        int dim = bottom[0].Count / _outerNum;
        bool perClass = top.Count > 1;
        Span<float> classAccuracy = perClass ? top[1].Data : [];
        if (perClass)
        {
            Array.Clear(_classCounts);
            classAccuracy.Clear();
        }
        float accuracy = 0;
        int count = 0;
        for (int i = 0; i < _outerNum; i++)
        {
            for (int j = 0; j < _innerNum; j++)
            {
                float value = label[i * _innerNum + j];
                int labelValue = (int)value;
                if (labelValue == _ignoreLabel && !float.IsNaN(value)) continue;
                if (float.IsNaN(value) || labelValue < 0 || labelValue >= numLabels)
                {
                    throw Error($"label {value} at position {i * _innerNum + j} of the label blob (outer index {i}, " +
                                $"inner index {j}) is outside the {numLabels} classes [0, {numLabels})" +
                                (_ignoreLabel is int ignore ? $" and is not the ignore_label {ignore}." : "."));
                }
                if (perClass) _classCounts[labelValue]++;
                float trueScore = scores[i * dim + labelValue * _innerNum + j];
                // Classes scoring at least as high as the label, the label itself excluded (hence -1).
                int better = -1;
                for (int k = 0; k < numLabels && better < _topK; k++)
                {
                    if (scores[i * dim + k * _innerNum + j] >= trueScore) better++;
                }
                if (better < _topK)
                {
                    accuracy++;
                    if (perClass) classAccuracy[labelValue]++;
                }
                count++;
            }
        }
        top[0].Data[0] = count == 0 ? 0 : accuracy / count;
        for (int c = 0; c < classAccuracy.Length; c++)
            classAccuracy[c] = _classCounts[c] == 0 ? 0 : classAccuracy[c] / _classCounts[c];
    }

    /// <summary>Accuracy has no gradient: asking for one throws (Caffe aborts with NOT_IMPLEMENTED).</summary>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        for (int i = 0; i < propagateDown.Count; i++)
        {
            if (propagateDown[i])
                throw Error($"Accuracy has no gradient, but backward was asked to propagate to bottom {i} " +
                            "(e.g. by force_backward); remove force_backward or the Accuracy layer from the backward pass.");
        }
    }
}
