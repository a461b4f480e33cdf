using System.Buffers;

namespace Caffe;

/// <summary>
/// What a forward hook (<see cref="Net.AddForwardHook"/>) sees: one layer right after its forward. The tops
/// may be edited; the layers above read the edited values. For an in-place layer the bottom is the top blob,
/// so it already holds the output.
/// </summary>
public sealed class ForwardHookContext
{
    internal ForwardHookContext(Net net, int layerIndex)
    {
        Net = net;
        LayerIndex = layerIndex;
        Layer = net.Layers[layerIndex];
        Bottom = net.BottomVecs[layerIndex];
        Top = net.TopVecs[layerIndex];
    }

    /// <summary>The net running the forward.</summary>
    public Net Net { get; }

    /// <summary>The layer that just ran.</summary>
    public Layer Layer { get; }

    /// <summary>The layer's index in <see cref="Net.Layers"/>.</summary>
    public int LayerIndex { get; }

    /// <summary>The layer's name.</summary>
    public string LayerName => Net.LayerNames[LayerIndex];

    /// <summary>The layer's bottom blobs.</summary>
    public IReadOnlyList<Blob> Bottom { get; }

    /// <summary>The layer's top blobs, holding its output; writable.</summary>
    public IReadOnlyList<Blob> Top { get; }
}

/// <summary>
/// What a backward hook (<see cref="Net.AddBackwardHook"/>) or a <see cref="Layer.BackwardOverride"/> sees: one
/// layer's backward. <see cref="TopDiff"/> is the diff each top had when the layer's backward began, even for an
/// in-place layer whose backward overwrote that blob's diff with the bottom diff (the net keeps a copy then).
/// A hook runs after the layer's backward and may rewrite <see cref="BottomDiff"/>; an override writes it itself.
/// </summary>
public sealed class BackwardHookContext
{
    private readonly float[]?[] _savedTopDiffs;
    private readonly int[] _savedCounts;

    internal BackwardHookContext(Layer layer, int layerIndex, Net? net, IReadOnlyList<Blob> top,
                                 IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        Layer = layer;
        LayerIndex = layerIndex;
        Net = net;
        Top = top;
        PropagateDown = propagateDown;
        Bottom = bottom;
        _savedTopDiffs = new float[]?[top.Count];
        _savedCounts = new int[top.Count];
        for (int i = 0; i < top.Count; i++)
        {
            if (!IsInPlace(i)) continue;
            int count = top[i].Count;
            float[] copy = ArrayPool<float>.Shared.Rent(count);
            top[i].Diff.CopyTo(copy);
            _savedTopDiffs[i] = copy;
            _savedCounts[i] = count;
        }
    }

    /// <summary>The layer whose backward this is.</summary>
    public Layer Layer { get; }

    /// <summary>The layer's index in its net, or -1 when the layer runs outside a net.</summary>
    public int LayerIndex { get; }

    /// <summary>The net running the backward, or null when the layer runs outside a net.</summary>
    public Net? Net { get; }

    /// <summary>The layer's tops (their data is the forward output).</summary>
    public IReadOnlyList<Blob> Top { get; }

    /// <summary>Which bottoms receive a diff (Caffe's <c>propagate_down</c>).</summary>
    public IReadOnlyList<bool> PropagateDown { get; }

    /// <summary>The layer's bottoms; for an in-place layer the bottom is the top blob.</summary>
    public IReadOnlyList<Blob> Bottom { get; }

    /// <summary>True when top <paramref name="topIndex"/> is one of the bottoms (the layer runs in place).</summary>
    public bool IsInPlace(int topIndex)
    {
        foreach (Blob b in Bottom)
        {
            if (ReferenceEquals(b, Top[topIndex])) return true;
        }
        return false;
    }

    /// <summary>The diff of top <paramref name="topIndex"/> as the layer's backward received it (a saved copy for an in-place top).</summary>
    public ReadOnlySpan<float> TopDiff(int topIndex = 0) =>
        _savedTopDiffs[topIndex] is { } saved ? saved.AsSpan(0, _savedCounts[topIndex]) : Top[topIndex].Diff;

    /// <summary>The diff of bottom <paramref name="bottomIndex"/>: what the layer's backward wrote, to read or rewrite.</summary>
    public Span<float> BottomDiff(int bottomIndex = 0) => Bottom[bottomIndex].Diff;

    /// <summary>
    /// For a ReLU: 1 where its input was positive in the last forward, else 0 — the sign mask an in-place ReLU
    /// overwrites. Available when the hook was registered with <c>keepForwardMasks: true</c> (or
    /// <see cref="ReLULayer.KeepForwardMask"/> was set) before that forward.
    /// </summary>
    /// <exception cref="InvalidOperationException">The layer is not a ReLU, or it kept no mask.</exception>
    public ReadOnlySpan<float> ForwardMask
    {
        get
        {
            if (Layer is not ReLULayer relu)
                throw new InvalidOperationException($"{Layer} keeps no forward mask; only ReLU layers do.");
            if (relu.ForwardMask.Length != Bottom[0].Count)
                throw new InvalidOperationException(
                    $"{Layer} kept no forward mask for its last forward: register the hook with keepForwardMasks: true " +
                    "(or set KeepForwardMask) before running the forward.");
            return relu.ForwardMask;
        }
    }

    /// <summary>Runs the layer's own backward (from an override that wraps it rather than replacing it).</summary>
    public void RunLayerBackward()
    {
        RestoreInPlaceTopDiffs();
        Layer.BackwardOwn(Top, PropagateDown, Bottom);
    }

    // An override may have written the shared blob before calling the layer's own backward, which must see
    // the incoming diff.
    private void RestoreInPlaceTopDiffs()
    {
        for (int i = 0; i < Top.Count; i++)
        {
            if (_savedTopDiffs[i] is { } saved) saved.AsSpan(0, _savedCounts[i]).CopyTo(Top[i].Diff);
        }
    }

    internal void Release()
    {
        for (int i = 0; i < _savedTopDiffs.Length; i++)
        {
            if (_savedTopDiffs[i] is { } saved) ArrayPool<float>.Shared.Return(saved);
            _savedTopDiffs[i] = null;
        }
    }
}

/// <summary>A registered hook; <see cref="Dispose"/> removes it (idempotent).</summary>
internal sealed class HookRegistration(Action remove) : IDisposable
{
    private Action? _remove = remove;

    public void Dispose()
    {
        _remove?.Invoke();
        _remove = null;
    }
}
