namespace Caffe;

/// <summary>
/// Maps Caffe type strings (<c>type: "Convolution"</c>) to layer constructors. Built-in types are listed
/// explicitly below; user layers are added with <see cref="Register"/> (BVLC's <c>REGISTER_LAYER_CLASS</c>), or
/// as Python layers (<c>type: "Python"</c>, see <see cref="RegisterPython"/>).
/// </summary>
public static partial class LayerRegistry
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, Func<LayerParameter, Layer>> Creators = BuiltIn();

    /// <summary>Every registered type string, sorted (pycaffe <c>caffe.layer_type_list()</c>).</summary>
    public static IReadOnlyList<string> TypeList
    {
        get
        {
            lock (Gate) return [.. Creators.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Registers a layer type; registering a type string twice is an error.</summary>
    public static void Register(string type, Func<LayerParameter, Layer> creator)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        lock (Gate)
        {
            if (!Creators.TryAdd(type, creator))
                throw new ArgumentException($"Layer type '{type}' is already registered.", nameof(type));
        }
    }

    /// <summary>True when <paramref name="type"/> is registered.</summary>
    public static bool IsRegistered(string type)
    {
        lock (Gate) return Creators.ContainsKey(type);
    }

    /// <summary>Creates a layer for <paramref name="param"/>; an unknown type names the known ones.</summary>
    public static Layer CreateLayer(LayerParameter param)
    {
        Func<LayerParameter, Layer>? creator;
        lock (Gate) Creators.TryGetValue(param.Type, out creator);
        if (creator == null)
        {
            throw new LayerException(param.Name, param.Type,
                $"unknown layer type '{param.Type}' (known types: {string.Join(", ", TypeList)}).");
        }
        return creator(param);
    }

    private static Dictionary<string, Func<LayerParameter, Layer>> BuiltIn() => new(StringComparer.Ordinal)
    {
        ["AbsVal"] = p => new AbsValLayer(p),
        ["Accuracy"] = p => new AccuracyLayer(p),
        ["ArgMax"] = p => new ArgMaxLayer(p),
        ["BatchNorm"] = p => new BatchNormLayer(p),
        ["BatchReindex"] = p => new BatchReindexLayer(p),
        ["Bias"] = p => new BiasLayer(p),
        ["BNLL"] = p => new BNLLLayer(p),
        ["Clip"] = p => new ClipLayer(p),
        ["Concat"] = p => new ConcatLayer(p),
        ["ContrastiveLoss"] = p => new ContrastiveLossLayer(p),
        ["Convolution"] = p => new ConvolutionLayer(p),
        ["Crop"] = p => new CropLayer(p),
        ["Data"] = p => new DataLayer(p),
        ["Deconvolution"] = p => new DeconvolutionLayer(p),
        ["Dropout"] = p => new DropoutLayer(p),
        ["DummyData"] = p => new DummyDataLayer(p),
        ["Eltwise"] = p => new EltwiseLayer(p),
        ["ELU"] = p => new ELULayer(p),
        ["Embed"] = p => new EmbedLayer(p),
        ["EuclideanLoss"] = p => new EuclideanLossLayer(p),
        ["Exp"] = p => new ExpLayer(p),
        ["Filter"] = p => new FilterLayer(p),
        ["Flatten"] = p => new FlattenLayer(p),
        ["HDF5Data"] = p => new HDF5DataLayer(p),
        ["HDF5Output"] = p => new HDF5OutputLayer(p),
        ["HingeLoss"] = p => new HingeLossLayer(p),
        ["Im2col"] = p => new Im2colLayer(p),
        ["ImageData"] = p => new ImageDataLayer(p),
        ["InfogainLoss"] = p => new InfogainLossLayer(p),
        ["InnerProduct"] = p => new InnerProductLayer(p),
        ["Input"] = p => new InputLayer(p),
        ["Log"] = p => new LogLayer(p),
        ["LRN"] = p => new LRNLayer(p),
        ["LSTM"] = p => new LSTMLayer(p),
        ["LSTMUnit"] = p => new LSTMUnitLayer(p),
        ["MemoryData"] = p => new MemoryDataLayer(p),
        ["MultinomialLogisticLoss"] = p => new MultinomialLogisticLossLayer(p),
        ["MVN"] = p => new MVNLayer(p),
        ["Parameter"] = p => new ParameterLayer(p),
        ["Pooling"] = p => new PoolingLayer(p),
        ["Power"] = p => new PowerLayer(p),
        ["PReLU"] = p => new PReLULayer(p),
        ["Python"] = CreatePythonLayer,
        ["Reduction"] = p => new ReductionLayer(p),
        ["ReLU"] = p => new ReLULayer(p),
        ["Reshape"] = p => new ReshapeLayer(p),
        ["RNN"] = p => new RNNLayer(p),
        ["Scale"] = p => new ScaleLayer(p),
        ["Sigmoid"] = p => new SigmoidLayer(p),
        ["SigmoidCrossEntropyLoss"] = p => new SigmoidCrossEntropyLossLayer(p),
        ["Silence"] = p => new SilenceLayer(p),
        ["Slice"] = p => new SliceLayer(p),
        ["Softmax"] = p => new SoftmaxLayer(p),
        ["SoftmaxWithLoss"] = p => new SoftmaxWithLossLayer(p),
        ["Split"] = p => new SplitLayer(p),
        ["SPP"] = p => new SPPLayer(p),
        ["Swish"] = p => new SwishLayer(p),
        ["TanH"] = p => new TanHLayer(p),
        ["Threshold"] = p => new ThresholdLayer(p),
        ["Tile"] = p => new TileLayer(p),
        ["WindowData"] = p => new WindowDataLayer(p),
    };
}
