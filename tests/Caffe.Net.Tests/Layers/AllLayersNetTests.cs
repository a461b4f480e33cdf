namespace Caffe.Tests.Layers;

/// <summary>
/// The whole catalog at once: a net that uses every differentiable Caffe layer type (and the no-gradient ones as
/// side outputs), checked numerically end to end — the gradient of the summed losses with respect to every
/// learnable parameter, which reaches the first layer only through every layer in between; and the registry holds
/// at least BVLC Caffe's type list. The data-feeding types are in <see cref="DataLayersNetTests"/>'s net.
/// </summary>
[TestClass]
public sealed class AllLayersNetTests
{
    // layer_type_list() of BVLC Caffe master on CPU (with the Python layer).
    private static readonly string[] BvlcTypes =
    [
        "AbsVal", "Accuracy", "ArgMax", "BNLL", "BatchNorm", "BatchReindex", "Bias", "Clip", "Concat", "ContrastiveLoss",
        "Convolution", "Crop", "Data", "Deconvolution", "Dropout", "DummyData", "ELU", "Eltwise", "Embed", "EuclideanLoss",
        "Exp", "Filter", "Flatten", "HDF5Data", "HDF5Output", "HingeLoss", "Im2col", "ImageData", "InfogainLoss",
        "InnerProduct", "Input", "LRN", "LSTM", "LSTMUnit", "Log", "MVN", "MemoryData", "MultinomialLogisticLoss", "PReLU",
        "Parameter", "Pooling", "Power", "Python", "RNN", "ReLU", "Reduction", "Reshape", "SPP", "Scale", "Sigmoid",
        "SigmoidCrossEntropyLoss", "Silence", "Slice", "Softmax", "SoftmaxWithLoss", "Split", "Swish", "TanH",
        "Threshold", "Tile", "WindowData",
    ];

