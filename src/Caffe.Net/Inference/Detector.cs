namespace Caffe;

/// <summary>One window's result of <see cref="Detector.DetectWindows(IEnumerable{ValueTuple{string, IReadOnlyList{int[]}}})"/> (pycaffe's detection dict).</summary>
/// <param name="Filename">The image the window is in.</param>
/// <param name="Window">The window as (ymin, xmin, ymax, xmax).</param>
/// <param name="Prediction">The net's first output for the window.</param>
public sealed record Detection(string Filename, IReadOnlyList<int> Window, NdArray Prediction);

/// <summary>
/// pycaffe's <c>caffe.Detector</c>: classifies windows of images (R-CNN style), each warped to the net's input
/// size, optionally with <c>context_pad</c> pixels of surrounding context, padded with the mean where the window
/// leaves the image. Windows are given; pycaffe's selective-search proposals (<c>detect_selective_search</c>,
/// which runs a MATLAB tool) are not provided.
/// </summary>
public sealed class Detector
{
    private int[] _cropDims = [];
    private NdArray _cropMean = new(0);

    /// <summary>pycaffe <c>Detector(model_file, pretrained_file, mean, input_scale, raw_scale, channel_swap, context_pad)</c>, TEST phase.</summary>
    public Detector(string modelFile, string? pretrainedFile, NdArray? mean = null, float? inputScale = null, float? rawScale = null,
                    IReadOnlyList<int>? channelSwap = null, int contextPad = 0)
        : this(new Net(modelFile, Phase.Test, weights: pretrainedFile), mean, inputScale, rawScale, channelSwap, contextPad)
    {
    }

    /// <summary>A detector over an already loaded net.</summary>
    public Detector(Net net, NdArray? mean = null, float? inputScale = null, float? rawScale = null,
                    IReadOnlyList<int>? channelSwap = null, int contextPad = 0)
    {
        (Input, Transformer) = Transformer.ForFirstInput(net, "Detector", mean, inputScale, rawScale, channelSwap);
        Net = net;
        ConfigureCrop(contextPad);
    }

    /// <summary>The network.</summary>
    public Net Net { get; }

    /// <summary>The preprocessing of the first input.</summary>
    public Transformer Transformer { get; }

    /// <summary>The input blob windows go to.</summary>
    public string Input { get; }

    /// <summary>Pixels of context around each window, in the warped crop (pycaffe <c>context_pad</c>); 0 for none.</summary>
    public int ContextPad { get; private set; }

    /// <summary>The H×W×K size of a padded crop (pycaffe <c>crop_dims</c>).</summary>
    public IReadOnlyList<int> CropDims => _cropDims;

    /// <summary>What padding outside the image is filled with: the mean in image space (pycaffe <c>crop_mean</c>).</summary>
    public NdArray CropMean => _cropMean;

    /// <summary>
    /// pycaffe <c>detect_windows(images_windows)</c>: loads each image (<see cref="IO.LoadImage"/>), crops its windows
    /// (<see cref="Crop"/>), preprocesses and runs them as one batch; one <see cref="Detection"/> per window, in order.
    /// </summary>
    public IReadOnlyList<Detection> DetectWindows(IEnumerable<(string ImagePath, IReadOnlyList<int[]> Windows)> imagesWindows)
    {
        ArgumentNullException.ThrowIfNull(imagesWindows);
        return DetectWindows(imagesWindows.Select(p => (p.ImagePath, IO.LoadImage(p.ImagePath), p.Windows)));
    }

    /// <summary>Like the other overload, for images already in memory; <c>Name</c> is reported as the detection's file name.</summary>
    public IReadOnlyList<Detection> DetectWindows(IEnumerable<(string Name, NdArray Image, IReadOnlyList<int[]> Windows)> imagesWindows)
    {
        ArgumentNullException.ThrowIfNull(imagesWindows);
        var windows = new List<(string Name, int[] Window)>();
        var inputs = new List<NdArray>();
        foreach ((string name, NdArray image, IReadOnlyList<int[]> list) in imagesWindows)
        {
            foreach (int[] window in list)
            {
                windows.Add((name, window));
                inputs.Add(Transformer.Preprocess(Input, Crop(image, window)));
            }
        }
        if (inputs.Count == 0) return [];
        NdArray predictions = Classifier.Forward(Net, Input, inputs);
        int size = predictions.Count / predictions.Shape[0];
        int[] rowShape = [.. predictions.Shape.Skip(1)];
        return windows.Select((w, i) => new Detection(w.Name, w.Window, new NdArray(predictions.Data.AsSpan(i * size, size).ToArray(), rowShape)))
                      .ToList();
    }

