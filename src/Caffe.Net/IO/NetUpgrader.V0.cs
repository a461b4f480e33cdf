using V1Type = Caffe.V1LayerParameter.Types.LayerType;

namespace Caffe;

// V0 → V1: the oldest nets wrap every layer's settings in a V0LayerParameter (`layers { layer { ... } }`)
// with lower-case type strings and flat fields (kernelsize, meanfile, ...), and pad with separate
// "padding" layers.
public static partial class NetUpgrader
{
    private static readonly IReadOnlyDictionary<string, V1Type> V0Types = new Dictionary<string, V1Type>
    {
        ["accuracy"] = V1Type.Accuracy,
        ["bnll"] = V1Type.Bnll,
        ["concat"] = V1Type.Concat,
        ["conv"] = V1Type.Convolution,
        ["data"] = V1Type.Data,
        ["dropout"] = V1Type.Dropout,
        ["euclidean_loss"] = V1Type.EuclideanLoss,
        ["flatten"] = V1Type.Flatten,
        ["hdf5_data"] = V1Type.Hdf5Data,
        ["hdf5_output"] = V1Type.Hdf5Output,
        ["im2col"] = V1Type.Im2Col,
        ["images"] = V1Type.ImageData,
        ["infogain_loss"] = V1Type.InfogainLoss,
        ["innerproduct"] = V1Type.InnerProduct,
        ["lrn"] = V1Type.Lrn,
        ["multinomial_logistic_loss"] = V1Type.MultinomialLogisticLoss,
        ["pool"] = V1Type.Pooling,
        ["relu"] = V1Type.Relu,
        ["sigmoid"] = V1Type.Sigmoid,
        ["softmax"] = V1Type.Softmax,
        ["softmax_loss"] = V1Type.SoftmaxLoss,
        ["split"] = V1Type.Split,
        ["tanh"] = V1Type.Tanh,
        ["window_data"] = V1Type.WindowData,
    };

    /// <summary>True when any entry of <c>layers</c> still holds a V0 <c>layer { ... }</c> (Caffe's <c>NetNeedsV0ToV1Upgrade</c>).</summary>
    public static bool NetNeedsV0ToV1Upgrade(NetParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        return param.Layers.Any(l => l.Layer != null);
    }

    /// <summary>
    /// Upgrades a V0 net to V1: padding layers are folded into the convolution or pooling that reads them,
    /// then every layer goes through <see cref="UpgradeV0LayerParameter"/>. Like Caffe, only the net's
    /// <c>name</c>, <c>input</c>, <c>input_dim</c> and <c>force_backward</c> are carried over besides the layers.
    /// </summary>
    /// <returns>A new net; <paramref name="v0Net"/> is not changed.</returns>
    /// <exception cref="UpgradeException">A layer cannot be upgraded (the message names it).</exception>
    public static NetParameter UpgradeV0Net(NetParameter v0Net)
    {
        ArgumentNullException.ThrowIfNull(v0Net);
        NetParameter unpadded = UpgradeV0PaddingLayers(v0Net);
        var net = new NetParameter();
        if (unpadded.HasName) net.Name = unpadded.Name;
        for (int i = 0; i < unpadded.Layers.Count; i++)
        {
            V1LayerParameter layer = unpadded.Layers[i];
            if (layer.Layer == null)
                throw new UpgradeException(null, LayerLabel(i, layer.Name),
                    "this net mixes V0 layers (layers { layer { ... } }) with a V1 layer; every entry of 'layers' " +
                    "must wrap its settings in 'layer { ... }' for the V0 upgrade.");
            net.Layers.Add(UpgradeV0LayerParameter(layer));
        }
        net.Input.AddRange(unpadded.Input);
        net.InputDim.AddRange(unpadded.InputDim);
        if (unpadded.HasForceBackward) net.ForceBackward = unpadded.ForceBackward;
        return net;
    }