    // The source of every gradient is the Parameter layer 'x' (learnable), not force_backward: forcing backward
    // through Accuracy, ArgMax and Threshold is an error by design, and they are part of this net.
    private const string Prototxt = """
        name: 'AllLayers'
        layer { name: 'x' type: 'Parameter' top: 'x' parameter_param { shape { dim: 2 dim: 3 dim: 4 dim: 4 } } }
        layer { name: 'inputs' type: 'Input' top: 'label' top: 'cont' top: 'index' top: 'permute' top: 'select' top: 'sim' top: 'cont1'
          input_param { shape { dim: 2 } shape { dim: 2 dim: 1 } shape { dim: 2 } shape { dim: 3 } shape { dim: 2 } shape { dim: 2 } shape { dim: 1 dim: 2 } } }
        layer { name: 'consts' type: 'DummyData' top: 'bias_in' top: 'targets' top: 'H'
          dummy_data_param { shape { dim: 3 } shape { dim: 2 dim: 4 } shape { dim: 4 dim: 4 }
            data_filler { type: 'constant' value: 0.2 } data_filler { type: 'constant' value: 0.3 } data_filler { type: 'constant' value: 0.5 } } }
        layer { name: 'conv' type: 'Convolution' bottom: 'x' top: 'conv'
          convolution_param { num_output: 3 kernel_size: 3 pad: 1 weight_filler { type: 'gaussian' std: 0.3 } bias_filler { type: 'gaussian' std: 0.1 } } }
        layer { name: 'deconv' type: 'Deconvolution' bottom: 'conv' top: 'deconv'
          convolution_param { num_output: 3 kernel_size: 3 pad: 1 weight_filler { type: 'gaussian' std: 0.3 } bias_filler { type: 'gaussian' std: 0.1 } } }
        layer { name: 'bn' type: 'BatchNorm' bottom: 'deconv' top: 'bn' }
        layer { name: 'scale' type: 'Scale' bottom: 'bn' top: 'scale'
          scale_param { bias_term: true filler { type: 'gaussian' mean: 1 std: 0.1 } bias_filler { type: 'gaussian' std: 0.1 } } }
        layer { name: 'bias' type: 'Bias' bottom: 'scale' bottom: 'bias_in' top: 'bias' }
        layer { name: 'prelu' type: 'PReLU' bottom: 'bias' top: 'prelu' }
        layer { name: 'elu' type: 'ELU' bottom: 'prelu' top: 'elu' }
        layer { name: 'lrn' type: 'LRN' bottom: 'elu' top: 'lrn' lrn_param { local_size: 3 } }
        layer { name: 'lrn2' type: 'LRN' bottom: 'lrn' top: 'lrn2' lrn_param { local_size: 3 norm_region: WITHIN_CHANNEL } }
        layer { name: 'mvn' type: 'MVN' bottom: 'lrn2' top: 'mvn' }
        layer { name: 'swish' type: 'Swish' bottom: 'mvn' top: 'swish' }
        layer { name: 'tanh' type: 'TanH' bottom: 'swish' top: 'tanh' }
        layer { name: 'bnll' type: 'BNLL' bottom: 'tanh' top: 'bnll' }
        layer { name: 'log' type: 'Log' bottom: 'bnll' top: 'log' }
        layer { name: 'exp' type: 'Exp' bottom: 'log' top: 'exp' exp_param { scale: 0.5 } }
        layer { name: 'power' type: 'Power' bottom: 'exp' top: 'power' power_param { power: 2 scale: 0.5 shift: 0.1 } }
        layer { name: 'clip' type: 'Clip' bottom: 'power' top: 'clip' clip_param { min: -100 max: 100 } }
        layer { name: 'relu' type: 'ReLU' bottom: 'clip' top: 'clip' }
        layer { name: 'abs' type: 'AbsVal' bottom: 'clip' top: 'abs' }
        layer { name: 'sigmoid' type: 'Sigmoid' bottom: 'abs' top: 'sig' }
        layer { name: 'drop' type: 'Dropout' bottom: 'sig' top: 'drop' }
        layer { name: 'pmax' type: 'Pooling' bottom: 'drop' top: 'pmax' pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
        layer { name: 'pave' type: 'Pooling' bottom: 'drop' top: 'pave' pooling_param { pool: AVE kernel_size: 2 stride: 2 } }
        layer { name: 'psto' type: 'Pooling' bottom: 'sig' top: 'psto' phase: TEST pooling_param { pool: STOCHASTIC kernel_size: 2 stride: 2 } }
        layer { name: 'spp' type: 'SPP' bottom: 'drop' top: 'spp' spp_param { pyramid_height: 2 } }
        layer { name: 'im2col' type: 'Im2col' bottom: 'pave' top: 'im2col' convolution_param { kernel_size: 2 } }
        layer { name: 'tile' type: 'Tile' bottom: 'pmax' top: 'tile' tile_param { axis: 1 tiles: 2 } }
        layer { name: 'crop' type: 'Crop' bottom: 'drop' bottom: 'pmax' top: 'crop' crop_param { axis: 2 offset: 1 } }
        layer { name: 'cat' type: 'Concat' bottom: 'tile' bottom: 'crop' bottom: 'psto' top: 'cat' }
        layer { name: 'slice' type: 'Slice' bottom: 'cat' top: 's1' top: 's2' slice_param { axis: 1 slice_point: 6 } }
        layer { name: 'prod' type: 'Eltwise' bottom: 's1' bottom: 's2' top: 'prod' eltwise_param { operation: PROD } }
        layer { name: 'emax' type: 'Eltwise' bottom: 'prod' bottom: 's1' top: 'emax' eltwise_param { operation: MAX } }
        layer { name: 'esum' type: 'Eltwise' bottom: 'emax' bottom: 's2' top: 'esum' eltwise_param { operation: SUM coeff: 1 coeff: -0.5 } }
        layer { name: 'flat' type: 'Flatten' bottom: 'esum' top: 'flat' }
        layer { name: 'reshape' type: 'Reshape' bottom: 'im2col' top: 'reshaped' reshape_param { shape { dim: 0 dim: -1 } } }
        layer { name: 'features' type: 'Concat' bottom: 'flat' bottom: 'reshaped' bottom: 'spp' top: 'feat' }
        layer { name: 'ip' type: 'InnerProduct' bottom: 'feat' top: 'ip'
          inner_product_param { num_output: 4 weight_filler { type: 'gaussian' std: 0.3 } bias_filler { type: 'gaussian' std: 0.1 } } }
        layer { name: 'ip2' type: 'InnerProduct' bottom: 'feat' top: 'ip2'
          inner_product_param { num_output: 4 weight_filler { type: 'gaussian' std: 0.3 } } }
        layer { name: 'softmax' type: 'Softmax' bottom: 'ip' top: 'prob' }
        layer { name: 'sm_loss' type: 'SoftmaxWithLoss' bottom: 'ip' bottom: 'label' top: 'sm_loss' }
        layer { name: 'mlr' type: 'MultinomialLogisticLoss' bottom: 'prob' bottom: 'label' top: 'mlr' }
        layer { name: 'infogain' type: 'InfogainLoss' bottom: 'ip' bottom: 'label' bottom: 'H' top: 'infogain' }
        layer { name: 'hinge' type: 'HingeLoss' bottom: 'ip' bottom: 'label' top: 'hinge' }
        layer { name: 'hinge2' type: 'HingeLoss' bottom: 'ip' bottom: 'label' top: 'hinge2' hinge_loss_param { norm: L2 } }
        layer { name: 'sce' type: 'SigmoidCrossEntropyLoss' bottom: 'ip' bottom: 'targets' top: 'sce' }
        layer { name: 'eucl' type: 'EuclideanLoss' bottom: 'ip' bottom: 'ip2' top: 'eucl' }
        layer { name: 'contrastive' type: 'ContrastiveLoss' bottom: 'ip' bottom: 'ip2' bottom: 'sim' top: 'contrastive' }
        layer { name: 'seq' type: 'Reshape' bottom: 'ip' top: 'seq' reshape_param { shape { dim: 2 dim: 1 dim: 4 } } }
        layer { name: 'lstm' type: 'LSTM' bottom: 'seq' bottom: 'cont' top: 'lstm'
          recurrent_param { num_output: 3 weight_filler { type: 'gaussian' std: 0.3 } bias_filler { type: 'gaussian' std: 0.1 } } }
        layer { name: 'rnn' type: 'RNN' bottom: 'seq' bottom: 'cont' top: 'rnn'
          recurrent_param { num_output: 3 weight_filler { type: 'gaussian' std: 0.3 } bias_filler { type: 'gaussian' std: 0.1 } } }
        layer { name: 'ip_gates' type: 'InnerProduct' bottom: 'ip' top: 'gates_flat'
          inner_product_param { num_output: 12 weight_filler { type: 'gaussian' std: 0.3 } } }
        layer { name: 'ip_cell' type: 'InnerProduct' bottom: 'ip2' top: 'cell_flat'
          inner_product_param { num_output: 3 weight_filler { type: 'gaussian' std: 0.3 } } }
        layer { name: 'gates' type: 'Reshape' bottom: 'gates_flat' top: 'gates' reshape_param { shape { dim: 1 dim: 2 dim: 12 } } }
        layer { name: 'cell' type: 'Reshape' bottom: 'cell_flat' top: 'c_prev' reshape_param { shape { dim: 1 dim: 2 dim: 3 } } }
        layer { name: 'unit' type: 'LSTMUnit' bottom: 'c_prev' bottom: 'gates' bottom: 'cont1' top: 'c' top: 'h' }
        layer { name: 'embed' type: 'Embed' bottom: 'index' top: 'embed'
          embed_param { num_output: 5 input_dim: 3 weight_filler { type: 'gaussian' std: 0.3 } bias_filler { type: 'gaussian' std: 0.1 } } }
        layer { name: 'reindex' type: 'BatchReindex' bottom: 'ip2' bottom: 'permute' top: 'reindexed' }
        layer { name: 'filter' type: 'Filter' bottom: 'ip2' bottom: 'select' top: 'filtered' }
        layer { name: 'r_sum' type: 'Reduction' bottom: 'lstm' top: 'r_sum' loss_weight: 0.1 }
        layer { name: 'r_asum' type: 'Reduction' bottom: 'rnn' top: 'r_asum' loss_weight: 0.1 reduction_param { operation: ASUM } }
        layer { name: 'r_sumsq' type: 'Reduction' bottom: 'h' top: 'r_sumsq' loss_weight: 0.1 reduction_param { operation: SUMSQ } }
        layer { name: 'r_mean' type: 'Reduction' bottom: 'c' top: 'r_mean' loss_weight: 0.1 reduction_param { operation: MEAN } }
        layer { name: 'r_embed' type: 'Reduction' bottom: 'embed' top: 'r_embed' loss_weight: 0.1 reduction_param { operation: SUMSQ coeff: 0.5 } }
        layer { name: 'r_reindex' type: 'Reduction' bottom: 'reindexed' top: 'r_reindex' loss_weight: 0.1 reduction_param { operation: SUMSQ } }
        layer { name: 'r_filter' type: 'Reduction' bottom: 'filtered' top: 'r_filter' loss_weight: 0.1 reduction_param { operation: SUMSQ } }
        layer { name: 'accuracy' type: 'Accuracy' bottom: 'prob' bottom: 'label' top: 'accuracy' }
        layer { name: 'argmax' type: 'ArgMax' bottom: 'prob' top: 'argmax' }
        layer { name: 'threshold' type: 'Threshold' bottom: 'prob' top: 'threshold' threshold_param { threshold: 0.25 } }
        layer { name: 'silence' type: 'Silence' bottom: 'argmax' bottom: 'threshold' }
        """;

