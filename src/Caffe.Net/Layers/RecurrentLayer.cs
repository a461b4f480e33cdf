using System.Globalization;

namespace Caffe;

/// <summary>
/// Base of the recurrent layers (Caffe's <c>RecurrentLayer</c>): a subclass describes one network unrolled over
/// the T timesteps of its input (<see cref="FillUnrolledNet"/>), and this class runs it as an internal
/// <see cref="Net"/>. Bottoms: <c>x</c> (T × N × ...), the sequence continuation indicators <c>cont</c> (T × N;
/// 0 starts a new sequence in that stream), an optional static input <c>x_static</c> (N × ...), then with
/// <c>expose_hidden</c> the initial hidden states (1 × N × num_output each). Tops: the output over all timesteps,
/// then with <c>expose_hidden</c> the final hidden states. The parameters are the unrolled net's own (shared) blobs, in its
/// order, so <see cref="Layer.Blobs"/> match BVLC's (pycaffe <c>net.params['lstm1'][i]</c>). Without
/// <c>expose_hidden</c> the hidden state of the last timestep carries over to the next forward.
/// </summary>
public abstract class RecurrentLayer(LayerParameter param) : Layer(param)
{
    private static readonly RecurrentParameter DefaultParameter = new();

    private Net? _unrolledNet;
    private int _lastLayerIndex;
    private Blob[] _recurInputBlobs = [];
    private Blob[] _recurOutputBlobs = [];
    private Blob[] _outputBlobs = [];
    private Blob[] _ownedParams = [];
    private Blob _xInputBlob = null!;
    private Blob _contInputBlob = null!;
    private Blob? _xStaticInputBlob;
    private bool _storedWeightsTaken;

    /// <summary>The number of timesteps T (axis 0 of the input); the unrolled net has one copy of the cell per step.</summary>
    protected int NumTimesteps { get; private set; }

    /// <summary>The number of independent streams N (axis 1 of the input).</summary>
    protected int NumStreams { get; private set; }

    /// <summary>Whether the layer has the static input <c>x_static</c> (a bottom after the required ones).</summary>
    protected bool StaticInput { get; private set; }

    /// <summary>The layer's <c>recurrent_param</c> (defaults when unset).</summary>
    protected RecurrentParameter RecurrentParam => Param.RecurrentParam ?? DefaultParameter;

    /// <summary>
    /// The unrolled net this layer runs (Caffe's <c>unrolled_net_</c>), for inspection: its layer names are this
    /// layer's name + "_" + the unrolled layer's name, its blobs are named as in BVLC (<c>h_0</c>, <c>W_xc_x</c>, <c>c_T</c>...).
    /// </summary>
    public Net UnrolledNet => _unrolledNet ?? throw Error("the unrolled net exists only after SetUp.");

    /// <inheritdoc/>
    public override int MinBottomBlobs =>
        2 + (RecurrentParam.ExposeHidden ? RecurrentInputBlobNames().Count : 0);

    /// <inheritdoc/>
    public override int MaxBottomBlobs => MinBottomBlobs + 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs =>
        1 + (RecurrentParam.ExposeHidden ? RecurrentOutputBlobNames().Count : 0);

    /// <summary>The continuation indicators (bottom 1) take no gradient.</summary>
    public override bool AllowForceBackward(int bottomIndex) => bottomIndex != 1;

    /// <summary>
    /// Adds the recurrent architecture to <paramref name="netParam"/>, which already has an Input layer with the
    /// tops <c>x</c>, <c>cont</c> and, with <see cref="StaticInput"/>, <c>x_static</c>.
    /// </summary>
    protected abstract void FillUnrolledNet(NetParameter netParam);

    /// <summary>The names of the hidden-state blobs the first timestep reads (e.g. <c>h_0</c>, <c>c_0</c>).</summary>
    protected abstract IReadOnlyList<string> RecurrentInputBlobNames();

    /// <summary>The shapes of the blobs of <see cref="RecurrentInputBlobNames"/>, for N = <see cref="NumStreams"/>.</summary>
    protected abstract IReadOnlyList<BlobShape> RecurrentInputShapes();

    /// <summary>The names of the hidden-state blobs the last timestep writes (e.g. <c>h_T</c>, <c>c_T</c>), paired with the inputs.</summary>
    protected abstract IReadOnlyList<string> RecurrentOutputBlobNames();

    /// <summary>The names of the blobs holding the outputs over all timesteps, one per top.</summary>
    protected abstract IReadOnlyList<string> OutputBlobNames();

