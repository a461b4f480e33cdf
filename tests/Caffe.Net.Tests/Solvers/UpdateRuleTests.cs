namespace Caffe.Tests.Solvers;

/// <summary>
/// The parts of <see cref="SgdSolver"/> every solver shares: each lr_policy against hand-computed rates (and
/// multistep's current_step bookkeeping), gradient clipping, iter_size normalization, L1 vs L2 weight decay,
/// decay_mult and lr_mult (including 0), and momentum — on gradients written by the test.
/// </summary>
[TestClass]
public sealed class UpdateRuleTests
{
    [TestMethod]
    [DataRow("base_lr: 0.1 lr_policy: 'fixed'", new[] { 0.1, 0.1, 0.1, 0.1, 0.1 })]
    [DataRow("base_lr: 0.1 lr_policy: 'step' gamma: 0.5 stepsize: 3", new[] { 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025 })]
    [DataRow("base_lr: 0.2 lr_policy: 'exp' gamma: 0.5", new[] { 0.2, 0.1, 0.05, 0.025, 0.0125 })]
    [DataRow("base_lr: 1 lr_policy: 'inv' gamma: 1 power: 1", new[] { 1.0, 0.5, 1 / 3.0, 0.25 })]
    [DataRow("base_lr: 1 lr_policy: 'inv' gamma: 0.5 power: 2", new[] { 1.0, 1 / 2.25, 0.25, 1 / 6.25 })]
    [DataRow("base_lr: 1 lr_policy: 'multistep' gamma: 0.1 stepvalue: 2 stepvalue: 5", new[] { 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01 })]
    [DataRow("base_lr: 0.1 lr_policy: 'poly' power: 2 max_iter: 10", new[] { 0.1, 0.081, 0.064, 0.049, 0.036, 0.025 })]
    [DataRow("base_lr: 0.1 lr_policy: 'poly' power: 1 max_iter: 4", new[] { 0.1, 0.075, 0.05, 0.025 })]
    [DataRow("base_lr: 0.5 lr_policy: 'sigmoid' gamma: 1 stepsize: 2",
        new[] { 0.5 * 0.11920292202211755, 0.5 * 0.2689414213699951, 0.25, 0.5 * 0.7310585786300049, 0.5 * 0.8807970779778823 })]
    public void LearningRatePolicies(string policy, double[] expected)
    {
        Solver solver = Solver.Create(SolverTestNets.Param(SolverTestNets.Empty, policy));
        for (int iter = 0; iter < expected.Length; iter++)
        {
            Assert.AreEqual(iter, solver.Iter);
            float rate = solver.Lr;
            Assert.AreEqual(expected[iter], rate, 1e-6 * expected[iter], $"{policy}: rate at iteration {iter}");
            Assert.AreEqual(rate, solver.Lr, "reading Lr changes nothing");
            solver.Step(1);
        }
    }

    [TestMethod]
    public void InvPolicyMatchesCaffesFormulaOverLongRuns()
    {
        // LeNet's schedule: base_lr 0.01, gamma 1e-4, power 0.75; at iteration 10000 the rate is 0.01·2^-0.75.
        Solver solver = Solver.Create(SolverTestNets.Param(SolverTestNets.Empty, "base_lr: 0.01 lr_policy: 'inv' gamma: 0.0001 power: 0.75"));
        solver.Step(10000);
        Assert.AreEqual(0.01 * Math.Pow(2, -0.75), solver.Lr, 1e-9);
        Assert.AreEqual(0.0059460355750136, solver.Lr, 1e-9);
    }

