namespace Caffe;

/// <summary>
/// pycaffe's <c>caffe.io.Transformer</c>: turns H×W×K images (as <see cref="IO.LoadImage"/> returns them) into a
/// net input's K×H×W layout and back. <see cref="Preprocess"/> applies, in pycaffe's order: resize to the input's
/// spatial size, transpose, channel swap, raw scale, mean subtraction, input scale; <see cref="Deprocess"/>
/// undoes them in reverse. Every setting is per input blob name.
/// </summary>
public sealed class Transformer
{
    /// <summary>
    /// The set-up pycaffe's Classifier and Detector share: a transformer for the net's first input (N×K×H×W),
    /// transposing H×W×K images to K×H×W, with the optional mean, input scale, raw scale and channel swap.
    /// </summary>
    internal static (string Input, Transformer Transformer) ForFirstInput(Net net, string user, NdArray? mean, float? inputScale,
                                                                           float? rawScale, IReadOnlyList<int>? channelSwap)
    {
        ArgumentNullException.ThrowIfNull(net);
        if (net.Inputs.Count == 0) throw new ArgumentException($"Net '{net.Name}' has no inputs (Input layers) for a {user} to feed.");
        string input = net.Inputs[0];
        IReadOnlyList<int> shape = net.Blobs[input].Shape;
        if (shape.Count != 4) throw new ArgumentException($"Input '{input}' has shape ({string.Join(", ", shape)}); a {user} needs N×K×H×W.");
        var transformer = new Transformer(new Dictionary<string, IReadOnlyList<int>> { [input] = shape });
        transformer.SetTranspose(input, 2, 0, 1);
        if (mean != null) transformer.SetMean(input, mean);
        if (inputScale is float scale) transformer.SetInputScale(input, scale);
        if (rawScale is float raw) transformer.SetRawScale(input, raw);
        if (channelSwap != null) transformer.SetChannelSwap(input, [.. channelSwap]);
        return (input, transformer);
    }

    private readonly Dictionary<string, int[]> _transpose = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> _channelSwap = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float> _rawScale = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NdArray> _mean = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float> _inputScale = new(StringComparer.Ordinal);

    /// <summary>pycaffe <c>Transformer({name: shape, ...})</c>: the inputs by name with their blob shapes (N×K×H×W).</summary>
    public Transformer(IReadOnlyDictionary<string, IReadOnlyList<int>> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Inputs = inputs.ToDictionary(p => p.Key, p => (IReadOnlyList<int>)[.. p.Value], StringComparer.Ordinal);
    }

    /// <summary>A transformer for every input of <paramref name="net"/>, with the input blobs' current shapes.</summary>
    public Transformer(Net net)
        : this((net ?? throw new ArgumentNullException(nameof(net))).Inputs
               .ToDictionary(name => name, name => net.Blobs[name].Shape, StringComparer.Ordinal))
    {
    }

    /// <summary>The input shapes by name (pycaffe <c>transformer.inputs</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> Inputs { get; }

    /// <summary>The transpose order of an input, or null (pycaffe <c>transformer.transpose.get(in_)</c>).</summary>
    public IReadOnlyList<int>? GetTranspose(string input) => _transpose.GetValueOrDefault(input);

    /// <summary>The channel order of an input, or null.</summary>
    public IReadOnlyList<int>? GetChannelSwap(string input) => _channelSwap.GetValueOrDefault(input);

    /// <summary>The raw scale of an input, or null.</summary>
    public float? GetRawScale(string input) => _rawScale.TryGetValue(input, out float v) ? v : null;

    /// <summary>The mean of an input as stored (K×1×1, H×W or K×H×W), or null.</summary>
    public NdArray? GetMean(string input) => _mean.GetValueOrDefault(input);

    /// <summary>The input scale of an input, or null.</summary>
    public float? GetInputScale(string input) => _inputScale.TryGetValue(input, out float v) ? v : null;

