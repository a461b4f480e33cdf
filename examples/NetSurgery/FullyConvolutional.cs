namespace Caffe.Examples.NetSurgery;

/// <summary>
/// Part two of BVLC's net_surgery notebook: a classifier cast into a fully convolutional net. Its inner products
/// become convolutions (same weights, reshaped: <see cref="Transplant"/>), so the net takes a larger input and
/// returns a map of class scores, one per input window, instead of one score vector.
/// </summary>
public static class FullyConvolutional
{
    /// <summary>The inner products of cifar10_quick and the convolutions that replace them in cifar10_quick_full_conv.prototxt.</summary>
    public static IReadOnlyList<(string Fc, string Conv)> CifarPairs { get; } = [("ip1", "ip1-conv"), ("ip2", "ip2-conv")];

    /// <summary>
    /// The transplant: for each pair, the inner product's weights copied value by value into the convolution's
    /// (pycaffe <c>conv_params[pr_conv][0].flat = fc_params[pr][0].flat</c> — an N×(C·H·W) matrix and an N×C×H×W
    /// kernel hold the same numbers in the same order) and its biases copied as they are. Prints the shapes as the
    /// notebook does.
    /// </summary>
    public static void Transplant(Net net, Net fullConv, IReadOnlyList<(string Fc, string Conv)> pairs, TextWriter log)
    {
        foreach ((string fc, string conv) in pairs)
        {
            IReadOnlyList<Blob> from = Params(net, fc), to = Params(fullConv, conv);
            log.WriteLine($"{fc} weights are ({Shape(from[0])}) and biases ({Shape(from[1])}); " +
                          $"{conv} weights are ({Shape(to[0])}) and biases ({Shape(to[1])})");
            for (int b = 0; b < 2; b++)
            {
                if (from[b].Count != to[b].Count)
                    throw new ArgumentException(
                        $"Cannot transplant {(b == 0 ? "weights" : "biases")} of '{fc}' ({Shape(from[b])}, {from[b].Count} values) " +
                        $"into '{conv}' ({Shape(to[b])}, {to[b].Count} values): the counts differ.");
                from[b].Data.CopyTo(to[b].Data);
            }
        }
    }

    /// <summary>
    /// <c>out = net_full_conv.forward_all(data=np.asarray([transformer.preprocess('data', im)]))</c>: the
    /// preprocessed image (K×H×W) through the fully convolutional net; returns its output for it, classes × H' × W'.
    /// </summary>
    public static NdArray ScoreMap(Net fullConv, NdArray preprocessed)
    {
        string input = fullConv.Inputs[0];
        IReadOnlyDictionary<string, NdArray> outputs = fullConv.ForwardAll(
            new Dictionary<string, NdArray> { [input] = preprocessed.Reshape([1, .. preprocessed.Shape]) });
        return Visualization.ImageOf(outputs[fullConv.Outputs[^1]], 0);
    }

    /// <summary>
    /// numpy's <c>scores.argmax(axis=0)</c> on a classes × H' × W' map: the best class at each position.
    /// </summary>
    public static int[,] ArgmaxMap(NdArray scores)
    {
        int classes = scores.Shape[0], height = scores.Shape[1], width = scores.Shape[2];
        var best = new int[height, width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 1; c < classes; c++)
                    if (scores[c, y, x] > scores[best[y, x], y, x]) best[y, x] = c;
        return best;
    }

    /// <summary>
    /// Check 2: at the classifier's own input size the fully convolutional net gives a 1×1 map that must equal the
    /// classifier's output. Runs both on <paramref name="crop"/> (preprocessed, K×h×w at the classifier's size),
    /// restores the fully convolutional net's input shape, and returns the largest absolute difference.
    /// </summary>
    public static float SameSizeDifference(Net net, Net fullConv, NdArray crop)
    {
        NdArray expected = Forward(net, crop);
        Blob input = fullConv.Blobs[fullConv.Inputs[0]];
        int[] shape = [.. input.Shape];
        input.Reshape([1, .. crop.Shape]);
        fullConv.Reshape();
        NdArray map = ScoreMap(fullConv, crop);
        input.Reshape(shape);
        fullConv.Reshape();
        if (map.Count != expected.Count)
            throw new InvalidOperationException($"At the classifier's input size the map should be 1×1; it is ({string.Join(", ", map.Shape)}).");
        return MaxDifference(expected.Data, map.Data);
    }

    /// <summary>
    /// Check 1, what the surgery claims: after <see cref="ScoreMap"/>, the score at every position of the map equals
    /// the classifier's own inner products run on the window of features under that position —
    /// <c>net.blobs['pool3'].data[...] = full.blobs['pool3'].data[:, :, i:i+4, j:j+4]; net.forward(start='ip1')</c>.
    /// Returns the largest absolute difference over all positions and classes.
    /// </summary>
    public static float WindowDifference(Net net, Net fullConv, string firstFc, NdArray scores)
    {
        string featureName = net.BottomNames[firstFc][0];
        Blob input = net.Blobs[net.Inputs[0]];
        input.Reshape([1, .. input.Shape.Skip(1)]);
        net.Reshape();
        Blob window = net.Blobs[featureName], features = fullConv.Blobs[featureName];
        int channels = window.Channels, wh = window.Height, ww = window.Width, fh = features.Height, fw = features.Width;
        int classes = scores.Shape[0], height = scores.Shape[1], width = scores.Shape[2];
        if (features.Channels != channels || fh - wh + 1 != height || fw - ww + 1 != width)
            throw new InvalidOperationException(
                $"'{featureName}' is ({Shape(features)}) in the fully convolutional net; a {height}×{width} map of {wh}×{ww} windows over it does not fit.");
        string probName = net.Outputs[^1];
        float worst = 0;
        for (int i = 0; i < height; i++)
        {
            for (int j = 0; j < width; j++)
            {
                Span<float> into = window.Data;
                ReadOnlySpan<float> from = features.Data;
                for (int c = 0; c < channels; c++)
                    for (int y = 0; y < wh; y++)
                        from.Slice((c * fh + i + y) * fw + j, ww).CopyTo(into.Slice((c * wh + y) * ww, ww));
                ReadOnlySpan<float> prob = net.Forward(start: firstFc)[probName].Data;
                for (int k = 0; k < classes; k++) worst = MathF.Max(worst, MathF.Abs(prob[k] - scores[k, i, j]));
            }
        }
        return worst;
    }

