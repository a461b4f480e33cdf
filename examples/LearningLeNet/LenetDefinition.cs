namespace Caffe.Examples.LearningLeNet;

/// <summary>The notebook's two definitions: the LeNet net written with <see cref="NetSpec"/>, and the solver settings.</summary>
public static class LenetDefinition
{
    /// <summary>
    /// The notebook's <c>lenet(lmdb, batch_size)</c>: a Data layer reading <paramref name="lmdb"/> scaled by 1/255,
    /// two convolution + max-pooling stages (20 and 50 filters of 5×5), an inner product of 500 with ReLU, an inner
    /// product of 10 scores (<c>ip2</c>) and a softmax loss against the label. Every filler is Xavier.
    /// </summary>
    public static NetParameter Lenet(string lmdb, int batchSize)
    {
        var n = new NetSpec();
        (n["data"], n["label"]) = L.Data(new
        {
            batch_size = batchSize,
            backend = P.Data.LMDB,
            source = lmdb,
            transform_param = new { scale = 1.0 / 255 },
            ntop = 2,
        });
        n["conv1"] = L.Convolution(n["data"], new { kernel_size = 5, num_output = 20, weight_filler = new { type = "xavier" } });
        n["pool1"] = L.Pooling(n["conv1"], new { kernel_size = 2, stride = 2, pool = P.Pooling.MAX });
        n["conv2"] = L.Convolution(n["pool1"], new { kernel_size = 5, num_output = 50, weight_filler = new { type = "xavier" } });
        n["pool2"] = L.Pooling(n["conv2"], new { kernel_size = 2, stride = 2, pool = P.Pooling.MAX });
        n["ip1"] = L.InnerProduct(n["pool2"], new { num_output = 500, weight_filler = new { type = "xavier" } });
        n["relu1"] = L.ReLU(n["ip1"], new { in_place = true });
        n["ip2"] = L.InnerProduct(n["relu1"], new { num_output = 10, weight_filler = new { type = "xavier" } });
        n["loss"] = L.SoftmaxWithLoss(n["ip2"], n["label"]);
        return n.ToProto();
    }

    /// <summary>
    /// The settings of the notebook's <c>lenet_auto_solver.prototxt</c>: SGD with momentum 0.9, weight decay 5e-4,
    /// base learning rate 0.01 decayed by the "inv" policy (gamma 1e-4, power 0.75), 100 test iterations every 500
    /// training iterations, a log line every 100, at most 10000 iterations and a snapshot every 5000.
    /// </summary>
    public static SolverParameter Solver(string trainNet, string testNet, string snapshotPrefix) => new()
    {
        TrainNet = trainNet,
        TestNet = { testNet },
        TestIter = { 100 },
        TestInterval = 500,
        BaseLr = 0.01f,
        Momentum = 0.9f,
        WeightDecay = 0.0005f,
        LrPolicy = "inv",
        Gamma = 0.0001f,
        Power = 0.75f,
        Display = 100,
        MaxIter = 10000,
        Snapshot = 5000,
        SnapshotPrefix = snapshotPrefix,
    };
}