    /// <summary>
    /// pycaffe <c>set_transpose(in_, order)</c>: the axis order taking the image to the input's layout, e.g.
    /// (2, 0, 1) for H×W×K → K×H×W. It needs one entry per non-batch axis of the input.
    /// </summary>
    public void SetTranspose(string input, params int[] order)
    {
        IReadOnlyList<int> shape = CheckInput(input);
        ArgumentNullException.ThrowIfNull(order);
        if (order.Length != shape.Count - 1)
            throw new ArgumentException(
                $"Transpose order ({string.Join(", ", order)}) for input '{input}' needs {shape.Count - 1} axes, one per non-batch axis of its shape ({string.Join(", ", shape)}).",
                nameof(order));
        if (order.Any(a => a < 0 || a >= order.Length) || order.Distinct().Count() != order.Length)
            throw new ArgumentException($"Transpose order ({string.Join(", ", order)}) for input '{input}' is not a permutation of 0..{order.Length - 1}.", nameof(order));
        _transpose[input] = [.. order];
    }

    /// <summary>
    /// pycaffe <c>set_channel_swap(in_, order)</c>: the order in which to take the channels (the first axis after
    /// the transpose), e.g. (2, 1, 0) for RGB → BGR. It needs one entry per input channel.
    /// </summary>
    public void SetChannelSwap(string input, params int[] order)
    {
        IReadOnlyList<int> shape = CheckInput(input);
        ArgumentNullException.ThrowIfNull(order);
        int channels = shape.Count > 1 ? shape[1] : 0;
        if (order.Length != channels)
            throw new ArgumentException(
                $"Channel swap ({string.Join(", ", order)}) for input '{input}' needs {channels} entries, one per channel of its shape ({string.Join(", ", shape)}).",
                nameof(order));
        if (order.Any(c => c < 0 || c >= channels))
            throw new ArgumentException($"Channel swap ({string.Join(", ", order)}) for input '{input}' names a channel outside 0..{channels - 1}.", nameof(order));
        _channelSwap[input] = [.. order];
    }

    /// <summary>
    /// pycaffe <c>set_raw_scale(in_, scale)</c>: multiplies the image before mean subtraction — 255 for models
    /// trained on [0, 255] pixels (CaffeNet, AlexNet) fed with [0, 1] images.
    /// </summary>
    public void SetRawScale(string input, float scale)
    {
        CheckInput(input);
        _rawScale[input] = scale;
    }

    /// <summary>
    /// pycaffe <c>set_mean(in_, mean)</c>: the mean to subtract, in the input's layout (after transpose and channel
    /// swap): a 1-D per-channel mean of K values, an H×W mean, or a full K×H×W mean. A K×H'×W' mean of another
    /// spatial size is resized to the input's H×W as pycaffe users' widespread patch of <c>set_mean</c> does
    /// (BVLC's own <c>set_mean</c> raises "Mean shape incompatible with input shape" instead): scaled to [0, 1] by
    /// its min and max, resized with <see cref="IO.ResizeImage"/> as an H'×W'×K image, scaled back.
    /// </summary>
    public void SetMean(string input, NdArray mean)
    {
        IReadOnlyList<int> shape = CheckInput(input);
        ArgumentNullException.ThrowIfNull(mean);
        int channels = shape.Count > 1 ? shape[1] : 0;
        if (mean.NumAxes == 1)
        {
            if (mean.Shape[0] != channels)
                throw new ArgumentException(
                    $"Mean channels incompatible with input: the mean has {mean.Shape[0]} values, input '{input}' has {channels} channels (shape {string.Join(", ", shape)}).",
                    nameof(mean));
            _mean[input] = mean.Copy().Reshape(channels, 1, 1);
            return;
        }
        IReadOnlyList<int> meanShape = mean.NumAxes == 2 ? [1, .. mean.Shape] : mean.Shape;
        if (meanShape.Count != 3)
            throw new ArgumentException(
                $"Mean shape invalid: a mean is K values, H×W or K×H×W; got ({string.Join(", ", mean.Shape)}).", nameof(mean));
        if (shape.Count != 4)
            throw new ArgumentException(
                $"An element-wise mean needs a 4-D input; input '{input}' has shape ({string.Join(", ", shape)}).", nameof(mean));
        if (meanShape.SequenceEqual(shape.Skip(1)))
        {
            _mean[input] = mean.Copy();
            return;
        }
        if (meanShape[0] != channels)
            throw new ArgumentException(
                $"Mean shape incompatible with input shape: the mean has {meanShape[0]} channels ({string.Join(", ", mean.Shape)}), input '{input}' has {channels} ({string.Join(", ", shape)}).",
                nameof(mean));
        _mean[input] = ResizeMean(mean.Reshape([.. meanShape]), shape[2], shape[3]);
    }

