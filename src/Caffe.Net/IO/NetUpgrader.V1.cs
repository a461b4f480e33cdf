using V1Type = Caffe.V1LayerParameter.Types.LayerType;

namespace Caffe;

// V1 → V2: `layers { type: CONVOLUTION blobs_lr: 1 }` becomes `layer { type: "Convolution" param { lr_mult: 1 } }`.
public static partial class NetUpgrader
{
    private static readonly IReadOnlyDictionary<V1Type, string> V1Types = new Dictionary<V1Type, string>
    {
        [V1Type.None] = "",
        [V1Type.Absval] = "AbsVal",
        [V1Type.Accuracy] = "Accuracy",
        [V1Type.Argmax] = "ArgMax",
        [V1Type.Bnll] = "BNLL",
        [V1Type.Concat] = "Concat",
        [V1Type.ContrastiveLoss] = "ContrastiveLoss",
        [V1Type.Convolution] = "Convolution",
        [V1Type.Deconvolution] = "Deconvolution",
        [V1Type.Data] = "Data",
        [V1Type.Dropout] = "Dropout",
        [V1Type.DummyData] = "DummyData",
        [V1Type.EuclideanLoss] = "EuclideanLoss",
        [V1Type.Eltwise] = "Eltwise",
        [V1Type.Exp] = "Exp",
        [V1Type.Flatten] = "Flatten",
        [V1Type.Hdf5Data] = "HDF5Data",
        [V1Type.Hdf5Output] = "HDF5Output",
        [V1Type.HingeLoss] = "HingeLoss",
        [V1Type.Im2Col] = "Im2col",
        [V1Type.ImageData] = "ImageData",
        [V1Type.InfogainLoss] = "InfogainLoss",
        [V1Type.InnerProduct] = "InnerProduct",
        [V1Type.Lrn] = "LRN",
        [V1Type.MemoryData] = "MemoryData",
        [V1Type.MultinomialLogisticLoss] = "MultinomialLogisticLoss",
        [V1Type.Mvn] = "MVN",
        [V1Type.Pooling] = "Pooling",
        [V1Type.Power] = "Power",
        [V1Type.Relu] = "ReLU",
        [V1Type.Sigmoid] = "Sigmoid",
        [V1Type.SigmoidCrossEntropyLoss] = "SigmoidCrossEntropyLoss",
        [V1Type.Silence] = "Silence",
        [V1Type.Softmax] = "Softmax",
        [V1Type.SoftmaxLoss] = "SoftmaxWithLoss",
        [V1Type.Split] = "Split",
        [V1Type.Slice] = "Slice",
        [V1Type.Tanh] = "TanH",
        [V1Type.WindowData] = "WindowData",
        [V1Type.Threshold] = "Threshold",
    };

    /// <summary>True when the net still uses the V1 <c>layers</c> field (Caffe's <c>NetNeedsV1ToV2Upgrade</c>).</summary>
    public static bool NetNeedsV1ToV2Upgrade(NetParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        return param.Layers.Count > 0;
    }

    /// <summary>
    /// Upgrades a V1 net to the current format: every entry of <c>layers</c> becomes an entry of <c>layer</c>
    /// (<see cref="UpgradeV1LayerParameter"/>); all other net fields are kept.
    /// </summary>
    /// <returns>A new net that shares the weight blob protos of <paramref name="v1Net"/>, which is otherwise not changed.</returns>
    /// <exception cref="UpgradeException">
    /// The net uses both <c>layer</c> and <c>layers</c> (Caffe drops the <c>layer</c> entries), or a layer cannot
    /// be upgraded.
    /// </exception>
    public static NetParameter UpgradeV1Net(NetParameter v1Net)
    {
        ArgumentNullException.ThrowIfNull(v1Net);
        if (v1Net.Layer.Count > 0)
            throw new UpgradeException(null, null,
                $"the net has both current 'layer' entries ({v1Net.Layer.Count}, the first named '{v1Net.Layer[0].Name}') " +
                $"and deprecated V1 'layers' entries ({v1Net.Layers.Count}); write every layer as 'layer {{ ... }}'.");
        // Clone everything but the V1 layers: their blobs hold the weights, which are moved, not copied.
        V1LayerParameter[] v1Layers = [.. v1Net.Layers];
        v1Net.Layers.Clear();
        NetParameter net = v1Net.Clone();
        v1Net.Layers.AddRange(v1Layers);
        for (int i = 0; i < v1Net.Layers.Count; i++)
        {
            V1LayerParameter v1Layer = v1Net.Layers[i];
            if (v1Layer.Layer != null)
                throw new UpgradeException(null, LayerLabel(i, v1Layer.Name),
                    "holds a V0 'layer { ... }' definition; upgrade the net from V0 first (UpgradeV0Net).");
            net.Layer.Add(UpgradeV1LayerParameter(v1Layer));
        }
        return net;
    }

