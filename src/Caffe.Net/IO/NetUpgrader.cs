namespace Caffe;

/// <summary>
/// Brings nets written for older Caffe versions to the current format, as BVLC's <c>upgrade_proto.cpp</c>:
/// every reader of prototxts and caffemodels runs <see cref="UpgradeNetAsNeeded"/> and logs what it changed.
/// The formats, oldest first: V0 (<c>layers { layer { type: "conv" } }</c>), V1 (<c>layers { type: CONVOLUTION }</c>),
/// V2 (<c>layer { type: "Convolution" }</c>); plus deprecated data-transformation fields, <c>input</c> fields and
/// old BatchNorm parameter specs. docs/file-formats.md shows each upgrade with an example.
/// </summary>
public static partial class NetUpgrader
{
    /// <summary>
    /// True when <see cref="UpgradeNetAsNeeded"/> would change anything (Caffe's <c>NetNeedsUpgrade</c>, as
    /// <c>upgrade_net_proto_text</c> uses it).
    /// </summary>
    public static bool NetNeedsUpgrade(NetParameter param) =>
        NetNeedsV0ToV1Upgrade(param) || NetNeedsV1ToV2Upgrade(param) || NetNeedsDataUpgrade(param)
        || NetNeedsInputUpgrade(param) || NetNeedsBatchNormUpgrade(param);

    /// <summary>
    /// Applies every upgrade <paramref name="param"/> needs, in Caffe's order (V0→V1, data transformation,
    /// V1→V2, input fields, BatchNorm), changing it in place, and returns it. Each step logs Caffe's lines.
    /// </summary>
    /// <param name="param">The net as read; modified in place.</param>
    /// <param name="source">The file it came from, named in log lines and errors.</param>
    /// <exception cref="UpgradeException">The net cannot be upgraded faithfully (the message names the source and layer).</exception>
    public static NetParameter UpgradeNetAsNeeded(NetParameter param, string source)
    {
        ArgumentNullException.ThrowIfNull(param);
        try
        {
            UpgradeSteps(param, source);
        }
        catch (UpgradeException e) when (e.FileName == null)
        {
            throw e.WithFile(source);
        }
        return param;
    }

    private static void UpgradeSteps(NetParameter param, string source)
    {
        if (NetNeedsV0ToV1Upgrade(param))
        {
            CaffeLog.Info($"Attempting to upgrade input file specified using deprecated V0LayerParameter: {source}");
            Replace(param, UpgradeV0Net(param));
            CaffeLog.Info("Successfully upgraded file specified using deprecated V0LayerParameter");
            CaffeLog.Warning("Note that future Caffe releases will not support V0NetParameter; use " +
                             "`caffe upgrade_net_proto_text` for prototxt and `caffe upgrade_net_proto_binary` " +
                             "for model weights to upgrade this and any other net protos to the new format.");
        }
        if (NetNeedsDataUpgrade(param))
        {
            CaffeLog.Info($"Attempting to upgrade input file specified using deprecated transformation parameters: {source}");
            UpgradeNetDataTransformation(param);
            CaffeLog.Info("Successfully upgraded file specified using deprecated data transformation parameters.");
            CaffeLog.Warning("Note that future Caffe releases will only support transform_param messages for transformation fields.");
        }
        if (NetNeedsV1ToV2Upgrade(param))
        {
            CaffeLog.Info($"Attempting to upgrade input file specified using deprecated V1LayerParameter: {source}");
            // UpgradeV1Net changes nothing but these two fields (and refuses a net whose 'layer' is not empty).
            NetParameter upgraded = UpgradeV1Net(param);
            param.Layers.Clear();
            param.Layer.Add(upgraded.Layer);
            CaffeLog.Info("Successfully upgraded file specified using deprecated V1LayerParameter");
        }
        if (NetNeedsInputUpgrade(param))
        {
            CaffeLog.Info($"Attempting to upgrade input file specified using deprecated input fields: {source}");
            UpgradeNetInput(param);
            CaffeLog.Info("Successfully upgraded file specified using deprecated input fields.");
            CaffeLog.Warning("Note that future Caffe releases will only support input layers and not input fields.");
        }
        if (NetNeedsBatchNormUpgrade(param))
        {
            CaffeLog.Info($"Attempting to upgrade batch norm layers using deprecated params: {source}");
            UpgradeNetBatchNorm(param);
            CaffeLog.Info("Successfully upgraded batch norm layers using deprecated params.");
        }
    }

    private static void Replace(NetParameter target, NetParameter upgraded)
    {
        foreach (Google.Protobuf.Reflection.FieldDescriptor field in NetParameter.Descriptor.Fields.InFieldNumberOrder())
            field.Accessor.Clear(target);
        target.MergeFrom(upgraded);
    }

    /// <summary>
    /// True when a V1 Data, ImageData or WindowData layer still sets <c>scale</c>, <c>mean_file</c>,
    /// <c>crop_size</c> or <c>mirror</c> in its own parameters instead of <c>transform_param</c>.
    /// </summary>
    public static bool NetNeedsDataUpgrade(NetParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        foreach (V1LayerParameter layer in param.Layers)
        {
            bool needs = layer.Type switch
            {
                V1LayerParameter.Types.LayerType.Data => layer.DataParam is { } p
                    && (p.HasScale || p.HasMeanFile || p.HasCropSize || p.HasMirror),
                V1LayerParameter.Types.LayerType.ImageData => layer.ImageDataParam is { } p
                    && (p.HasScale || p.HasMeanFile || p.HasCropSize || p.HasMirror),
                V1LayerParameter.Types.LayerType.WindowData => layer.WindowDataParam is { } p
                    && (p.HasScale || p.HasMeanFile || p.HasCropSize || p.HasMirror),
                _ => false,
            };
            if (needs) return true;
        }
        return false;
    }