    /// <summary>Forgets the hidden state: zeroes the last timestep's recurrent outputs (Caffe's <c>Reset</c>).</summary>
    public void Reset()
    {
        foreach (Blob blob in _recurOutputBlobs) blob.Data.Clear();
    }

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        (NumTimesteps, NumStreams) = CheckInputShapes(bottom);
        CaffeLog.Info($"Initializing recurrent layer: assuming input batch contains {NumTimesteps} timesteps of " +
                      $"{NumStreams} independent streams.");
        int numRecurBlobs = RecurrentInputBlobNames().Count;
        int numHiddenExposed = RecurrentParam.ExposeHidden ? numRecurBlobs : 0;
        StaticInput = bottom.Count > 2 + numHiddenExposed;
        if (StaticInput && (bottom[2].NumAxes < 1 || bottom[2].ShapeAt(0) != NumStreams))
        {
            throw Error($"the static input (bottom 2, {bottom[2].ShapeString}) must have the number of streams " +
                        $"N = {NumStreams} as its first axis.");
        }
        if (top.Count - numHiddenExposed != OutputBlobNames().Count)
            throw Error($"{OutputBlobNames().Count} output blob name(s) for {top.Count - numHiddenExposed} output top(s).");

        // Weights stored in the layer parameters (a net built from a caffemodel's NetParameter) are kept; Caffe drops them.
        Blob[] stored = _storedWeightsTaken ? [] : [.. Blobs];
        _storedWeightsTaken = true;
        BuildUnrolledNet(bottom);
        Blobs.Clear();
        Blobs.AddRange(_ownedParams);
        if (stored.Length > 0) CopyStoredWeights(stored);
        for (int i = 0; i < Blobs.Count; i++) SetParamPropagateDown(i, true);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        (int timesteps, NumStreams) = CheckInputShapes(bottom);
        if (timesteps != NumTimesteps)
        {
            // BVLC stops here ("input number of timesteps changed"); we unroll again over the new T with the same
            // weights (the carried hidden state starts again from zero).
            CaffeLog.Info($"Recurrent layer {Name}: unrolling again for {timesteps} timesteps (was {NumTimesteps}).");
            int previous = NumTimesteps;
            NumTimesteps = timesteps;
            try
            {
                BuildUnrolledNet(bottom);
            }
            catch (LayerException)
            {
                NumTimesteps = previous;
                throw;
            }
            SyncParameters();
        }
        Net net = UnrolledNet;
        _xInputBlob.ReshapeLike(bottom[0]);
        _contInputBlob.ReshapeLike(bottom[1]);
        if (_xStaticInputBlob != null) _xStaticInputBlob.ReshapeLike(bottom[2]);
        IReadOnlyList<BlobShape> recurShapes = RecurrentInputShapes();
        if (recurShapes.Count != _recurInputBlobs.Length)
            throw Error($"{recurShapes.Count} recurrent input shape(s) for {_recurInputBlobs.Length} recurrent input(s).");
        for (int i = 0; i < recurShapes.Count; i++) _recurInputBlobs[i].Reshape(recurShapes[i]);
        net.Reshape();