    [TestMethod]
    public void MultistepAdvancesOneStepPerIterationAndSnapshotsItsStep()
    {
        // Two stepvalues already passed advance one per iteration, as Caffe's bookkeeping does.
        using var dir = new TempDir();
        string text = $"base_lr: 1 lr_policy: 'multistep' gamma: 0.1 stepvalue: 2 stepvalue: 2 stepvalue: 6 snapshot_prefix: '{dir.Path}/ms'";
        Solver solver = Solver.Create(SolverTestNets.Param(SolverTestNets.Empty, text));
        double[] rates = new double[8];
        for (int i = 0; i < rates.Length; i++)
        {
            rates[i] = solver.Lr;
            solver.Step(1);
        }
        CollectionAssert.AreEqual(new[] { 1, 1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001 }, rates.Select(r => Math.Round(r, 6)).ToArray());

        solver.Snapshot();
        SolverState state = ProtoIO.ReadProtoFromBinaryFile(SolverState.Parser, $"{dir.Path}/ms_iter_8.solverstate");
        Assert.AreEqual(3, state.CurrentStep);
        Assert.AreEqual(8, state.Iter);

        Solver restored = Solver.Create(SolverTestNets.Param(SolverTestNets.Empty, text));
        restored.Restore($"{dir.Path}/ms_iter_8.solverstate");
        Assert.AreEqual(8, restored.Iter);
        Assert.AreEqual(0.001, restored.Lr, 1e-9);
    }

    [TestMethod]
    public void StepPolicySavesItsCurrentStep()
    {
        using var dir = new TempDir();
        Solver solver = Solver.Create(SolverTestNets.Param(SolverTestNets.Empty,
            $"base_lr: 1 lr_policy: 'step' gamma: 0.5 stepsize: 2 snapshot_prefix: '{dir.Path}/s'"));
        solver.Step(5);
        solver.Snapshot();
        Assert.AreEqual(2, ProtoIO.ReadProtoFromBinaryFile(SolverState.Parser, $"{dir.Path}/s_iter_5.solverstate").CurrentStep);
    }

    [TestMethod]
    public void L2WeightDecayWithDecayAndLrMultipliers()
    {
        SgdSolver solver = TwoParamSolver("base_lr: 0.1 weight_decay: 0.01 regularization_type: 'L2'");
        solver.ApplyUpdate();
        // scale: w - 0.1·(g + 0.01·w); bias: decay_mult 0, lr_mult 2: w - 0.2·g.
        AssertValues(new[] { 0.949f, -1.898f, -0.2f, 2.997f }, solver.Net.LearnableParams[0].Data, "scale");
        AssertValues(new[] { -0.1f, 0f, 0.1f, 0.2f }, solver.Net.LearnableParams[1].Data, "bias");
    }

    [TestMethod]
    public void L1WeightDecayUsesTheSignOfTheWeights()
    {
        SgdSolver solver = TwoParamSolver("base_lr: 0.1 weight_decay: 0.01 regularization_type: 'L1'");
        solver.ApplyUpdate();
        // g + 0.01·sign(w) with sign(0) = 0.
        AssertValues(new[] { 0.949f, -1.899f, -0.2f, 2.999f }, solver.Net.LearnableParams[0].Data, "scale");
        AssertValues(new[] { -0.1f, 0f, 0.1f, 0.2f }, solver.Net.LearnableParams[1].Data, "bias");
    }

    [TestMethod]
    public void ZeroLrMultFreezesAParameterEvenWithWeightDecay()
    {
        SgdSolver solver = TwoParamSolver("base_lr: 0.1 weight_decay: 0.5 momentum: 0.9", lrMult0: 0, decayMult1: 1);
        for (int i = 0; i < 3; i++)
        {
            SetGradients(solver);
            solver.ApplyUpdate();
        }
        AssertValues(Scale0, solver.Net.LearnableParams[0].Data, "frozen scale");
        Assert.AreNotEqual(Bias0[0], solver.Net.LearnableParams[1].Data[0], "the bias still learns");
    }

