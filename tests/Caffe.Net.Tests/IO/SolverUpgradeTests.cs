namespace Caffe.Tests.IO;

/// <summary>The <c>solver_type</c> enum → <c>type</c> string upgrade (BVLC's SolverTypeUpgradeTest and more).</summary>
[TestClass]
public sealed class SolverUpgradeTests
{
    [TestMethod]
    [DataRow("SGD", "SGD")]
    [DataRow("NESTEROV", "Nesterov")]
    [DataRow("ADAGRAD", "AdaGrad")]
    [DataRow("RMSPROP", "RMSProp")]
    [DataRow("ADADELTA", "AdaDelta")]
    [DataRow("ADAM", "Adam")]
    public void EverySolverType(string oldType, string newType)
    {
        var solver = TextFormat.Parse<SolverParameter>($"net: 'train.prototxt' base_lr: 0.01 solver_type: {oldType} momentum: 0.9");
        Assert.IsTrue(SolverUpgrader.SolverNeedsTypeUpgrade(solver));
        Assert.IsTrue(SolverUpgrader.UpgradeSolverType(solver));
        ProtoAssert.AreEqual(TextFormat.Parse<SolverParameter>($"net: 'train.prototxt' base_lr: 0.01 type: '{newType}' momentum: 0.9"), solver);
        Assert.IsFalse(SolverUpgrader.SolverNeedsTypeUpgrade(solver));
    }

    [TestMethod]
    public void ACurrentSolverIsLeftAlone()
    {
        var solver = TextFormat.Parse<SolverParameter>("type: 'Adam' base_lr: 0.001");
        SolverParameter before = solver.Clone();
        Assert.IsFalse(SolverUpgrader.UpgradeSolverType(solver));
        using var log = new LogCapture(LogSeverity.Debug);
        SolverUpgrader.UpgradeSolverAsNeeded(solver, "solver.prototxt");
        ProtoAssert.AreEqual(before, solver);
        Assert.IsEmpty(log.Lines);
    }

    [TestMethod]
    public void LogLines()
    {
        var solver = TextFormat.Parse<SolverParameter>("solver_type: NESTEROV");
        using var log = new LogCapture();
        Assert.AreSame(solver, SolverUpgrader.UpgradeSolverAsNeeded(solver, "old_solver.prototxt"));
        Assert.AreEqual("Nesterov", solver.Type);
        CollectionAssert.AreEqual(new[]
        {
            (LogSeverity.Info, "Attempting to upgrade input file specified using deprecated 'solver_type' field (enum)': old_solver.prototxt"),
            (LogSeverity.Info, "Successfully upgraded file specified using deprecated 'solver_type' field (enum) to 'type' field (string)."),
            (LogSeverity.Warning, "Note that future Caffe releases will only support 'type' field (string) for a solver's type."),
        }, log.Lines.ToArray());
    }

    [TestMethod]
    public void BothTypeFieldsAreAnError()
    {
        var solver = TextFormat.Parse<SolverParameter>("solver_type: ADAGRAD type: 'Adam'");
        var e = Assert.ThrowsExactly<UpgradeException>(() => SolverUpgrader.UpgradeSolverAsNeeded(solver, "s.prototxt"));
        Assert.AreEqual("s.prototxt", e.FileName);
        Assert.AreEqual("s.prototxt: both the deprecated 'solver_type' (ADAGRAD) and 'type' (\"Adam\") are set; keep only 'type'.", e.Message);
    }

    [TestMethod]
    public void UnknownEnumValueIsAnError()
    {
        var solver = new SolverParameter { SolverType = (SolverParameter.Types.SolverType)42 };
        var e = Assert.ThrowsExactly<UpgradeException>(() => SolverUpgrader.UpgradeSolverType(solver));
        StringAssert.Contains(e.Message, "unknown solver_type 42");
    }

    [TestMethod]
    public void ReadSolverParamsFromTextFileUpgrades()
    {
        string path = Path.Combine(Path.GetTempPath(), $"caffe-solver-{Guid.NewGuid():N}.prototxt");
        try
        {
            File.WriteAllText(path, "net: 'n.prototxt'\nsolver_type: RMSPROP\nrms_decay: 0.98\n");
            using var log = new LogCapture();
            SolverParameter solver = ProtoIO.ReadSolverParamsFromTextFile(path);
            // Caffe also gives a solver read from a file a snapshot_prefix: the file's path without extension.
            var expected = TextFormat.Parse<SolverParameter>("net: 'n.prototxt' type: 'RMSProp' rms_decay: 0.98");
            expected.SnapshotPrefix = path[..^".prototxt".Length];
            ProtoAssert.AreEqual(expected, solver);
            StringAssert.EndsWith(log.Lines[0].Message, path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void SnapshotPrefixDefaultsAsInCaffe()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "lenet_solver.prototxt");
        File.WriteAllText(path, "net: 'n.prototxt'");
        Assert.AreEqual(Path.Combine(dir.Path, "lenet_solver"), ProtoIO.ReadSolverParamsFromTextFile(path).SnapshotPrefix);

        File.WriteAllText(path, "net: 'n.prototxt' snapshot_prefix: 'snapshots/lenet'");
        Assert.AreEqual("snapshots/lenet", ProtoIO.ReadSolverParamsFromTextFile(path).SnapshotPrefix, "a plain prefix is kept");

        File.WriteAllText(path, $"net: 'n.prototxt' snapshot_prefix: '{dir.Path}'");
        Assert.AreEqual(Path.Combine(dir.Path, "lenet_solver"), ProtoIO.ReadSolverParamsFromTextFile(path).SnapshotPrefix,
            "a folder gets the solver's name");

        var inMemory = new SolverParameter();
        SolverUpgrader.UpgradeSnapshotPrefixProperty("models/x/solver.prototxt", inMemory);
        Assert.AreEqual(Path.Combine("models", "x", "solver"), inMemory.SnapshotPrefix);
    }
}
