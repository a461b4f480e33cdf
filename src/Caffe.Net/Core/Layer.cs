namespace Caffe;

/// <summary>
/// A layer, with Caffe's contract: the base class owns the non-virtual <see cref="SetUp"/>,
/// <see cref="Forward"/> and <see cref="Backward"/>; a layer type overrides <see cref="LayerSetUp"/>,
/// <see cref="Reshape"/>, <see cref="ForwardCpu"/> and <see cref="BackwardCpu"/>.
/// Backward overwrites bottom diffs and accumulates into parameter diffs (pycaffe relies on both).
/// </summary>
public abstract class Layer
{
    private readonly List<float> _loss = [];
    private readonly List<bool> _paramPropagateDown = [];

    /// <summary>Creates the layer from its parameters; blobs stored in <paramref name="param"/> become <see cref="Blobs"/>.</summary>
    protected Layer(LayerParameter param)
    {
        Param = param.Clone();
        Phase = Param.Phase;
        foreach (BlobProto proto in Param.Blobs)
        {
            var blob = new Blob();
            blob.FromProto(proto);
            Blobs.Add(blob);
        }
        // The blobs now live in Blobs; keeping a second copy in the parameters would double the memory.
        Param.Blobs.Clear();
    }

    /// <summary>The layer's parameters (Caffe's <c>layer_param()</c>), without the weight blobs.</summary>
    public LayerParameter Param { get; }

    /// <summary>The layer's name.</summary>
    public string Name => Param.Name;

    /// <summary>The layer's Caffe type string (pycaffe <c>layer.type</c>).</summary>
    public abstract string Type { get; }

    /// <summary>TRAIN or TEST, inherited from the net unless the layer sets its own.</summary>
    public Phase Phase { get; }

    /// <summary>The learnable parameter blobs (pycaffe <c>layer.blobs</c>): weights, biases, statistics.</summary>
    public List<Blob> Blobs { get; } = [];

    /// <summary>Exact number of bottoms required, or -1 for no constraint.</summary>
    public virtual int ExactNumBottomBlobs => -1;

    /// <summary>Minimum number of bottoms, or -1.</summary>
    public virtual int MinBottomBlobs => -1;

    /// <summary>Maximum number of bottoms, or -1.</summary>
    public virtual int MaxBottomBlobs => -1;

    /// <summary>Exact number of tops required, or -1 for no constraint.</summary>
    public virtual int ExactNumTopBlobs => -1;

    /// <summary>Minimum number of tops, or -1.</summary>
    public virtual int MinTopBlobs => -1;

    /// <summary>Maximum number of tops, or -1.</summary>
    public virtual int MaxTopBlobs => -1;

    /// <summary>Whether the number of bottoms must equal the number of tops.</summary>
    public virtual bool EqualNumBottomTopBlobs => false;

    /// <summary>Whether the net creates anonymous tops up to the required count when fewer are named.</summary>
    public virtual bool AutoTopBlobs => false;

    /// <summary>Whether <c>force_backward</c> may make this layer propagate to the given bottom (false for labels).</summary>
    public virtual bool AllowForceBackward(int bottomIndex) => true;

