namespace Caffe.Examples.Siamese;

/// <summary>
/// The three definitions of BVLC's <c>examples/siamese</c>: the train/test net
/// (<c>mnist_siamese_train_test.prototxt</c>), the deploy net (<c>mnist_siamese.prototxt</c>) and the solver
/// (<c>mnist_siamese_solver.prototxt</c>), built as protobuf messages so that the program can point them at its own
/// databases and iteration count.
/// </summary>
public static class SiameseDefinition
{
    /// <summary>The names of the layers of one branch, from the input to the 2-D feature.</summary>
    public static IReadOnlyList<string> BranchLayers { get; } = ["conv1", "pool1", "conv2", "pool2", "ip1", "relu1", "ip2", "feat"];

    /// <summary>The names shared by the parameter blobs of the two branches (weights then bias of each learned layer).</summary>
    public static IReadOnlyList<string> SharedParamNames { get; } =
        ["conv1_w", "conv1_b", "conv2_w", "conv2_b", "ip1_w", "ip1_b", "ip2_w", "ip2_b", "feat_w", "feat_b"];

    /// <summary>
    /// BVLC's <c>mnist_siamese_train_test</c> net: a Data layer per phase reading pairs (<c>pair_data</c>, 2×28×28,
    /// scaled by 1/256, batch 64 for training and 100 for testing) and their similarity label (<c>sim</c>); a Slice
    /// layer splitting the channels into <c>data</c> and <c>data_p</c>; two LeNet-like branches (convolutions of 20
    /// and 50 5×5 filters with max pooling, inner products of 500 with ReLU, 10, then a 2-D <c>feat</c>) whose
    /// parameters share their blobs through <c>param { name: ... }</c>; and a ContrastiveLoss with margin 1 on
    /// <c>feat</c>, <c>feat_p</c> and <c>sim</c>. Fillers are Xavier for weights and constant (0) for biases.
    /// </summary>
    /// <param name="trainDb">The training pair database.</param>
    /// <param name="testDb">The test pair database.</param>
    /// <param name="backend">The databases' backend (BVLC's file leaves it at the default, LevelDB).</param>
    public static NetParameter TrainTest(string trainDb, string testDb, DataParameter.Types.DB backend)
    {
        var net = new NetParameter { Name = "mnist_siamese_train_test" };
        net.Layer.Add(PairData(trainDb, backend, 64, Phase.Train));
        net.Layer.Add(PairData(testDb, backend, 100, Phase.Test));
        net.Layer.Add(new LayerParameter
        {
            Name = "slice_pair",
            Type = "Slice",
            Bottom = { "pair_data" },
            Top = { "data", "data_p" },
            SliceParam = new SliceParameter { SliceDim = 1, SlicePoint = { 1 } },
        });
        net.Layer.Add(Branch("data", "", training: true));
        net.Layer.Add(Branch("data_p", "_p", training: true));
        net.Layer.Add(new LayerParameter
        {
            Name = "loss",
            Type = "ContrastiveLoss",
            Bottom = { "feat", "feat_p", "sim" },
            Top = { "loss" },
            ContrastiveLossParam = new ContrastiveLossParameter { Margin = 1 },
        });
        return net;
    }

    /// <summary>
    /// BVLC's <c>mnist_siamese</c> deploy net: an input <c>data</c> of <paramref name="batchSize"/>×1×28×28 (BVLC's
    /// file says 10000, the whole test set in one batch) and one branch of the train/test net, without fillers and
    /// without parameter names, ending in the 2-D <c>feat</c>. The trained weights are copied in by layer name.
    /// </summary>
    public static NetParameter Deploy(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var net = new NetParameter { Name = "mnist_siamese" };
        net.Layer.Add(new LayerParameter
        {
            Name = "data",
            Type = "Input",
            Top = { "data" },
            InputParam = new InputParameter { Shape = { new BlobShape { Dim = { batchSize, 1, 28, 28 } } } },
        });
        net.Layer.Add(Branch("data", "", training: false));
        return net;
    }