    /// <summary>
    /// Check 3, about input pixels: the classifier run on the h×w crop of the input under map position (i, j) — at
    /// (i·stride, j·stride) — against the map's scores there. Not equal in general: the crop's edges meet the
    /// classifier's zero padding and pooling borders where the large input has more pixels. Returns the difference
    /// and the two best classes.
    /// </summary>
    public static (float MaxDifference, int CropClass, int MapClass) CropComparison(Net net, NdArray preprocessed, NdArray scores, int i, int j)
    {
        Blob input = net.Blobs[net.Inputs[0]];
        int h = input.Height, w = input.Width;
        int stride = Stride(preprocessed.Shape[1], h, scores.Shape[1]);
        NdArray prob = Forward(net, Crop(preprocessed, i * stride, j * stride, h, w));
        int classes = scores.Shape[0];
        var atPosition = new float[classes];
        for (int k = 0; k < classes; k++) atPosition[k] = scores[k, i, j];
        return (MaxDifference(prob.Data, atPosition), IndexOfMax(prob.Data), IndexOfMax(atPosition));
    }

    /// <summary>numpy's <c>chw[:, top:top+h, left:left+w]</c> (a copy).</summary>
    public static NdArray Crop(NdArray chw, int top, int left, int h, int w)
    {
        int channels = chw.Shape[0], height = chw.Shape[1], width = chw.Shape[2];
        if (top < 0 || left < 0 || top + h > height || left + w > width)
            throw new ArgumentException($"A {h}×{w} crop at ({top}, {left}) does not fit in ({string.Join(", ", chw.Shape)}).");
        var crop = new NdArray(channels, h, w);
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
                Array.Copy(chw.Data, (c * height + top + y) * width + left, crop.Data, (c * h + y) * w, w);
        return crop;
    }

    /// <summary>The input distance between neighbouring map positions: (H − h) / (H' − 1) for an H-pixel input, h-pixel windows and H' positions.</summary>
    public static int Stride(int inputSize, int windowSize, int mapSize)
    {
        if (mapSize < 2) return 0;
        if ((inputSize - windowSize) % (mapSize - 1) != 0)
            throw new ArgumentException($"A {inputSize}-pixel input with {windowSize}-pixel windows does not spread evenly over {mapSize} positions.");
        return (inputSize - windowSize) / (mapSize - 1);
    }

    /// <summary>The classifier's output for one preprocessed K×h×w item (input batch set to 1).</summary>
    public static NdArray Forward(Net net, NdArray item)
    {
        Blob input = net.Blobs[net.Inputs[0]];
        input.Reshape([1, .. item.Shape]);
        net.Reshape();
        item.Data.CopyTo(input.Data);
        return net.Forward()[net.Outputs[^1]].DataArray();
    }

    /// <summary>
    /// Four H×W×K pictures (resized to <paramref name="tile"/>×<paramref name="tile"/>) in a 2×2 grid, row by row:
    /// an input whose map corners each sit on one picture.
    /// </summary>
    public static NdArray Mosaic(IReadOnlyList<NdArray> pictures, int tile)
    {
        if (pictures.Count != 4) throw new ArgumentException($"A mosaic takes 4 pictures, got {pictures.Count}.", nameof(pictures));
        int k = pictures[0].Shape[2], side = 2 * tile;
        var mosaic = new NdArray(side, side, k);
        for (int t = 0; t < 4; t++)
        {
            NdArray small = IO.ResizeImage(pictures[t], [tile, tile]);
            int top = t / 2 * tile, left = t % 2 * tile;
            for (int y = 0; y < tile; y++)
                Array.Copy(small.Data, y * tile * k, mosaic.Data, ((top + y) * side + left) * k, tile * k);
        }
        return mosaic;
    }

    private static IReadOnlyList<Blob> Params(Net net, string layer)
    {
        if (!net.Params.TryGetValue(layer, out IReadOnlyList<Blob>? blobs))
            throw new KeyNotFoundException($"Net '{net.Name}' has no layer '{layer}' with parameters; it has: {string.Join(", ", net.Params.Keys)}.");
        if (blobs.Count < 2) throw new ArgumentException($"Layer '{layer}' of net '{net.Name}' has no bias (bias_term: false); the transplant copies weights and biases.");
        return blobs;
    }

    private static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float worst = 0;
        for (int i = 0; i < a.Length; i++) worst = MathF.Max(worst, MathF.Abs(a[i] - b[i]));
        return worst;
    }

    private static int IndexOfMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private static string Shape(Blob blob) => string.Join(", ", blob.Shape);
}
