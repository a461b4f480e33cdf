namespace Caffe;

/// <summary>
/// Trains a net from a <see cref="SolverParameter"/>, as BVLC Caffe's <c>Solver</c> and pycaffe's
/// <c>caffe.Solver</c>: one train net, any number of test nets sharing its weights, <see cref="Step"/> /
/// <see cref="Solve"/>, snapshots and <see cref="Restore"/>. The update rule is the subclass's
/// (<see cref="SgdSolver"/>, <see cref="NesterovSolver"/>, <see cref="AdaGradSolver"/>, <see cref="RmsPropSolver"/>,
/// <see cref="AdaDeltaSolver"/>, <see cref="AdamSolver"/>); <see cref="Create(string)"/> picks it from <c>type</c>.
/// </summary>
/// <remarks>
/// File paths inside the solver (<c>net</c>, <c>train_net</c>, <c>test_net</c>, <c>weights</c>,
/// <c>snapshot_prefix</c>) are used as written: a relative path is relative to the process's working directory,
/// not to the solver file's folder — exactly as Caffe does.
/// </remarks>
public abstract partial class Solver
{
    private static readonly IReadOnlyDictionary<string, Func<SolverParameter, string?, Solver>> Creators =
        new Dictionary<string, Func<SolverParameter, string?, Solver>>(StringComparer.Ordinal)
        {
            ["SGD"] = (p, source) => new SgdSolver(p, source),
            ["Nesterov"] = (p, source) => new NesterovSolver(p, source),
            ["AdaGrad"] = (p, source) => new AdaGradSolver(p, source),
            ["RMSProp"] = (p, source) => new RmsPropSolver(p, source),
            ["AdaDelta"] = (p, source) => new AdaDeltaSolver(p, source),
            ["Adam"] = (p, source) => new AdamSolver(p, source),
        };

    private readonly List<Net> _testNets = [];
    private readonly List<(Action OnStart, Action OnGradientsReady)> _callbacks = [];

    /// <summary>
    /// Builds the train and test nets from <paramref name="param"/> (kept, not copied: derived constructors
    /// pass their own copy). <paramref name="sourceFile"/> is the solver file, named in messages.
    /// </summary>
    protected Solver(SolverParameter param, string? sourceFile)
    {
        ArgumentNullException.ThrowIfNull(param);
        Param = param;
        SourceFile = sourceFile;
        CaffeLog.Info($"Initializing solver from parameters: {Environment.NewLine}{TextFormat.Print(param)}");
        CheckParameters();
        CheckSnapshotWritePermissions();
        // Seeded before the nets are built, so fillers draw the same weights on every run.
        if (param.RandomSeed >= 0) Rng.SetRandomSeed(unchecked((int)param.RandomSeed));
        Net = InitTrainNet();
        InitTestNets();
        CaffeLog.Info("Solver scaffolding done.");
        Iter = 0;
        CurrentStep = 0;
    }

    /// <summary>The solver's parameters (pycaffe <c>solver.param</c>). Fields that drive updates (learning-rate policy, momentum, …) are read at every iteration.</summary>
    public SolverParameter Param { get; }

    /// <summary>The solver file this solver was read from, or null when built from a <see cref="SolverParameter"/>.</summary>
    public string? SourceFile { get; }

    /// <summary>The solver's type string, as in <c>type:</c> ("SGD", "Adam", …).</summary>
    public abstract string Type { get; }

    /// <summary>The net being trained (pycaffe <c>solver.net</c>).</summary>
    public Net Net { get; }

    /// <summary>The test nets (pycaffe <c>solver.test_nets</c>); they share the train net's weights when tested.</summary>
    public IReadOnlyList<Net> TestNets => _testNets;

    /// <summary>The number of updates applied so far (pycaffe <c>solver.iter</c>).</summary>
    public int Iter { get; protected set; }

    /// <summary>The learning rate the next update will use (<c>base_lr</c> under the <c>lr_policy</c>, before each parameter's <c>lr_mult</c>).</summary>
    public abstract float Lr { get; }

    /// <summary>
    /// The loss of the latest training iteration (the mean over its <c>iter_size</c> passes), before smoothing;
    /// set before the <see cref="AddCallback">gradients-ready callbacks</see> run.
    /// </summary>
    public float IterationLoss { get; private set; }

    /// <summary>The loss averaged over the last <c>average_loss</c> iterations of the current <see cref="Step"/> call, as Caffe displays it.</summary>
    public float SmoothedLoss { get; private set; }

    /// <summary>
    /// Asked after every iteration (and before every test batch) whether to stop or snapshot (Caffe's
    /// <c>SetActionFunction</c>); null means <see cref="SolverAction.None"/>.
    /// </summary>
    public Func<SolverAction>? ActionRequested { get; set; }

    /// <summary>Caffe's <c>current_step_</c>: the step index of the <c>step</c> and <c>multistep</c> policies, saved in snapshots.</summary>
    protected int CurrentStep { get; set; }