    /// <summary>
    /// pycaffe <c>crop(im, window)</c>: the window (ymin, xmin, ymax, xmax; rows ymin..ymax−1) of an H×W×K image. With
    /// a context pad, R-CNN's warp with context: the window (taken as inclusive, height ymax−ymin+1) is grown so that
    /// after warping to the input size it has <see cref="ContextPad"/> pixels of context on each side; the part inside
    /// the image is resized into place and the rest filled with <see cref="CropMean"/>. Rounding is pycaffe's under
    /// Python 2, where this code path ran: numpy's half-to-even for the box, half away from zero for pads and sizes.
    /// </summary>
    public NdArray Crop(NdArray image, IReadOnlyList<int> window)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(window);
        if (image.NumAxes != 3) throw new ArgumentException($"Images must be H×W×K, got ({string.Join(", ", image.Shape)}).", nameof(image));
        if (window.Count != 4) throw new ArgumentException($"A window is (ymin, xmin, ymax, xmax); got {window.Count} values.", nameof(window));
        int imH = image.Shape[0], imW = image.Shape[1];
        if (ContextPad == 0)
        {
            int top = Math.Clamp(window[0], 0, imH), left = Math.Clamp(window[1], 0, imW);
            int bottom = Math.Clamp(window[2], top, imH), right = Math.Clamp(window[3], left, imW);
            return IO.Crop(image, top, left, bottom - top, right - left);
        }
        int cropSize = Net.Blobs[Input].Width;
        double scale = cropSize / (1.0 * cropSize - ContextPad * 2);
        double halfH = (window[2] - window[0] + 1) / 2.0, halfW = (window[3] - window[1] + 1) / 2.0;
        double centerY = window[0] + halfH, centerX = window[1] + halfW;
        double[] box =
        [
            Math.Round(centerY - scale * halfH, MidpointRounding.ToEven), Math.Round(centerX - scale * halfW, MidpointRounding.ToEven),
            Math.Round(centerY + scale * halfH, MidpointRounding.ToEven), Math.Round(centerX + scale * halfW, MidpointRounding.ToEven),
        ];
        double scaleH = cropSize / (box[2] - box[0] + 1), scaleW = cropSize / (box[3] - box[1] + 1);
        int padY = (int)Math.Round(Math.Max(0, -box[0]) * scaleH, MidpointRounding.AwayFromZero);
        int padX = (int)Math.Round(Math.Max(0, -box[1]) * scaleW, MidpointRounding.AwayFromZero);
        box = [Math.Clamp(box[0], 0, imH), Math.Clamp(box[1], 0, imW), Math.Clamp(box[2], 0, imH), Math.Clamp(box[3], 0, imW)];
        double clipH = box[2] - box[0] + 1, clipW = box[3] - box[1] + 1;
        int cropH = Math.Min((int)Math.Round(clipH * scaleH, MidpointRounding.AwayFromZero), cropSize - padY);
        int cropW = Math.Min((int)Math.Round(clipW * scaleW, MidpointRounding.AwayFromZero), cropSize - padX);
        int y0 = (int)box[0], x0 = (int)box[1], y1 = (int)box[2], x1 = (int)box[3];
        if (y1 <= y0 || x1 <= x0 || cropH <= 0 || cropW <= 0)
            throw new ArgumentException($"Window ({string.Join(", ", window)}) lies outside the {imH}×{imW} image.", nameof(window));
        NdArray context = IO.ResizeImage(IO.Crop(image, y0, x0, y1 - y0, x1 - x0), [cropH, cropW]);
        int channels = _cropDims[2];
        if (image.Shape[2] != channels)
            throw new ArgumentException($"The image has {image.Shape[2]} channels; the net's input has {channels}.", nameof(image));
        NdArray crop = FilledWithMean();
        for (int y = 0; y < cropH; y++)
            Array.Copy(context.Data, y * cropW * channels, crop.Data, ((padY + y) * _cropDims[1] + padX) * channels, cropW * channels);
        return crop;
    }

    /// <summary>
    /// pycaffe <c>configure_crop(context_pad)</c>: sets the context pad and derives the crop size and the padding mean
    /// in image space (the transformer's mean with its transpose and channel swap undone, divided by the raw scale).
    /// </summary>
    public void ConfigureCrop(int contextPad)
    {
        if (contextPad < 0) throw new ArgumentOutOfRangeException(nameof(contextPad), contextPad, "The context pad cannot be negative.");
        IReadOnlyList<int> shape = Net.Blobs[Input].Shape;
        int[] transpose = [.. Transformer.GetTranspose(Input) ?? [0, 1, 2]];
        int[] inverse = Inverse(transpose);
        _cropDims = inverse.Select(a => shape[1 + a]).ToArray();
        ContextPad = contextPad;
        NdArray? mean = Transformer.GetMean(Input);
        if (mean == null)
        {
            _cropMean = new NdArray(_cropDims);
            return;
        }
        NdArray cropMean = (mean.NumAxes == 3 ? mean : mean.Reshape([1, .. mean.Shape])).Transpose(inverse);
        if (Transformer.GetChannelSwap(Input) is { } swap)
        {
            int[] order = [.. swap];
            int channels = cropMean.Shape[2];
            var swapped = new NdArray([.. cropMean.Shape]);
            for (int p = 0; p < cropMean.Count / channels; p++)
                for (int c = 0; c < channels; c++)
                    swapped.Data[p * channels + c] = cropMean.Data[p * channels + Array.IndexOf(order, c)];
            cropMean = swapped;
        }
        if (Transformer.GetRawScale(Input) is float raw)
            for (int i = 0; i < cropMean.Count; i++) cropMean.Data[i] /= raw;
        _cropMean = cropMean;
    }

    private NdArray FilledWithMean()
    {
        var crop = new NdArray(_cropDims);
        int channels = _cropDims[2];
        // The mean is per channel (1×1×K), per pixel (H×W×1, from an H×W mean) or full (H×W×K): numpy broadcasting.
        bool perChannel = _cropMean.Count == channels, perPixel = _cropMean.Count * channels == crop.Count && _cropMean.Shape[^1] == 1;
        if (!perChannel && !perPixel && _cropMean.Count != crop.Count)
            throw new InvalidOperationException($"The crop mean ({string.Join(", ", _cropMean.Shape)}) does not fit crops of ({string.Join(", ", _cropDims)}).");
        for (int i = 0; i < crop.Count; i++)
            crop.Data[i] = perChannel ? _cropMean.Data[i % channels] : perPixel ? _cropMean.Data[i / channels] : _cropMean.Data[i];
        return crop;
    }

    private static int[] Inverse(int[] permutation)
    {
        var inverse = new int[permutation.Length];
        for (int i = 0; i < permutation.Length; i++) inverse[permutation[i]] = i;
        return inverse;
    }
}
