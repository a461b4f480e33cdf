namespace Caffe;

public sealed partial class Net
{
    /// <summary>
    /// Back-propagates the diff held by blob <paramref name="output"/> down to blob <paramref name="input"/>
    /// through exactly the layers on a path between them, whatever <c>force_backward</c> and the loss layers say:
    /// on a deploy net this is what pycaffe scripts get by adding <c>force_backward: true</c> to the prototxt,
    /// without editing it. Parameter diffs are not computed (they keep their values). Where a branch that does not
    /// lead to <paramref name="output"/> meets the path (the other outputs of a split, an unused slice), its
    /// diff is zeroed first, so the diff of <paramref name="input"/> becomes the gradient of
    /// Σ output.data · output.diff with respect to the input. Hooks, backward overrides and the
    /// <see cref="BeforeBackward"/>/<see cref="AfterBackward"/> callbacks run as in <see cref="BackwardFromTo"/>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A blob name is unknown.</exception>
    /// <exception cref="ArgumentException"><paramref name="output"/> does not depend on <paramref name="input"/>.</exception>
    public void BackwardPath(string output, string input)
    {
        int outputId = BlobId(output), inputId = BlobId(input);
        // Blobs computed from the input, in forward order (in-place tops keep their blob's id).
        var fromInput = new bool[_blobs.Count];
        fromInput[inputId] = true;
        for (int i = 0; i < _layers.Count; i++)
        {
            if (!_bottomIdVecs[i].Exists(b => fromInput[b])) continue;
            foreach (int t in _topIdVecs[i]) fromInput[t] = true;
        }
        if (!fromInput[outputId])
            throw new ArgumentException($"Blob '{output}' does not depend on blob '{input}': there is no path to back-propagate along.");

        // Blobs the output is computed from, walking down; a layer runs when it links the two sets.
        var toOutput = new bool[_blobs.Count];
        toOutput[outputId] = true;
        var runs = new bool[_layers.Count];
        int start = -1, end = -1;
        for (int i = _layers.Count - 1; i >= 0; i--)
        {
            if (!_topIdVecs[i].Exists(t => toOutput[t])) continue;
            foreach (int b in _bottomIdVecs[i]) toOutput[b] = true;
            if (!_bottomIdVecs[i].Exists(b => fromInput[b])) continue;
            runs[i] = true;
            if (start < 0) start = i;
            end = i;
        }
        if (start < 0) return;

        var propagateDown = new bool[_layers.Count][];
        var paramFlags = new List<(Layer Layer, int Param, bool Value)>();
        try
        {
            for (int i = end; i <= start; i++)
            {
                if (!runs[i]) continue;
                List<int> bottoms = _bottomIdVecs[i];
                propagateDown[i] = new bool[bottoms.Count];
                for (int b = 0; b < bottoms.Count; b++) propagateDown[i][b] = fromInput[bottoms[b]] && _layers[i].AllowForceBackward(b);
                for (int p = 0; p < _layers[i].Blobs.Count; p++)
                {
                    paramFlags.Add((_layers[i], p, _layers[i].ParamPropagateDown(p)));
                    _layers[i].SetParamPropagateDown(p, false);
                }
            }
            for (int i = start; i >= end; i--)
            {
                foreach (Action<int> callback in _beforeBackward) callback(i);
                if (runs[i])
                {
                    for (int t = 0; t < _topIdVecs[i].Count; t++)
                    {
                        if (!toOutput[_topIdVecs[i][t]]) _topVecs[i][t].Diff.Clear();
                    }
                    BackwardLayer(i, propagateDown[i]);
                    if (DebugInfo) BackwardDebugInfo(i);
                }
                foreach (Action<int> callback in _afterBackward) callback(i);
            }
        }
        finally
        {
            foreach ((Layer layer, int param, bool value) in paramFlags) layer.SetParamPropagateDown(param, value);
        }
    }

    private int BlobId(string name)
    {
        int id = _blobNames.IndexOf(name);
        if (id < 0) throw new KeyNotFoundException($"No blob named '{name}' (blobs: {string.Join(", ", _blobNames)}).");
        return id;
    }
}