    /// <summary>
    /// Upgrades one V1 layer: the enum type becomes its type string (<see cref="UpgradeV1LayerType"/>);
    /// <c>param</c> names, <c>blob_share_mode</c>, <c>blobs_lr</c> and <c>weight_decay</c> become the
    /// <c>name</c>, <c>share_mode</c>, <c>lr_mult</c> and <c>decay_mult</c> of one <c>param { }</c> per blob;
    /// bottoms, tops, name, include/exclude rules, loss weights and every <c>*_param</c> are copied; the weight
    /// blob protos are shared with <paramref name="v1Layer"/>, not copied.
    /// </summary>
    /// <exception cref="UpgradeException">
    /// The layer still holds a V0 <c>layer</c> field, or its type or a share mode is not a known enum value.
    /// </exception>
    public static LayerParameter UpgradeV1LayerParameter(V1LayerParameter v1Layer)
    {
        ArgumentNullException.ThrowIfNull(v1Layer);
        if (v1Layer.Layer != null)
            throw new UpgradeException(null, v1Layer.Name,
                "holds a V0 'layer { ... }' definition; upgrade the net from V0 first (UpgradeV0Net).");
        var layer = new LayerParameter();
        layer.Bottom.AddRange(v1Layer.Bottom);
        layer.Top.AddRange(v1Layer.Top);
        if (v1Layer.HasName) layer.Name = v1Layer.Name;
        layer.Include.AddRange(v1Layer.Include.Select(r => r.Clone()));
        layer.Exclude.AddRange(v1Layer.Exclude.Select(r => r.Clone()));
        if (v1Layer.HasType)
        {
            if (!V1Types.TryGetValue(v1Layer.Type, out string? type))
                throw new UpgradeException(null, v1Layer.Name, UnknownV1TypeMessage(v1Layer.Type));
            layer.Type = type;
        }
        // Shared, not cloned: a caffemodel's weights must not be held twice while it is upgraded.
        layer.Blobs.AddRange(v1Layer.Blobs);

        ParamSpec Spec(int i)
        {
            while (layer.Param.Count <= i) layer.Param.Add(new ParamSpec());
            return layer.Param[i];
        }
        for (int i = 0; i < v1Layer.Param.Count; i++) Spec(i).Name = v1Layer.Param[i];
        for (int i = 0; i < v1Layer.BlobShareMode.Count; i++)
        {
            Spec(i).ShareMode = v1Layer.BlobShareMode[i] switch
            {
                V1LayerParameter.Types.DimCheckMode.Strict => ParamSpec.Types.DimCheckMode.Strict,
                V1LayerParameter.Types.DimCheckMode.Permissive => ParamSpec.Types.DimCheckMode.Permissive,
                var mode => throw new UpgradeException(null, v1Layer.Name, $"unknown blob_share_mode {(int)mode}."),
            };
        }
        for (int i = 0; i < v1Layer.BlobsLr.Count; i++) Spec(i).LrMult = v1Layer.BlobsLr[i];
        for (int i = 0; i < v1Layer.WeightDecay.Count; i++) Spec(i).DecayMult = v1Layer.WeightDecay[i];
        layer.LossWeight.AddRange(v1Layer.LossWeight);

        layer.AccuracyParam = v1Layer.AccuracyParam?.Clone();
        layer.ArgmaxParam = v1Layer.ArgmaxParam?.Clone();
        layer.ConcatParam = v1Layer.ConcatParam?.Clone();
        layer.ContrastiveLossParam = v1Layer.ContrastiveLossParam?.Clone();
        layer.ConvolutionParam = v1Layer.ConvolutionParam?.Clone();
        layer.DataParam = v1Layer.DataParam?.Clone();
        layer.DropoutParam = v1Layer.DropoutParam?.Clone();
        layer.DummyDataParam = v1Layer.DummyDataParam?.Clone();
        layer.EltwiseParam = v1Layer.EltwiseParam?.Clone();
        layer.ExpParam = v1Layer.ExpParam?.Clone();
        layer.Hdf5DataParam = v1Layer.Hdf5DataParam?.Clone();
        layer.Hdf5OutputParam = v1Layer.Hdf5OutputParam?.Clone();
        layer.HingeLossParam = v1Layer.HingeLossParam?.Clone();
        layer.ImageDataParam = v1Layer.ImageDataParam?.Clone();
        layer.InfogainLossParam = v1Layer.InfogainLossParam?.Clone();
        layer.InnerProductParam = v1Layer.InnerProductParam?.Clone();
        layer.LrnParam = v1Layer.LrnParam?.Clone();
        layer.MemoryDataParam = v1Layer.MemoryDataParam?.Clone();
        layer.MvnParam = v1Layer.MvnParam?.Clone();
        layer.PoolingParam = v1Layer.PoolingParam?.Clone();
        layer.PowerParam = v1Layer.PowerParam?.Clone();
        layer.ReluParam = v1Layer.ReluParam?.Clone();
        layer.SigmoidParam = v1Layer.SigmoidParam?.Clone();
        layer.SoftmaxParam = v1Layer.SoftmaxParam?.Clone();
        layer.SliceParam = v1Layer.SliceParam?.Clone();
        layer.TanhParam = v1Layer.TanhParam?.Clone();
        layer.ThresholdParam = v1Layer.ThresholdParam?.Clone();
        layer.WindowDataParam = v1Layer.WindowDataParam?.Clone();
        layer.TransformParam = v1Layer.TransformParam?.Clone();
        layer.LossParam = v1Layer.LossParam?.Clone();
        return layer;
    }

    /// <summary>
    /// The current type string of a V1 enum type (<c>CONVOLUTION</c> → "Convolution", <c>SOFTMAX_LOSS</c> →
    /// "SoftmaxWithLoss", <c>NONE</c> → "").
    /// </summary>
    /// <exception cref="UpgradeException">The value is not a V1 layer type.</exception>
    public static string UpgradeV1LayerType(V1LayerParameter.Types.LayerType type) =>
        V1Types.TryGetValue(type, out string? name) ? name : throw new UpgradeException(null, null, UnknownV1TypeMessage(type));

    private static string UnknownV1TypeMessage(V1Type type) => $"unknown V1 layer type {(int)type}.";
}
