namespace Caffe.Examples.FineTuning;

/// <summary>The notebook's <c>solver(train_net_path, test_net_path=None, base_lr=0.001)</c> helper.</summary>
public static class FineTuningSolver
{
    /// <summary>
    /// The notebook's settings: SGD with momentum 0.9 and weight decay 5e-4, base rate <paramref name="baseLr"/>
    /// (0.001 as the notebook's), the "step" policy dividing it by 10 every <paramref name="stepSize"/> iterations
    /// (20000, never reached in a few hundred), at most 100000 iterations. Unlike the notebook's: no display and no
    /// snapshot (<see cref="SolverRun.Run"/> prints and saves), and snapshots, if asked for, go next to the net.
    /// </summary>
    public static SolverParameter Define(string trainNet, float baseLr = 0.001f, int stepSize = 20000) => new()
    {
        TrainNet = trainNet,
        IterSize = 1,
        MaxIter = 100000,
        Type = "SGD",
        BaseLr = baseLr,
        LrPolicy = "step",
        Gamma = 0.1f,
        Stepsize = stepSize,
        Momentum = 0.9f,
        WeightDecay = 5e-4f,
        Display = 0,
        Snapshot = 0,
        SnapshotPrefix = Path.ChangeExtension(trainNet, null),
    };

    /// <summary>
    /// <c>caffe.get_solver(solver(...))</c> after writing the solver settings next to the net, as
    /// <c>{net without extension}_solver.prototxt</c>.
    /// </summary>
    public static Solver Create(string trainNet, float baseLr = 0.001f, int stepSize = 20000)
    {
        SolverParameter param = Define(trainNet, baseLr, stepSize);
        string path = Path.ChangeExtension(trainNet, null) + "_solver.prototxt";
        File.WriteAllText(path, TextFormat.Print(param));
        return Solver.Create(path);
    }
}