    /// <summary>
    /// Removes V0 "padding" layers, moving their <c>pad</c> into the convolution or pooling layer that consumes
    /// them and rewiring its bottom to the padding layer's input. Idempotent.
    /// </summary>
    /// <returns>A new net; <paramref name="param"/> is not changed.</returns>
    /// <exception cref="UpgradeException">
    /// A layer reads an unknown blob, or a padding layer feeds something other than a single-input convolution or
    /// pooling, or has other than one bottom and one top.
    /// </exception>
    public static NetParameter UpgradeV0PaddingLayers(NetParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        NetParameter result = param.Clone();
        result.Layers.Clear();
        // For each blob, the index of the layer that wrote it last; -1 for net inputs.
        var lastWriter = new Dictionary<string, int>();
        foreach (string input in param.Input) lastWriter[input] = -1;

        for (int i = 0; i < param.Layers.Count; i++)
        {
            V1LayerParameter connection = param.Layers[i];
            string type = connection.Layer?.Type ?? "";
            string label = LayerLabel(i, connection.Layer?.Name ?? connection.Name);
            V1LayerParameter? added = null;
            if (type != "padding")
            {
                added = connection.Clone();
                result.Layers.Add(added);
            }
            for (int j = 0; j < connection.Bottom.Count; j++)
            {
                string blob = connection.Bottom[j];
                if (!lastWriter.TryGetValue(blob, out int writer))
                    throw new UpgradeException(null, label,
                        $"bottom '{blob}' is neither a net input nor the top of an earlier layer.");
                if (writer < 0) continue;
                V1LayerParameter source = param.Layers[writer];
                if (source.Layer?.Type != "padding") continue;

                string padding = LayerLabel(writer, source.Layer.Name);
                if (type != "conv" && type != "pool")
                    throw new UpgradeException(null, label,
                        $"reads the output of padding layer '{padding}', but only 'conv' and 'pool' layers can absorb padding (this one is '{type}').");
                if (connection.Bottom.Count != 1)
                    throw new UpgradeException(null, label,
                        $"reads the output of padding layer '{padding}' and must then have exactly one bottom, not {connection.Bottom.Count}.");
                if (source.Bottom.Count != 1 || source.Top.Count != 1)
                    throw new UpgradeException(null, padding,
                        $"a padding layer must have exactly one bottom and one top (it has {source.Bottom.Count} and {source.Top.Count}).");
                added!.Layer.Pad = source.Layer.Pad;
                added.Bottom[j] = source.Bottom[0];
            }
            foreach (string top in connection.Top) lastWriter[top] = i;
        }
        return result;
    }

