namespace Caffe.Tests.Solvers;

/// <summary>
/// Building a solver as Caffe's <c>Solver::Init</c>: type dispatch, train/test net sources and their NetState
/// merging, paths, seeds, <c>weights</c>, and clear errors for inconsistent parameters.
/// </summary>
[TestClass]
public sealed class SolverSetupTests
{
    // A net whose layers show which phase, level and stages it was built for.
    private const string StagedNet = """
        name: 'staged'
        layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 1 dim: 2 } } }
        layer { name: 'train_only' type: 'Softmax' bottom: 'data' top: 'p_train' include { phase: TRAIN } }
        layer { name: 'test_only' type: 'Softmax' bottom: 'data' top: 'p_test' include { phase: TEST } }
        layer { name: 'stage_a' type: 'Softmax' bottom: 'data' top: 'p_a' include { stage: 'a' } }
        layer { name: 'stage_b' type: 'Softmax' bottom: 'data' top: 'p_b' include { stage: 'b' } }
        layer { name: 'level_2' type: 'Softmax' bottom: 'data' top: 'p_2' include { min_level: 2 } }
        """;

    [TestMethod]
    public void CreateDispatchesOnType()
    {
        var expected = new Dictionary<string, Type>
        {
            ["SGD"] = typeof(SgdSolver), ["Nesterov"] = typeof(NesterovSolver), ["AdaGrad"] = typeof(AdaGradSolver),
            ["RMSProp"] = typeof(RmsPropSolver), ["AdaDelta"] = typeof(AdaDeltaSolver), ["Adam"] = typeof(AdamSolver),
        };
        CollectionAssert.AreEqual(new[] { "AdaDelta", "AdaGrad", "Adam", "Nesterov", "RMSProp", "SGD" }, Solver.TypeList.ToArray());
        foreach ((string type, Type cls) in expected)
        {
            var param = SolverTestNets.Param(SolverTestNets.Empty, $"type: '{type}'");
            if (type == "Adam") param.Momentum = 0.9f;
            Solver solver = Solver.Create(param);
            Assert.IsInstanceOfType(solver, cls);
            Assert.AreEqual(type, solver.Type);
        }
        Assert.IsInstanceOfType<SgdSolver>(Solver.Create(SolverTestNets.Param(SolverTestNets.Empty)), "SGD is the default type");
    }

    [TestMethod]
    public void UnknownTypeListsTheKnownOnes()
    {
        var e = Assert.ThrowsExactly<SolverException>(() => Solver.Create(SolverTestNets.Param(SolverTestNets.Empty, "type: 'LBFGS'")));
        StringAssert.Contains(e.Message, "unknown solver type \"LBFGS\"");
        StringAssert.Contains(e.Message, "known types: AdaDelta, AdaGrad, Adam, Nesterov, RMSProp, SGD");
    }

    [TestMethod]
    public void DeprecatedSolverTypeEnumIsUpgraded()
    {
        var param = SolverTestNets.Param(SolverTestNets.Empty, "solver_type: NESTEROV");
        Assert.IsInstanceOfType<NesterovSolver>(Solver.Create(param));
        Assert.IsTrue(param.HasSolverType, "the caller's parameters are not changed");
    }

    [TestMethod]
    public void ConstructorsCopyTheParameters()
    {
        var param = SolverTestNets.Param(SolverTestNets.Empty, "base_lr: 0.5");
        var solver = new SgdSolver(param);
        param.BaseLr = 7;
        Assert.AreEqual(0.5f, solver.Param.BaseLr);
        Assert.AreEqual(0.5f, solver.Lr);
        solver.Param.BaseLr = 0.25f;
        Assert.AreEqual(0.25f, solver.Lr, "Param is live: rates follow it");
    }