        _xInputBlob.ShareData(bottom[0]);
        _xInputBlob.ShareDiff(bottom[0]);
        _contInputBlob.ShareData(bottom[1]);
        if (_xStaticInputBlob != null)
        {
            _xStaticInputBlob.ShareData(bottom[2]);
            _xStaticInputBlob.ShareDiff(bottom[2]);
        }
        if (RecurrentParam.ExposeHidden)
        {
            int bottomOffset = 2 + (StaticInput ? 1 : 0);
            for (int i = bottomOffset, j = 0; i < bottom.Count; i++, j++)
            {
                if (!bottom[i].Shape.SequenceEqual(_recurInputBlobs[j].Shape))
                {
                    throw Error($"bottom {i} ({bottom[i].ShapeString}) must match the shape of hidden state input " +
                                $"{RecurrentInputBlobNames()[j]}: {_recurInputBlobs[j].ShapeString}.");
                }
                // Data only, as in BVLC: no gradient flows back into the exposed initial state.
                _recurInputBlobs[j].ShareData(bottom[i]);
            }
        }
        for (int i = 0; i < _outputBlobs.Length; i++)
        {
            top[i].ReshapeLike(_outputBlobs[i]);
            top[i].ShareData(_outputBlobs[i]);
            top[i].ShareDiff(_outputBlobs[i]);
        }
        if (RecurrentParam.ExposeHidden)
        {
            for (int i = _outputBlobs.Length, j = 0; i < top.Count; i++, j++) top[i].ReshapeLike(_recurOutputBlobs[j]);
        }
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        // BVLC re-shares at test time only, after Solver::Test's ShareTrainedLayersWith; doing it always also
        // covers weights shared with other layers by param name, CopyFrom and ShareWith.
        SyncParameters();
        if (!RecurrentParam.ExposeHidden)
        {
            for (int i = 0; i < _recurInputBlobs.Length; i++) _recurOutputBlobs[i].Data.CopyTo(_recurInputBlobs[i].Data);
        }
        UnrolledNet.ForwardFromTo(0, _lastLayerIndex);
        if (RecurrentParam.ExposeHidden)
        {
            for (int i = _outputBlobs.Length, j = 0; i < top.Count; i++, j++) top[i].ShareData(_recurOutputBlobs[j]);
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown,
                                        IReadOnlyList<Blob> bottom)
    {
        // As BVLC: the unrolled net writes the input diffs and accumulates the parameter diffs unconditionally
        // (this layer runs backward only when its inputs or its parameters need it).
        SyncParameters();
        UnrolledNet.BackwardFromTo(_lastLayerIndex, 0);
    }

    private (int Timesteps, int Streams) CheckInputShapes(IReadOnlyList<Blob> bottom)
    {
        if (bottom[0].NumAxes < 2)
            throw Error($"bottom 0 ({bottom[0].ShapeString}) must have at least 2 axes: (#timesteps, #streams, ...).");
        int timesteps = bottom[0].ShapeAt(0), streams = bottom[0].ShapeAt(1);
        if (timesteps < 1) throw Error($"bottom 0 ({bottom[0].ShapeString}) has no timesteps.");
        if (bottom[1].NumAxes != 2 || bottom[1].ShapeAt(0) != timesteps || bottom[1].ShapeAt(1) != streams)
        {
            throw Error($"bottom 1 (the continuation indicators, {bottom[1].ShapeString}) must have exactly 2 axes " +
                        $"(#timesteps, #streams) = ({timesteps}, {streams}), matching bottom 0 ({bottom[0].ShapeString}).");
        }
        return (timesteps, streams);
    }

