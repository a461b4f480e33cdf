namespace Caffe;

public sealed partial class Net
{
    /// <summary>
    /// Copies trained weights by layer name from a .caffemodel (binary, V1 or V2) or a .h5 file (pycaffe
    /// <c>net.copy_from</c>). Layers absent from this net are ignored; a matching layer must have the same
    /// number of blobs with the same shapes (legacy 4-D shapes match their N-d equivalents).
    /// </summary>
    public void CopyFrom(string weightsPath)
    {
        CopyFrom(ProtoIO.ReadNetParamsFromBinaryFile(weightsPath), weightsPath);
    }

    /// <summary>Copies trained weights by layer name from a parsed net (Caffe's <c>CopyTrainedLayersFrom</c>).</summary>
    public void CopyFrom(NetParameter trained, string source = "<NetParameter>")
    {
        foreach (LayerParameter sourceLayer in trained.Layer)
        {
            int target = _layerNames.IndexOf(sourceLayer.Name);
            if (target < 0)
            {
                CaffeLog.Debug($"Ignoring source layer {sourceLayer.Name}");
                continue;
            }
            List<Blob> targetBlobs = _layers[target].Blobs;
            if (targetBlobs.Count != sourceLayer.Blobs.Count)
            {
                throw new LayerException(sourceLayer.Name, _layers[target].Type,
                    $"incompatible number of blobs in {source}: the weights have {sourceLayer.Blobs.Count}, " +
                    $"the layer has {targetBlobs.Count}.");
            }
            for (int j = 0; j < targetBlobs.Count; j++)
            {
                BlobProto proto = sourceLayer.Blobs[j];
                if (!targetBlobs[j].ShapeEquals(proto))
                {
                    throw new LayerException(sourceLayer.Name, _layers[target].Type,
                        $"cannot copy param {j} weights from {source}: shape mismatch. Source param shape is " +
                        $"{Blob.ShapeText(Blob.ShapeOf(proto))}; target param shape is {targetBlobs[j].ShapeString}. " +
                        "To learn this layer's parameters from scratch rather than copying from a saved net, rename the layer.");
                }
                try
                {
                    targetBlobs[j].FromProto(proto, reshape: false);
                }
                catch (ArgumentException e)
                {
                    throw new LayerException(sourceLayer.Name, _layers[target].Type,
                        $"param {j} in {source} is inconsistent: {e.Message}", e);
                }
            }
        }
    }

    /// <summary>
    /// Makes this net use the weights of <paramref name="other"/>'s layers with the same names (pycaffe
    /// <c>net.share_with</c>, Caffe's <c>ShareTrainedLayersWith</c>): memory is shared, not copied.
    /// </summary>
    public void ShareWith(Net other)
    {
        for (int i = 0; i < other._layers.Count; i++)
        {
            int target = _layerNames.IndexOf(other._layerNames[i]);
            if (target < 0) continue;
            List<Blob> targetBlobs = _layers[target].Blobs;
            List<Blob> sourceBlobs = other._layers[i].Blobs;
            if (targetBlobs.Count != sourceBlobs.Count)
            {
                throw new LayerException(_layerNames[target], _layers[target].Type,
                    $"incompatible number of blobs: the source layer has {sourceBlobs.Count}, this one {targetBlobs.Count}.");
            }
            for (int j = 0; j < targetBlobs.Count; j++)
            {
                if (!targetBlobs[j].Shape.SequenceEqual(sourceBlobs[j].Shape))
                {
                    throw new LayerException(_layerNames[target], _layers[target].Type,
                        $"cannot share param {j}: source shape {sourceBlobs[j].ShapeString}, target shape {targetBlobs[j].ShapeString}.");
                }
                targetBlobs[j].ShareData(sourceBlobs[j]);
            }
        }
    }

    /// <summary>The net as parameters with its current weights (and diffs with <paramref name="writeDiff"/>), as Caffe's <c>ToProto</c>.</summary>
    public NetParameter ToProto(bool writeDiff = false)
    {
        var param = new NetParameter { Name = Name };
        foreach (Layer layer in _layers) param.Layer.Add(layer.ToProto(writeDiff));
        return param;
    }

    /// <summary>Writes the weights as a binary .caffemodel (pycaffe <c>net.save</c>); the file appears complete or not at all.</summary>
    public void Save(string path) => ProtoIO.WriteProtoToBinaryFile(ToProto(), path);
}
