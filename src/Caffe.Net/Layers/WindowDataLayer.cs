namespace Caffe;

/// <summary>
/// R-CNN's window sampler (<c>window_data_param { source root_folder batch_size fg_threshold bg_threshold
/// fg_fraction context_pad crop_mode cache_images scale }</c> with <c>transform_param { crop_size mirror
/// mean_file | mean_value }</c>): each batch holds <c>batch_size·(1 − fg_fraction)</c> background windows then the
/// foreground ones, drawn at random from the <see cref="WindowFile"/>, each cut out of its image (color, BGR),
/// optionally padded with context or made square, warped to crop_size², mirrored at random, mean-subtracted and
/// scaled by <c>window_data_param.scale</c> (Caffe ignores transform_param.scale here). Tops: data and labels.
/// </summary>
public sealed class WindowDataLayer(LayerParameter param) : BasePrefetchingDataLayer(param)
{
    private WindowFile _windows = null!;
    private byte[]?[] _cache = [];
    private Blob? _mean;
    private float[] _meanValues = [];
    private int _channels;
    private string _source = "";

    /// <inheritdoc/>
    public override string Type => "WindowData";

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 2;

    private WindowDataParameter WindowParam => Param.WindowDataParam ?? throw Error("window_data_param is required.");

    private TransformationParameter TransformParam => Param.TransformParam ?? DefaultTransform;

    private static readonly TransformationParameter DefaultTransform = new();

    /// <inheritdoc/>
    protected override void DataLayerSetUp(IReadOnlyList<Blob> top, List<IDisposable> resources)
    {
        WindowDataParameter p = WindowParam;
        CaffeLog.Info($"Window data layer:\n  foreground (object) overlap threshold: {p.FgThreshold}\n" +
                      $"  background (non-object) overlap threshold: {p.BgThreshold}\n  foreground sampling fraction: {p.FgFraction}");
        if (p.CropMode is not ("warp" or "square")) throw Error($"crop_mode must be 'warp' or 'square', got '{p.CropMode}'.");
        _source = p.Source;
        try
        {
            _windows = WindowFile.Read(_source, p.RootFolder, p.FgThreshold, p.BgThreshold);
        }
        catch (Exception e) when (e is IOException or ModelFormatException)
        {
            throw new LayerException(Name, Type, e.Message, e);
        }
        CaffeLog.Info($"Number of images: {_windows.Images.Count}");
        foreach ((int label, int count) in _windows.LabelHistogram) CaffeLog.Info($"class {label} has {count} samples");
        CaffeLog.Info($"Amount of context padding: {p.ContextPad}");
        CaffeLog.Info($"Crop mode: {p.CropMode}");

        int cropSize = (int)TransformParam.CropSize;
        if (cropSize <= 0) throw Error("transform_param.crop_size must be positive: windows are warped to crop_size × crop_size.");
        if (2 * (long)p.ContextPad >= cropSize) throw Error($"context_pad {p.ContextPad} leaves no room in crop_size {cropSize}.");
        int batchSize = (int)p.BatchSize;
        if (batchSize <= 0) throw Error("window_data_param.batch_size must be positive.");
        int numFg = (int)(batchSize * p.FgFraction);
        if (numFg > 0 && _windows.Foreground.Count == 0)
            throw Error($"{_source} has no foreground windows (overlap ≥ {p.FgThreshold}) but {numFg} per batch are asked for.");
        if (batchSize - numFg > 0 && _windows.Background.Count == 0)
            throw Error($"{_source} has no background windows (overlap < {p.BgThreshold}) but {batchSize - numFg} per batch are asked for.");

        // As Caffe, the channel count comes from the last image of the file.
        _channels = _windows.Images[^1].Channels;
        top[0].Reshape(batchSize, _channels, cropSize, cropSize);
        CaffeLog.Info($"output data size: {top[0].Num},{top[0].Channels},{top[0].Height},{top[0].Width}");
        top[1].Reshape(batchSize);
        SetUpMean(cropSize);

        _cache = new byte[]?[_windows.Images.Count];
        if (p.CacheImages)
        {
            for (int i = 0; i < _windows.Images.Count; i++)
            {
                string path = _windows.Images[i].Path;
                if (!File.Exists(path)) throw Error($"could not open or find file {path} (image {i} of {_source}).");
                _cache[i] = File.ReadAllBytes(path);
            }
        }
    }