    private void BuildUnrolledNet(IReadOnlyList<Blob> bottom)
    {
        var netParam = new NetParameter { State = new NetState { Phase = Phase } };
        var inputLayer = new LayerParameter { Type = "Input", InputParam = new InputParameter() };
        netParam.Layer.Add(inputLayer);
        inputLayer.Top.Add("x");
        inputLayer.InputParam.Shape.Add(ShapeOf(bottom[0]));
        inputLayer.Top.Add("cont");
        inputLayer.InputParam.Shape.Add(ShapeOf(bottom[1]));
        if (StaticInput)
        {
            inputLayer.Top.Add("x_static");
            inputLayer.InputParam.Shape.Add(ShapeOf(bottom[2]));
        }

        FillUnrolledNet(netParam);
        if (Name.Length > 0)
        {
            foreach (LayerParameter layer in netParam.Layer) layer.Name = Name + "_" + layer.Name;
        }
        // A "pseudo-loss" on every output makes the net backpropagate to them; force_backward would also send
        // gradients to inputs that need none, such as cont. These layers are never run.
        IReadOnlyList<string> outputNames = OutputBlobNames();
        var pseudoLosses = new List<string>();
        foreach (string output in outputNames)
        {
            string lossName = output + "_pseudoloss";
            pseudoLosses.Add(lossName);
            var loss = new LayerParameter { Name = lossName, Type = "Reduction" };
            loss.Bottom.Add(output);
            loss.Top.Add(lossName);
            loss.LossWeight.Add(1f);
            netParam.Layer.Add(loss);
        }

        Net net;
        try
        {
            net = new Net(netParam);
        }
        catch (CaffeException e)
        {
            throw new LayerException(Name, Type, $"cannot build the unrolled net: {e.Message}", e);
        }
        net.DebugInfo = RecurrentParam.DebugInfo;
        _unrolledNet = net;

        _xInputBlob = BlobByName("x");
        _contInputBlob = BlobByName("cont");
        _xStaticInputBlob = StaticInput ? BlobByName("x_static") : null;
        IReadOnlyList<string> recurInputNames = RecurrentInputBlobNames();
        IReadOnlyList<string> recurOutputNames = RecurrentOutputBlobNames();
        if (recurInputNames.Count != recurOutputNames.Count)
            throw Error($"{recurInputNames.Count} recurrent input(s) but {recurOutputNames.Count} recurrent output(s).");
        _recurInputBlobs = [.. recurInputNames.Select(BlobByName)];
        _recurOutputBlobs = [.. recurOutputNames.Select(BlobByName)];
        _outputBlobs = [.. outputNames.Select(BlobByName)];
        int expectedInputs = 2 + recurInputNames.Count + (StaticInput ? 1 : 0);
        if (net.Inputs.Count != expectedInputs)
            throw Error($"the unrolled net has {net.Inputs.Count} inputs ({string.Join(", ", net.Inputs)}), expected {expectedInputs}.");

        // One copy of each parameter: the blobs the unrolled net's layers own, not the shared copies.
        var owned = new List<Blob>();
        for (int i = 0; i < net.AllParams.Count; i++)
        {
            if (net.ParamOwners[i] != -1) continue;
            CaffeLog.Info($"Adding parameter {i}: {net.ParamDisplayNames[i]}");
            owned.Add(net.AllParams[i]);
        }
        _ownedParams = [.. owned];
        for (int i = 0; i < net.Layers.Count; i++)
        {
            for (int j = 0; j < net.Layers[i].Blobs.Count; j++)
            {
                if (!net.Layers[i].ParamPropagateDown(j))
                    throw Error($"param_propagate_down is not set for layer {net.LayerNames[i]}, param {j} of the unrolled net.");
            }
        }

        // No gradient crosses from one batch into the previous one.
        foreach (Blob blob in _recurOutputBlobs) blob.Diff.Clear();

        _lastLayerIndex = net.LayerNames.Count - 1 - pseudoLosses.Count;
        for (int i = _lastLayerIndex + 1, j = 0; i < net.LayerNames.Count; i++, j++)
        {
            if (net.LayerNames[i] != pseudoLosses[j])
                throw Error($"the unrolled net must end with the pseudo-loss layers; found {net.LayerNames[i]} for {pseudoLosses[j]}.");
        }
    }

    // Points the unrolled net's parameters at this layer's blobs (the same objects until the net is rebuilt for a
    // new T, or until the outer net shares them elsewhere), then re-shares the per-timestep copies.
    private void SyncParameters()
    {
        Net net = UnrolledNet;
        int k = 0;
        for (int i = 0; i < net.AllParams.Count; i++)
        {
            if (net.ParamOwners[i] != -1) continue;
            Blob owner = net.AllParams[i];
            if (!ReferenceEquals(owner, Blobs[k]))
            {
                owner.ShareData(Blobs[k]);
                owner.ShareDiff(Blobs[k]);
            }
            k++;
        }
        net.ShareWeights();
    }

    private void CopyStoredWeights(Blob[] stored)
    {
        if (stored.Length != Blobs.Count)
            throw Error($"the layer parameters hold {stored.Length} weight blob(s), the unrolled net has {Blobs.Count}.");
        for (int i = 0; i < stored.Length; i++)
        {
            if (!stored[i].Shape.SequenceEqual(Blobs[i].Shape))
                throw Error($"stored weight blob {i} is {stored[i].ShapeString}, the unrolled net's is {Blobs[i].ShapeString}.");
            stored[i].Data.CopyTo(Blobs[i].Data);
        }
    }

    private Blob BlobByName(string name) =>
        UnrolledNet.Blobs.TryGetValue(name, out Blob? blob)
            ? blob
            : throw Error($"the unrolled net has no blob named '{name}'.");

    private static BlobShape ShapeOf(Blob blob)
    {
        var shape = new BlobShape();
        foreach (int dim in blob.Shape) shape.Dim.Add(dim);
        return shape;
    }

    /// <summary>A blob shape (1, N, <paramref name="dim"/>): one timestep of a hidden state.</summary>
    protected BlobShape SingleTimestepShape(int dim)
    {
        var shape = new BlobShape();
        shape.Dim.Add(1);
        shape.Dim.Add(NumStreams);
        shape.Dim.Add(dim);
        return shape;
    }

    /// <summary>Formats a timestep index for blob and layer names as Caffe's <c>format_int</c> does.</summary>
    protected static string Step(int t) => t.ToString(CultureInfo.InvariantCulture);
}