    /// <summary>
    /// Upgrades one V0 layer (a <see cref="V1LayerParameter"/> whose settings sit in its <c>layer</c> field) to
    /// a V1 layer: the type string becomes the V1 enum (<see cref="UpgradeV0LayerType"/>) and each flat field
    /// moves to its typed parameter message (<c>kernelsize</c> → <c>convolution_param.kernel_size</c> or
    /// <c>pooling_param.kernel_size</c>, <c>meanfile</c> → <c>transform_param.mean_file</c>, ...).
    /// Only <c>bottom</c> and <c>top</c> are taken from the outer message.
    /// </summary>
    /// <exception cref="UpgradeException">
    /// The type is unknown, or a field does not apply to the layer's type (Caffe logs this and drops the field).
    /// </exception>
    public static V1LayerParameter UpgradeV0LayerParameter(V1LayerParameter v0Layer)
    {
        ArgumentNullException.ThrowIfNull(v0Layer);
        var layer = new V1LayerParameter();
        layer.Bottom.AddRange(v0Layer.Bottom);
        layer.Top.AddRange(v0Layer.Top);
        V0LayerParameter? v0 = v0Layer.Layer;
        if (v0 == null) return layer;

        string type = v0.Type;
        var problems = new List<string>();
        if (v0.HasName) layer.Name = v0.Name;
        if (v0.HasType)
        {
            if (V0Types.TryGetValue(type, out V1Type v1Type)) layer.Type = v1Type;
            else problems.Add(UnknownV0TypeMessage(type));
        }
        foreach (BlobProto blob in v0.Blobs) layer.Blobs.Add(blob.Clone());
        layer.BlobsLr.AddRange(v0.BlobsLr);
        layer.WeightDecay.AddRange(v0.WeightDecay);

        void NotFor(string field) => problems.Add($"V0 field '{field}' does not apply to layer type '{type}'.");
        ConvolutionParameter Conv() => layer.ConvolutionParam ??= new ConvolutionParameter();
        InnerProductParameter InnerProduct() => layer.InnerProductParam ??= new InnerProductParameter();
        PoolingParameter Pool() => layer.PoolingParam ??= new PoolingParameter();
        LRNParameter Lrn() => layer.LrnParam ??= new LRNParameter();
        DataParameter Data() => layer.DataParam ??= new DataParameter();
        ImageDataParameter Images() => layer.ImageDataParam ??= new ImageDataParameter();
        WindowDataParameter Window() => layer.WindowDataParam ??= new WindowDataParameter();
        HDF5DataParameter Hdf5() => layer.Hdf5DataParam ??= new HDF5DataParameter();
        TransformationParameter Transform() => layer.TransformParam ??= new TransformationParameter();

        if (v0.HasNumOutput)
        {
            if (type == "conv") Conv().NumOutput = v0.NumOutput;
            else if (type == "innerproduct") InnerProduct().NumOutput = v0.NumOutput;
            else NotFor("num_output");
        }
        if (v0.HasBiasterm)
        {
            if (type == "conv") Conv().BiasTerm = v0.Biasterm;
            else if (type == "innerproduct") InnerProduct().BiasTerm = v0.Biasterm;
            else NotFor("biasterm");
        }
        if (v0.WeightFiller != null)
        {
            if (type == "conv") Conv().WeightFiller = v0.WeightFiller.Clone();
            else if (type == "innerproduct") InnerProduct().WeightFiller = v0.WeightFiller.Clone();
            else NotFor("weight_filler");
        }
        if (v0.BiasFiller != null)
        {
            if (type == "conv") Conv().BiasFiller = v0.BiasFiller.Clone();
            else if (type == "innerproduct") InnerProduct().BiasFiller = v0.BiasFiller.Clone();
            else NotFor("bias_filler");
        }
        if (v0.HasPad)
        {
            if (type == "conv") Conv().Pad.Add(v0.Pad);
            else if (type == "pool") Pool().Pad = v0.Pad;
            else NotFor("pad");
        }
        if (v0.HasKernelsize)
        {
            if (type == "conv") Conv().KernelSize.Add(v0.Kernelsize);
            else if (type == "pool") Pool().KernelSize = v0.Kernelsize;
            else NotFor("kernelsize");
        }
        if (v0.HasGroup)
        {
            if (type == "conv") Conv().Group = v0.Group;
            else NotFor("group");
        }
        if (v0.HasStride)
        {
            if (type == "conv") Conv().Stride.Add(v0.Stride);
            else if (type == "pool") Pool().Stride = v0.Stride;
            else NotFor("stride");
        }
        if (v0.HasPool)
        {
            if (type != "pool") NotFor("pool");
            else if (UpgradeV0PoolMethod(v0.Pool) is { } method) Pool().Pool = method;
            else problems.Add($"unknown V0 pool method {(int)v0.Pool}.");
        }
        if (v0.HasDropoutRatio)
        {
            if (type == "dropout") (layer.DropoutParam ??= new DropoutParameter()).DropoutRatio = v0.DropoutRatio;
            else NotFor("dropout_ratio");
        }
        if (v0.HasLocalSize)
        {
            if (type == "lrn") Lrn().LocalSize = v0.LocalSize;
            else NotFor("local_size");
        }
        if (v0.HasAlpha)
        {
            if (type == "lrn") Lrn().Alpha = v0.Alpha;
            else NotFor("alpha");
        }
        if (v0.HasBeta)
        {
            if (type == "lrn") Lrn().Beta = v0.Beta;
            else NotFor("beta");
        }
        if (v0.HasK)
        {
            if (type == "lrn") Lrn().K = v0.K;
            else NotFor("k");
        }
        if (v0.HasSource)
        {
            if (type == "data") Data().Source = v0.Source;
            else if (type == "hdf5_data") Hdf5().Source = v0.Source;
            else if (type == "images") Images().Source = v0.Source;
            else if (type == "window_data") Window().Source = v0.Source;
            else if (type == "infogain_loss") (layer.InfogainLossParam ??= new InfogainLossParameter()).Source = v0.Source;
            else NotFor("source");
        }
        // The transformation fields apply to any type: Caffe moves them without checking.
        if (v0.HasScale) Transform().Scale = v0.Scale;
        if (v0.HasMeanfile) Transform().MeanFile = v0.Meanfile;
        if (v0.HasBatchsize)
        {
            if (type == "data") Data().BatchSize = v0.Batchsize;
            else if (type == "hdf5_data") Hdf5().BatchSize = v0.Batchsize;
            else if (type == "images") Images().BatchSize = v0.Batchsize;
            else if (type == "window_data") Window().BatchSize = v0.Batchsize;
            else NotFor("batchsize");
        }
        if (v0.HasCropsize) Transform().CropSize = v0.Cropsize;
        if (v0.HasMirror) Transform().Mirror = v0.Mirror;
        if (v0.HasRandSkip)
        {
            if (type == "data") Data().RandSkip = v0.RandSkip;
            else if (type == "images") Images().RandSkip = v0.RandSkip;
            else NotFor("rand_skip");
        }
        if (v0.HasShuffleImages)
        {
            if (type == "images") Images().Shuffle = v0.ShuffleImages;
            else NotFor("shuffle_images");
        }
        if (v0.HasNewHeight)
        {
            if (type == "images") Images().NewHeight = (uint)v0.NewHeight;
            else NotFor("new_height");
        }
        if (v0.HasNewWidth)
        {
            if (type == "images") Images().NewWidth = (uint)v0.NewWidth;
            else NotFor("new_width");
        }
        if (v0.HasConcatDim)
        {
            if (type == "concat") (layer.ConcatParam ??= new ConcatParameter()).ConcatDim = v0.ConcatDim;
            else NotFor("concat_dim");
        }
        if (v0.HasDetFgThreshold)
        {
            if (type == "window_data") Window().FgThreshold = v0.DetFgThreshold;
            else NotFor("det_fg_threshold");
        }
        if (v0.HasDetBgThreshold)
        {
            if (type == "window_data") Window().BgThreshold = v0.DetBgThreshold;
            else NotFor("det_bg_threshold");
        }
        if (v0.HasDetFgFraction)
        {
            if (type == "window_data") Window().FgFraction = v0.DetFgFraction;
            else NotFor("det_fg_fraction");
        }
        if (v0.HasDetContextPad)
        {
            if (type == "window_data") Window().ContextPad = v0.DetContextPad;
            else NotFor("det_context_pad");
        }
        if (v0.HasDetCropMode)
        {
            if (type == "window_data") Window().CropMode = v0.DetCropMode;
            else NotFor("det_crop_mode");
        }
        if (v0.Hdf5OutputParam != null)
        {
            if (type == "hdf5_output") layer.Hdf5OutputParam = v0.Hdf5OutputParam.Clone();
            else NotFor("hdf5_output_param");
        }
        // new_num and new_channels belonged to a reshape layer that never reached V1; Caffe ignores them too.

        if (problems.Count > 0)
            throw new UpgradeException(null, v0.Name, $"cannot upgrade this V0 layer: {string.Join(" ", problems)}");
        return layer;
    }

