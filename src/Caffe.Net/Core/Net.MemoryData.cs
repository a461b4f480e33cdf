namespace Caffe;

public sealed partial class Net
{
    /// <summary>
    /// pycaffe <c>net.set_input_arrays(data, labels)</c>: hands arrays to the net's first layer, which must be a
    /// <c>MemoryData</c> layer. <paramref name="data"/> is N×C×H×W with the layer's C, H, W; <paramref name="labels"/>
    /// has N rows (N, or N×1×1×1 as pycaffe reshapes it); N must be a multiple of the batch size. The arrays are
    /// held, not copied: later changes to them show in later forwards, as in pycaffe.
    /// </summary>
    public void SetInputArrays(NdArray data, NdArray labels)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labels);
        if (_layers.Count == 0 || _layers[0] is not MemoryDataLayer layer)
            throw new InvalidOperationException("set_input_arrays may only be called if the first layer is a MemoryDataLayer.");
        if (data.NumAxes != 4) throw new ArgumentException($"data array must be 4-d, got shape ({string.Join(", ", data.Shape)}).");
        if (data.Shape[1] != layer.Channels || data.Shape[2] != layer.Height || data.Shape[3] != layer.Width)
        {
            throw new ArgumentException($"data array has shape ({string.Join(", ", data.Shape)}) but the MemoryData layer " +
                                        $"'{layer.Name}' takes items of {layer.Channels}×{layer.Height}×{layer.Width}.");
        }
        bool labelsOk = labels.NumAxes == 1 || (labels.NumAxes == 4 && labels.Shape[1] == 1 && labels.Shape[2] == 1 && labels.Shape[3] == 1);
        if (!labelsOk)
            throw new ArgumentException($"labels array must be (N) or (N, 1, 1, 1), got ({string.Join(", ", labels.Shape)}).");
        if (data.Shape[0] != labels.Shape[0])
            throw new ArgumentException($"data and labels must have the same first dimension: {data.Shape[0]} vs {labels.Shape[0]}.");
        if (data.Shape[0] % layer.BatchSize != 0)
            throw new ArgumentException($"first dimensions of input arrays must be a multiple of batch size {layer.BatchSize}, got {data.Shape[0]}.");
        layer.Reset(data.Data, labels.Data, data.Shape[0]);
    }
}
