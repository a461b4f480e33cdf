namespace Caffe.Examples.MultiLabel;

/// <summary>
/// The notebook's Python data layer <c>pascal_multilabel_datalayers.PascalMultilabelDataLayerSync</c> in C#, found
/// by a prototxt's
/// <code>
/// layer { name: "data" type: "Python" top: "data" top: "label"
///         python_param { module: "pascal_multilabel_datalayers" layer: "PascalMultilabelDataLayerSync"
///                        param_str: "{'batch_size': 32, 'im_shape': [64, 64], 'split': 'train', 'pascal_root': '...'}" } }
/// </code>
/// Setup parses <c>param_str</c> (<see cref="DataLayerParams.Parse"/>), creates the <see cref="BatchLoader"/>
/// and shapes the tops once — <c>data</c> batch×3×H×W, <c>label</c> batch×classes — because the image size is
/// fixed; forward fills both with the next images; there is no backward. Synchronous: the images of a batch are
/// loaded inside the forward pass (the Python module's Async variant, which prefetches on a thread, is not ported).
/// </summary>
[PythonLayer("pascal_multilabel_datalayers", "PascalMultilabelDataLayerSync")]
public sealed class PascalMultilabelDataLayerSync(LayerParameter param) : PythonLayer(param)
{
    private BatchLoader? _loader;
    private DataLayerParams? _params;
    private readonly List<string> _batchIds = [];

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 0;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 2;

    /// <summary>The parameters read from <c>param_str</c> (set by setup).</summary>
    public DataLayerParams Parameters => _params ?? throw Error("the layer is not set up.");

    /// <summary>The batch loader (set by setup).</summary>
    public BatchLoader Loader => _loader ?? throw Error("the layer is not set up.");

    /// <summary>The image ids of the batch the last forward loaded, in top order.</summary>
    public IReadOnlyList<string> BatchIds => _batchIds;

    /// <summary>pycaffe <c>setup</c>: reads <c>param_str</c>, creates the loader, shapes the two tops.</summary>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        _params = DataLayerParams.Parse(ParamStr);
        _loader = new BatchLoader(_params);
        top[0].Reshape(_params.BatchSize, 3, _params.Height, _params.Width);
        top[1].Reshape(_params.BatchSize, _loader.ClassNames.Count);
        CaffeLog.Info($"{LayerClass} initialized for split: {_params.Split}, with bs: {_params.BatchSize}, " +
                      $"im_shape: [{_params.Height}, {_params.Width}], {_loader.Count} images, {_loader.ClassNames.Count} classes.");
    }

    /// <summary>pycaffe <c>reshape</c>: nothing to do, the tops keep the shape setup gave them.</summary>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) { }

    /// <summary>pycaffe <c>forward</c>: loads <c>batch_size</c> images into <c>data</c> and their labels into <c>label</c>.</summary>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Span<float> data = top[0].Data, label = top[1].Data;
        int imageSize = top[0].Count / top[0].Num, classes = top[1].Count / top[1].Num;
        _batchIds.Clear();
        for (int i = 0; i < Parameters.BatchSize; i++)
        {
            LoadedImage image = Loader.LoadNextImage();
            image.Data.Data.CopyTo(data.Slice(i * imageSize, imageSize));
            image.Labels.CopyTo(label.Slice(i * classes, classes));
            _batchIds.Add(image.Id);
        }
    }

    /// <summary>pycaffe <c>backward</c>: a data layer propagates nothing.</summary>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) { }
}
