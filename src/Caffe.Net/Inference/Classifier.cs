namespace Caffe;

/// <summary>
/// pycaffe's <c>caffe.Classifier</c>: a net plus a <see cref="Transformer"/> for its first input, predicting class
/// probabilities of H×W×K images by resizing them to <see cref="ImageDims"/>, taking the center crop or pycaffe's
/// ten crops (corners, center and their mirrors) of the input's size, and averaging over the crops. pycaffe's
/// Classifier is a Net subclass; here the net is <see cref="Net"/>.
/// </summary>
public sealed class Classifier
{
    /// <summary>
    /// pycaffe <c>Classifier(model_file, pretrained_file, image_dims, mean, input_scale, raw_scale, channel_swap)</c>:
    /// loads the net in the TEST phase (<paramref name="pretrainedFile"/> may be null for a net without weights).
    /// </summary>
    public Classifier(string modelFile, string? pretrainedFile, IReadOnlyList<int>? imageDims = null, NdArray? mean = null,
                      float? inputScale = null, float? rawScale = null, IReadOnlyList<int>? channelSwap = null)
        : this(new Net(modelFile, Phase.Test, weights: pretrainedFile), imageDims, mean, inputScale, rawScale, channelSwap)
    {
    }

    /// <summary>A classifier over an already loaded net (see the other constructor for the options).</summary>
    public Classifier(Net net, IReadOnlyList<int>? imageDims = null, NdArray? mean = null, float? inputScale = null,
                      float? rawScale = null, IReadOnlyList<int>? channelSwap = null)
    {
        (Input, Transformer) = Transformer.ForFirstInput(net, "Classifier", mean, inputScale, rawScale, channelSwap);
        Net = net;
        IReadOnlyList<int> shape = net.Blobs[Input].Shape;
        CropDims = [shape[2], shape[3]];
        if (imageDims != null && (imageDims.Count != 2 || imageDims[0] < CropDims[0] || imageDims[1] < CropDims[1]))
            throw new ArgumentException(
                $"Image dimensions ({string.Join(", ", imageDims)}) must be (height, width) at least the input's ({CropDims[0]}, {CropDims[1]}).");
        ImageDims = imageDims != null ? [.. imageDims] : CropDims;
    }

    /// <summary>The network.</summary>
    public Net Net { get; }

    /// <summary>The preprocessing of the first input (pycaffe <c>classifier.transformer</c>).</summary>
    public Transformer Transformer { get; }

    /// <summary>The input blob images go to: the net's first input.</summary>
    public string Input { get; }

    /// <summary>The size images are resized to before cropping (pycaffe <c>image_dims</c>; default the input's H×W).</summary>
    public IReadOnlyList<int> ImageDims { get; }

    /// <summary>The crop size: the input's H×W (pycaffe <c>crop_dims</c>).</summary>
    public IReadOnlyList<int> CropDims { get; }

    /// <summary>
    /// pycaffe <c>predict(inputs, oversample)</c>: the net's first output for each image (N×C for N images). With
    /// <paramref name="oversample"/> each image gives ten crops whose predictions are averaged; otherwise its center
    /// crop. All crops run as one batch: the input blob is reshaped to their number (pycaffe's forward_all splits
    /// them into batches of the blob's size instead; the numbers are the same).
    /// </summary>
    public NdArray Predict(IReadOnlyList<NdArray> images, bool oversample = true)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("Predict needs at least one image.", nameof(images));
        int channels = images[0].NumAxes == 3 ? images[0].Shape[2] : throw new ArgumentException(
            $"Images must be H×W×K; image 0 has shape ({string.Join(", ", images[0].Shape)}).", nameof(images));
        var resized = new List<NdArray>(images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i].NumAxes != 3 || images[i].Shape[2] != channels)
                throw new ArgumentException(
                    $"Image {i} has shape ({string.Join(", ", images[i].Shape)}); every image needs H×W×{channels} like image 0.", nameof(images));
            resized.Add(IO.ResizeImage(images[i], ImageDims));
        }
        List<NdArray> crops;
        if (oversample)
        {
            NdArray all = IO.Oversample(resized, CropDims);
            int size = all.Count / all.Shape[0];
            crops = [.. Enumerable.Range(0, all.Shape[0]).Select(i => new NdArray(all.Data.AsSpan(i * size, size).ToArray(), [.. all.Shape.Skip(1)]))];
        }
        else
        {
            crops = [.. resized.Select(im => IO.CenterCrop(im, CropDims[0], CropDims[1]))];
        }
        NdArray predictions = Forward(Net, Input, crops.Select(c => Transformer.Preprocess(Input, c)).ToList());
        if (!oversample) return predictions;
        int perCrop = predictions.Count / predictions.Shape[0];
        var averaged = new NdArray(images.Count, perCrop);
        for (int n = 0; n < images.Count; n++)
        {
            for (int d = 0; d < perCrop; d++)
            {
                float sum = 0;
                for (int c = 0; c < 10; c++) sum += predictions.Data[(n * 10 + c) * perCrop + d];
                averaged.Data[n * perCrop + d] = sum / 10;
            }
        }
        return averaged;
    }

    /// <summary>Reshapes <paramref name="input"/> to hold the items, runs the net, and copies its first output.</summary>
    internal static NdArray Forward(Net net, string input, IReadOnlyList<NdArray> items)
    {
        Blob blob = net.Blobs[input];
        int[] itemShape = [.. items[0].Shape];
        blob.Reshape([items.Count, .. itemShape]);
        net.Reshape();
        Span<float> data = blob.Data;
        int size = items[0].Count;
        for (int i = 0; i < items.Count; i++)
        {
            if (!items[i].Shape.SequenceEqual(itemShape))
                throw new ArgumentException($"Item {i} has shape ({string.Join(", ", items[i].Shape)}), item 0 ({string.Join(", ", itemShape)}).");
            items[i].Data.CopyTo(data.Slice(i * size, size));
        }
        IReadOnlyDictionary<string, Blob> outputs = net.Forward();
        if (outputs.Count == 0) throw new InvalidOperationException($"Net '{net.Name}' has no outputs.");
        return outputs.First().Value.DataArray();
    }
}