    /// <summary>
    /// pycaffe <c>set_input_scale(in_, scale)</c>: multiplies the input after mean subtraction (raw scale comes
    /// before it), e.g. 0.017 for models trained on standardized pixels.
    /// </summary>
    public void SetInputScale(string input, float scale)
    {
        CheckInput(input);
        _inputScale[input] = scale;
    }

    /// <summary>
    /// pycaffe <c>preprocess(in_, data)</c>: an H'×W'×K image to the input's K×H×W layout — resized to the input's
    /// H×W when its first two axes differ, transposed, channel-swapped, times the raw scale, minus the mean, times
    /// the input scale (each step only when set). Always returns a new array (pycaffe may scale a float32 image in
    /// place).
    /// </summary>
    public NdArray Preprocess(string input, NdArray data)
    {
        IReadOnlyList<int> shape = CheckInput(input);
        ArgumentNullException.ThrowIfNull(data);
        NdArray result = data.Copy();
        int[] inDims = [.. shape.Skip(2)];
        if (!result.Shape.Take(2).SequenceEqual(inDims))
        {
            if (inDims.Length != 2)
                throw new ArgumentException(
                    $"Input '{input}' has shape ({string.Join(", ", shape)}); Preprocess resizes images only to 4-D N×K×H×W inputs.");
            result = IO.ResizeImage(result, inDims);
        }
        if (_transpose.TryGetValue(input, out int[]? transpose))
        {
            if (transpose.Length != result.NumAxes)
                throw new ArgumentException(
                    $"Transpose order ({string.Join(", ", transpose)}) of input '{input}' does not fit data of shape ({string.Join(", ", result.Shape)}).");
            result = result.Transpose(transpose);
        }
        if (_channelSwap.TryGetValue(input, out int[]? swap)) result = TakeChannels(result, swap, input);
        if (_rawScale.TryGetValue(input, out float rawScale)) Scale(result, rawScale);
        if (_mean.TryGetValue(input, out NdArray? mean)) result = Broadcast(result, mean, (a, b) => a - b, input);
        if (_inputScale.TryGetValue(input, out float inputScale)) Scale(result, inputScale);
        return result;
    }

    /// <summary>
    /// pycaffe <c>deprocess(in_, data)</c>: undoes <see cref="Preprocess"/> except the resize — axes of size 1 are
    /// squeezed away (as numpy's <c>squeeze</c>, so a 1×K×H×W blob gives H×W×K), then divided by the input scale,
    /// plus the mean, divided by the raw scale, channels put back, axes transposed back.
    /// </summary>
    public NdArray Deprocess(string input, NdArray data)
    {
        CheckInput(input);
        ArgumentNullException.ThrowIfNull(data);
        NdArray result = data.Reshape([.. data.Shape.Where(d => d != 1)]).Copy();
        if (_inputScale.TryGetValue(input, out float inputScale)) Divide(result, inputScale);
        if (_mean.TryGetValue(input, out NdArray? mean)) result = Broadcast(result, mean, (a, b) => a + b, input);
        if (_rawScale.TryGetValue(input, out float rawScale)) Divide(result, rawScale);
        if (_channelSwap.TryGetValue(input, out int[]? swap)) result = TakeChannels(result, InversePermutation(swap, input), input);
        if (_transpose.TryGetValue(input, out int[]? transpose))
        {
            if (transpose.Length != result.NumAxes)
                throw new ArgumentException(
                    $"Transpose order ({string.Join(", ", transpose)}) of input '{input}' does not fit data of shape ({string.Join(", ", result.Shape)}) after squeezing.");
            result = result.Transpose(InversePermutation(transpose, input));
        }
        return result;
    }

