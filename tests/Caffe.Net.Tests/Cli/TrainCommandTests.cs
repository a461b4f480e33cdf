using System.Runtime.InteropServices;
using Caffe.Cli.Commands;
using static Caffe.Tests.Cli.CliRunner;

namespace Caffe.Tests.Cli;

/// <summary>
/// <c>caffe train</c> in-process on a tiny generated LMDB: Caffe's log lines and snapshot names, resuming with
/// -snapshot, -weights into the train and test nets, -level/-stage, the flag errors, stop and snapshot requests
/// through the signal handler, --plot, and errors during training.
/// </summary>
[TestClass]
public sealed class TrainCommandTests
{
    private TinyTrainingSetup _setup = null!;

    [TestInitialize]
    public void SetUp() => _setup = new TinyTrainingSetup();

    [TestCleanup]
    public void TearDown() => _setup.Dispose();

    [TestMethod]
    public void TrainLogsAsCaffeTestsAndSnapshotsWithCaffesNames()
    {
        string solver = _setup.WriteSolver(maxIter: 6, snapshot: 3);
        (int code, string stdout, string stderr) = Run("train", "-solver", solver);
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual("", stdout, "a redirected run prints no live line");
        string[] messages = Messages(stderr);
        string[] expectedInOrder =
        [
            "Use CPU.", "Solver scaffolding done.", "Starting Optimization", "Solving Tiny", "Iteration 0, Testing net (#0)",
            "Iteration 0 (", "Snapshotting to binary proto file " + _setup.Prefix + "_iter_3.caffemodel", "Iteration 3, Testing net (#0)",
            "Iteration 5 (", "Snapshotting to binary proto file " + _setup.Prefix + "_iter_6.caffemodel",
            "Iteration 6, Testing net (#0)", "Optimization Done.", "Optimization Done.",
        ];
        int at = 0;
        foreach (string expected in expectedInOrder)
        {
            int found = Array.FindIndex(messages, at, m => m.StartsWith(expected, StringComparison.Ordinal));
            Assert.IsGreaterThanOrEqualTo(0, found, $"'{expected}' missing after line {at}:\n{stderr}");
            at = found + 1;
        }
        Assert.IsTrue(messages.Any(m => m.StartsWith("    Test net output #0: accuracy = ", StringComparison.Ordinal)), stderr);
        Assert.IsTrue(messages.Any(m => m.StartsWith("    Train net output #0: loss = ", StringComparison.Ordinal)), stderr);
        StringAssert.Matches(stderr, new System.Text.RegularExpressions.Regex(@"Iteration 4, \d+ images/s, ETA \d:\d\d:\d\d"));
        CollectionAssert.AreEqual(new[] { "tiny_iter_3.caffemodel", "tiny_iter_3.solverstate", "tiny_iter_6.caffemodel", "tiny_iter_6.solverstate" },
            _setup.SnapshotFiles());
        var state = ProtoIO.ReadProtoFromBinaryFile(SolverState.Parser, _setup.Prefix + "_iter_6.solverstate");
        Assert.AreEqual(6, state.Iter);
        Assert.AreEqual(_setup.Prefix + "_iter_6.caffemodel", state.LearnedNet);
    }

    [TestMethod]
    public void SnapshotResumeContinuesTheIterationCount()
    {
        string solver = _setup.WriteSolver(maxIter: 2);
        Assert.AreEqual(0, Run("train", "-solver", solver).Code);
        solver = _setup.WriteSolver(maxIter: 5);
        (int code, _, string stderr) = Run("train", "--solver", solver, "-snapshot=" + _setup.Prefix + "_iter_2.solverstate");
        Assert.AreEqual(0, code, stderr);
        string[] messages = Messages(stderr);
        Assert.Contains("Resuming from " + _setup.Prefix + "_iter_2.solverstate", messages);
        string[] iterations = [.. messages.Where(m => m.StartsWith("Iteration ", StringComparison.Ordinal) && m.Contains(" iter/s", StringComparison.Ordinal))];
        CollectionAssert.AreEqual(new[] { "Iteration 2 (", "Iteration 3 (", "Iteration 4 (" }, iterations.Select(m => m[..(m.IndexOf('(') + 1)]).ToArray());
        Assert.IsTrue(File.Exists(_setup.Prefix + "_iter_5.caffemodel"));
        Assert.AreEqual(5, ProtoIO.ReadProtoFromBinaryFile(SolverState.Parser, _setup.Prefix + "_iter_5.solverstate").Iter);
    }

