namespace Caffe;

public sealed partial class Net
{
    /// <summary>
    /// pycaffe <c>net.forward_all(blobs, **inputs)</c>: runs <paramref name="inputs"/> (N items each, keyed by every
    /// net input) through the net in batches of the input blobs' batch size, the last batch padded with zeros,
    /// and returns copies of the outputs (plus <paramref name="blobs"/>) for the N items.
    /// </summary>
    public IReadOnlyDictionary<string, NdArray> ForwardAll(IReadOnlyDictionary<string, NdArray> inputs, IEnumerable<string>? blobs = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("ForwardAll needs at least one input array.", nameof(inputs));
        string[] extra = blobs?.ToArray() ?? [];
        var collected = new OrderedDictionary<string, List<NdArray>>(StringComparer.Ordinal);
        foreach (string name in Outputs.Concat(extra)) collected.TryAdd(name, []);
        foreach (Dictionary<string, NdArray> batch in Batches(inputs))
        {
            IReadOnlyDictionary<string, Blob> outs = Forward(blobs: extra, inputs: batch);
            foreach ((string name, Blob blob) in outs) collected[name].Add(blob.DataArray());
        }
        return Concatenate(collected, ItemCount(inputs));
    }

    /// <summary>
    /// pycaffe <c>net.forward_backward_all(blobs, diffs, **kwargs)</c>: batches the input arrays (keys among
    /// <see cref="Inputs"/>) for forward and the top-diff arrays (keys among <see cref="Outputs"/>) for backward,
    /// runs forward then backward per batch, and returns copies of the outputs (+ <paramref name="blobs"/>) and of the
    /// input diffs (+ <paramref name="diffs"/>), trimmed to the N items given.
    /// </summary>
    public (IReadOnlyDictionary<string, NdArray> Outputs, IReadOnlyDictionary<string, NdArray> Diffs) ForwardBackwardAll(
        IReadOnlyDictionary<string, NdArray> arrays, IEnumerable<string>? blobs = null, IEnumerable<string>? diffs = null)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        if (arrays.Count == 0) throw new ArgumentException("ForwardBackwardAll needs at least one array.", nameof(arrays));
        string[] extraBlobs = blobs?.ToArray() ?? [];
        string[] extraDiffs = diffs?.ToArray() ?? [];
        var outputs = new OrderedDictionary<string, List<NdArray>>(StringComparer.Ordinal);
        foreach (string name in Outputs.Concat(extraBlobs)) outputs.TryAdd(name, []);
        var inputDiffs = new OrderedDictionary<string, List<NdArray>>(StringComparer.Ordinal);
        foreach (string name in Inputs.Concat(extraDiffs)) inputDiffs.TryAdd(name, []);

        var forwardArrays = arrays.Where(a => Inputs.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value);
        var backwardArrays = arrays.Where(a => Outputs.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value);
        List<Dictionary<string, NdArray>> forwardBatches = forwardArrays.Count > 0 ? [.. Batches(forwardArrays)] : [];
        List<Dictionary<string, NdArray>> backwardBatches = backwardArrays.Count > 0 ? [.. Batches(backwardArrays)] : [];
        for (int b = 0; b < Math.Max(forwardBatches.Count, backwardBatches.Count); b++)
        {
            IReadOnlyDictionary<string, Blob> outs = Forward(blobs: extraBlobs, inputs: b < forwardBatches.Count ? forwardBatches[b] : null);
            foreach ((string name, Blob blob) in outs) outputs[name].Add(blob.DataArray());
            IReadOnlyDictionary<string, Blob> grads = Backward(diffs: extraDiffs, topDiffs: b < backwardBatches.Count ? backwardBatches[b] : null);
            foreach ((string name, Blob blob) in grads) inputDiffs[name].Add(blob.DiffArray());
        }
        int items = ItemCount(arrays);
        return (Concatenate(outputs, items), Concatenate(inputDiffs, items));
    }

    // pycaffe's _Net_batch: full batches of the first blob's batch size, then one zero-padded batch.
    private IEnumerable<Dictionary<string, NdArray>> Batches(IReadOnlyDictionary<string, NdArray> arrays)
    {
        int items = ItemCount(arrays);
        int batchSize = _blobs[0].ShapeAt(0);
        for (int start = 0; start < items; start += batchSize)
        {
            var batch = new Dictionary<string, NdArray>(StringComparer.Ordinal);
            foreach ((string name, NdArray array) in arrays)
            {
                int itemSize = array.Count / array.Shape[0];
                var shape = array.Shape.ToArray();
                shape[0] = batchSize;
                var slice = new NdArray(shape);
                int take = Math.Min(batchSize, items - start);
                Array.Copy(array.Data, start * itemSize, slice.Data, 0, take * itemSize);
                batch[name] = slice;
            }
            yield return batch;
        }
    }

    private static int ItemCount(IReadOnlyDictionary<string, NdArray> arrays)
    {
        int items = -1;
        foreach ((string name, NdArray array) in arrays)
        {
            if (array.NumAxes == 0) throw new ArgumentException($"Array '{name}' has no batch axis.");
            if (items >= 0 && array.Shape[0] != items)
                throw new ArgumentException($"All arrays must have the same number of items: '{name}' has {array.Shape[0]}, others {items}.");
            items = array.Shape[0];
        }
        return items;
    }

    private static IReadOnlyDictionary<string, NdArray> Concatenate(OrderedDictionary<string, List<NdArray>> parts, int items)
    {
        var result = new OrderedDictionary<string, NdArray>(StringComparer.Ordinal);
        foreach ((string name, List<NdArray> batches) in parts)
        {
            if (batches.Count == 0) continue;
            int[] shape = [.. batches[0].Shape];
            int total = batches.Sum(b => b.NumAxes == 0 ? 1 : b.Shape[0]);
            // Scalars (losses) cannot be split by item: they are returned as one value per batch.
            int keep = shape.Length == 0 ? total : Math.Min(items, total);
            shape = shape.Length == 0 ? [keep] : [keep, .. shape[1..]];
            var array = new NdArray(shape);
            int offset = 0;
            foreach (NdArray batch in batches)
            {
                int take = Math.Min(batch.Count, array.Count - offset);
                if (take <= 0) break;
                Array.Copy(batch.Data, 0, array.Data, offset, take);
                offset += take;
            }
            result[name] = array;
        }
        return new System.Collections.ObjectModel.ReadOnlyDictionary<string, NdArray>(result);
    }
}