    [TestMethod]
    [DataRow("", "no train net: specify one of these fields: net, net_param, train_net, train_net_param")]
    [DataRow("net: 'a.prototxt'", "net and net_param are set")]
    [DataRow("train_net_param { name: 'x' }", "net_param and train_net_param are set")]
    [DataRow("test_iter: 5 test_net_param { name: 'x' } test_net_param { name: 'y' } test_interval: 1", "2 test net(s) but 1 test_iter value(s)")]
    [DataRow("average_loss: 0", "average_loss must be at least 1")]
    [DataRow("iter_size: 0", "iter_size must be at least 1")]
    [DataRow("lr_policy: 'cosine'", "unknown lr_policy \"cosine\" (known: fixed, step, exp, inv, multistep, poly, sigmoid)")]
    [DataRow("lr_policy: 'step'", "lr_policy \"step\" needs stepsize > 0, got 0")]
    [DataRow("lr_policy: 'sigmoid' stepsize: 3 gamma: -1", "needs gamma >= 0")]
    [DataRow("lr_policy: 'poly' power: 1", "lr_policy \"poly\" needs max_iter > 0")]
    [DataRow("snapshot: 100", "snapshot is 100 but snapshot_prefix is not set")]
    [DataRow("snapshot: 100 snapshot_prefix: '/nonexistent/dir/prefix'", "cannot write to snapshot prefix '/nonexistent/dir/prefix'")]
    public void InconsistentParametersAreRefused(string solverText, string expectedMessage)
    {
        SolverParameter param = SolverTestNets.Param(SolverTestNets.Empty, solverText);
        if (solverText.Length == 0) param.NetParam = null;
        var e = Assert.ThrowsExactly<SolverException>(() => Solver.Create(param));
        StringAssert.Contains(e.Message, expectedMessage);
        StringAssert.StartsWith(e.Message, "<SolverParameter>: ");
    }

    [TestMethod]
    public void TestIterWithoutTestNetsIsRefused()
    {
        SolverParameter param = SolverTestNets.Param(SolverTestNets.Empty, "test_iter: 5 test_interval: 10");
        param.TrainNetParam = param.NetParam;
        param.NetParam = null;
        var e = Assert.ThrowsExactly<SolverException>(() => Solver.Create(param));
        StringAssert.Contains(e.Message, "test_iter is given 1 time(s) but there is no test net");
    }

    [TestMethod]
    public void MissingLrPolicyIsNamed()
    {
        SolverParameter param = SolverTestNets.Param(SolverTestNets.Empty);
        param.ClearLrPolicy();
        var e = Assert.ThrowsExactly<SolverException>(() => new SgdSolver(param));
        StringAssert.Contains(e.Message, "lr_policy is not set");
    }

    [TestMethod]
    public void TestNetsNeedATestIntervalAndMatchingTestStates()
    {
        var noInterval = SolverTestNets.Param(StagedNet, "test_iter: 1");
        StringAssert.Contains(Assert.ThrowsExactly<SolverException>(() => Solver.Create(noInterval)).Message,
            "test_interval must be positive when there are test nets (1 here)");
        var states = SolverTestNets.Param(StagedNet, "test_iter: 1 test_interval: 10 test_state { } test_state { }");
        StringAssert.Contains(Assert.ThrowsExactly<SolverException>(() => Solver.Create(states)).Message,
            "1 test net(s) but 2 test_state value(s)");
    }

    [TestMethod]
    [DataRow("AdaGrad", "momentum: 0.9", "momentum cannot be used with AdaGrad")]
    [DataRow("RMSProp", "momentum: 0.9", "momentum cannot be used with RMSProp")]
    [DataRow("RMSProp", "rms_decay: 1", "rms_decay should lie in [0, 1)")]
    [DataRow("Adam", "momentum: 1", "Adam needs momentum (beta1) in [0, 1)")]
    [DataRow("Adam", "momentum: 0.9 momentum2: 1.5", "Adam needs momentum2 (beta2) in [0, 1)")]
    [DataRow("SGD", "weight_decay: 0.1 regularization_type: 'L3'", "unknown regularization_type \"L3\" (known: L2, L1)")]
    public void SolverSpecificChecks(string type, string solverText, string expectedMessage)
    {
        var param = SolverTestNets.Param(SolverTestNets.TwoParams(), $"type: '{type}' {solverText}");
        var e = Assert.ThrowsExactly<SolverException>(() => Solver.Create(param));
        StringAssert.Contains(e.Message, expectedMessage);
    }

