using System.Collections.ObjectModel;

namespace Caffe;

/// <summary>
/// A network of layers connected by named blobs, built exactly as BVLC Caffe's <c>Net::Init</c>, with pycaffe's
/// object model (<c>caffe.Net</c>): <see cref="Blobs"/>, <see cref="LayerDict"/>, <see cref="Params"/>,
/// <see cref="Forward"/>, <see cref="Backward"/> and the rest under their PascalCase names.
/// </summary>
public sealed partial class Net
{
    private readonly List<Action<int>> _beforeForward = [];
    private readonly List<Action<int>> _afterForward = [];
    private readonly List<Action<int>> _beforeBackward = [];
    private readonly List<Action<int>> _afterBackward = [];

    /// <summary>
    /// Loads a net from a prototxt (pycaffe <c>caffe.Net(proto, phase, level=, stages=, weights=)</c>); old
    /// formats are upgraded on load, and <paramref name="weights"/> (a .caffemodel or .h5) is copied in by layer name.
    /// </summary>
    public Net(string prototxtPath, Phase phase, int level = 0, IEnumerable<string>? stages = null, string? weights = null)
    {
        NetParameter param = ProtoIO.ReadNetParamsFromTextFile(prototxtPath, out IReadOnlyList<SourceLocation?> locations);
        param.State ??= new NetState();
        param.State.Phase = phase;
        if (stages != null) param.State.Stage.AddRange(stages);
        param.State.Level = level;
        Init(param, locations);
        if (weights != null) CopyFrom(weights);
    }

    /// <summary>pycaffe's older argument order: <c>caffe.Net(proto, weights, phase)</c>.</summary>
    public Net(string prototxtPath, string weights, Phase phase) : this(prototxtPath, phase, weights: weights) { }

    /// <summary>Builds a net from parameters; the phase, level and stages come from <c>param.state</c>.</summary>
    public Net(NetParameter param) => Init(NetUpgrader.UpgradeNetAsNeeded(param.Clone(), "<NetParameter>"), null);

    /// <summary>
    /// Builds a net from parameters read from a prototxt (<see cref="ProtoIO.ReadNetParamsFromTextFile(string, out IReadOnlyList{SourceLocation?})"/>),
    /// with the location of each of its layers, so that layer errors name their <c>file:line</c>.
    /// </summary>
    public Net(NetParameter param, IReadOnlyList<SourceLocation?> layerLocations)
    {
        ArgumentNullException.ThrowIfNull(layerLocations);
        if (layerLocations.Count != param.Layer.Count)
            throw new ArgumentException(
                $"{layerLocations.Count} layer locations given for {param.Layer.Count} layers.", nameof(layerLocations));
        Init(NetUpgrader.UpgradeNetAsNeeded(param.Clone(), "<NetParameter>"), layerLocations);
    }

    /// <summary>The net's name.</summary>
    public string Name { get; private set; } = "";

    /// <summary>TRAIN or TEST.</summary>
    public Phase Phase { get; private set; }

    /// <summary>
    /// The <c>debug_info</c> flag of the net parameters: when set, forward and backward log the mean absolute
    /// value of every top, bottom diff and parameter at INFO, with Caffe's <c>[Forward]</c>/<c>[Backward]</c> lines.
    /// </summary>
    public bool DebugInfo { get; set; }

    /// <summary>Blobs by name, input to output (pycaffe <c>net.blobs</c>). In-place tops share one entry.</summary>
    public IReadOnlyDictionary<string, Blob> Blobs { get; private set; } = null!;

    /// <summary>Layers by name, in net order (pycaffe <c>net.layer_dict</c>).</summary>
    public IReadOnlyDictionary<string, Layer> LayerDict { get; private set; } = null!;

    /// <summary>The layers in net order (pycaffe <c>net.layers</c>).</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>The layer names in net order (pycaffe <c>net._layer_names</c>).</summary>
    public IReadOnlyList<string> LayerNames => _layerNames;

    /// <summary>The blob names in net order (pycaffe <c>net._blob_names</c>).</summary>
    public IReadOnlyList<string> BlobNames => _blobNames;

    /// <summary>Top blob names of each layer (pycaffe <c>net.top_names</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> TopNames { get; private set; } = null!;

    /// <summary>Bottom blob names of each layer (pycaffe <c>net.bottom_names</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> BottomNames { get; private set; } = null!;