    /// <summary>Checks blob counts, runs <see cref="LayerSetUp"/> and <see cref="Reshape"/>, and applies loss weights.</summary>
    public void SetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        CheckBlobCounts(bottom, top);
        LayerSetUp(bottom, top);
        Reshape(bottom, top);
        SetLossWeights(top);
    }

    /// <summary>One-time setup from the parameters and the first bottoms (create <see cref="Blobs"/>, read options).</summary>
    public virtual void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) { }

    /// <summary>Shapes the tops (and internal buffers) from the bottoms; called before every forward.</summary>
    public abstract void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top);

    /// <summary>Reshapes, computes the tops, and returns the weighted loss of the tops that carry a loss weight.</summary>
    public float Forward(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Reshape(bottom, top);
        ForwardCpu(bottom, top);
        float loss = 0;
        for (int i = 0; i < top.Count; i++)
        {
            if (Loss(i) == 0) continue;
            // The loss weight lives in the top's diff (set by SetLossWeights), so loss = data · diff.
            loss += Blas.Dot(top[i].Count, top[i].Data, top[i].Diff);
        }
        return loss;
    }

    /// <summary>
    /// Computes bottom diffs for the bottoms flagged in <paramref name="propagateDown"/> and accumulates parameter
    /// diffs — or runs <see cref="BackwardOverride"/> instead when one is set.
    /// </summary>
    public void Backward(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (BackwardOverride == null)
        {
            BackwardCpu(top, propagateDown, bottom);
            return;
        }
        var context = new BackwardHookContext(this, -1, null, top, propagateDown, bottom);
        try
        {
            BackwardOverride(context);
        }
        finally
        {
            context.Release();
        }
    }

    /// <summary>
    /// Replaces this layer's backward, in a net and when called directly (e.g. a ReLU that passes only positive
    /// gradients, for deconvnet visualizations). The override receives the tops with the diffs they came in with,
    /// the bottoms and <c>propagate_down</c>, and writes the bottom diffs; <see cref="BackwardHookContext.RunLayerBackward"/>
    /// runs the layer's own backward. Set it back to null to restore the layer's backward.
    /// </summary>
    public Action<BackwardHookContext>? BackwardOverride { get; set; }

    /// <summary>The layer's own backward, or its override, for a context the net prepared.</summary>
    internal void BackwardWith(BackwardHookContext context)
    {
        if (BackwardOverride != null) BackwardOverride(context);
        else BackwardCpu(context.Top, context.PropagateDown, context.Bottom);
    }

    internal void BackwardOwn(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) =>
        BackwardCpu(top, propagateDown, bottom);

    /// <summary>The forward computation.</summary>
    protected abstract void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top);

    /// <summary>The backward computation: overwrite bottom diffs, accumulate parameter diffs.</summary>
    protected abstract void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown,
                                        IReadOnlyList<Blob> bottom);

    /// <summary>The loss weight of top <paramref name="topIndex"/> (0 when it is not a loss).</summary>
    public float Loss(int topIndex) => topIndex < _loss.Count ? _loss[topIndex] : 0f;

    /// <summary>Sets the loss weight of a top.</summary>
    public void SetLoss(int topIndex, float value)
    {
        while (_loss.Count <= topIndex) _loss.Add(0f);
        _loss[topIndex] = value;
    }

    /// <summary>Whether backward computes the diff of parameter blob <paramref name="paramIndex"/>.</summary>
    public bool ParamPropagateDown(int paramIndex) =>
        paramIndex < _paramPropagateDown.Count && _paramPropagateDown[paramIndex];

    /// <summary>Sets whether backward computes the diff of a parameter blob.</summary>
    public void SetParamPropagateDown(int paramIndex, bool value)
    {
        while (_paramPropagateDown.Count <= paramIndex) _paramPropagateDown.Add(true);
        _paramPropagateDown[paramIndex] = value;
    }

    /// <summary>The parameters with the current blobs (and their diffs with <paramref name="writeDiff"/>), as saved in a caffemodel.</summary>
    public LayerParameter ToProto(bool writeDiff = false)
    {
        LayerParameter proto = Param.Clone();
        proto.Blobs.Clear();
        foreach (Blob blob in Blobs) proto.Blobs.Add(blob.ToProto(writeDiff));
        return proto;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Type} layer '{Name}'";

    /// <summary>An exception naming this layer.</summary>
    protected LayerException Error(string message) => new(Name, Type, message);

    private void CheckBlobCounts(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        CheckCount(ExactNumBottomBlobs, bottom.Count, (e, a) => e == a, "takes {0} bottom blob(s) as input", "bottom");
        CheckCount(MinBottomBlobs, bottom.Count, (e, a) => a >= e, "takes at least {0} bottom blob(s) as input", "bottom");
        CheckCount(MaxBottomBlobs, bottom.Count, (e, a) => a <= e, "takes at most {0} bottom blob(s) as input", "bottom");
        CheckCount(ExactNumTopBlobs, top.Count, (e, a) => e == a, "produces {0} top blob(s) as output", "top");
        CheckCount(MinTopBlobs, top.Count, (e, a) => a >= e, "produces at least {0} top blob(s) as output", "top");
        CheckCount(MaxTopBlobs, top.Count, (e, a) => a <= e, "produces at most {0} top blob(s) as output", "top");
        if (EqualNumBottomTopBlobs && bottom.Count != top.Count)
            throw Error($"takes as many bottoms as tops, but has {bottom.Count} bottom(s) and {top.Count} top(s).");
    }

    private void CheckCount(int expected, int actual, Func<int, int, bool> ok, string rule, string what)
    {
        if (expected >= 0 && !ok(expected, actual))
            throw Error($"{Type} layer {string.Format(rule, expected)}; it has {actual} {what}(s).");
    }

    private void SetLossWeights(IReadOnlyList<Blob> top)
    {
        int numLossWeights = Param.LossWeight.Count;
        if (numLossWeights == 0) return;
        if (numLossWeights != top.Count)
            throw Error($"loss_weight must be unspecified or given once per top blob: {numLossWeights} for {top.Count} top(s).");
        for (int i = 0; i < top.Count; i++)
        {
            float weight = Param.LossWeight[i];
            if (weight == 0) continue;
            SetLoss(i, weight);
            top[i].Diff.Fill(weight);
        }
    }
}
