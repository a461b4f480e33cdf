namespace Caffe.Examples.LogReg;

/// <summary>The prototxt files of one model: its training net, its test net and the solver that names both.</summary>
public sealed record ExperimentFiles(string TrainNet, string TestNet, string Solver);

/// <summary>
/// Writes a model's prototxts as the notebook does (<c>with open(path, 'w') as f: f.write(str(logreg(...)))</c>):
/// <c>{name}_auto_train.prototxt</c> reading train.txt, <c>{name}_auto_test.prototxt</c> reading test.txt, and
/// <c>{name}_solver.prototxt</c>. The files are what <c>caffe train -solver {name}_solver.prototxt</c> runs.
/// </summary>
public static class Experiment
{
    /// <summary>Rows per batch in the notebook's nets.</summary>
    public const int BatchSize = 10;

    /// <summary>
    /// Writes the three files into <paramref name="folder"/>; <paramref name="net"/> is
    /// <see cref="LogRegNets.LogReg"/> or <see cref="LogRegNets.Nonlinear"/>. The test pass covers the test set
    /// once (test rows / batch size batches), which is the notebook's 250 for 2,500 rows; snapshots go to
    /// <c>{folder}/{name}_iter_N</c>.
    /// </summary>
    public static ExperimentFiles Write(string folder, string name, Func<string, int, NetParameter> net, DataFilePaths data, int testRows,
                                        Action<SolverParameter>? adjust = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        string dir = Path.GetFullPath(folder);
        Directory.CreateDirectory(dir);
        var files = new ExperimentFiles(
            Path.Combine(dir, $"{name}_auto_train.prototxt"), Path.Combine(dir, $"{name}_auto_test.prototxt"), Path.Combine(dir, $"{name}_solver.prototxt"));
        File.WriteAllText(files.TrainNet, TextFormat.Print(net(data.TrainList, BatchSize)));
        File.WriteAllText(files.TestNet, TextFormat.Print(net(data.TestList, BatchSize)));
        SolverParameter solver = LogRegNets.Solver(files.TrainNet, files.TestNet, Path.Combine(dir, name), Math.Max(1, testRows / BatchSize));
        adjust?.Invoke(solver);
        File.WriteAllText(files.Solver, TextFormat.Print(solver));
        return files;
    }
}