    /// <summary>The type strings <see cref="Create(SolverParameter)"/> knows, sorted.</summary>
    public static IReadOnlyList<string> TypeList => [.. Creators.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// Reads a solver prototxt (upgrading old fields) and creates the solver its <c>type</c> names (pycaffe
    /// <c>caffe.get_solver</c>).
    /// </summary>
    /// <exception cref="SolverException">The type is unknown (the message lists the known ones) or the parameters are inconsistent.</exception>
    public static Solver Create(string solverPath) => CreateUpgraded(ProtoIO.ReadSolverParamsFromTextFile(solverPath), solverPath);

    /// <summary>Creates the solver <c>param.type</c> names (Caffe's <c>SolverRegistry::CreateSolver</c>); the parameters are copied.</summary>
    /// <exception cref="SolverException">The type is unknown (the message lists the known ones) or the parameters are inconsistent.</exception>
    public static Solver Create(SolverParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        return CreateUpgraded(SolverUpgrader.UpgradeSolverAsNeeded(param.Clone(), SourceName(null)), null);
    }

    /// <summary>
    /// Creates the solver <c>param.type</c> names from parameters read from <paramref name="sourceFile"/> and then
    /// adjusted by the caller (as <c>caffe train</c> adds <c>-level</c>/<c>-stage</c> to <c>train_state</c>); the
    /// parameters are copied and upgraded, and messages name <paramref name="sourceFile"/>.
    /// </summary>
    /// <exception cref="SolverException">The type is unknown (the message lists the known ones) or the parameters are inconsistent.</exception>
    public static Solver Create(SolverParameter param, string sourceFile)
    {
        ArgumentNullException.ThrowIfNull(param);
        ArgumentNullException.ThrowIfNull(sourceFile);
        return CreateUpgraded(SolverUpgrader.UpgradeSolverAsNeeded(param.Clone(), sourceFile), sourceFile);
    }

    private static Solver CreateUpgraded(SolverParameter param, string? sourceFile)
    {
        if (!Creators.TryGetValue(param.Type, out var creator))
        {
            throw new SolverException(
                $"{SourceName(sourceFile)}: unknown solver type \"{param.Type}\" (known types: {string.Join(", ", TypeList)}).");
        }
        return creator(param, sourceFile);
    }

    /// <summary>
    /// Registers callbacks run at every iteration (pycaffe <c>solver.add_callback</c>): <paramref name="onStart"/>
    /// before the forward/backward passes, <paramref name="onGradientsReady"/> after them, before the update.
    /// </summary>
    public void AddCallback(Action onStart, Action onGradientsReady)
    {
        ArgumentNullException.ThrowIfNull(onStart);
        ArgumentNullException.ThrowIfNull(onGradientsReady);
        _callbacks.Add((onStart, onGradientsReady));
    }

    /// <summary>Makes <paramref name="net"/> use the train net's weights, by layer name (pycaffe <c>solver.share_weights(net)</c>).</summary>
    public void ShareWeights(Net net)
    {
        ArgumentNullException.ThrowIfNull(net);
        net.ShareWith(Net);
    }

    /// <summary>
    /// Applies one update to the train net from the gradients in its parameter diffs (pycaffe
    /// <c>solver.apply_update()</c>); <see cref="Iter"/> is not advanced.
    /// </summary>
    public abstract void ApplyUpdate();

    /// <summary>Checks the parameters before any net is built; subclasses add their own rules (call the base).</summary>
    protected virtual void CheckParameters()
    {
        if (Param.AverageLoss < 1)
            throw Error($"average_loss must be at least 1, got {Param.AverageLoss}.");
        if (Param.IterSize < 1)
            throw Error($"iter_size must be at least 1, got {Param.IterSize}.");
        for (int i = 0; i < Param.TestIter.Count; i++)
        {
            if (Param.TestIter[i] < 1)
                throw Error($"test_iter #{i} must be at least 1, got {Param.TestIter[i]}.");
        }
    }

    /// <summary>An exception whose message starts with the solver file's name.</summary>
    protected SolverException Error(string message) => new($"{SourceName(SourceFile)}: {message}");

    private static string SourceName(string? sourceFile) => sourceFile ?? "<SolverParameter>";

    private Net InitTrainNet()
    {
        const string fields = "net, net_param, train_net, train_net_param";
        var given = new List<string>();
        if (Param.HasNet) given.Add("net");
        if (Param.NetParam != null) given.Add("net_param");
        if (Param.HasTrainNet) given.Add("train_net");
        if (Param.TrainNetParam != null) given.Add("train_net_param");
        if (given.Count == 0)
            throw Error($"no train net: specify one of these fields: {fields}.");
        if (given.Count > 1)
            throw Error($"only one of the fields {fields} may specify the train net, but {string.Join(" and ", given)} are set.");

        NetSource source;
        if (Param.TrainNetParam != null)
        {
            CaffeLog.Info("Creating training net specified in train_net_param.");
            source = new NetSource(Param.TrainNetParam.Clone(), null);
        }
        else if (Param.HasTrainNet)
        {
            CaffeLog.Info($"Creating training net from train_net file: {Param.TrainNet}");
            source = ReadNetFile(Param.TrainNet, "train_net");
        }
        else if (Param.NetParam != null)
        {
            CaffeLog.Info("Creating training net specified in net_param.");
            source = new NetSource(Param.NetParam.Clone(), null);
        }
        else
        {
            CaffeLog.Info($"Creating training net from net file: {Param.Net}");
            source = ReadNetFile(Param.Net, "net");
        }
        NetParameter netParam = source.Param;

        // Lowest precedence first: TRAIN, then the net's own state, then the solver's train_state.
        var state = new NetState { Phase = Phase.Train };
        if (netParam.State != null) state.MergeFrom(netParam.State);
        if (Param.TrainState != null) state.MergeFrom(Param.TrainState);
        netParam.State = state;
        Net net = source.Build();
        LoadWeights(net);
        return net;
    }

    private void InitTestNets()
    {
        // InitTrainNet already refused net together with net_param.
        bool hasNetParam = Param.NetParam != null;
        bool hasNetFile = Param.HasNet;
        int numTestNetParams = Param.TestNetParam.Count;
        int numTestNetFiles = Param.TestNet.Count;
        int numTestNets = numTestNetParams + numTestNetFiles;
        int numTestIter = Param.TestIter.Count;
        if (hasNetParam || hasNetFile)
        {
            if (numTestIter < numTestNets)
                throw Error($"test_iter must be given for each test net: {numTestNets} test net(s) but {numTestIter} test_iter value(s).");
        }
        else if (numTestIter != numTestNets)
        {
            throw Error(numTestNets == 0
                ? $"test_iter is given {numTestIter} time(s) but there is no test net: add test_net/test_net_param, " +
                  "or use net/net_param (whose TEST phase then serves as test net), or remove test_iter."
                : $"test_iter must be given once per test net: {numTestNets} test net(s) but {numTestIter} test_iter value(s).");
        }

        // With a generic net (net or net_param), every test_iter beyond the explicit test nets adds one more
        // instance of the generic net in the TEST phase.
        int numInstances = Math.Max(numTestIter, numTestNets);
        if (Param.TestState.Count > 0 && Param.TestState.Count != numInstances)
            throw Error($"test_state must be unspecified or given once per test net: {numInstances} test net(s) but {Param.TestState.Count} test_state value(s).");
        if (numInstances > 0 && Param.TestInterval <= 0)
            throw Error($"test_interval must be positive when there are test nets ({numInstances} here), got {Param.TestInterval}.");

        var sources = new List<string>();
        var netParams = new List<NetSource>();
        foreach (NetParameter inline in Param.TestNetParam)
        {
            sources.Add("test_net_param");
            netParams.Add(new NetSource(inline.Clone(), null));
        }
        foreach (string file in Param.TestNet)
        {
            sources.Add($"test_net file: {file}");
            netParams.Add(ReadNetFile(file, "test_net"));
        }
        int remaining = numInstances - netParams.Count;
        for (int i = 0; i < remaining; i++)
        {
            sources.Add(hasNetParam ? "net_param" : $"net file: {Param.Net}");
            netParams.Add(hasNetParam ? new NetSource(Param.NetParam!.Clone(), null) : ReadNetFile(Param.Net, "net"));
        }

        for (int i = 0; i < numInstances; i++)
        {
            var state = new NetState { Phase = Phase.Test };
            NetParameter netParam = netParams[i].Param;
            if (netParam.State != null) state.MergeFrom(netParam.State);
            if (Param.TestState.Count > 0) state.MergeFrom(Param.TestState[i]);
            netParam.State = state;
            CaffeLog.Info($"Creating test net (#{i}) specified by {sources[i]}");
            Net net = netParams[i].Build();
            net.DebugInfo = Param.DebugInfo;
            LoadWeights(net);
            _testNets.Add(net);
        }
    }

    /// <summary>A net's parameters and, when they were read from a prototxt, where each layer is written in it.</summary>
    private sealed record NetSource(NetParameter Param, IReadOnlyList<SourceLocation?>? LayerLocations)
    {
        public Net Build() => LayerLocations == null ? new Net(Param) : new Net(Param, LayerLocations);
    }

    private NetSource ReadNetFile(string path, string field)
    {
        if (File.Exists(path))
            return new NetSource(ProtoIO.ReadNetParamsFromTextFile(path, out IReadOnlyList<SourceLocation?> locations), locations);
        string message = $"{field} file '{path}' not found (looked for {Path.GetFullPath(path)}: relative paths in a " +
                         "solver are resolved against the working directory, as in Caffe).";
        if (SourceFile != null && !Path.IsPathRooted(path))
        {
            string besideSolver = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(SourceFile))!, path);
            if (File.Exists(besideSolver))
                message += $" A file of that name exists next to the solver file ({besideSolver}): run from that folder or give an absolute path.";
        }
        throw Error(message);
    }

    // Caffe's `weights` field: comma-separated weight files copied into every net, in order.
    private void LoadWeights(Net net)
    {
        foreach (string list in Param.Weights)
        {
            foreach (string name in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                CaffeLog.Info($"Finetuning from {name}");
                net.CopyFrom(name);
            }
        }
    }
}