    [TestMethod]
    public void ClipGradientsScalesTheJointNormDown()
    {
        SgdSolver solver = TwoParamSolver("base_lr: 1 clip_gradients: 1.5");
        solver.ApplyUpdate();
        // ||g|| = √(0.25 + 1 + 4 + 0 + 4·1) = √9.25 > 1.5: every gradient is scaled by 1.5/√9.25.
        float scale = 1.5f / MathF.Sqrt(9.25f);
        AssertValues(Scale0.Zip(ScaleGradient, (w, g) => w - scale * g).ToArray(), solver.Net.LearnableParams[0].Data, "scale");
        AssertValues(Bias0.Zip(BiasGradient, (w, g) => w - 2 * scale * g).ToArray(), solver.Net.LearnableParams[1].Data, "bias");

        SgdSolver unclipped = TwoParamSolver("base_lr: 1 clip_gradients: 3.5");
        unclipped.ApplyUpdate();
        AssertValues(Scale0.Zip(ScaleGradient, (w, g) => w - g).ToArray(), unclipped.Net.LearnableParams[0].Data, "norm below the threshold");
    }

    [TestMethod]
    public void IterSizeDividesTheAccumulatedGradient()
    {
        SgdSolver solver = TwoParamSolver("base_lr: 1 iter_size: 4");
        solver.ApplyUpdate();
        AssertValues(Scale0.Zip(ScaleGradient, (w, g) => w - g / 4).ToArray(), solver.Net.LearnableParams[0].Data, "scale");
    }

    [TestMethod]
    public void MomentumKeepsTheLastUpdateAsHistory()
    {
        SgdSolver solver = TwoParamSolver("base_lr: 0.1 momentum: 0.5");
        solver.ApplyUpdate();
        float[] first = ScaleGradient.Select(g => 0.1f * g).ToArray();
        AssertValues(first, solver.History[0].Data, "history after one update");
        SetGradients(solver);
        solver.ApplyUpdate();
        float[] second = ScaleGradient.Zip(first, (g, h) => 0.1f * g + 0.5f * h).ToArray();
        AssertValues(second, solver.History[0].Data, "history after two updates");
        AssertValues(Scale0.Select((w, i) => w - first[i] - second[i]).ToArray(), solver.Net.LearnableParams[0].Data, "weights");
        AssertValues(second, solver.Net.LearnableParams[0].Diff, "the diff holds the applied update");
    }

    [TestMethod]
    [DataRow("SGD", 1)]
    [DataRow("Nesterov", 1)]
    [DataRow("AdaGrad", 1)]
    [DataRow("RMSProp", 1)]
    [DataRow("AdaDelta", 2)]
    [DataRow("Adam", 2)]
    public void HistoryHasOneOrTwoBlobsPerParameter(string type, int slots)
    {
        var param = SolverTestNets.Param(SolverTestNets.TwoParams(), $"type: '{type}' base_lr: 0.1");
        if (type == "Adam") param.Momentum = 0.9f;
        var solver = (SgdSolver)Solver.Create(param);
        Assert.AreEqual(type, solver.Type);
        Assert.AreEqual(2 * slots, solver.History.Count);
        foreach (Blob blob in solver.History) CollectionAssert.AreEqual(new[] { 4 }, blob.Shape.ToArray());
    }

    private static readonly float[] Scale0 = [1f, -2f, 0f, 3f];
    private static readonly float[] ScaleGradient = [0.5f, -1f, 2f, 0f];
    private static readonly float[] Bias0 = [0.1f, 0.2f, 0.3f, 0.4f];
    private static readonly float[] BiasGradient = [1f, 1f, 1f, 1f];

    private static SgdSolver TwoParamSolver(string solverText, float lrMult0 = 1, float decayMult1 = 0)
    {
        var solver = new SgdSolver(SolverTestNets.Param(SolverTestNets.TwoParams(lrMult0: lrMult0, decayMult1: decayMult1), solverText));
        Scale0.CopyTo(solver.Net.LearnableParams[0].Data);
        Bias0.CopyTo(solver.Net.LearnableParams[1].Data);
        SetGradients(solver);
        return solver;
    }

    private static void SetGradients(SgdSolver solver)
    {
        ScaleGradient.CopyTo(solver.Net.LearnableParams[0].Diff);
        BiasGradient.CopyTo(solver.Net.LearnableParams[1].Diff);
    }

    private static void AssertValues(float[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-6f, $"{what}[{i}]");
    }
}
