namespace Caffe;

public sealed partial class Net
{
    /// <summary>
    /// Writes the weights as HDF5 in Caffe's layout (pycaffe <c>net.save_hdf5</c>, Caffe's <c>ToHDF5</c>): a
    /// group <c>data/&lt;layer&gt;</c> per layer holding float32 datasets <c>"0"</c>, <c>"1"</c>, … with the
    /// blobs' shapes — only for parameters the layer owns (a shared parameter is saved once, by its owner) —
    /// and with <paramref name="writeDiff"/> the diffs of every parameter under <c>diff/&lt;layer&gt;</c>.
    /// A layer name with '/' becomes nested groups. The file appears complete or not at all.
    /// </summary>
    public void SaveHdf5(string path, bool writeDiff = false)
    {
        var writer = new Hdf5Writer();
        writer.AddGroup("data");
        if (writeDiff) writer.AddGroup("diff");
        var written = new HashSet<string>(StringComparer.Ordinal);
        for (int layerId = 0; layerId < _layers.Count; layerId++)
        {
            string name = _layerNames[layerId];
            if (!written.Add(name))
            {
                throw new LayerException(name, _layers[layerId].Type,
                    $"cannot save to {path}: HDF5 weights are keyed by layer name, and another layer has the same name.");
            }
            if (name.Length == 0 || name.Split('/').Any(part => part is "" or "." or ".."))
            {
                throw new LayerException(name, _layers[layerId].Type,
                    $"cannot save to {path}: the layer name is not a valid HDF5 group name.");
            }
            writer.AddGroup($"data/{name}");
            if (writeDiff) writer.AddGroup($"diff/{name}");
            for (int paramId = 0; paramId < _layers[layerId].Blobs.Count; paramId++)
            {
                int netParamId = _paramIdVecs[layerId][paramId];
                Blob blob = _params[netParamId];
                if (_paramOwners[netParamId] == -1) writer.AddBlob($"data/{name}/{paramId}", blob);
                if (writeDiff) writer.AddBlob($"diff/{name}/{paramId}", blob, diff: true);
            }
        }
        writer.Write(path);
    }

    /// <summary>
    /// Copies weights by layer name from an HDF5 file written by <see cref="SaveHdf5"/> or Caffe (pycaffe
    /// <c>net.load_hdf5</c>, Caffe's <c>CopyTrainedLayersFromHDF5</c>). Layers of the file that this net lacks are
    /// ignored; a layer's group may not hold more datasets than the layer has blobs; a dataset may be missing
    /// only for a weight-shared parameter (its owner brings the values); shapes must match exactly. float64 and
    /// integer datasets are converted to float32.
    /// </summary>
    public void LoadHdf5(string path)
    {
        using Hdf5Reader reader = Hdf5Reader.Open(path);
        if (!reader.GroupExists("data"))
            throw new ModelFormatException(path, "has no group 'data': it is not a Caffe HDF5 weights file.");

        // Caffe looks layers up in a name index where the last layer of a repeated name wins.
        var layerByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _layerNames.Count; i++) layerByName[_layerNames[i]] = i;
        foreach ((string name, int layerId) in layerByName)
        {
            string groupPath = $"data/{name}";
            if (reader.DatasetExists(groupPath))
                throw new ModelFormatException(path, $"'{groupPath}' is a dataset; a layer's weights are a group of datasets.");
            if (name.Length == 0 || !reader.GroupExists(groupPath))
            {
                CaffeLog.Debug($"Layer {name} has no weights in {path}");
                continue;
            }
            CaffeLog.Debug($"Copying source layer {name}");
            Layer layer = _layers[layerId];
            IReadOnlyList<string> datasets = reader.DatasetNames(groupPath);
            if (datasets.Count > layer.Blobs.Count)
            {
                throw new LayerException(name, layer.Type,
                    $"incompatible number of blobs in {path}: group '{groupPath}' holds {datasets.Count} dataset(s) " +
                    $"({string.Join(", ", datasets)}), the layer has {layer.Blobs.Count} blob(s).");
            }
            for (int paramId = 0; paramId < layer.Blobs.Count; paramId++)
            {
                string datasetPath = $"{groupPath}/{paramId}";
                if (!reader.DatasetExists(datasetPath))
                {
                    // A weight-shared parameter is saved by its owner only.
                    if (_paramOwners[_paramIdVecs[layerId][paramId]] != -1) continue;
                    throw new ModelFormatException(path,
                        $"has no dataset '{datasetPath}' for param {paramId} of layer '{name}' ({layer.Type}), " +
                        $"whose shape is {layer.Blobs[paramId].ShapeString}; the group holds [{string.Join(", ", datasets)}].");
                }
                Blob target = layer.Blobs[paramId];
                int[] source = reader.Shape(datasetPath);
                if (!source.AsSpan().SequenceEqual(target.Shape.ToArray()))
                {
                    throw new LayerException(name, layer.Type,
                        $"cannot copy param {paramId} weights from dataset '{datasetPath}' of {path}: shape mismatch. " +
                        $"Source param shape is {Blob.ShapeText(source)} ({Hdf5Reader.CountOf(source)}); target param shape is " +
                        $"{target.ShapeString}. To learn this layer's parameters from scratch rather than copying from a " +
                        "saved net, rename the layer.");
                }
                reader.ReadBlob(datasetPath, target, reshape: false);
            }
        }
    }
}