    /// <summary>Parameter blobs of each layer that has any (pycaffe <c>net.params</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Blob>> Params { get; private set; } = null!;

    /// <summary>Names of the net's input blobs: the tops of its Input layers (pycaffe <c>net.inputs</c>).</summary>
    public IReadOnlyList<string> Inputs { get; private set; } = null!;

    /// <summary>Names of the blobs no layer consumes, in name order (pycaffe <c>net.outputs</c>).</summary>
    public IReadOnlyList<string> Outputs { get; private set; } = null!;

    /// <summary>Loss weight of every blob (pycaffe <c>net.blob_loss_weights</c>).</summary>
    public IReadOnlyDictionary<string, float> BlobLossWeights { get; private set; } = null!;

    /// <summary>Bottom blobs of each layer, by layer index (Caffe's <c>bottom_vecs</c>).</summary>
    public IReadOnlyList<IReadOnlyList<Blob>> BottomVecs => _bottomVecs;

    /// <summary>Top blobs of each layer, by layer index (Caffe's <c>top_vecs</c>).</summary>
    public IReadOnlyList<IReadOnlyList<Blob>> TopVecs => _topVecs;

    /// <summary>Whether each layer runs in backward (Caffe's <c>layer_need_backward</c>).</summary>
    public IReadOnlyList<bool> LayerNeedBackward => _layerNeedBackward;

    /// <summary>For each layer, whether backward computes each bottom's diff (Caffe's <c>bottom_need_backward</c>).</summary>
    public IReadOnlyList<IReadOnlyList<bool>> BottomNeedBackward => _bottomNeedBackward;

    /// <summary>Whether each blob receives a diff in backward (Caffe's <c>blob_need_backward</c>).</summary>
    public IReadOnlyList<bool> BlobNeedBackward => _blobNeedBackward;

    /// <summary>Every parameter blob, shared ones included (Caffe's <c>params</c>).</summary>
    public IReadOnlyList<Blob> AllParams => _params;

    /// <summary>For each entry of <see cref="AllParams"/>, the index of its owner, or -1 when it owns itself.</summary>
    public IReadOnlyList<int> ParamOwners => _paramOwners;

    /// <summary>Display names of <see cref="AllParams"/>: the <c>param { name }</c> or the blob index.</summary>
    public IReadOnlyList<string> ParamDisplayNames => _paramDisplayNames;

    /// <summary>The parameter blobs a solver updates: one per owner (Caffe's <c>learnable_params</c>).</summary>
    public IReadOnlyList<Blob> LearnableParams => _learnableParams;

    /// <summary>The <c>lr_mult</c> of each learnable parameter.</summary>
    public IReadOnlyList<float> ParamsLr => _paramsLr;

    /// <summary>The <c>decay_mult</c> of each learnable parameter.</summary>
    public IReadOnlyList<float> ParamsWeightDecay => _paramsWeightDecay;

    /// <summary>The index of a layer by name (the first with that name), with a clear error if unknown.</summary>
    public int LayerIndex(string layerName)
    {
        int index = _layerNames.IndexOf(layerName);
        if (index < 0)
            throw new KeyNotFoundException($"No layer named '{layerName}' (layers: {string.Join(", ", _layerNames)}).");
        return index;
    }

    /// <summary>Registers a callback run with the layer index before each layer's forward (pycaffe <c>net.before_forward</c>).</summary>
    public void BeforeForward(Action<int> callback) => _beforeForward.Add(callback);

    /// <summary>Registers a callback run with the layer index after each layer's forward.</summary>
    public void AfterForward(Action<int> callback) => _afterForward.Add(callback);

    /// <summary>Registers a callback run with the layer index before each layer's backward.</summary>
    public void BeforeBackward(Action<int> callback) => _beforeBackward.Add(callback);

    /// <summary>Registers a callback run with the layer index after each layer's backward.</summary>
    public void AfterBackward(Action<int> callback) => _afterBackward.Add(callback);

