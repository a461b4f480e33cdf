namespace Caffe;

/// <summary>
/// Caffe's InsertSplits: wherever one top feeds several bottoms (or a bottom and a loss), a <c>Split</c>
/// layer is inserted so every consumer gets its own blob and the diffs are summed in backward. Names follow
/// Caffe: layer <c>{blob}_{producer}_{topIndex}_split</c>, blobs <c>{blob}_{producer}_{topIndex}_split_{k}</c>.
/// </summary>
public static class SplitInserter
{
    private readonly record struct TopRef(int Layer, int Top);

    /// <summary>Returns a copy of <paramref name="param"/> with split layers inserted.</summary>
    public static NetParameter InsertSplits(NetParameter param)
    {
        var lastTop = new Dictionary<string, TopRef>(StringComparer.Ordinal);
        var sourceOfBottom = new Dictionary<(int, int), TopRef>();
        var consumers = new Dictionary<TopRef, int>();
        var lossWeights = new Dictionary<TopRef, float>();
        var nextSplitIndex = new Dictionary<TopRef, int>();

        for (int i = 0; i < param.Layer.Count; i++)
        {
            LayerParameter layer = param.Layer[i];
            for (int j = 0; j < layer.Bottom.Count; j++)
            {
                string blob = layer.Bottom[j];
                if (!lastTop.TryGetValue(blob, out TopRef source))
                {
                    throw new LayerException(layer.Name, layer.Type,
                        $"unknown bottom blob '{blob}' (bottom index {j}); no earlier layer produces it.");
                }
                sourceOfBottom[(i, j)] = source;
                consumers[source] = consumers.GetValueOrDefault(source) + 1;
            }
            for (int j = 0; j < layer.Top.Count; j++) lastTop[layer.Top[j]] = new TopRef(i, j);
            // A top used as a loss counts as one more consumer, like a bottom.
            int lastLoss = Math.Min(layer.LossWeight.Count, layer.Top.Count);
            for (int j = 0; j < lastLoss; j++)
            {
                TopRef top = lastTop[layer.Top[j]];
                lossWeights[top] = layer.LossWeight[j];
                if (layer.LossWeight[j] != 0) consumers[top] = consumers.GetValueOrDefault(top) + 1;
            }
        }

        NetParameter result = param.Clone();
        result.Layer.Clear();
        for (int i = 0; i < param.Layer.Count; i++)
        {
            LayerParameter layer = param.Layer[i].Clone();
            result.Layer.Add(layer);
            for (int j = 0; j < layer.Bottom.Count; j++)
            {
                TopRef source = sourceOfBottom[(i, j)];
                if (consumers.GetValueOrDefault(source) <= 1) continue;
                string producer = param.Layer[source.Layer].Name;
                int k = nextSplitIndex.GetValueOrDefault(source);
                nextSplitIndex[source] = k + 1;
                layer.Bottom[j] = SplitBlobName(producer, layer.Bottom[j], source.Top, k);
            }
            for (int j = 0; j < layer.Top.Count; j++)
            {
                var top = new TopRef(i, j);
                int count = consumers.GetValueOrDefault(top);
                if (count <= 1) continue;
                float lossWeight = lossWeights.GetValueOrDefault(top);
                result.Layer.Add(SplitLayer(layer.Name, layer.Top[j], j, count, lossWeight));
                if (lossWeight != 0)
                {
                    // The split's first output carries the loss now; the producer no longer does.
                    layer.LossWeight.Clear();
                    nextSplitIndex[top] = nextSplitIndex.GetValueOrDefault(top) + 1;
                }
            }
        }
        return result;
    }

    /// <summary>The name Caffe gives the split layer of top <paramref name="topIndex"/> of <paramref name="layerName"/>.</summary>
    public static string SplitLayerName(string layerName, string blobName, int topIndex) =>
        $"{blobName}_{layerName}_{topIndex}_split";

    /// <summary>The name Caffe gives output <paramref name="splitIndex"/> of that split layer.</summary>
    public static string SplitBlobName(string layerName, string blobName, int topIndex, int splitIndex) =>
        $"{blobName}_{layerName}_{topIndex}_split_{splitIndex}";

    private static LayerParameter SplitLayer(string layerName, string blobName, int topIndex, int count, float lossWeight)
    {
        var split = new LayerParameter
        {
            Name = SplitLayerName(layerName, blobName, topIndex),
            Type = "Split",
        };
        split.Bottom.Add(blobName);
        for (int k = 0; k < count; k++)
        {
            split.Top.Add(SplitBlobName(layerName, blobName, topIndex, k));
            if (lossWeight != 0) split.LossWeight.Add(k == 0 ? lossWeight : 0f);
        }
        return split;
    }
}
