namespace Caffe;

public sealed partial class Net
{
    // Reference identity: removing one registration never removes another of the same delegate.
    private sealed class ForwardHookEntry(Action<ForwardHookContext> hook, Func<Layer, bool>? layers)
    {
        public Action<ForwardHookContext> Hook { get; } = hook;

        public Func<Layer, bool>? Layers { get; } = layers;
    }

    private sealed class BackwardHookEntry(Action<BackwardHookContext> hook, Func<Layer, bool>? layers)
    {
        public Action<BackwardHookContext> Hook { get; } = hook;

        public Func<Layer, bool>? Layers { get; } = layers;
    }

    // Replaced (never mutated) on registration, so a hook may dispose itself while the net iterates.
    private ForwardHookEntry[] _forwardHooks = [];
    private BackwardHookEntry[] _backwardHooks = [];

    /// <summary>The number of registered forward hooks.</summary>
    public int ForwardHookCount => _forwardHooks.Length;

    /// <summary>The number of registered backward hooks.</summary>
    public int BackwardHookCount => _backwardHooks.Length;

    /// <summary>
    /// Registers a hook called right after the forward of every layer (or of the layers <paramref name="layers"/>
    /// selects) with the layer, its index, bottoms and tops; it may read or edit the tops, and the layers above
    /// see the edit. Beyond pycaffe's <c>after_forward</c>, which only passes the index. Dispose the returned
    /// object to remove the hook.
    /// </summary>
    public IDisposable AddForwardHook(Action<ForwardHookContext> hook, Func<Layer, bool>? layers = null)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var entry = new ForwardHookEntry(hook, layers);
        _forwardHooks = [.. _forwardHooks, entry];
        return new HookRegistration(() => _forwardHooks = [.. _forwardHooks.Where(e => !ReferenceEquals(e, entry))]);
    }

    /// <summary>
    /// Registers a hook called right after the backward of every layer (or of the layers <paramref name="layers"/>
    /// selects) that runs backward. It sees each top's diff as the layer received it — a copy when the layer runs
    /// in place and its backward overwrote the shared blob — and the bottom diffs the layer wrote, which it may
    /// rewrite (guided backprop: zero the bottom diff where the top diff is not positive). With
    /// <paramref name="keepForwardMasks"/>, the selected ReLU layers record their forward sign mask
    /// (<see cref="BackwardHookContext.ForwardMask"/>) while the hook is registered. Dispose the returned object
    /// to remove the hook.
    /// </summary>
    public IDisposable AddBackwardHook(Action<BackwardHookContext> hook, Func<Layer, bool>? layers = null, bool keepForwardMasks = false)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var entry = new BackwardHookEntry(hook, layers);
        ReLULayer[] masked = keepForwardMasks
            ? _layers.OfType<ReLULayer>().Where(l => layers == null || layers(l)).ToArray()
            : [];
        foreach (ReLULayer relu in masked) relu.RequestForwardMask(true);
        _backwardHooks = [.. _backwardHooks, entry];
        return new HookRegistration(() =>
        {
            _backwardHooks = [.. _backwardHooks.Where(e => !ReferenceEquals(e, entry))];
            foreach (ReLULayer relu in masked) relu.RequestForwardMask(false);
        });
    }

    private float ForwardLayer(int i)
    {
        float loss;
        try
        {
            loss = _layers[i].Forward(_bottomVecs[i], _topVecs[i]);
        }
        catch (LayerException e) when (e.AddLocation(_layerLocations[i]))
        {
            throw;
        }
        catch (Exception e) when (e is not CaffeException)
        {
            throw LayerFailure(i, "forward", e);
        }
        ForwardHookEntry[] hooks = _forwardHooks;
        if (hooks.Length == 0) return loss;
        ForwardHookContext? context = null;
        foreach (ForwardHookEntry entry in hooks)
        {
            if (entry.Layers != null && !entry.Layers(_layers[i])) continue;
            context ??= new ForwardHookContext(this, i);
            entry.Hook(context);
        }
        return loss;
    }

    private void BackwardLayer(int i, IReadOnlyList<bool> propagateDown)
    {
        Layer layer = _layers[i];
        BackwardHookEntry[] hooks = _backwardHooks;
        BackwardHookContext? context = null;
        bool hooked = layer.BackwardOverride != null;
        foreach (BackwardHookEntry entry in hooks) hooked |= entry.Layers == null || entry.Layers(layer);
        // The context (with its copies of in-place top diffs) exists only when someone will read it.
        if (hooked) context = new BackwardHookContext(layer, i, this, _topVecs[i], propagateDown, _bottomVecs[i]);
        try
        {
            try
            {
                if (context == null) layer.Backward(_topVecs[i], propagateDown, _bottomVecs[i]);
                else layer.BackwardWith(context);
            }
            catch (LayerException e) when (e.AddLocation(_layerLocations[i]))
            {
                throw;
            }
            catch (Exception e) when (e is not CaffeException)
            {
                throw LayerFailure(i, "backward", e);
            }
            if (context == null) return;
            foreach (BackwardHookEntry entry in hooks)
            {
                if (entry.Layers == null || entry.Layers(layer)) entry.Hook(context);
            }
        }
        finally
        {
            context?.Release();
        }
    }

    private LayerException LayerFailure(int i, string pass, Exception e)
    {
        var failure = new LayerException(_layerNames[i], _layers[i].Type, $"{pass} failed: {e.GetType().Name}: {e.Message}", e);
        failure.AddLocation(_layerLocations[i]);
        return failure;
    }
}
