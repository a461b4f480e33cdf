using SnapshotFormat = Caffe.SolverParameter.Types.SnapshotFormat;

namespace Caffe.Tests.Solvers;

/// <summary>
/// Snapshots and <see cref="Solver.Restore"/>: Caffe's TestSnapshot* cases (run 2K iterations straight vs. K,
/// snapshot, a new solver, restore, K more — weights, diffs and history bit for bit), losses after restore, file
/// names and contents, atomic writes, and states that do not fit.
/// </summary>
[TestClass]
public sealed class SnapshotTests
{
    [TestMethod]
    [DataRow("SGD", 0.01f, 0.5f, 0.9f, false, DisplayName = "SGD TestSnapshot")]
    [DataRow("SGD", 0.01f, 0.5f, 0.9f, true, DisplayName = "SGD TestSnapshotShare")]
    [DataRow("AdaGrad", 0.01f, 0.5f, 0f, false, DisplayName = "AdaGrad TestSnapshot")]
    [DataRow("AdaGrad", 0.01f, 0.5f, 0f, true, DisplayName = "AdaGrad TestSnapshotShare")]
    [DataRow("Nesterov", 0.01f, 0.5f, 0.9f, false, DisplayName = "Nesterov TestSnapshot")]
    [DataRow("Nesterov", 0.01f, 0.5f, 0.9f, true, DisplayName = "Nesterov TestSnapshotShare")]
    [DataRow("AdaDelta", 0.1f, 0.1f, 0.95f, false, DisplayName = "AdaDelta TestSnapshot")]
    [DataRow("AdaDelta", 0.1f, 0.1f, 0.95f, true, DisplayName = "AdaDelta TestSnapshotShare")]
    [DataRow("Adam", 0.01f, 0.5f, 0.9f, false, DisplayName = "Adam TestSnapshot")]
    [DataRow("Adam", 0.01f, 0.5f, 0.9f, true, DisplayName = "Adam TestSnapshotShare")]
    [DataRow("RMSProp", 0.01f, 0.5f, 0f, false, DisplayName = "RMSProp TestSnapshot")]
    [DataRow("RMSProp", 0.01f, 0.5f, 0f, true, DisplayName = "RMSProp TestSnapshotShare")]
    public void RestoreContinuesBitForBit(string type, float learningRate, float weightDecay, float momentum, bool share)
    {
        foreach (SnapshotFormat format in Formats)
        {
            using var problem = new LeastSquaresProblem(type, share) { Format = format };
            for (int numIters = 1; numIters <= 4; numIters++)
            {
                problem.Run(learningRate, weightDecay, momentum, numIters * 2);
                float[][] paramData = Copy(problem.Solver.Net.LearnableParams, diff: false);
                float[][] paramDiff = Copy(problem.Solver.Net.LearnableParams, diff: true);
                float[][] history = Copy(problem.Solver.History, diff: false);

                problem.Run(learningRate, weightDecay, momentum, numIters, snapshot: true);
                string state = problem.StateFile(numIters);
                Assert.IsTrue(File.Exists(state), $"{state} was written");

                problem.Run(learningRate, weightDecay, momentum, numIters * 2, fromSnapshot: state);
                Assert.AreEqual(numIters * 2, problem.Solver.Iter);
                AssertBitEqual(paramData, problem.Solver.Net.LearnableParams, diff: false, $"{type} {format} K={numIters} param data");
                AssertBitEqual(paramDiff, problem.Solver.Net.LearnableParams, diff: true, $"{type} {format} K={numIters} param diff");
                AssertBitEqual(history, problem.Solver.History, diff: false, $"{type} {format} K={numIters} history");
            }
        }
    }

    [TestMethod]
    public void LossesAfterRestoreEqualAnUninterruptedRun()
    {
        foreach (SnapshotFormat format in Formats)
        {
            foreach (string type in Solver.TypeList)
            {
                using var problem = new LeastSquaresProblem(type) { Format = format };
                float momentum = type is "AdaGrad" or "RMSProp" ? 0f : 0.9f;
                List<float> straight = Losses(problem, () => problem.Run(0.01f, 0.1f, momentum, 7), 7);
                problem.Run(0.01f, 0.1f, momentum, 3, snapshot: true);
                List<float> resumed = Losses(problem,
                    () => problem.Run(0.01f, 0.1f, momentum, 7, fromSnapshot: problem.StateFile(3)), 4);
                CollectionAssert.AreEqual(straight.Skip(3).ToList(), resumed, $"{type} {format}: losses of iterations 3..6");
            }
        }
    }