    /// <summary>
    /// Moves <c>scale</c>, <c>mean_file</c>, <c>crop_size</c> and <c>mirror</c> of V1 Data, ImageData and
    /// WindowData layers into their <c>transform_param</c>.
    /// </summary>
    public static void UpgradeNetDataTransformation(NetParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        foreach (V1LayerParameter layer in param.Layers)
        {
            // Caffe creates both messages on every layer of these types, even when nothing moves; a layer
            // with no transformation fields thus gains an empty transform_param, as in Caffe's output.
            switch (layer.Type)
            {
                case V1LayerParameter.Types.LayerType.Data:
                {
                    DataParameter p = layer.DataParam ??= new DataParameter();
                    TransformationParameter t = layer.TransformParam ??= new TransformationParameter();
                    if (p.HasScale) { t.Scale = p.Scale; p.ClearScale(); }
                    if (p.HasMeanFile) { t.MeanFile = p.MeanFile; p.ClearMeanFile(); }
                    if (p.HasCropSize) { t.CropSize = p.CropSize; p.ClearCropSize(); }
                    if (p.HasMirror) { t.Mirror = p.Mirror; p.ClearMirror(); }
                    break;
                }
                case V1LayerParameter.Types.LayerType.ImageData:
                {
                    ImageDataParameter p = layer.ImageDataParam ??= new ImageDataParameter();
                    TransformationParameter t = layer.TransformParam ??= new TransformationParameter();
                    if (p.HasScale) { t.Scale = p.Scale; p.ClearScale(); }
                    if (p.HasMeanFile) { t.MeanFile = p.MeanFile; p.ClearMeanFile(); }
                    if (p.HasCropSize) { t.CropSize = p.CropSize; p.ClearCropSize(); }
                    if (p.HasMirror) { t.Mirror = p.Mirror; p.ClearMirror(); }
                    break;
                }
                case V1LayerParameter.Types.LayerType.WindowData:
                {
                    WindowDataParameter p = layer.WindowDataParam ??= new WindowDataParameter();
                    TransformationParameter t = layer.TransformParam ??= new TransformationParameter();
                    if (p.HasScale) { t.Scale = p.Scale; p.ClearScale(); }
                    if (p.HasMeanFile) { t.MeanFile = p.MeanFile; p.ClearMeanFile(); }
                    if (p.HasCropSize) { t.CropSize = p.CropSize; p.ClearCropSize(); }
                    if (p.HasMirror) { t.Mirror = p.Mirror; p.ClearMirror(); }
                    break;
                }
            }
        }
    }

    /// <summary>True when the net declares its inputs with the old <c>input</c>/<c>input_dim</c>/<c>input_shape</c> fields.</summary>
    public static bool NetNeedsInputUpgrade(NetParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        return param.Input.Count > 0;
    }

    /// <summary>
    /// Turns <c>input</c> fields into an <c>Input</c> layer named "input" placed first. A net with inputs but no
    /// shapes (an old caffemodel) just loses the fields.
    /// </summary>
    /// <exception cref="UpgradeException">The number of shapes does not match the number of inputs.</exception>
    public static void UpgradeNetInput(NetParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        bool hasShape = param.InputShape.Count > 0;
        bool hasDim = param.InputDim.Count > 0;
        if (hasShape || hasDim)
        {
            if (hasShape ? param.InputShape.Count != param.Input.Count : param.InputDim.Count != 4 * param.Input.Count)
                throw new UpgradeException(null, null,
                    $"the net has {param.Input.Count} input(s) but {param.InputShape.Count} input_shape(s) " +
                    $"and {param.InputDim.Count} input_dim(s); give one input_shape or four input_dim per input.");
            var layer = new LayerParameter { Name = "input", Type = "Input", InputParam = new InputParameter() };
            for (int i = 0; i < param.Input.Count; i++)
            {
                layer.Top.Add(param.Input[i]);
                if (hasShape)
                {
                    layer.InputParam.Shape.Add(param.InputShape[i].Clone());
                }
                else
                {
                    var shape = new BlobShape();
                    for (int j = 4 * i; j < 4 * i + 4; j++) shape.Dim.Add(param.InputDim[j]);
                    layer.InputParam.Shape.Add(shape);
                }
            }
            param.Layer.Insert(0, layer);
        }
        param.Input.Clear();
        param.InputShape.Clear();
        param.InputDim.Clear();
    }

    /// <summary>
    /// True when a BatchNorm layer declares three <c>param</c> specs, as the first BatchNorm definition required
    /// (its mean, variance and scale-factor blobs are statistics, not learned).
    /// </summary>
    public static bool NetNeedsBatchNormUpgrade(NetParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        return param.Layer.Any(IsOldBatchNorm);
    }

    /// <summary>
    /// Sets <c>lr_mult</c> and <c>decay_mult</c> to 0 on the three param specs of old BatchNorm layers, keeping
    /// everything else in them, as BVLC Caffe master does (releases before 2017 removed the specs instead).
    /// </summary>
    public static void UpgradeNetBatchNorm(NetParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        foreach (LayerParameter layer in param.Layer.Where(IsOldBatchNorm))
        {
            foreach (ParamSpec spec in layer.Param)
            {
                spec.LrMult = 0f;
                spec.DecayMult = 0f;
            }
        }
    }

    private static bool IsOldBatchNorm(LayerParameter layer) => layer.Type == "BatchNorm" && layer.Param.Count == 3;
}