    private void SetUpMean(int cropSize)
    {
        TransformationParameter t = TransformParam;
        _mean = null;
        _meanValues = [];
        if (t.HasMeanFile && t.MeanValue.Count > 0) throw Error("cannot specify mean_file and mean_value at the same time.");
        if (t.HasMeanFile)
        {
            CaffeLog.Info($"Loading mean file from: {t.MeanFile}");
            try
            {
                _mean = new Blob();
                _mean.FromProto(ProtoIO.ReadProtoFromBinaryFile(BlobProto.Parser, t.MeanFile));
            }
            catch (Exception e) when (e is IOException or CaffeException or ArgumentException)
            {
                throw new LayerException(Name, Type, $"mean_file: {e.Message}", e);
            }
            int meanOff = (_mean.Width - cropSize) / 2;
            if (_mean.Channels != _channels || meanOff < 0 || _mean.Height < meanOff + cropSize)
            {
                throw Error($"mean_file {t.MeanFile} is {_mean.ShapeString}: it needs {_channels} channels and at least " +
                            $"crop_size {cropSize} rows and columns around its centre.");
            }
        }
        if (t.MeanValue.Count > 0)
        {
            if (t.MeanValue.Count != 1 && t.MeanValue.Count != _channels)
                throw Error($"specify either 1 mean_value or as many as channels: {_channels} (got {t.MeanValue.Count}).");
            _meanValues = t.MeanValue.Count == 1 ? Enumerable.Repeat(t.MeanValue[0], _channels).ToArray() : [.. t.MeanValue];
        }
    }

    /// <inheritdoc/>
    protected override void LoadBatch(Batch batch)
    {
        WindowDataParameter p = WindowParam;
        int batchSize = (int)p.BatchSize;
        int cropSize = (int)TransformParam.CropSize;
        bool mirror = TransformParam.Mirror;
        batch.Data.Reshape(batchSize, _channels, cropSize, cropSize);
        batch.Label.Reshape(batchSize);
        batch.Data.Data.Clear();
        int numFg = (int)(batchSize * p.FgFraction);
        int[] numSamples = [batchSize - numFg, numFg];
        int item = 0;
        // Background windows first, then foreground ones, as Caffe.
        for (int isFg = 0; isFg < 2; isFg++)
        {
            List<Window> pool = isFg == 1 ? _windows.Foreground : _windows.Background;
            for (int s = 0; s < numSamples[isFg]; s++)
            {
                Window window = pool[(int)(PrefetchRand() % (uint)pool.Count)];
                bool doMirror = mirror && PrefetchRand() % 2 == 1;
                WarpWindow(window, doMirror, batch.Data.Data.Slice(item * _channels * cropSize * cropSize, _channels * cropSize * cropSize), cropSize);
                batch.Label.Data[item] = window.Label;
                item++;
            }
        }
    }