    [TestMethod]
    public void UnknownRegularizationIsHarmlessWithoutWeightDecay()
    {
        // Caffe only fails when the regularization is applied.
        Solver solver = Solver.Create(SolverTestNets.Param(SolverTestNets.TwoParams(), "regularization_type: 'L3'"));
        solver.Step(1);
        Assert.AreEqual(1, solver.Iter);
    }

    [TestMethod]
    public void NetStatesMergeAsCaffesInitTrainNetAndInitTestNets()
    {
        // Solver defaults < the net's own state < train_state / test_state.
        NetParameter net = TextFormat.Parse<NetParameter>(StagedNet + " state { stage: 'b' level: 1 }");
        var param = SolverTestNets.Param(SolverTestNets.Empty,
            "train_state { stage: 'a' level: 2 } test_iter: 1 test_iter: 1 test_interval: 5 " +
            "test_state { } test_state { phase: TRAIN stage: 'a' }");
        param.NetParam = net;
        Solver solver = Solver.Create(param);

        Assert.AreEqual(Phase.Train, solver.Net.Phase);
        CollectionAssert.AreEquivalent(new[] { "data", "train_only", "stage_a", "stage_b", "level_2" }, Layers(solver.Net));
        Assert.AreEqual(2, solver.TestNets.Count, "one generic test net per test_iter");
        Assert.AreEqual(Phase.Test, solver.TestNets[0].Phase);
        CollectionAssert.AreEquivalent(new[] { "data", "test_only", "stage_b" }, Layers(solver.TestNets[0]));
        Assert.AreEqual(Phase.Train, solver.TestNets[1].Phase, "a test_state may even change the phase");
        CollectionAssert.AreEquivalent(new[] { "data", "train_only", "stage_a", "stage_b" }, Layers(solver.TestNets[1]));
    }

    private static string[] Layers(Net net) => net.LayerNames.Where(name => !name.EndsWith("_split", StringComparison.Ordinal)).ToArray();

    [TestMethod]
    public void TestNetsComeFromTestNetParamThenTestNetThenTheGenericNet()
    {
        using var dir = new TempDir();
        string file = Path.Combine(dir.Path, "test.prototxt");
        File.WriteAllText(file, "name: 'from_file' " + SolverTestNets.Empty.Replace("name: 'empty'", ""));
        var param = SolverTestNets.Param(SolverTestNets.Empty,
            $"test_net_param {{ name: 'inline' }} test_net: '{file}' test_iter: 1 test_iter: 1 test_iter: 1 test_interval: 1");
        Solver solver = Solver.Create(param);
        CollectionAssert.AreEqual(new[] { "inline", "from_file", "empty" }, solver.TestNets.Select(n => n.Name).ToArray());
        Assert.AreEqual("empty", solver.Net.Name);
    }

