namespace Caffe.Examples.MultiLabel;

/// <summary>The prototxt files of the experiment: the train net, the val net and the solver that names both.</summary>
public sealed record ExperimentFiles(string TrainNet, string ValNet, string Solver);

/// <summary>
/// The notebook's "write nets and solver files" cell: <c>trainnet.prototxt</c> reading the train split,
/// <c>valnet.prototxt</c> reading the val split, both <see cref="MultilabelNets.CaffenetMultilabel"/> with the Python
/// data layer, and <c>solver.prototxt</c>.
/// </summary>
public static class Experiment
{
    /// <summary>
    /// The data layers' <c>scale</c>: 1/128 brings the mean-subtracted pixels into [−1, 1]. The notebook keeps 0–255
    /// values (scale 1), which suits CaffeNet's trained weights; a net trained from scratch on them takes steps on
    /// conv1 so large that it kills the later ReLUs and learns only the class priors (measured here).
    /// </summary>
    public const double InputScale = 1.0 / 128;

    /// <summary>
    /// Writes the three files into <paramref name="workdir"/> (created if missing) for the data set at
    /// <paramref name="root"/>. The val net's <c>test_iter</c> covers the val split once; snapshots go to
    /// <c>{workdir}/snapshot_iter_N</c>. <paramref name="seed"/>, when given, becomes the data layers' <c>seed</c>
    /// (the val layer gets seed + 1); <paramref name="scale"/> their <c>scale</c>.
    /// </summary>
    public static ExperimentFiles Write(string workdir, string root, int batchSize, int imageSize, int? seed = null,
                                        double scale = InputScale, Action<SolverParameter>? adjust = null)
    {
        string dir = Path.GetFullPath(workdir);
        string data = Path.GetFullPath(root);
        Directory.CreateDirectory(dir);
        int classes = DatasetLayout.ReadClasses(data).Count;
        int valImages = DatasetLayout.ReadList(data, "val").Count;
        var files = new ExperimentFiles(
            Path.Combine(dir, "trainnet.prototxt"), Path.Combine(dir, "valnet.prototxt"), Path.Combine(dir, "solver.prototxt"));

        var train = new DataLayerParams(batchSize, imageSize, imageSize, "train", data, seed, scale);
        File.WriteAllText(files.TrainNet, TextFormat.Print(MultilabelNets.CaffenetMultilabel(train, classes)));
        var val = new DataLayerParams(batchSize, imageSize, imageSize, "val", data, seed + 1, scale);
        File.WriteAllText(files.ValNet, TextFormat.Print(MultilabelNets.CaffenetMultilabel(val, classes)));

        SolverParameter solver = MultilabelNets.Solver(files.TrainNet, files.ValNet, Path.Combine(dir, "snapshot"), TestBatches(valImages, batchSize));
        adjust?.Invoke(solver);
        File.WriteAllText(files.Solver, TextFormat.Print(solver));
        return files;
    }

    /// <summary>Batches in one pass over <paramref name="images"/> images (at least 1; a partial last batch is read whole, wrapping around).</summary>
    public static int TestBatches(int images, int batchSize) => Math.Max(1, (images + batchSize - 1) / batchSize);
}
