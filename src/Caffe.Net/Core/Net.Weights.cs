namespace Caffe;

public sealed partial class Net
{
    /// <summary>
    /// Copies trained weights by layer name from a .caffemodel (binary, V1 or V2) or, when the name ends in
    /// ".h5", from an HDF5 file through <see cref="LoadHdf5"/> (pycaffe <c>net.copy_from</c>, Caffe's
    /// <c>CopyTrainedLayersFrom</c>). Layers absent from this net are ignored; a matching layer must have the
    /// same number of blobs with the same shapes (legacy 4-D shapes match their N-d equivalents).
    /// </summary>
    public void CopyFrom(string weightsPath)
    {
        if (weightsPath.EndsWith(".h5", StringComparison.Ordinal))
        {
            LoadHdf5(weightsPath);
            return;
        }
        // The parsed file is the only copy of the weights besides the net's own blobs; it is dropped on return.
        CopyFrom(ProtoIO.ReadNetParamsFromBinaryFile(weightsPath), weightsPath);
    }

    /// <summary>Copies trained weights by layer name from a parsed net (Caffe's <c>CopyTrainedLayersFrom</c>).</summary>
    public void CopyFrom(NetParameter trained, string source = "<NetParameter>")
    {
        if (trained.Layers.Count > 0)
        {
            // Caffe only reads `layer`; V1 `layers` must have been upgraded, or their weights would be skipped silently.
            throw new ModelFormatException(source,
                $"holds {trained.Layers.Count} V1 'layers' entries that were not upgraded to 'layer'; no weights can be copied.");
        }
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
                try
                {
                    if (!targetBlobs[j].ShapeEquals(proto))
                    {
                        throw new LayerException(sourceLayer.Name, _layers[target].Type,
                            $"cannot copy param {j} weights from {source}: shape mismatch. Source param shape is " +
                            $"{Blob.ShapeText(Blob.ShapeOf(proto))}; target param shape is {targetBlobs[j].ShapeString}. " +
                            "To learn this layer's parameters from scratch rather than copying from a saved net, rename the layer.");
                    }
                    targetBlobs[j].FromProto(proto, reshape: false);
                }
                catch (Exception e) when (e is ArgumentException or FormatException)
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

    /// <summary>
    /// Writes the weights as a binary .caffemodel (pycaffe <c>net.save</c>); the file appears complete or not at
    /// all. Weights over protobuf's 2 GB limit are refused before anything is built: use <see cref="SaveHdf5"/>.
    /// </summary>
    public void Save(string path)
    {
        long bytes = 0;
        foreach (Layer layer in _layers)
        {
            foreach (Blob blob in layer.Blobs) bytes += (long)blob.Count * sizeof(float);
        }
        ProtoIO.CheckBinaryProtoSize(bytes, path, write: true);
        ProtoIO.WriteProtoToBinaryFile(ToProto(), path);
    }
}
