using System.Text.RegularExpressions;

namespace Caffe.Tests.Solvers;

/// <summary>
/// Caffe's <c>Step</c>/<c>Solve</c>/<c>Test</c> loop: callbacks and their order, iter_size passes, average_loss
/// smoothing, testing with mean scores and loss weights, Caffe's log lines, and NaN/Inf detection.
/// </summary>
[TestClass]
public sealed class TrainingLoopTests
{
    // Two samples of three scores, scaled per channel by a learnable blob (initially 1), softmax loss and accuracy.
    private const string Classifier = """
        name: 'classifier'
        layer { name: 'data' type: 'Input' top: 'data' top: 'label' input_param { shape { dim: 2 dim: 3 } shape { dim: 2 } } }
        layer { name: 'scale' type: 'Scale' bottom: 'data' top: 'score' scale_param { axis: 1 } }
        layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'score' bottom: 'label' top: 'loss' }
        layer { name: 'accuracy' type: 'Accuracy' bottom: 'score' bottom: 'label' top: 'accuracy' include { phase: TEST } }
        """;

    [TestMethod]
    public void CallbacksRunAroundTheGradientsAndBeforeTheUpdate()
    {
        Solver solver = Solver.Create(SolverTestNets.Param(Classifier, "base_lr: 0.5"));
        Batch(solver.Net, [[2, 0, 0], [0, 2, 0]], [0, 2]);
        var events = new List<string>();
        Blob scale = solver.Net.LearnableParams[0];
        solver.Net.BeforeForward(layer => { if (layer == 0) events.Add("forward"); });
        solver.AddCallback(
            () => events.Add($"start {solver.Iter}"),
            () =>
            {
                events.Add($"gradients {solver.Iter}");
                Assert.AreNotEqual(0f, scale.AsumDiff(), "gradients are ready");
                CollectionAssert.AreEqual(new float[] { 1, 1, 1 }, scale.Data.ToArray(), "not yet updated");
            });
        solver.Step(1);
        CollectionAssert.AreEqual(new[] { "start 0", "forward", "gradients 0" }, events);
        CollectionAssert.AreNotEqual(new float[] { 1, 1, 1 }, scale.Data.ToArray(), "updated after the callbacks");
        Assert.AreEqual(1, solver.Iter);
    }

    [TestMethod]
    public void IterSizeRunsThatManyPassesPerIteration()
    {
        Solver solver = Solver.Create(SolverTestNets.Param(Classifier, "iter_size: 3"));
        int passes = 0;
        solver.Net.BeforeForward(layer => { if (layer == 0) passes++; });
        solver.Step(2);
        Assert.AreEqual(6, passes);
        Assert.AreEqual(2, solver.Iter);
    }

    [TestMethod]
    public void AverageLossSmoothsTheDisplayedLoss()
    {
        Solver solver = Solver.Create(SolverTestNets.Param(Classifier, "base_lr: 1 average_loss: 2"));
        Batch(solver.Net, [[2, 0, 0], [0, 2, 0]], [0, 2]);
        var losses = new List<float>();
        solver.AddCallback(() => { }, () => losses.Add(solver.Net.Blobs["loss"].Data[0]));
        solver.Step(3);
        Assert.AreEqual((losses[1] + losses[2]) / 2, solver.SmoothedLoss, 1e-6f);
        solver.Step(1);
        Assert.AreEqual(losses[3], solver.SmoothedLoss, 1e-6f, "each Step call starts a new average");
    }

    [TestMethod]
    public void TestAveragesOutputsOverTestIterWithTheirLossWeights()
    {
        Solver solver = Solver.Create(SolverTestNets.Param(Classifier, "test_iter: 2 test_interval: 100"));
        Net testNet = solver.TestNets[0];
        Assert.AreEqual(Phase.Test, testNet.Phase);
        float[][][] batches = [[[2, 0, 0], [0, 2, 0]], [[0, 3, 0], [0, 3, 0]]];
        int served = 0;
        testNet.BeforeForward(layer => { if (layer == 0) Batch(testNet, batches[served++ % 2], [0, 1]); });

        var lines = new List<string>();
        IReadOnlyList<TestScore> scores;
        using (CaffeLog.Redirect((_, line) => lines.Add(line), LogSeverity.Info)) scores = solver.Test(0);

        // Batch 1: both right, −log(e²/(e²+2)) each; batch 2: one right, −log(1/(e³+2)) and −log(e³/(e³+2)).
        double loss1 = -Math.Log(Math.Exp(2) / (Math.Exp(2) + 2));
        double loss2 = (-Math.Log(1 / (Math.Exp(3) + 2)) - Math.Log(Math.Exp(3) / (Math.Exp(3) + 2))) / 2;
        Assert.AreEqual(2, scores.Count);
        Assert.AreEqual("accuracy", scores[0].OutputName);
        Assert.AreEqual(0.75f, scores[0].Value, 1e-6f);
        Assert.AreEqual(0f, scores[0].LossWeight);
        Assert.AreEqual("loss", scores[1].OutputName);
        Assert.AreEqual((loss1 + loss2) / 2, scores[1].Value, 1e-5);
        Assert.AreEqual(1f, scores[1].LossWeight);
        CollectionAssert.AreEqual(scores.ToArray(), solver.LastTestScores(0).ToArray());

        Assert.AreEqual("Iteration 0, Testing net (#0)", lines[0]);
        Assert.AreEqual("    Test net output #0: accuracy = 0.75", lines[1]);
        string mean = ((loss1 + loss2) / 2).ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
        Assert.AreEqual($"    Test net output #1: loss = {mean} (* 1 = {mean} loss)", lines[2]);
    }