    [TestMethod]
    public void RelativeNetPathsAreResolvedAgainstTheWorkingDirectory()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "net.prototxt"), SolverTestNets.Empty);
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(dir.Path, "net.prototxt"));
        Assert.IsFalse(Path.IsPathRooted(relative));
        string solverFile = Path.Combine(dir.Path, "solver.prototxt");
        File.WriteAllText(solverFile, $"net: '{relative}' base_lr: 0.1 lr_policy: 'fixed'");
        Solver solver = Solver.Create(solverFile);
        Assert.AreEqual("empty", solver.Net.Name);
        Assert.AreEqual(solverFile, solver.SourceFile);

        // The same file named relative to the solver's folder is not found, as in Caffe; the error says so.
        File.WriteAllText(solverFile, "net: 'net.prototxt' base_lr: 0.1 lr_policy: 'fixed'");
        var e = Assert.ThrowsExactly<SolverException>(() => new SgdSolver(solverFile));
        StringAssert.StartsWith(e.Message, solverFile + ": net file 'net.prototxt' not found");
        StringAssert.Contains(e.Message, "resolved against the working directory");
        StringAssert.Contains(e.Message, "exists next to the solver file");
    }

    [TestMethod]
    public void SolverFilesGetCaffesDefaultSnapshotPrefix()
    {
        using var dir = new TempDir();
        string net = Path.Combine(dir.Path, "net.prototxt");
        File.WriteAllText(net, SolverTestNets.Empty);
        string solverFile = Path.Combine(dir.Path, "lenet_solver.prototxt");
        File.WriteAllText(solverFile, $"net: '{net}' base_lr: 0.1 lr_policy: 'fixed' snapshot: 1 max_iter: 1");
        Solver solver = Solver.Create(solverFile);
        Assert.AreEqual(Path.Combine(dir.Path, "lenet_solver"), solver.Param.SnapshotPrefix);
        solver.Solve();
        Assert.IsTrue(File.Exists(Path.Combine(dir.Path, "lenet_solver_iter_1.solverstate")));

        // A prefix naming a folder gets the solver's name appended.
        File.WriteAllText(solverFile, $"net: '{net}' base_lr: 0.1 lr_policy: 'fixed' snapshot_prefix: '{dir.Path}'");
        Assert.AreEqual(Path.Combine(dir.Path, "lenet_solver"), new AdamSolver(solverFile).Param.SnapshotPrefix);
    }

    [TestMethod]
    public void RandomSeedMakesFillersReproducible()
    {
        const string net = """
            name: 'seeded'
            layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 1 dim: 8 } } }
            layer { name: 'scale' type: 'Scale' bottom: 'data' top: 'out' scale_param { filler { type: 'gaussian' std: 1 } } }
            """;
        float[] Weights(int seed) =>
            Solver.Create(SolverTestNets.Param(net, $"random_seed: {seed}")).Net.LearnableParams[0].Data.ToArray();
        CollectionAssert.AreEqual(Weights(7), Weights(7));
        CollectionAssert.AreNotEqual(Weights(7), Weights(8));
    }

    [TestMethod]
    public void WeightsFieldInitializesTrainAndTestNets()
    {
        using var dir = new TempDir();
        Solver source = Solver.Create(SolverTestNets.Param(SolverTestNets.TwoParams()));
        new float[] { 4, 3, 2, 1 }.CopyTo(source.Net.LearnableParams[0].Data);
        string weights = Path.Combine(dir.Path, "w.caffemodel");
        source.Net.Save(weights);

        var param = SolverTestNets.Param(SolverTestNets.TwoParams(), $"weights: '{weights}' test_iter: 1 test_interval: 10");
        Solver solver = Solver.Create(param);
        CollectionAssert.AreEqual(new float[] { 4, 3, 2, 1 }, solver.Net.LearnableParams[0].Data.ToArray());
        CollectionAssert.AreEqual(new float[] { 4, 3, 2, 1 }, solver.TestNets[0].LayerDict["scale"].Blobs[0].Data.ToArray());
    }

    [TestMethod]
    public void ShareWeightsMakesANetUseTheTrainNetsWeights()
    {
        Solver solver = Solver.Create(SolverTestNets.Param(SolverTestNets.TwoParams()));
        var other = new Net(TextFormat.Parse<NetParameter>(SolverTestNets.TwoParams()));
        solver.ShareWeights(other);
        solver.Net.LearnableParams[0].Data.Fill(9f);
        Assert.AreEqual(9f, other.LayerDict["scale"].Blobs[0].Data[0]);
    }
}
