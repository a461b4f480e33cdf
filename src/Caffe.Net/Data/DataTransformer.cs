namespace Caffe;

/// <summary>
/// Caffe's <c>DataTransformer</c>: turns a <see cref="Datum"/>, an H×W×K image or a blob into a C×H×W item
/// with <c>transform_param</c> applied in Caffe's order — crop (random at TRAIN, centred at TEST), mirror
/// (random), subtract <c>mean_file</c> or <c>mean_value</c>, multiply by <c>scale</c>. Random draws come from
/// the <see cref="Rng"/> of the thread running the transform (the prefetch thread for data layers): a mirror
/// coin first, then the crop's row and column offsets.
/// </summary>
public sealed class DataTransformer
{
    private readonly Blob? _mean;
    private readonly float[] _meanValues;

    /// <summary>Creates the transformer; a <c>mean_file</c> (.binaryproto) is read now.</summary>
    public DataTransformer(TransformationParameter? param, Phase phase)
    {
        Param = param?.Clone() ?? new TransformationParameter();
        Phase = phase;
        if (Param.HasMeanFile && Param.MeanValue.Count > 0)
            throw new ArgumentException("Cannot specify mean_file and mean_value at the same time.");
        if (Param.HasMeanFile)
        {
            CaffeLog.Info($"Loading mean file from: {Param.MeanFile}");
            _mean = new Blob();
            _mean.FromProto(ProtoIO.ReadProtoFromBinaryFile(BlobProto.Parser, Param.MeanFile));
        }
        _meanValues = [.. Param.MeanValue];
        if (Param.ForceColor && Param.ForceGray) throw new ArgumentException("Cannot set both force_color and force_gray.");
    }

    /// <summary>The transformation parameters.</summary>
    public TransformationParameter Param { get; }

    /// <summary>TRAIN crops at random, TEST at the centre.</summary>
    public Phase Phase { get; }

    /// <summary>The mean blob read from <c>mean_file</c>, or null.</summary>
    public Blob? Mean => _mean;

    /// <summary>Transforms a datum into the first item of <paramref name="transformed"/> (Caffe's <c>Transform(Datum, Blob*)</c>).</summary>
    public void Transform(Datum datum, Blob transformed)
    {
        if (datum.Encoded)
        {
            Transform(DecodeDatum(datum), transformed);
            return;
        }
        WarnForceColorOnRaw();
        (int channels, int height, int width) = CheckTarget(transformed, datum.Channels, datum.Height, datum.Width, "datum");
        TransformRaw(datum, transformed.Data[..(channels * height * width)], height, width);
    }

    /// <summary>Transforms each datum into the matching item of <paramref name="transformed"/> (at most its num).</summary>
    public void Transform(IReadOnlyList<Datum> datums, Blob transformed)
    {
        if (datums.Count == 0) throw new ArgumentException("There is no datum to add.");
        if (datums.Count > transformed.Num)
            throw new ArgumentException($"{datums.Count} datums do not fit in a blob of num {transformed.Num} ({transformed.ShapeString}).");
        TransformEach(datums, transformed, Transform);
    }

    /// <summary>
    /// Transforms an H×W×K image (Caffe's <c>cv::Mat</c>: values as stored, BGR for color images) into the first
    /// item of <paramref name="transformed"/>.
    /// </summary>
    public void Transform(NdArray image, Blob transformed)
    {
        if (image.NumAxes != 3) throw new ArgumentException($"An image must be H×W×K, got ({string.Join(", ", image.Shape)}).");
        (int channels, int height, int width) = CheckTarget(transformed, image.Shape[2], image.Shape[0], image.Shape[1], "image");
        TransformImage(image, transformed.Data[..(channels * height * width)], height, width);
    }

    /// <summary>Transforms each image into its item of <paramref name="transformed"/>; the counts must be equal.</summary>
    public void Transform(IReadOnlyList<NdArray> images, Blob transformed)
    {
        if (images.Count == 0) throw new ArgumentException("There is no image to add.");
        if (images.Count != transformed.Num)
            throw new ArgumentException($"{images.Count} images for a blob of num {transformed.Num}: they must be equal.");
        TransformEach(images, transformed, Transform);
    }