    [TestMethod]
    public void TestIntervalAndTestInitializationDecideWhenToTest()
    {
        var param = SolverTestNets.Param(Classifier, "test_iter: 1 test_interval: 2 max_iter: 4 test_initialization: false");
        Solver solver = Solver.Create(param);
        var lines = new List<string>();
        using (CaffeLog.Redirect((_, line) => lines.Add(line), LogSeverity.Info)) solver.Solve();
        CollectionAssert.AreEqual(new[] { "Iteration 2, Testing net (#0)", "Iteration 4, Testing net (#0)" },
            lines.Where(l => l.Contains("Testing net", StringComparison.Ordinal)).ToArray());

        param.TestInitialization = true;
        solver = Solver.Create(param);
        lines.Clear();
        using (CaffeLog.Redirect((_, line) => lines.Add(line), LogSeverity.Info)) solver.Step(1);
        CollectionAssert.AreEqual(new[] { "Iteration 0, Testing net (#0)" },
            lines.Where(l => l.Contains("Testing net", StringComparison.Ordinal)).ToArray());
    }

    [TestMethod]
    public void StopRequestedWhileTestingEndsTraining()
    {
        Solver solver = Solver.Create(SolverTestNets.Param(Classifier, "test_iter: 3 test_interval: 1 max_iter: 5"));
        int polls = 0;
        solver.ActionRequested = () => ++polls == 2 ? SolverAction.Stop : SolverAction.None;
        var lines = new List<string>();
        using (CaffeLog.Redirect((_, line) => lines.Add(line), LogSeverity.Info)) solver.Solve();
        Assert.AreEqual(0, solver.Iter, "stopped during the initial test");
        CollectionAssert.Contains(lines, "Test interrupted.");
        CollectionAssert.Contains(lines, "Optimization stopped early.");
        Assert.AreEqual(0, solver.LastTestScores(0).Count);

        // A callback that keeps answering Stop does not hang the test loop.
        solver = Solver.Create(SolverTestNets.Param(Classifier, "test_iter: 3 test_interval: 1"));
        solver.ActionRequested = () => SolverAction.Stop;
        Assert.AreEqual(0, solver.Test(0).Count);
    }

    [TestMethod]
    public void DisplayLogsCaffesLines()
    {
        Solver solver = Solver.Create(SolverTestNets.Param(Classifier, "base_lr: 0.01 display: 2 max_iter: 3"));
        var lines = new List<string>();
        using (CaffeLog.Redirect((_, line) => lines.Add(line), LogSeverity.Info)) solver.Solve();
        // All-zero inputs: the loss is ln 3 = 1.09861 at every iteration.
        Assert.IsTrue(lines.Any(l => Regex.IsMatch(l, @"^Iteration 0 \([-0-9.e+]+ iter/s, [-0-9.e+]+s/2 iters\), loss = 1\.09861$")),
            string.Join("\n", lines));
        CollectionAssert.IsSubsetOf(new[]
        {
            "Solving classifier", "Learning Rate Policy: fixed",
            "    Train net output #0: loss = 1.09861 (* 1 = 1.09861 loss)",
            "Iteration 0, lr = 0.01", "Iteration 2, lr = 0.01",
            "Optimization Done.",
        }, lines);
        Assert.IsFalse(lines.Any(l => l.StartsWith("Iteration 1 (", StringComparison.Ordinal)), "only every display iterations");
    }

    [TestMethod]
    public void NonFiniteLossStopsNamingTheIterationAndTheLayer()
    {
        const string net = """
            name: 'diverging'
            layer { name: 'data' type: 'Input' top: 'data' top: 'label' input_param { shape { dim: 1 dim: 3 } shape { dim: 1 } } }
            layer { name: 'scale' type: 'Scale' bottom: 'data' top: 'scaled' scale_param { axis: 1 } }
            layer { name: 'boom' type: 'Eltwise' bottom: 'scaled' bottom: 'scaled' top: 'boom'
                    eltwise_param { operation: SUM coeff: 1e30 coeff: 1e30 } }
            layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'boom' bottom: 'label' top: 'loss' }
            """;
        Solver solver = Solver.Create(SolverTestNets.Param(net, "base_lr: 0.001 clip_gradients: 1"));
        solver.AddCallback(() => solver.Net.Blobs["data"].Data.Fill(solver.Iter < 2 ? 1f : 1e10f), () => { });
        solver.Step(2);
        float[] weights = solver.Net.LearnableParams[0].Data.ToArray();

        var e = Assert.ThrowsExactly<NonFiniteLossException>(() => solver.Step(5));
        Assert.AreEqual(2, e.Iteration);
        Assert.AreEqual("boom", e.LayerName);
        Assert.AreEqual("boom", e.BlobName);
        Assert.IsTrue(float.IsNaN(e.Loss));
        StringAssert.Contains(e.Message, "at iteration 2");
        StringAssert.Contains(e.Message, "'boom' (Eltwise), top blob 'boom'");
        Assert.AreEqual(2, solver.Iter);
        CollectionAssert.AreEqual(weights, solver.Net.LearnableParams[0].Data.ToArray(), "the bad update was not applied");
    }

    [TestMethod]
    public void StepWithNoIterationsDoesNothing()
    {
        Solver solver = Solver.Create(SolverTestNets.Param(Classifier));
        solver.Step(0);
        solver.Step(-3);
        Assert.AreEqual(0, solver.Iter);
    }

    private static void Batch(Net net, float[][] rows, float[] labels)
    {
        Span<float> data = net.Blobs["data"].Data;
        for (int i = 0; i < rows.Length; i++) rows[i].CopyTo(data.Slice(i * 3, 3));
        labels.CopyTo(net.Blobs["label"].Data);
    }
}