    [TestMethod]
    public void SnapshotWritesCaffesFilesAndState()
    {
        using var problem = new LeastSquaresProblem("Nesterov");
        problem.Run(0.01f, 0.5f, 0.9f, 3, snapshot: true);
        string prefix = Path.Combine(problem.SnapshotDir, "_iter_3");
        Assert.AreEqual(prefix + ".caffemodel", problem.Solver.SnapshotFilename(".caffemodel"));

        SolverState state = ProtoIO.ReadProtoFromBinaryFile(SolverState.Parser, prefix + ".solverstate");
        Assert.AreEqual(3, state.Iter);
        Assert.AreEqual(prefix + ".caffemodel", state.LearnedNet);
        Assert.AreEqual(0, state.CurrentStep);
        Assert.AreEqual(2, state.History.Count);
        CollectionAssert.AreEqual(problem.Solver.History[0].Data.ToArray(), state.History[0].Data.ToArray());
        CollectionAssert.AreEqual(new long[] { 1, LeastSquaresProblem.Dim }, state.History[0].Shape.Dim.ToArray());

        NetParameter weights = ProtoIO.ReadNetParamsFromBinaryFile(prefix + ".caffemodel");
        LayerParameter innerprod = weights.Layer.Single(l => l.Name == "innerprod");
        CollectionAssert.AreEqual(problem.Solver.Net.LayerDict["innerprod"].Blobs[0].Data.ToArray(), innerprod.Blobs[0].Data.ToArray());
        Assert.AreEqual(0, innerprod.Blobs[0].Diff.Count, "no diffs without snapshot_diff");
        Assert.IsFalse(Directory.EnumerateFiles(problem.SnapshotDir, ".*").Any(), "no temporary files are left");
    }

    [TestMethod]
    public void Hdf5SnapshotHasCaffesLayout()
    {
        using var problem = new LeastSquaresProblem("Adam") { Format = SnapshotFormat.Hdf5 };
        problem.Run(0.01f, 0.5f, 0.9f, 2, snapshot: true);
        string prefix = Path.Combine(problem.SnapshotDir, "_iter_2");
        using (Hdf5Reader state = Hdf5Reader.Open(prefix + ".solverstate.h5"))
        {
            Assert.AreEqual(2, state.ReadInt("iter"));
            Assert.AreEqual(0, state.ReadInt("current_step"));
            Assert.AreEqual(prefix + ".caffemodel.h5", state.ReadString("learned_net"));
            CollectionAssert.AreEqual(new[] { "0", "1", "2", "3" }, state.DatasetNames("history").ToArray());
            for (int i = 0; i < 4; i++)
            {
                NdArray history = state.ReadArray($"history/{i}");
                CollectionAssert.AreEqual(problem.Solver.History[i].Shape.ToArray(), history.Shape.ToArray());
                CollectionAssert.AreEqual(problem.Solver.History[i].Data.ToArray(), history.Data.ToArray(), $"history {i}");
            }
        }
        using (Hdf5Reader weights = Hdf5Reader.Open(prefix + ".caffemodel.h5"))
        {
            CollectionAssert.AreEqual(problem.Solver.Net.LayerDict["innerprod"].Blobs[0].Data.ToArray(),
                weights.ReadArray("data/innerprod/0").Data.ToArray());
        }
        Assert.IsFalse(Directory.EnumerateFiles(problem.SnapshotDir, ".*").Any(), "no temporary files are left");
    }

    [TestMethod]
    public void SnapshotDiffWritesTheGradients()
    {
        using var problem = new LeastSquaresProblem("SGD");
        problem.Run(0.01f, 0f, 0f, 1);
        problem.Solver.Param.SnapshotDiff = true;
        problem.Solver.Snapshot();
        NetParameter weights = ProtoIO.ReadNetParamsFromBinaryFile(problem.Solver.SnapshotFilename(".caffemodel"));
        BlobProto blob = weights.Layer.Single(l => l.Name == "innerprod").Blobs[0];
        CollectionAssert.AreEqual(problem.Solver.Net.LayerDict["innerprod"].Blobs[0].Diff.ToArray(), blob.Diff.ToArray());
    }

    [TestMethod]
    public void SolveWithResumeFileEqualsRestoreThenSolve()
    {
        using var problem = new LeastSquaresProblem("Adam");
        problem.Run(0.01f, 0.5f, 0.9f, 4);
        double[] straight = problem.Weights();
        problem.Run(0.01f, 0.5f, 0.9f, 2, snapshot: true);

        SgdSolver solver = problem.Run(0.01f, 0.5f, 0.9f, 0);
        solver.Param.MaxIter = 4;
        solver.Net.ForwardLoss();
        solver.Net.ForwardLoss();
        solver.Solve(problem.StateFile(2));
        Assert.AreEqual(4, solver.Iter);
        CollectionAssert.AreEqual(straight, problem.Weights());
    }