    [TestMethod]
    public void WeightsAreCopiedIntoTheTrainNetAndTheTestNets()
    {
        // "probe" exists only in the TEST net: the weights file alone sets its output to its bias, 7.
        using var setup = new TinyTrainingSetup(extraTestLayers:
            """layer { name: "probe" type: "InnerProduct" bottom: "data" top: "probe" include { phase: TEST } inner_product_param { num_output: 1 } }""");
        var source = new Net(setup.NetPath, Phase.Test);
        for (int i = 0; i < source.Params["ip"][0].Count; i++) source.Params["ip"][0].Data[i] = 0.01f * (i % 17) - 0.05f;
        source.Params["ip"][1].Data.Fill(0.25f);
        source.Params["probe"][0].Data.Clear();
        source.Params["probe"][1].Data.Fill(7f);
        string weights = setup.File("given.caffemodel");
        source.Save(weights);

        string solver = setup.WriteSolver(maxIter: 1, baseLr: 0);
        (int code, _, string stderr) = Run("train", "-solver", solver, "-weights", weights);
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual(1, Messages(stderr).Count(m => m == "Finetuning from " + weights));
        Assert.IsTrue(Messages(stderr).Any(m => m.StartsWith("    Test net output #2: probe = 7", StringComparison.Ordinal)), stderr);
        var trained = new Net(setup.NetPath, Phase.Test, weights: setup.Prefix + "_iter_1.caffemodel");
        CollectionAssert.AreEqual(source.Params["ip"][0].Data.ToArray(), trained.Params["ip"][0].Data.ToArray(), "lr 0 keeps the copied weights");
        CollectionAssert.AreEqual(source.Params["ip"][1].Data.ToArray(), trained.Params["ip"][1].Data.ToArray());
    }

    [TestMethod]
    public void LevelAndStagesGoIntoTheTrainState()
    {
        using var setup = new TinyTrainingSetup(extraTrainLayers:
            """
            layer { name: "staged" type: "Power" bottom: "ip" top: "staged" include { phase: TRAIN stage: "probe" min_level: 2 } }
            """);
        string solver = setup.WriteSolver(maxIter: 1);
        (int code, _, string stderr) = Run("train", "-solver", solver);
        Assert.AreEqual(0, code, stderr);
        Assert.IsFalse(Messages(stderr).Any(m => m.Contains("net output #1: staged", StringComparison.Ordinal)), stderr);
        (code, _, stderr) = Run("train", "-solver", solver, "-level", "2", "-stage=other,probe");
        Assert.AreEqual(0, code, stderr);
        Assert.IsTrue(Messages(stderr).Any(m => m.StartsWith("    Train net output #1: staged = ", StringComparison.Ordinal)), stderr);
    }

    [TestMethod]
    public void FlagErrorsAreCaffesMessages()
    {
        string solver = _setup.WriteSolver(maxIter: 1);
        (int code, _, string stderr) = Run("train", "-solver", solver, "-weights", "a.caffemodel", "-snapshot", "b.solverstate");
        Assert.AreEqual(1, code);
        Assert.AreEqual("caffe: error: Give a snapshot to resume training or weights to finetune but not both.", stderr.Trim());

        (code, _, stderr) = Run("train");
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "Need a solver definition to train");