    /// <summary>
    /// BVLC's <c>mnist_siamese_solver</c> settings: SGD with momentum 0.9, no weight decay, base learning rate 0.01
    /// decayed by the "inv" policy (gamma 1e-4, power 0.75), 100 test iterations every 500, a log line every 100 —
    /// except for <paramref name="maxIter"/> (BVLC: 50000) and the snapshot, taken at the end only.
    /// </summary>
    public static SolverParameter Solver(string net, string snapshotPrefix, int maxIter) => new()
    {
        Net = net,
        TestIter = { 100 },
        TestInterval = 500,
        BaseLr = 0.01f,
        Momentum = 0.9f,
        WeightDecay = 0,
        LrPolicy = "inv",
        Gamma = 0.0001f,
        Power = 0.75f,
        Display = 100,
        MaxIter = maxIter,
        SnapshotPrefix = snapshotPrefix,
        SolverMode = SolverParameter.Types.SolverMode.Cpu,
    };

    private static LayerParameter PairData(string source, DataParameter.Types.DB backend, int batchSize, Phase phase) => new()
    {
        Name = "pair_data",
        Type = "Data",
        Top = { "pair_data", "sim" },
        Include = { new NetStateRule { Phase = phase } },
        TransformParam = new TransformationParameter { Scale = 0.00390625f },
        DataParam = new DataParameter { Source = source, BatchSize = (uint)batchSize, Backend = backend },
    };

    // One side of the siamese net. In the train/test net both sides name their parameters, which makes them share;
    // the deploy net has one side, unnamed and unfilled, as BVLC's files have it.
    private static IEnumerable<LayerParameter> Branch(string input, string suffix, bool training)
    {
        yield return Learned("conv1", suffix, input, training, p => p.ConvolutionParam = new ConvolutionParameter
        {
            NumOutput = 20,
            KernelSize = { 5 },
            Stride = { 1 },
            WeightFiller = training ? Xavier() : null,
            BiasFiller = training ? Constant() : null,
        });
        yield return MaxPool("pool1", suffix, "conv1" + suffix);
        yield return Learned("conv2", suffix, "pool1" + suffix, training, p => p.ConvolutionParam = new ConvolutionParameter
        {
            NumOutput = 50,
            KernelSize = { 5 },
            Stride = { 1 },
            WeightFiller = training ? Xavier() : null,
            BiasFiller = training ? Constant() : null,
        });
        yield return MaxPool("pool2", suffix, "conv2" + suffix);
        yield return Learned("ip1", suffix, "pool2" + suffix, training, p => p.InnerProductParam = InnerProduct(500, training));
        yield return new LayerParameter { Name = "relu1" + suffix, Type = "ReLU", Bottom = { "ip1" + suffix }, Top = { "ip1" + suffix } };
        yield return Learned("ip2", suffix, "ip1" + suffix, training, p => p.InnerProductParam = InnerProduct(10, training));
        yield return Learned("feat", suffix, "ip2" + suffix, training, p => p.InnerProductParam = InnerProduct(2, training));
    }

    private static LayerParameter Learned(string name, string suffix, string bottom, bool training, Action<LayerParameter> setParams)
    {
        var layer = new LayerParameter
        {
            Name = name + suffix,
            Type = name.StartsWith("conv", StringComparison.Ordinal) ? "Convolution" : "InnerProduct",
            Bottom = { bottom },
            Top = { name + suffix },
            Param =
            {
                new ParamSpec { LrMult = 1 },
                new ParamSpec { LrMult = 2 },
            },
        };
        if (training)
        {
            layer.Param[0].Name = name + "_w";
            layer.Param[1].Name = name + "_b";
        }
        setParams(layer);
        return layer;
    }

    private static InnerProductParameter InnerProduct(int outputs, bool training) => new()
    {
        NumOutput = (uint)outputs,
        WeightFiller = training ? Xavier() : null,
        BiasFiller = training ? Constant() : null,
    };

    private static LayerParameter MaxPool(string name, string suffix, string bottom) => new()
    {
        Name = name + suffix,
        Type = "Pooling",
        Bottom = { bottom },
        Top = { name + suffix },
        PoolingParam = new PoolingParameter { Pool = PoolingParameter.Types.PoolMethod.Max, KernelSize = 2, Stride = 2 },
    };

    private static FillerParameter Xavier() => new() { Type = "xavier" };

    private static FillerParameter Constant() => new() { Type = "constant" };
}