    /// <summary>
    /// pycaffe <c>net.forward(blobs, start, end, **inputs)</c>: copies <paramref name="inputs"/> (keyed by every
    /// net input) into the input blobs, runs layers <paramref name="start"/>..<paramref name="end"/> (layer
    /// names, inclusive), and returns views of the net outputs — or of <paramref name="end"/>'s tops when it
    /// is given — plus <paramref name="blobs"/>.
    /// </summary>
    public IReadOnlyDictionary<string, Blob> Forward(string? start = null, string? end = null,
        IEnumerable<string>? blobs = null, IReadOnlyDictionary<string, NdArray>? inputs = null)
    {
        int startIndex = start == null ? 0 : LayerIndex(start);
        int endIndex = end == null ? _layers.Count - 1 : LayerIndex(end);
        IEnumerable<string> outputs = end == null ? Outputs : TopNames[end];
        if (inputs != null && inputs.Count > 0)
        {
            if (!inputs.Keys.ToHashSet().SetEquals(Inputs))
                throw new ArgumentException(
                    $"Input blob arguments do not match net inputs: given [{string.Join(", ", inputs.Keys)}], " +
                    $"net inputs are [{string.Join(", ", Inputs)}].");
            foreach ((string name, NdArray array) in inputs) CopyInto(name, array, Blobs[name].Data, "Input");
        }
        ForwardFromTo(startIndex, endIndex);
        return Select(outputs.Concat(blobs ?? []));
    }

    /// <summary>
    /// pycaffe <c>net.backward(diffs, start, end, **top_diffs)</c>: copies <paramref name="topDiffs"/> (keyed by
    /// every net output) into the output diffs, runs backward from layer <paramref name="start"/> down to
    /// <paramref name="end"/> (inclusive), and returns views of the input blobs — or of <paramref name="end"/>'s
    /// bottoms when it is given — plus <paramref name="diffs"/>; read their <see cref="Blob.Diff"/>.
    /// </summary>
    public IReadOnlyDictionary<string, Blob> Backward(string? start = null, string? end = null,
        IEnumerable<string>? diffs = null, IReadOnlyDictionary<string, NdArray>? topDiffs = null)
    {
        int startIndex = start == null ? _layers.Count - 1 : LayerIndex(start);
        int endIndex = end == null ? 0 : LayerIndex(end);
        IEnumerable<string> outputs = end == null ? Inputs : BottomNames[end];
        if (topDiffs != null && topDiffs.Count > 0)
        {
            if (!topDiffs.Keys.ToHashSet().SetEquals(Outputs))
                throw new ArgumentException(
                    $"Top diff arguments do not match net outputs: given [{string.Join(", ", topDiffs.Keys)}], " +
                    $"net outputs are [{string.Join(", ", Outputs)}].");
            foreach ((string name, NdArray array) in topDiffs) CopyInto(name, array, Blobs[name].Diff, "Diff");
        }
        BackwardFromTo(startIndex, endIndex);
        return Select(outputs.Concat(diffs ?? []));
    }

    /// <summary>Runs layers <paramref name="start"/>..<paramref name="end"/> (indices, inclusive) and returns the total weighted loss.</summary>
    public float ForwardFromTo(int start, int end)
    {
        if (start < 0 || end >= _layers.Count)
            throw new ArgumentOutOfRangeException(nameof(start), $"layer range {start}..{end} is outside 0..{_layers.Count - 1}");
        float loss = 0;
        if (DebugInfo) InputDebugInfo();
        for (int i = start; i <= end; i++)
        {
            foreach (Action<int> callback in _beforeForward) callback(i);
            loss += ForwardLayer(i);
            if (DebugInfo) ForwardDebugInfo(i);
            foreach (Action<int> callback in _afterForward) callback(i);
        }
        return loss;
    }

    /// <summary>Runs backward from layer <paramref name="start"/> down to <paramref name="end"/> (indices, inclusive); layers that need no backward are skipped.</summary>
    public void BackwardFromTo(int start, int end)
    {
        if (end < 0 || start >= _layers.Count)
            throw new ArgumentOutOfRangeException(nameof(start), $"layer range {start}..{end} is outside 0..{_layers.Count - 1}");
        for (int i = start; i >= end; i--)
        {
            foreach (Action<int> callback in _beforeBackward) callback(i);
            if (_layerNeedBackward[i])
            {
                BackwardLayer(i, _bottomNeedBackward[i]);
                if (DebugInfo) BackwardDebugInfo(i);
            }
            foreach (Action<int> callback in _afterBackward) callback(i);
        }
    }

    /// <summary>Runs the whole net forward and returns the loss (Caffe's <c>Forward(&amp;loss)</c>).</summary>
    public float ForwardLoss() => ForwardFromTo(0, _layers.Count - 1);