    // Transforms the items one at a time through an item-sized blob, each into its slot of `transformed`.
    private static void TransformEach<T>(IReadOnlyList<T> items, Blob transformed, Action<T, Blob> transform)
    {
        int itemCount = transformed.Count / transformed.Num;
        var item = new Blob(1, transformed.Channels, transformed.Height, transformed.Width);
        for (int i = 0; i < items.Count; i++)
        {
            transform(items[i], item);
            item.Data.CopyTo(transformed.Data.Slice(i * itemCount, itemCount));
        }
    }

    /// <summary>
    /// Transforms a whole N×C×H×W blob (one mirror and crop draw for the batch, as Caffe). An empty
    /// <paramref name="transformed"/> is shaped first. Unlike Caffe, <paramref name="input"/> is left unchanged.
    /// </summary>
    public void Transform(Blob input, Blob transformed)
    {
        int cropSize = (int)Param.CropSize;
        int inputNum = input.Num, inputChannels = input.Channels, inputHeight = input.Height, inputWidth = input.Width;
        if (transformed.Count == 0)
        {
            if (cropSize > 0) transformed.Reshape(inputNum, inputChannels, cropSize, cropSize);
            else transformed.Reshape(inputNum, inputChannels, inputHeight, inputWidth);
        }
        int num = transformed.Num, channels = transformed.Channels, height = transformed.Height, width = transformed.Width;
        if (inputNum > num || inputChannels != channels || inputHeight < height || inputWidth < width)
            throw new ArgumentException($"Cannot transform a blob of shape {input.ShapeString} into {transformed.ShapeString}.");

        bool mirror = Param.Mirror && Rand(2) == 1;
        (int hOff, int wOff) = CropOffsets(inputHeight, inputWidth, height, width, cropSize, "blob");
        if (_mean != null) CheckMean(inputChannels, inputHeight, inputWidth, "blob");
        float[] means = MeanValuesFor(inputChannels);

        ReadOnlySpan<float> src = input.Data;
        Span<float> dst = transformed.Data;
        float scale = Param.Scale;
        ReadOnlySpan<float> mean = _mean != null ? _mean.Data : default;
        for (int n = 0; n < inputNum; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int h = 0; h < height; h++)
                {
                    int srcRow = ((n * channels + c) * inputHeight + hOff + h) * inputWidth + wOff;
                    int meanRow = (c * inputHeight + hOff + h) * inputWidth + wOff;
                    int dstRow = ((n * channels + c) * height + h) * width;
                    for (int w = 0; w < width; w++)
                    {
                        float v = src[srcRow + w];
                        if (_mean != null) v -= mean[meanRow + w];
                        else if (means.Length > 0) v -= means[c];
                        dst[dstRow + (mirror ? width - 1 - w : w)] = v;
                    }
                }
            }
        }
        if (scale != 1f) transformed.ScaleData(scale);
    }

    /// <summary>The shape of one transformed datum: 1×C×H×W, with H and W the crop size when set.</summary>
    public int[] InferBlobShape(Datum datum)
    {
        if (datum.Encoded) return InferBlobShape(DecodeDatum(datum));
        return ShapeFor(datum.Channels, datum.Height, datum.Width, "datum");
    }

    /// <summary>The shape of a batch of transformed datums: N×C×H×W from the first one.</summary>
    public int[] InferBlobShape(IReadOnlyList<Datum> datums)
    {
        if (datums.Count == 0) throw new ArgumentException("There is no datum to add.");
        int[] shape = InferBlobShape(datums[0]);
        shape[0] = datums.Count;
        return shape;
    }

    /// <summary>The shape of one transformed H×W×K image: 1×K×H×W, with H and W the crop size when set.</summary>
    public int[] InferBlobShape(NdArray image)
    {
        if (image.NumAxes != 3) throw new ArgumentException($"An image must be H×W×K, got ({string.Join(", ", image.Shape)}).");
        return ShapeFor(image.Shape[2], image.Shape[0], image.Shape[1], "image");
    }

    /// <summary>The shape of a batch of transformed images: N×K×H×W from the first one.</summary>
    public int[] InferBlobShape(IReadOnlyList<NdArray> images)
    {
        if (images.Count == 0) throw new ArgumentException("There is no image to add.");
        int[] shape = InferBlobShape(images[0]);
        shape[0] = images.Count;
        return shape;
    }

    /// <summary>Transforms a datum into <paramref name="target"/>, one C×H×W item already checked against the datum.</summary>
    internal void TransformInto(Datum datum, Span<float> target, int height, int width)
    {
        if (datum.Encoded)
        {
            TransformImage(DecodeDatum(datum), target, height, width);
            return;
        }
        TransformRaw(datum, target, height, width);
    }

    /// <summary>Transforms an image into <paramref name="target"/>, one C×H×W item.</summary>
    internal void TransformInto(NdArray image, Span<float> target, int height, int width) =>
        TransformImage(image, target, height, width);

    /// <summary>Decodes an encoded datum as <c>force_color</c>/<c>force_gray</c> ask (natively otherwise).</summary>
    internal NdArray DecodeDatum(Datum datum, string source = "<datum>")
    {
        ImageColorMode mode = Param.ForceColor ? ImageColorMode.Color
            : Param.ForceGray ? ImageColorMode.Gray : ImageColorMode.Native;
        return DatumIO.DecodeToImage(datum, mode, source);
    }

    private void TransformRaw(Datum datum, Span<float> target, int height, int width)
    {
        int datumChannels = datum.Channels, datumHeight = datum.Height, datumWidth = datum.Width;
        if (datumChannels <= 0) throw new ArgumentException($"The datum has {datumChannels} channels.");
        int size = datumChannels * datumHeight * datumWidth;
        ReadOnlySpan<byte> bytes = datum.Data.Span;
        bool hasBytes = bytes.Length > 0;
        if (hasBytes ? bytes.Length != size : datum.FloatData.Count != size)
        {
            throw new ArgumentException(
                $"The datum holds {(hasBytes ? bytes.Length : datum.FloatData.Count)} values but {datumChannels}×{datumHeight}×{datumWidth} needs {size}.");
        }
        bool mirror = Param.Mirror && Rand(2) == 1;
        (int hOff, int wOff) = CropOffsets(datumHeight, datumWidth, height, width, (int)Param.CropSize, "datum");
        if (_mean != null) CheckMean(datumChannels, datumHeight, datumWidth, "datum");
        float[] means = MeanValuesFor(datumChannels);
        ReadOnlySpan<float> mean = _mean != null ? _mean.Data : default;
        float scale = Param.Scale;
        for (int c = 0; c < datumChannels; c++)
        {
            for (int h = 0; h < height; h++)
            {
                for (int w = 0; w < width; w++)
                {
                    int dataIndex = (c * datumHeight + hOff + h) * datumWidth + wOff + w;
                    int topIndex = (c * height + h) * width + (mirror ? width - 1 - w : w);
                    float element = hasBytes ? bytes[dataIndex] : datum.FloatData[dataIndex];
                    if (_mean != null) target[topIndex] = (element - mean[dataIndex]) * scale;
                    else if (means.Length > 0) target[topIndex] = (element - means[c]) * scale;
                    else target[topIndex] = element * scale;
                }
            }
        }
    }

    private void TransformImage(NdArray image, Span<float> target, int height, int width)
    {
        int imgHeight = image.Shape[0], imgWidth = image.Shape[1], channels = image.Shape[2];
        bool mirror = Param.Mirror && Rand(2) == 1;
        (int hOff, int wOff) = CropOffsets(imgHeight, imgWidth, height, width, (int)Param.CropSize, "image");
        if (_mean != null) CheckMean(channels, imgHeight, imgWidth, "image");
        float[] means = MeanValuesFor(channels);
        ReadOnlySpan<float> mean = _mean != null ? _mean.Data : default;
        float[] pixels = image.Data;
        float scale = Param.Scale;
        for (int h = 0; h < height; h++)
        {
            for (int w = 0; w < width; w++)
            {
                int pixel = ((hOff + h) * imgWidth + wOff + w) * channels;
                for (int c = 0; c < channels; c++)
                {
                    int topIndex = (c * height + h) * width + (mirror ? width - 1 - w : w);
                    float value = pixels[pixel + c];
                    if (_mean != null)
                        target[topIndex] = (value - mean[(c * imgHeight + hOff + h) * imgWidth + wOff + w]) * scale;
                    else if (means.Length > 0) target[topIndex] = (value - means[c]) * scale;
                    else target[topIndex] = value * scale;
                }
            }
        }
    }

    private (int HOff, int WOff) CropOffsets(int srcHeight, int srcWidth, int height, int width, int cropSize, string what)
    {
        if (cropSize == 0) return (0, 0);
        if (srcHeight < cropSize || srcWidth < cropSize)
            throw new ArgumentException($"crop_size {cropSize} is larger than the {what} ({srcHeight}×{srcWidth}).");
        if (height != cropSize || width != cropSize)
            throw new ArgumentException($"The target item is {height}×{width} but crop_size is {cropSize}.");
        // Random crops only while training; TEST takes the centre.
        if (Phase == Phase.Train) return (Rand(srcHeight - cropSize + 1), Rand(srcWidth - cropSize + 1));
        return ((srcHeight - cropSize) / 2, (srcWidth - cropSize) / 2);
    }

    private (int Channels, int Height, int Width) CheckTarget(Blob transformed, int channels, int height, int width, string what)
    {
        int cropSize = (int)Param.CropSize;
        if (transformed.NumAxes > 4 || transformed.Count == 0)
            throw new ArgumentException($"Cannot transform into a blob of shape {transformed.ShapeString}: an N×C×H×W blob is needed.");
        int targetChannels = transformed.Channels, targetHeight = transformed.Height, targetWidth = transformed.Width;
        bool ok = targetChannels == channels && (cropSize > 0
            ? targetHeight == cropSize && targetWidth == cropSize && height >= cropSize && width >= cropSize
            : targetHeight == height && targetWidth == width);
        if (!ok)
        {
            string expected = cropSize > 0 ? $"{channels}×{cropSize}×{cropSize} (crop_size {cropSize})" : $"{channels}×{height}×{width}";
            throw new ArgumentException(
                $"The {what} is {channels}×{height}×{width} (C×H×W); the target blob {transformed.ShapeString} needs items of {expected}.");
        }
        return (targetChannels, targetHeight, targetWidth);
    }

    private int[] ShapeFor(int channels, int height, int width, string what)
    {
        int cropSize = (int)Param.CropSize;
        if (channels <= 0) throw new ArgumentException($"The {what} has {channels} channels.");
        if (height < cropSize || width < cropSize)
            throw new ArgumentException($"crop_size {cropSize} is larger than the {what} ({height}×{width}).");
        return [1, channels, cropSize > 0 ? cropSize : height, cropSize > 0 ? cropSize : width];
    }

    private void CheckMean(int channels, int height, int width, string what)
    {
        if (_mean!.Channels != channels || _mean.Height != height || _mean.Width != width)
        {
            throw new ArgumentException(
                $"The mean_file {Param.MeanFile} is {_mean.Channels}×{_mean.Height}×{_mean.Width} but the {what} is {channels}×{height}×{width}.");
        }
    }

    private float[] MeanValuesFor(int channels)
    {
        if (_meanValues.Length == 0) return _meanValues;
        if (_meanValues.Length == channels) return _meanValues;
        if (_meanValues.Length == 1) return Enumerable.Repeat(_meanValues[0], channels).ToArray();
        throw new ArgumentException($"Specify either 1 mean_value or as many as channels: {channels} (got {_meanValues.Length}).");
    }

    private void WarnForceColorOnRaw()
    {
        if (Param.ForceColor || Param.ForceGray) CaffeLog.Error("force_color and force_gray only for encoded datum");
    }

    private static int Rand(int n) => Rng.Next(n);
}
