namespace Caffe.Examples.MultiLabel;

/// <summary>
/// The notebook's net and solver definitions: <c>caffenet_multilabel</c> written with <see cref="NetSpec"/> and
/// <c>tools.CaffeSolver</c>'s fields. The net is a smaller CaffeNet for 64×64 images, trained from scratch.
/// </summary>
public static class MultilabelNets
{
    /// <summary>The Python module the data layer's <c>python_param</c> names.</summary>
    public const string DataLayerModule = "pascal_multilabel_datalayers";

    /// <summary>The Python class the data layer's <c>python_param</c> names.</summary>
    public const string DataLayerClass = "PascalMultilabelDataLayerSync";

    /// <summary>
    /// <c>caffenet_multilabel(data_layer_params, datalayer)</c>, scaled down: a Python data layer with two tops, then
    /// CaffeNet's pattern of convolution + ReLU, max pooling and LRN (three convolutions of 32, 64 and 96 filters
    /// where CaffeNet has five of 96 to 384), two fully connected layers of 256 with dropout (CaffeNet: 4096), a
    /// <c>score</c> of one logit per class and <c>SigmoidCrossEntropyLoss</c> against the multi-hot labels.
    /// Unlike the notebook, whose layers take their weights from CaffeNet, every layer has a filler because it
    /// trains from scratch: MSRA (He) for the convolutions, Xavier for the inner products, biases 0.1 before ReLUs.
    /// </summary>
    /// <param name="dataLayerParams">The data layer's parameters; their <see cref="DataLayerParams.ToParamStr"/> becomes <c>param_str</c>.</param>
    /// <param name="classes">Outputs of <c>score</c>: one per class.</param>
    /// <param name="dataLayer">The Python class of the data layer (the notebook passes its name too).</param>
    public static NetParameter CaffenetMultilabel(DataLayerParams dataLayerParams, int classes, string dataLayer = DataLayerClass)
    {
        ArgumentNullException.ThrowIfNull(dataLayerParams);
        var n = new NetSpec();
        (n["data"], n["label"]) = L.Python(new
        {
            module = DataLayerModule,
            layer = dataLayer,
            ntop = 2,
            param_str = dataLayerParams.ToParamStr(),
        });
        (n["conv1"], n["relu1"]) = ConvRelu(n["data"], 5, 32, stride: 2);
        n["pool1"] = MaxPool(n["relu1"], 3, stride: 2);
        n["norm1"] = L.LRN(n["pool1"], new { local_size = 5, alpha = 1e-4, beta = 0.75 });
        (n["conv2"], n["relu2"]) = ConvRelu(n["norm1"], 3, 64, pad: 1, group: 2);
        n["pool2"] = MaxPool(n["relu2"], 3, stride: 2);
        n["norm2"] = L.LRN(n["pool2"], new { local_size = 5, alpha = 1e-4, beta = 0.75 });
        (n["conv3"], n["relu3"]) = ConvRelu(n["norm2"], 3, 96, pad: 1);
        n["pool5"] = MaxPool(n["relu3"], 3, stride: 2);
        (n["fc6"], n["relu6"]) = FcRelu(n["pool5"], 256);
        n["drop6"] = L.Dropout(n["relu6"], new { in_place = true });
        (n["fc7"], n["relu7"]) = FcRelu(n["drop6"], 256);
        n["drop7"] = L.Dropout(n["relu7"], new { in_place = true });
        n["score"] = L.InnerProduct(n["drop7"], new { num_output = classes, weight_filler = new { type = "xavier" } });
        n["loss"] = L.SigmoidCrossEntropyLoss(n["score"], n["label"]);
        return n.ToProto();
    }

    /// <summary>
    /// <c>tools.CaffeSolver</c>'s fields as the notebook writes them (<c>display</c> and <c>base_lr</c> changed by
    /// the notebook, the rest its defaults), adjusted: <c>base_lr</c> 0.01 instead of 0.0001 because we train from
    /// scratch rather than fine-tune; <c>test_iter</c> one pass over the val split instead of 100 batches;
    /// <c>display</c> 100 instead of 1; <c>random_seed</c> added so fillers, dropout and the loaders' shuffling
    /// repeat. Kept: momentum 0.9, weight decay 5e-4, the "fixed" policy (gamma unused), test every 250
    /// iterations without a test at iteration 0, <c>average_loss</c> 25, <c>iter_size</c> 1, a snapshot every 2500.
    /// </summary>
    public static SolverParameter Solver(string trainNet, string testNet, string snapshotPrefix, int testIter, long randomSeed = 1701) => new()
    {
        TrainNet = trainNet,
        TestNet = { testNet },
        BaseLr = 0.01f,
        Momentum = 0.9f,
        TestIter = { testIter },
        TestInterval = 250,
        Display = 100,
        Snapshot = 2500,
        SnapshotPrefix = snapshotPrefix,
        LrPolicy = "fixed",
        Gamma = 0.1f,
        WeightDecay = 0.0005f,
        MaxIter = 100000,
        TestInitialization = false,
        AverageLoss = 25,
        IterSize = 1,
        SolverMode = SolverParameter.Types.SolverMode.Cpu,
        RandomSeed = randomSeed,
    };

    // The notebook's conv_relu: a convolution and an in-place ReLU on it.
    private static (LayerFunction Conv, LayerFunction Relu) ConvRelu(NetSpecItem bottom, int ks, int nout, int stride = 1, int pad = 0, int group = 1)
    {
        LayerFunction conv = L.Convolution(bottom, new
        {
            kernel_size = ks,
            stride,
            num_output = nout,
            pad,
            group,
            weight_filler = new { type = "msra" },
            bias_filler = new { type = "constant", value = 0.1 },
        });
        return (conv, L.ReLU(conv, new { in_place = true }));
    }

    // The notebook's fc_relu: an inner product and an in-place ReLU on it.
    private static (LayerFunction Fc, LayerFunction Relu) FcRelu(NetSpecItem bottom, int nout)
    {
        LayerFunction fc = L.InnerProduct(bottom, new
        {
            num_output = nout,
            weight_filler = new { type = "xavier" },
            bias_filler = new { type = "constant", value = 0.1 },
        });
        return (fc, L.ReLU(fc, new { in_place = true }));
    }

    // The notebook's max_pool.
    private static LayerFunction MaxPool(NetSpecItem bottom, int ks, int stride = 1) =>
        L.Pooling(bottom, new { pool = P.Pooling.MAX, kernel_size = ks, stride });
}