    /// <summary>The V1 enum of a V0 type string (<c>"conv"</c> → <c>CONVOLUTION</c>, <c>"images"</c> → <c>IMAGE_DATA</c>, ...).</summary>
    /// <exception cref="UpgradeException">The string is not a V0 layer type.</exception>
    public static V1LayerParameter.Types.LayerType UpgradeV0LayerType(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return V0Types.TryGetValue(type, out V1Type v1Type) ? v1Type : throw new UpgradeException(null, null, UnknownV0TypeMessage(type));
    }

    private static string UnknownV0TypeMessage(string type) =>
        $"unknown V0 layer type '{type}' (known: {string.Join(", ", V0Types.Keys.Order(StringComparer.Ordinal))}).";

    private static PoolingParameter.Types.PoolMethod? UpgradeV0PoolMethod(V0LayerParameter.Types.PoolMethod method) =>
        method switch
        {
            V0LayerParameter.Types.PoolMethod.Max => PoolingParameter.Types.PoolMethod.Max,
            V0LayerParameter.Types.PoolMethod.Ave => PoolingParameter.Types.PoolMethod.Ave,
            V0LayerParameter.Types.PoolMethod.Stochastic => PoolingParameter.Types.PoolMethod.Stochastic,
            _ => null,
        };

    /// <summary>How errors name a layer: its name, or its position when it has none.</summary>
    private static string LayerLabel(int index, string name) => name.Length > 0 ? name : $"#{index}";
}
