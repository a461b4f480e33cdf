using System.Collections;

namespace Caffe;

/// <summary>
/// pycaffe's <c>caffe.layers</c> (<c>L</c>): one method per BVLC layer type, each making a <see cref="LayerFunction"/>.
/// Arguments are the bottom tops, then optionally the keyword parameters as an anonymous object or dictionary:
/// <c>L.Convolution(n["data"], new { kernel_size = 5, num_output = 20, weight_filler = new { type = "xavier" } })</c>.
/// Keywords are caffe.proto field names (snake_case); <c>ntop</c> sets the number of tops (default 1) and
/// <c>in_place = true</c> makes the tops the bottoms. <see cref="Layer"/> makes a layer of any other type.
/// </summary>
public static class L
{
    /// <summary>
    /// A layer of type <paramref name="type"/> (pycaffe <c>getattr(L, type)(*args, **kwargs)</c>): bottoms (tops,
    /// single-top layers, or sequences of them), then an optional parameters object.
    /// </summary>
    /// <exception cref="ArgumentException">An argument is not a top, or a keyword is not a field (the message names the layer type and keyword).</exception>
    public static LayerFunction Layer(string type, params object?[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(args);
        var inputs = new List<Top>();
        List<KeyValuePair<string, object?>> parameters = [];
        for (int i = 0; i < args.Length; i++)
        {
            object? arg = args[i];
            switch (arg)
            {
                case NetSpecItem item:
                    inputs.Add(item.AsTop($"{type} input {inputs.Count}"));
                    break;
                case IEnumerable<NetSpecItem> items:
                    foreach (NetSpecItem item in items) inputs.Add(item.AsTop($"{type} input {inputs.Count}"));
                    break;
                case null:
                    throw new ArgumentException($"{type} argument {i} is null.");
                default:
                    if (i != args.Length - 1 || arg is string || arg.GetType().IsPrimitive || (arg is IEnumerable && arg is not IDictionary))
                        throw new ArgumentException(
                            $"{type} input {inputs.Count} is not a Top (type is {arg.GetType().Name}); only the last argument may hold the parameters.");
                    parameters = ProtoAssigner.Keywords(arg, type);
                    break;
            }
        }
        return new LayerFunction(type, inputs, parameters);
    }


    /// <summary>A <c>AbsVal</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction AbsVal(params object?[] args) => Layer("AbsVal", args);

    /// <summary>A <c>Accuracy</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Accuracy(params object?[] args) => Layer("Accuracy", args);

    /// <summary>A <c>ArgMax</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction ArgMax(params object?[] args) => Layer("ArgMax", args);

    /// <summary>A <c>BatchNorm</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction BatchNorm(params object?[] args) => Layer("BatchNorm", args);

    /// <summary>A <c>BatchReindex</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction BatchReindex(params object?[] args) => Layer("BatchReindex", args);

    /// <summary>A <c>Bias</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Bias(params object?[] args) => Layer("Bias", args);

    /// <summary>A <c>BNLL</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction BNLL(params object?[] args) => Layer("BNLL", args);

    /// <summary>A <c>Clip</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Clip(params object?[] args) => Layer("Clip", args);

    /// <summary>A <c>Concat</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Concat(params object?[] args) => Layer("Concat", args);

    /// <summary>A <c>ContrastiveLoss</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction ContrastiveLoss(params object?[] args) => Layer("ContrastiveLoss", args);

    /// <summary>A <c>Convolution</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Convolution(params object?[] args) => Layer("Convolution", args);

    /// <summary>A <c>Crop</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Crop(params object?[] args) => Layer("Crop", args);

    /// <summary>A <c>Data</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Data(params object?[] args) => Layer("Data", args);

    /// <summary>A <c>Deconvolution</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Deconvolution(params object?[] args) => Layer("Deconvolution", args);

    /// <summary>A <c>Dropout</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Dropout(params object?[] args) => Layer("Dropout", args);

    /// <summary>A <c>DummyData</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction DummyData(params object?[] args) => Layer("DummyData", args);

    /// <summary>A <c>Eltwise</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Eltwise(params object?[] args) => Layer("Eltwise", args);

    /// <summary>A <c>ELU</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction ELU(params object?[] args) => Layer("ELU", args);

    /// <summary>A <c>Embed</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Embed(params object?[] args) => Layer("Embed", args);

    /// <summary>A <c>EuclideanLoss</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction EuclideanLoss(params object?[] args) => Layer("EuclideanLoss", args);

    /// <summary>A <c>Exp</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Exp(params object?[] args) => Layer("Exp", args);

    /// <summary>A <c>Filter</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Filter(params object?[] args) => Layer("Filter", args);

    /// <summary>A <c>Flatten</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Flatten(params object?[] args) => Layer("Flatten", args);

    /// <summary>A <c>HDF5Data</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction HDF5Data(params object?[] args) => Layer("HDF5Data", args);

    /// <summary>A <c>HDF5Output</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction HDF5Output(params object?[] args) => Layer("HDF5Output", args);

    /// <summary>A <c>HingeLoss</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction HingeLoss(params object?[] args) => Layer("HingeLoss", args);

    /// <summary>A <c>Im2col</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Im2col(params object?[] args) => Layer("Im2col", args);

    /// <summary>A <c>ImageData</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction ImageData(params object?[] args) => Layer("ImageData", args);

    /// <summary>A <c>InfogainLoss</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction InfogainLoss(params object?[] args) => Layer("InfogainLoss", args);

    /// <summary>A <c>InnerProduct</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction InnerProduct(params object?[] args) => Layer("InnerProduct", args);

    /// <summary>A <c>Input</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Input(params object?[] args) => Layer("Input", args);

    /// <summary>A <c>Log</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Log(params object?[] args) => Layer("Log", args);

    /// <summary>A <c>LRN</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction LRN(params object?[] args) => Layer("LRN", args);

    /// <summary>A <c>LSTM</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction LSTM(params object?[] args) => Layer("LSTM", args);

    /// <summary>A <c>LSTMUnit</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction LSTMUnit(params object?[] args) => Layer("LSTMUnit", args);

    /// <summary>A <c>MemoryData</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction MemoryData(params object?[] args) => Layer("MemoryData", args);

    /// <summary>A <c>MultinomialLogisticLoss</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction MultinomialLogisticLoss(params object?[] args) => Layer("MultinomialLogisticLoss", args);

    /// <summary>A <c>MVN</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction MVN(params object?[] args) => Layer("MVN", args);

    /// <summary>A <c>Parameter</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Parameter(params object?[] args) => Layer("Parameter", args);

    /// <summary>A <c>Pooling</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Pooling(params object?[] args) => Layer("Pooling", args);

    /// <summary>A <c>Power</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Power(params object?[] args) => Layer("Power", args);

    /// <summary>A <c>PReLU</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction PReLU(params object?[] args) => Layer("PReLU", args);

    /// <summary>A <c>Python</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Python(params object?[] args) => Layer("Python", args);

    /// <summary>A <c>Recurrent</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Recurrent(params object?[] args) => Layer("Recurrent", args);

    /// <summary>A <c>Reduction</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Reduction(params object?[] args) => Layer("Reduction", args);

    /// <summary>A <c>ReLU</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction ReLU(params object?[] args) => Layer("ReLU", args);

    /// <summary>A <c>Reshape</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Reshape(params object?[] args) => Layer("Reshape", args);

    /// <summary>A <c>RNN</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction RNN(params object?[] args) => Layer("RNN", args);

    /// <summary>A <c>Scale</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Scale(params object?[] args) => Layer("Scale", args);

    /// <summary>A <c>Sigmoid</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Sigmoid(params object?[] args) => Layer("Sigmoid", args);

    /// <summary>A <c>SigmoidCrossEntropyLoss</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction SigmoidCrossEntropyLoss(params object?[] args) => Layer("SigmoidCrossEntropyLoss", args);

    /// <summary>A <c>Silence</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Silence(params object?[] args) => Layer("Silence", args);

    /// <summary>A <c>Slice</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Slice(params object?[] args) => Layer("Slice", args);

    /// <summary>A <c>Softmax</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Softmax(params object?[] args) => Layer("Softmax", args);

    /// <summary>A <c>SoftmaxWithLoss</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction SoftmaxWithLoss(params object?[] args) => Layer("SoftmaxWithLoss", args);

    /// <summary>A <c>Split</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Split(params object?[] args) => Layer("Split", args);

    /// <summary>A <c>SPP</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction SPP(params object?[] args) => Layer("SPP", args);

    /// <summary>A <c>Swish</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Swish(params object?[] args) => Layer("Swish", args);

    /// <summary>A <c>TanH</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction TanH(params object?[] args) => Layer("TanH", args);

    /// <summary>A <c>Threshold</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Threshold(params object?[] args) => Layer("Threshold", args);

    /// <summary>A <c>Tile</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction Tile(params object?[] args) => Layer("Tile", args);

    /// <summary>A <c>WindowData</c> layer: bottoms, then optional parameters (see <see cref="L"/>).</summary>
    public static LayerFunction WindowData(params object?[] args) => Layer("WindowData", args);
}