    /// <summary>Forward then backward over the whole net; returns the loss (Caffe's <c>ForwardBackward</c>).</summary>
    public float ForwardBackward()
    {
        float loss = ForwardLoss();
        BackwardFromTo(_layers.Count - 1, 0);
        if (DebugInfo) ParamNormsDebugInfo();
        return loss;
    }

    /// <summary>Reshapes every layer from its bottoms, e.g. after an input blob changed shape (pycaffe <c>net.reshape()</c>).</summary>
    public void Reshape()
    {
        for (int i = 0; i < _layers.Count; i++) _layers[i].Reshape(_bottomVecs[i], _topVecs[i]);
    }

    /// <summary>Zeroes the diffs of the learnable parameters (pycaffe <c>net.clear_param_diffs()</c>).</summary>
    public void ClearParamDiffs()
    {
        foreach (Blob blob in _learnableParams) blob.Diff.Clear();
    }

    /// <summary>Applies data -= diff to every learnable parameter (Caffe's <c>Net::Update</c>).</summary>
    public void Update()
    {
        foreach (Blob blob in _learnableParams) blob.Update();
    }

    private IReadOnlyDictionary<string, Blob> Select(IEnumerable<string> names)
    {
        var result = new OrderedDictionary<string, Blob>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (!Blobs.TryGetValue(name, out Blob? blob))
                throw new KeyNotFoundException($"No blob named '{name}' (blobs: {string.Join(", ", _blobNames)}).");
            result.TryAdd(name, blob);
        }
        return new ReadOnlyDictionary<string, Blob>(result);
    }

    private void CopyInto(string name, NdArray array, Span<float> target, string what)
    {
        Blob blob = Blobs[name];
        if (array.NumAxes == 0 || blob.NumAxes == 0 || array.Shape[0] != blob.ShapeAt(0))
            throw new ArgumentException(
                $"{what} is not batch sized: '{name}' is ({string.Join(", ", array.Shape)}), the blob is {blob.ShapeString}.");
        if (!array.Shape.SequenceEqual(blob.Shape))
            throw new ArgumentException(
                $"{what} '{name}' has shape ({string.Join(", ", array.Shape)}) but the blob is {blob.ShapeString}.");
        array.Data.CopyTo(target);
    }

    private void BuildMirror()
    {
        var blobs = new OrderedDictionary<string, Blob>(StringComparer.Ordinal);
        for (int i = 0; i < _blobs.Count; i++) blobs[_blobNames[i]] = _blobs[i];
        Blobs = new ReadOnlyDictionary<string, Blob>(blobs);

        var layerDict = new OrderedDictionary<string, Layer>(StringComparer.Ordinal);
        var tops = new OrderedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var bottoms = new OrderedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var parameters = new OrderedDictionary<string, IReadOnlyList<Blob>>(StringComparer.Ordinal);
        for (int i = 0; i < _layers.Count; i++)
        {
            // Later layers with a repeated name replace earlier ones, as in pycaffe's OrderedDicts.
            layerDict[_layerNames[i]] = _layers[i];
            tops[_layerNames[i]] = _topIdVecs[i].Select(b => _blobNames[b]).ToArray();
            bottoms[_layerNames[i]] = _bottomIdVecs[i].Select(b => _blobNames[b]).ToArray();
            if (_layers[i].Blobs.Count > 0) parameters[_layerNames[i]] = _layers[i].Blobs.AsReadOnly();
        }
        LayerDict = new ReadOnlyDictionary<string, Layer>(layerDict);
        TopNames = new ReadOnlyDictionary<string, IReadOnlyList<string>>(tops);
        BottomNames = new ReadOnlyDictionary<string, IReadOnlyList<string>>(bottoms);
        Params = new ReadOnlyDictionary<string, IReadOnlyList<Blob>>(parameters);
        Inputs = _inputBlobIndices.Select(b => _blobNames[b]).ToArray();
        Outputs = _outputBlobIndices.Select(b => _blobNames[b]).ToArray();

        var lossWeights = new OrderedDictionary<string, float>(StringComparer.Ordinal);
        for (int i = 0; i < _blobs.Count; i++) lossWeights[_blobNames[i]] = _blobLossWeights[i];
        BlobLossWeights = new ReadOnlyDictionary<string, float>(lossWeights);
    }
}