    /// <summary>The types the all-layers net uses.</summary>
    internal static IEnumerable<string> UsedTypes() => TextFormat.Parse<NetParameter>(Prototxt).Layer.Select(l => l.Type);

    private static Net BuildNet()
    {
        Rng.SetRandomSeed(1701);
        NetParameter param = TextFormat.Parse<NetParameter>(Prototxt);
        param.State = new NetState { Phase = Phase.Train };
        var net = new Net(param);
        Rng.FillGaussian(net.Params["x"][0].Data, 0, 1);
        float[][] inputs =
        [
            [1, 2],          // label
            [0, 1],          // cont: a new sequence starts at t = 0
            [2, 0],          // index (Embed)
            [1, 0, 1],       // permute (BatchReindex)
            [1, 0],          // select (Filter)
            [1, 0],          // sim (ContrastiveLoss)
            [1, 0],          // cont1 (LSTMUnit)
        ];
        string[] names = ["label", "cont", "index", "permute", "select", "sim", "cont1"];
        for (int i = 0; i < names.Length; i++) inputs[i].CopyTo(net.Blobs[names[i]].Data);
        return net;
    }

    // The objective: the net's weighted losses summed in double (a float sum would quantize the finite
    // differences), with dropout's mask fixed by reseeding.
    private static double Loss(Net net)
    {
        Rng.SetRandomSeed(42);
        net.ForwardLoss();
        double loss = 0;
        foreach ((string blob, float weight) in net.BlobLossWeights)
            if (weight != 0) loss += weight * (double)net.Blobs[blob].Data[0];
        return loss;
    }