        (code, _, stderr) = Run("train", "-solver", solver, "-sigint_effect", "pause");
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "Invalid signal effect \"pause\" was specified for -sigint_effect");

        (code, _, stderr) = Run("train", "-solver", _setup.File("missing_solver.prototxt"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "missing_solver.prototxt");
        Assert.IsEmpty(_setup.SnapshotFiles());
    }

    [TestMethod]
    public void StopRequestSnapshotsAndStopsWithNoPartialFile()
    {
        string solver = _setup.WriteSolver(maxIter: 1000);
        var stderr = new WatchingWriter(line => line.EndsWith("Iteration 2, lr = 0.1", StringComparison.Ordinal),
                                        () => TrainSignals.Deliver(PosixSignal.SIGINT));
        (int code, _, string log) = Run(stderr, "train", "-solver", solver);
        Assert.AreEqual(0, code, log);
        string[] messages = Messages(log);
        Assert.Contains("Received SIGINT: stopping.", messages);
        Assert.Contains("Optimization stopped early.", messages);
        Assert.IsFalse(messages.Any(m => m.StartsWith("Iteration 3 (", StringComparison.Ordinal)), "no iteration after the stop");
        CollectionAssert.AreEqual(new[] { "tiny_iter_3.caffemodel", "tiny_iter_3.solverstate" }, _setup.SnapshotFiles(),
            "the final snapshot, complete, and no temporary file");
        var restored = Solver.Create(solver);
        restored.Restore(_setup.Prefix + "_iter_3.solverstate");
        Assert.AreEqual(3, restored.Iter);
    }

    [TestMethod]
    public void HangupSnapshotsAndContinuesAndNoneIgnoresTheSignal()
    {
        string solver = _setup.WriteSolver(maxIter: 5, extra: "snapshot_after_train: false");
        var stderr = new WatchingWriter(line => line.EndsWith("Iteration 1, lr = 0.1", StringComparison.Ordinal),
                                        () => TrainSignals.Deliver(PosixSignal.SIGHUP));
        (int code, _, string log) = Run(stderr, "train", "-solver", solver);
        Assert.AreEqual(0, code, log);
        Assert.Contains("Received SIGHUP: snapshotting.", Messages(log));
        Assert.IsTrue(Messages(log).Any(m => m.StartsWith("Iteration 4 (", StringComparison.Ordinal)), "training went on");
        CollectionAssert.AreEqual(new[] { "tiny_iter_2.caffemodel", "tiny_iter_2.solverstate" }, _setup.SnapshotFiles());

        File.Delete(_setup.Prefix + "_iter_2.caffemodel");
        File.Delete(_setup.Prefix + "_iter_2.solverstate");
        stderr = new WatchingWriter(line => line.EndsWith("Iteration 1, lr = 0.1", StringComparison.Ordinal),
                                    () => TrainSignals.Deliver(PosixSignal.SIGINT));
        (code, _, log) = Run(stderr, "train", "-solver", solver, "-sigint_effect", "none");
        Assert.AreEqual(0, code, log);
        Assert.Contains("Received SIGINT: ignored.", Messages(log));
        Assert.IsTrue(Messages(log).Any(m => m.StartsWith("Iteration 4 (", StringComparison.Ordinal)), "training went on");
        Assert.IsEmpty(_setup.SnapshotFiles());
    }

    [TestMethod]
    public void PlotWritesAPngOfTheLossAndTestCurves()
    {
        string solver = _setup.WriteSolver(maxIter: 6);
        string plot = _setup.File("loss.png");
        (int code, _, string stderr) = Run("train", "-solver", solver, "--plot", plot);
        Assert.AreEqual(0, code, stderr);
        Assert.Contains("Wrote the training plot to " + plot, Messages(stderr));
        NdArray image = ImageCodec.Read(plot, ImageColorMode.Color);
        CollectionAssert.AreEqual(new[] { 600, 1000, 3 }, image.Shape.ToArray());
        int colored = 0;
        for (int i = 0; i < image.Count; i += 3)
        {
            float b = image.Data[i], g = image.Data[i + 1], r = image.Data[i + 2];
            if (Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) > 60) colored++;
        }
        Assert.IsGreaterThan(500, colored, "the curves are drawn in colour");
        Assert.AreEqual(1, Directory.GetFiles(_setup.Folder, "*.png").Length + Directory.GetFiles(_setup.Folder, "*.tmp").Length);
    }

    [TestMethod]
    public void LabelOutOfRangeStopsNamingTheIterationAndTheLayer()
    {
        int[] labels = [.. Enumerable.Range(0, 24).Select(i => i == 6 ? 5 : i % 3)];
        using var setup = new TinyTrainingSetup(labels);
        string solver = setup.WriteSolver(maxIter: 4, extra: "test_initialization: false");
        (int code, _, string stderr) = Run("train", "-solver", solver);
        Assert.AreEqual(1, code);
        string error = stderr.Split('\n').Single(l => l.StartsWith("caffe: error: ", StringComparison.Ordinal));
        StringAssert.Contains(error, $"{solver}: training stopped at iteration 1 (in the train net)");
        StringAssert.Contains(error, "Layer 'loss' (SoftmaxWithLoss)");
        StringAssert.Contains(error, "label 5 at position 2");
        StringAssert.Contains(error, "outside the 3 classes");
    }

    [TestMethod]
    public void MissingLmdbNamesThePath()
    {
        string missing = _setup.File("no_such_lmdb");
        _setup.WriteNet(missing);
        (int code, _, string stderr) = Run("train", "-solver", _setup.WriteSolver(maxIter: 2));
        Assert.AreEqual(1, code);
        string error = stderr.Split('\n').Single(l => l.StartsWith("caffe: error: ", StringComparison.Ordinal));
        StringAssert.Contains(error, missing);
        StringAssert.Contains(error, "LMDB");
    }
}