    [TestMethod]
    public void SnapshotActionWritesASnapshotAndStopEndsTraining()
    {
        using var problem = new LeastSquaresProblem("SGD");
        SgdSolver solver = problem.Run(0.01f, 0f, 0f, 0);
        var requests = new Queue<SolverAction>([SolverAction.None, SolverAction.Snapshot, SolverAction.None, SolverAction.Stop]);
        solver.ActionRequested = () => requests.Count > 0 ? requests.Dequeue() : SolverAction.None;
        solver.Param.MaxIter = 10;
        solver.Param.SnapshotAfterTrain = false;
        solver.Solve();
        Assert.AreEqual(4, solver.Iter, "stopped after the iteration whose request was Stop");
        Assert.IsTrue(File.Exists(Path.Combine(problem.SnapshotDir, "_iter_2.solverstate")));
        Assert.AreEqual(2, Directory.GetFiles(problem.SnapshotDir).Length, "only the requested snapshot");
    }

    [TestMethod]
    public void StopRequestStillSnapshotsAfterTrain()
    {
        using var problem = new LeastSquaresProblem("SGD");
        SgdSolver solver = problem.Run(0.01f, 0f, 0f, 0);
        solver.ActionRequested = () => SolverAction.Stop;
        solver.Param.MaxIter = 10;
        solver.Param.SnapshotAfterTrain = true;
        solver.Solve();
        Assert.AreEqual(1, solver.Iter);
        Assert.IsTrue(File.Exists(Path.Combine(problem.SnapshotDir, "_iter_1.caffemodel")));
    }

    [TestMethod]
    public void FailedSnapshotLeavesThePreviousOneIntactAndNoPartialFile()
    {
        using var problem = new LeastSquaresProblem("SGD");
        SgdSolver solver = problem.Run(0.01f, 0.5f, 0.9f, 2);
        solver.Snapshot();
        string model = solver.SnapshotFilename(".caffemodel");
        string state = solver.SnapshotFilename(".solverstate");
        byte[] modelBytes = File.ReadAllBytes(model);
        byte[] stateBytes = File.ReadAllBytes(state);

        // New weights, then the same snapshot names again, with a disk that fails half-way through the write.
        solver.Net.LayerDict["innerprod"].Blobs[0].Data.Fill(42f);
        solver.SnapshotStreamFilter = stream => new FailingStream(stream, failAfterBytes: 100);
        Assert.ThrowsExactly<IOException>(() => solver.Snapshot());
        CollectionAssert.AreEqual(modelBytes, File.ReadAllBytes(model), "the previous caffemodel is intact");
        CollectionAssert.AreEqual(stateBytes, File.ReadAllBytes(state), "the previous solverstate is intact");

        // A first snapshot that fails leaves nothing under its name.
        solver.Param.MaxIter = 3;
        solver.Step(1);
        Assert.ThrowsExactly<IOException>(() => solver.Snapshot());
        Assert.IsFalse(File.Exists(solver.SnapshotFilename(".caffemodel")));
        Assert.IsFalse(File.Exists(solver.SnapshotFilename(".solverstate")));
        Assert.AreEqual(2, Directory.GetFiles(problem.SnapshotDir).Length, "no temporary or partial files: " +
            string.Join(", ", Directory.GetFiles(problem.SnapshotDir).Select(Path.GetFileName)));

        // The state file fails after the weights were written: the weights are complete, the state is absent.
        solver.SnapshotStreamFilter = null;
        int writes = 0;
        solver.SnapshotStreamFilter = stream => ++writes == 2 ? new FailingStream(stream, failAfterBytes: 10) : stream;
        Assert.ThrowsExactly<IOException>(() => solver.Snapshot());
        Assert.IsTrue(File.Exists(solver.SnapshotFilename(".caffemodel")));
        Assert.IsFalse(File.Exists(solver.SnapshotFilename(".solverstate")));
        ProtoIO.ReadNetParamsFromBinaryFile(solver.SnapshotFilename(".caffemodel"));
    }