    [TestMethod]
    public void RegistryHoldsEveryBvlcType()
    {
        IReadOnlyList<string> ours = LayerRegistry.TypeList;
        string[] missing = BvlcTypes.Where(t => !ours.Contains(t)).ToArray();
        Assert.AreEqual(0, missing.Length, $"missing layer types: {string.Join(", ", missing)}");
    }

    [TestMethod]
    public void EveryDifferentiableTypeAppearsInTheNet()
    {
        NetParameter param = TextFormat.Parse<NetParameter>(Prototxt);
        var used = param.Layer.Select(l => l.Type).Append("Split").ToHashSet();
        string[] dataTypes = ["Data", "HDF5Data", "HDF5Output", "ImageData", "MemoryData", "WindowData", "Python"];
        string[] absent = BvlcTypes.Where(t => !used.Contains(t) && !dataTypes.Contains(t)).ToArray();
        Assert.AreEqual(0, absent.Length, $"types not in the all-layers net: {string.Join(", ", absent)}");
    }

    [TestMethod]
    public void EveryGradientThroughTheWholeNetIsRight()
    {
        Net net = BuildNet();
        CollectionAssert.Contains(net.LayerNames.ToArray(), "s1_slice_0_split", "Caffe's automatic splits are part of the check");
        Loss(net);
        net.ClearParamDiffs();
        Rng.SetRandomSeed(42);
        net.ForwardBackward();
        const float step = 1e-3f;
        double center = Loss(net);
        int checkedCount = 0;
        for (int p = 0; p < net.LearnableParams.Count; p++)
        {
            if (net.ParamsLr[p] == 0) continue;
            Blob blob = net.LearnableParams[p];
            float[] analytic = blob.Diff.ToArray();
            for (int i = 0; i < blob.Count; i++)
            {
                float original = blob.Data[i];
                blob.Data[i] = original + step;
                double plus = Loss(net);
                blob.Data[i] = original - step;
                double minus = Loss(net);
                blob.Data[i] = original;
                double scale = Math.Max(1, Math.Abs(analytic[i]));
                bool Close(double numeric) => Math.Abs(numeric - analytic[i]) <= 2e-2 * Math.Max(scale, Math.Abs(numeric));
                // Central difference; where a kink (ReLU-like max, hinge) lies within the step, the analytic
                // derivative is the one-sided derivative on its own side of the kink.
                bool ok = Close((plus - minus) / (2 * step)) || Close((plus - center) / step) || Close((center - minus) / step);
                Assert.IsTrue(ok, $"learnable param {p} ({ParamOwner(net, blob)}) element {i}: analytic {analytic[i]}, " +
                                  $"numeric {(plus - minus) / (2 * step)} (one-sided {(center - minus) / step}, {(plus - center) / step})");
                checkedCount++;
            }
        }
        Assert.IsTrue(checkedCount > 500, $"only {checkedCount} parameters were checked");
    }

    private static string ParamOwner(Net net, Blob blob) =>
        net.Params.FirstOrDefault(p => p.Value.Contains(blob)).Key ?? "?";
}
