namespace Caffe;

/// <summary>
/// The indices (and optionally values) of the top_k largest entries (Caffe's <c>ArgMax</c>,
/// <c>argmax_param { out_max_val top_k axis }</c>). Without <c>axis</c> each item's entries after the first axis are
/// searched and the top is (N, 1 or 2, top_k, 1, …); with <c>axis</c> the top has the bottom's shape with top_k on
/// that axis and holds indices, or values when <c>out_max_val</c>. Ties go to the larger index, as Caffe's sort
/// of (value, index) pairs. It has no gradient.
/// </summary>
public sealed class ArgMaxLayer(LayerParameter param) : Layer(param)
{
    private bool _outMaxVal;
    private int _topK;
    private bool _hasAxis;
    private int _axis;
    private (float Value, int Index)[] _entries = [];

    /// <inheritdoc/>
    public override string Type => "ArgMax";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ArgMaxParameter p = Param.ArgmaxParam ?? new ArgMaxParameter();
        _outMaxVal = p.OutMaxVal;
        if (p.TopK < 1) throw Error($"argmax_param top_k must be at least 1, got {p.TopK}.");
        _hasAxis = p.HasAxis;
        if (_hasAxis) _axis = LayerAxes.Canonical(this, bottom[0], p.Axis, "argmax_param axis");
        _topK = (int)Math.Min(p.TopK, int.MaxValue);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        // Checked on every reshape: a bottom that shrinks below top_k must fail here, not inside Forward.
        if (_hasAxis && _topK > bottom[0].ShapeAt(_axis))
            throw Error($"argmax_param top_k ({_topK}) exceeds the size {bottom[0].ShapeAt(_axis)} of axis {_axis} " +
                        $"of the bottom of shape ({Blob.ShapeText(bottom[0].Shape)}).");
        if (!_hasAxis && _topK > bottom[0].CountFrom(1))
            throw Error($"argmax_param top_k ({_topK}) exceeds the {bottom[0].CountFrom(1)} entries per item " +
                        $"of the bottom of shape ({Blob.ShapeText(bottom[0].Shape)}).");
        int[] shape;
        if (_hasAxis)
        {
            shape = [.. bottom[0].Shape];
            shape[_axis] = _topK;
        }
        else
        {
            shape = new int[Math.Max(bottom[0].NumAxes, 3)];
            Array.Fill(shape, 1);
            shape[0] = bottom[0].ShapeAt(0);
            shape[1] = _outMaxVal ? 2 : 1;
            shape[2] = _topK;
        }
        top[0].Reshape(shape);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        Span<float> topData = top[0].Data;
        int dim = _hasAxis ? bottom[0].ShapeAt(_axis) : bottom[0].CountFrom(1);
        int axisDist = _hasAxis ? bottom[0].CountFrom(_axis) / dim : 1;
        if (dim == 0) return;
        int num = bottom[0].Count / dim;
        if (_entries.Length != dim) _entries = new (float Value, int Index)[dim];
        var entries = _entries;
        for (int i = 0; i < num; i++)
        {
            int outer = i / axisDist, inner = i % axisDist;
            for (int j = 0; j < dim; j++) entries[j] = (bottomData[(outer * dim + j) * axisDist + inner], j);
            SortLargestFirst(entries, _topK);
            for (int j = 0; j < _topK; j++)
            {
                if (_hasAxis)
                {
                    topData[(outer * _topK + j) * axisDist + inner] = _outMaxVal ? entries[j].Value : entries[j].Index;
                }
                else if (_outMaxVal)
                {
                    topData[2 * i * _topK + j] = entries[j].Index;
                    topData[2 * i * _topK + _topK + j] = entries[j].Value;
                }
                else
                {
                    topData[i * _topK + j] = entries[j].Index;
                }
            }
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[0]) throw Error("ArgMax has no gradient; backward cannot propagate to its bottom.");
    }

    // Orders the first k entries as std::partial_sort with std::greater on (value, index) pairs does.
    private static void SortLargestFirst((float Value, int Index)[] entries, int k)
    {
        if (k == 1)
        {
            int best = 0;
            for (int j = 1; j < entries.Length; j++)
                if (IsGreater(entries[j], entries[best])) best = j;
            (entries[0], entries[best]) = (entries[best], entries[0]);
            return;
        }
        Array.Sort(entries, (a, b) => IsGreater(a, b) ? -1 : IsGreater(b, a) ? 1 : 0);
    }

    private static bool IsGreater((float Value, int Index) a, (float Value, int Index) b) =>
        a.Value > b.Value || (a.Value == b.Value && a.Index > b.Index);
}