    [TestMethod]
    public void StateOfAnotherSolverTypeIsRefusedWithoutChangingAnything()
    {
        using var adam = new LeastSquaresProblem("Adam");
        adam.Run(0.01f, 0f, 0.9f, 2, snapshot: true);
        using var sgd = new LeastSquaresProblem("SGD");
        SgdSolver solver = sgd.Run(0.01f, 0f, 0f, 1);
        float[] before = solver.Net.LearnableParams[0].Data.ToArray();
        var e = Assert.ThrowsExactly<SolverException>(() => solver.Restore(adam.StateFile(2)));
        StringAssert.Contains(e.Message, adam.StateFile(2));
        StringAssert.Contains(e.Message, "4 history blob(s)");
        StringAssert.Contains(e.Message, "SGD solver");
        Assert.AreEqual(1, solver.Iter, "Iter unchanged");
        CollectionAssert.AreEqual(before, solver.Net.LearnableParams[0].Data.ToArray(), "weights unchanged");
    }

    [TestMethod]
    public void CorruptOrMissingStateFilesGiveClearErrors()
    {
        using var problem = new LeastSquaresProblem("SGD");
        SgdSolver solver = problem.Run(0.01f, 0f, 0f, 2, snapshot: true);
        string state = problem.StateFile(2);

        string truncated = Path.Combine(problem.SnapshotDir, "truncated.solverstate");
        byte[] bytes = File.ReadAllBytes(state);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var corrupt = Assert.ThrowsExactly<ModelFormatException>(() => solver.Restore(truncated));
        StringAssert.Contains(corrupt.Message, truncated);

        Assert.ThrowsExactly<FileNotFoundException>(() => solver.Restore(Path.Combine(problem.SnapshotDir, "nothing.solverstate")));

        File.Delete(solver.SnapshotFilename(".caffemodel"));
        var missing = Assert.ThrowsExactly<SolverException>(() => solver.Restore(state));
        StringAssert.Contains(missing.Message, "_iter_2.caffemodel");
        StringAssert.Contains(missing.Message, "does not exist");
    }

    [TestMethod]
    public void MovedSnapshotsStillRestore()
    {
        using var problem = new LeastSquaresProblem("SGD");
        problem.Run(0.01f, 0.5f, 0.9f, 4);
        double[] straight = problem.Weights();
        problem.Run(0.01f, 0.5f, 0.9f, 2, snapshot: true);
        string moved = Directory.CreateTempSubdirectory("caffe-moved-").FullName;
        try
        {
            foreach (string file in Directory.GetFiles(problem.SnapshotDir))
                File.Move(file, Path.Combine(moved, Path.GetFileName(file)));
            problem.Run(0.01f, 0.5f, 0.9f, 4, fromSnapshot: Path.Combine(moved, "_iter_2.solverstate"));
            CollectionAssert.AreEqual(straight, problem.Weights());
        }
        finally
        {
            Directory.Delete(moved, recursive: true);
        }
    }

    private static readonly SnapshotFormat[] Formats = [SnapshotFormat.Binaryproto, SnapshotFormat.Hdf5];

    private static List<float> Losses(LeastSquaresProblem problem, Action run, int expectedCount)
    {
        var losses = new List<float>();
        // Each run creates a new solver: the callback is attached through the problem's hook.
        problem.OnSolverCreated = solver => solver.AddCallback(() => { }, () => losses.Add(solver.Net.Blobs["loss"].Data[0]));
        run();
        problem.OnSolverCreated = null;
        Assert.AreEqual(expectedCount, losses.Count);
        return losses;
    }

    private static float[][] Copy(IReadOnlyList<Blob> blobs, bool diff) =>
        blobs.Select(b => (diff ? b.Diff : b.Data).ToArray()).ToArray();

    private static void AssertBitEqual(float[][] expected, IReadOnlyList<Blob> actual, bool diff, string what)
    {
        Assert.AreEqual(expected.Length, actual.Count, what);
        for (int i = 0; i < expected.Length; i++)
        {
            ReadOnlySpan<float> values = diff ? actual[i].Diff : actual[i].Data;
            Assert.AreEqual(expected[i].Length, values.Length, what);
            for (int j = 0; j < values.Length; j++)
            {
                if (BitConverter.SingleToInt32Bits(expected[i][j]) != BitConverter.SingleToInt32Bits(values[j]))
                    Assert.Fail($"{what}: blob {i} differs at {j}: {expected[i][j]:R} vs {values[j]:R}");
            }
        }
    }

    /// <summary>A stream that throws an <see cref="IOException"/> once more than a given number of bytes were written.</summary>
    private sealed class FailingStream(Stream inner, int failAfterBytes) : Stream
    {
        private long _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int allowed = (int)Math.Max(0, Math.Min(buffer.Length, failAfterBytes - _written));
            inner.Write(buffer[..allowed]);
            _written += allowed;
            if (allowed < buffer.Length) throw new IOException("No space left on device (simulated).");
        }
    }
}
