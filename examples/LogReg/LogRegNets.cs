namespace Caffe.Examples.LogReg;

/// <summary>The notebook's two models, written with <see cref="NetSpec"/> as its <c>logreg</c> and <c>nonlinear_net</c> functions.</summary>
public static class LogRegNets
{
    /// <summary>
    /// Logistic regression: HDF5 rows → one InnerProduct to 2 scores (Xavier-initialised) → Accuracy and
    /// SoftmaxWithLoss against the labels. Softmax over two scores is the logistic function of their difference.
    /// </summary>
    /// <param name="hdf5">The list file of HDF5 files (<c>hdf5_data_param.source</c>).</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    public static NetParameter LogReg(string hdf5, int batchSize)
    {
        var n = new NetSpec();
        (n["data"], n["label"]) = L.HDF5Data(new { batch_size = batchSize, source = hdf5, ntop = 2 });
        n["ip1"] = L.InnerProduct(n["data"], new { num_output = 2, weight_filler = new { type = "xavier" } });
        n["accuracy"] = L.Accuracy(n["ip1"], n["label"]);
        n["loss"] = L.SoftmaxWithLoss(n["ip1"], n["label"]);
        return n.ToProto();
    }

    /// <summary>
    /// The same with one hidden layer: InnerProduct to 40 units, an in-place ReLU, then InnerProduct to 2 scores,
    /// so the decision boundary can bend.
    /// </summary>
    /// <param name="hdf5">The list file of HDF5 files (<c>hdf5_data_param.source</c>).</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    public static NetParameter Nonlinear(string hdf5, int batchSize)
    {
        var n = new NetSpec();
        (n["data"], n["label"]) = L.HDF5Data(new { batch_size = batchSize, source = hdf5, ntop = 2 });
        n["ip1"] = L.InnerProduct(n["data"], new { num_output = 40, weight_filler = new { type = "xavier" } });
        n["relu1"] = L.ReLU(n["ip1"], new { in_place = true });
        n["ip2"] = L.InnerProduct(n["ip1"], new { num_output = 2, weight_filler = new { type = "xavier" } });
        n["accuracy"] = L.Accuracy(n["ip2"], n["label"]);
        n["loss"] = L.SoftmaxWithLoss(n["ip2"], n["label"]);
        return n.ToProto();
    }

    /// <summary>
    /// The notebook's <c>solver(train_net_path, test_net_path)</c>: plain SGD at 0.01 with momentum 0.9 and weight
    /// decay 5e-4, divided by 10 every 5,000 of 10,000 iterations; a test pass of <paramref name="testIter"/>
    /// batches every 1,000 iterations; a line every 1,000; one snapshot at the end; CPU. Ours adds
    /// <c>random_seed</c> so that the Xavier fillers, and so the accuracies, are the same on every run.
    /// </summary>
    public static SolverParameter Solver(string trainNet, string testNet, string snapshotPrefix, int testIter = 250, long randomSeed = 1701) => new()
    {
        TrainNet = trainNet,
        TestNet = { testNet },
        TestInterval = 1000,
        TestIter = { testIter },
        MaxIter = 10000,
        BaseLr = 0.01f,
        LrPolicy = "step",
        Gamma = 0.1f,
        Stepsize = 5000,
        Momentum = 0.9f,
        WeightDecay = 5e-4f,
        Display = 1000,
        Snapshot = 10000,
        SnapshotPrefix = snapshotPrefix,
        SolverMode = SolverParameter.Types.SolverMode.Cpu,
        RandomSeed = randomSeed,
    };
}