    private void WarpWindow(Window window, bool doMirror, Span<float> target, int cropSize)
    {
        WindowDataParameter p = WindowParam;
        NdArray image = LoadImage(window);
        int rows = image.Shape[0], cols = image.Shape[1], channels = image.Shape[2];
        if (channels != _channels)
            throw Where(window, $"the image has {channels} channels but the layer was set up for {_channels}.");
        int x1 = window.X1, y1 = window.Y1, x2 = window.X2, y2 = window.Y2;
        int padW = 0, padH = 0;
        int cropWidth = cropSize, cropHeight = cropSize;
        int contextPad = (int)p.ContextPad;
        bool useSquare = p.CropMode == "square";
        if (contextPad > 0 || useSquare)
        {
            // Grow the box so that, once warped to crop_size, context_pad pixels of context surround it.
            float contextScale = cropSize / (float)(cropSize - 2 * contextPad);
            float halfHeight = (y2 - y1 + 1) / 2.0f;
            float halfWidth = (x2 - x1 + 1) / 2.0f;
            float centerX = x1 + halfWidth;
            float centerY = y1 + halfHeight;
            if (useSquare)
            {
                if (halfHeight > halfWidth) halfWidth = halfHeight;
                else halfHeight = halfWidth;
            }
            x1 = Round(centerX - halfWidth * contextScale);
            x2 = Round(centerX + halfWidth * contextScale);
            y1 = Round(centerY - halfHeight * contextScale);
            y2 = Round(centerY + halfHeight * contextScale);

            // The grown box may leave the image: clip it and remember how much was cut on each side.
            int unclippedHeight = y2 - y1 + 1;
            int unclippedWidth = x2 - x1 + 1;
            int padX1 = Math.Max(0, -x1);
            int padY1 = Math.Max(0, -y1);
            int padX2 = Math.Max(0, x2 - cols + 1);
            int padY2 = Math.Max(0, y2 - rows + 1);
            x1 += padX1;
            x2 -= padX2;
            y1 += padY1;
            y2 -= padY2;
            if (x1 > x2 || y1 > y2) throw Where(window, $"the window lies outside its {cols}×{rows} image.");
            int clippedHeight = y2 - y1 + 1;
            int clippedWidth = x2 - x1 + 1;
            float scaleX = cropSize / (float)unclippedWidth;
            float scaleY = cropSize / (float)unclippedHeight;
            cropWidth = Round(clippedWidth * scaleX);
            cropHeight = Round(clippedHeight * scaleY);
            padX1 = Round(padX1 * scaleX);
            padX2 = Round(padX2 * scaleX);
            padY1 = Round(padY1 * scaleY);
            padH = padY1;
            // A mirrored window has its padding mirrored too.
            padW = doMirror ? padX2 : padX1;
            if (padH + cropHeight > cropSize) cropHeight = cropSize - padH;
            if (padW + cropWidth > cropSize) cropWidth = cropSize - padW;
        }
        if (x1 < 0 || y1 < 0 || x2 >= cols || y2 >= rows)
            throw Where(window, $"the window ({x1}, {y1}, {x2}, {y2}) is not inside its {cols}×{rows} image.");
        if (cropWidth <= 0 || cropHeight <= 0)
            throw Where(window, $"the window warps to an empty {cropWidth}×{cropHeight} region.");

        NdArray warped = ImageCodec.Resize(Cut(image, x1, y1, x2 - x1 + 1, y2 - y1 + 1), cropHeight, cropWidth);
        float scale = p.Scale;
        int meanWidth = _mean?.Width ?? 0, meanHeight = _mean?.Height ?? 0;
        int meanOff = _mean != null ? (meanWidth - cropSize) / 2 : 0;
        ReadOnlySpan<float> mean = _mean != null ? _mean.Data : default;
        float[] pixels = warped.Data;
        for (int h = 0; h < cropHeight; h++)
        {
            for (int w = 0; w < cropWidth; w++)
            {
                int sourceW = doMirror ? cropWidth - 1 - w : w;
                for (int c = 0; c < channels; c++)
                {
                    float pixel = pixels[(h * cropWidth + sourceW) * channels + c];
                    int topIndex = (c * cropSize + h + padH) * cropSize + w + padW;
                    if (_mean != null)
                        target[topIndex] = (pixel - mean[(c * meanHeight + h + meanOff + padH) * meanWidth + w + meanOff + padW]) * scale;
                    else if (_meanValues.Length > 0) target[topIndex] = (pixel - _meanValues[c]) * scale;
                    else target[topIndex] = pixel * scale;
                }
            }
        }
    }

    private NdArray LoadImage(Window window)
    {
        WindowImage image = _windows.Images[window.ImageIndex];
        try
        {
            byte[]? cached = _cache[window.ImageIndex];
            return cached != null
                ? ImageCodec.Decode(cached, ImageColorMode.Color, image.Path)
                : ImageCodec.Read(image.Path, ImageColorMode.Color);
        }
        catch (Exception e) when (e is IOException or ModelFormatException)
        {
            throw Where(window, $"could not load {image.Path}: {e.Message}", e);
        }
    }

    private static NdArray Cut(NdArray image, int x, int y, int width, int height)
    {
        int cols = image.Shape[1], k = image.Shape[2];
        var cut = new NdArray(height, width, k);
        for (int row = 0; row < height; row++)
            image.Data.AsSpan(((y + row) * cols + x) * k, width * k).CopyTo(cut.Data.AsSpan(row * width * k));
        return cut;
    }

    // C's round(): halves away from zero.
    private static int Round(float value) => (int)MathF.Round(value, MidpointRounding.AwayFromZero);

    private static uint PrefetchRand() => (uint)Rng.Generator.Next();

    private ModelFormatException Where(Window window, string message, Exception? inner = null) =>
        new(_source, $"line {window.LineNumber} (image {window.ImageIndex}, {_windows.Images[window.ImageIndex].Path}): {message}", inner);
}