    private IReadOnlyList<int> CheckInput(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Inputs.TryGetValue(input, out IReadOnlyList<int>? shape))
            throw new KeyNotFoundException($"'{input}' is not one of the net inputs: {string.Join(", ", Inputs.Keys.Select(k => $"'{k}'"))}.");
        return shape;
    }

    private static NdArray ResizeMean(NdArray mean, int height, int width)
    {
        float min = mean.Data.Min(), max = mean.Data.Max();
        float range = max - min;
        NdArray unit = mean.Copy();
        // A constant mean stays constant: IO.ResizeImage fills it, and scaling back by a zero range restores it.
        if (range > 0) for (int i = 0; i < unit.Count; i++) unit.Data[i] = (unit.Data[i] - min) / range;
        NdArray resized = IO.ResizeImage(unit.Transpose(1, 2, 0), [height, width]).Transpose(2, 0, 1);
        if (range > 0) for (int i = 0; i < resized.Count; i++) resized.Data[i] = resized.Data[i] * range + min;
        return resized;
    }

    private static NdArray TakeChannels(NdArray data, int[] order, string input)
    {
        if (data.NumAxes == 0 || data.Shape[0] != order.Length)
            throw new ArgumentException(
                $"Channel swap ({string.Join(", ", order)}) of input '{input}' needs {order.Length} channels on the first axis of data shaped ({string.Join(", ", data.Shape)}).");
        var result = new NdArray(data.Shape.ToArray());
        int plane = data.Count / order.Length;
        for (int c = 0; c < order.Length; c++) Array.Copy(data.Data, order[c] * plane, result.Data, c * plane, plane);
        return result;
    }

    private static int[] InversePermutation(int[] order, string input)
    {
        var inverse = new int[order.Length];
        Array.Fill(inverse, -1);
        for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
        if (inverse.Contains(-1))
            throw new InvalidOperationException($"Channel order ({string.Join(", ", order)}) of input '{input}' repeats a channel, so it cannot be undone.");
        return inverse;
    }

    private static void Scale(NdArray data, float factor)
    {
        for (int i = 0; i < data.Count; i++) data.Data[i] *= factor;
    }

    private static void Divide(NdArray data, float divisor)
    {
        for (int i = 0; i < data.Count; i++) data.Data[i] /= divisor;
    }

    /// <summary>numpy broadcasting of a binary operation (trailing axes aligned, size-1 axes stretched).</summary>
    private static NdArray Broadcast(NdArray a, NdArray b, Func<float, float, float> op, string input)
    {
        int n = Math.Max(a.NumAxes, b.NumAxes);
        int[] aShape = [.. Enumerable.Repeat(1, n - a.NumAxes), .. a.Shape];
        int[] bShape = [.. Enumerable.Repeat(1, n - b.NumAxes), .. b.Shape];
        var shape = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (aShape[i] != bShape[i] && aShape[i] != 1 && bShape[i] != 1)
                throw new ArgumentException(
                    $"The mean of input '{input}' has shape ({string.Join(", ", b.Shape)}), which does not broadcast against data of shape ({string.Join(", ", a.Shape)}).");
            shape[i] = Math.Max(aShape[i], bShape[i]);
        }
        int[] aStrides = BroadcastStrides(aShape), bStrides = BroadcastStrides(bShape);
        var result = new NdArray(shape);
        var index = new int[n];
        for (int c = 0; c < result.Count; c++)
        {
            int ai = 0, bi = 0;
            for (int i = 0; i < n; i++)
            {
                ai += index[i] * aStrides[i];
                bi += index[i] * bStrides[i];
            }
            result.Data[c] = op(a.Data[ai], b.Data[bi]);
            for (int i = n - 1; i >= 0; i--)
            {
                if (++index[i] < shape[i]) break;
                index[i] = 0;
            }
        }
        return result;
    }

    private static int[] BroadcastStrides(int[] shape)
    {
        var strides = new int[shape.Length];
        for (int i = shape.Length - 1, stride = 1; i >= 0; stride *= shape[i], i--) strides[i] = shape[i] == 1 ? 0 : stride;
        return strides;
    }
}
