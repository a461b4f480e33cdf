namespace Caffe;

/// <summary>
/// Reads images named in a list file (<c>image_data_param { source root_folder batch_size shuffle new_height
/// new_width is_color rand_skip }</c>), decodes them as Caffe does with OpenCV (BGR or gray, 0–255, optionally
/// resized), and applies <c>transform_param</c>. Tops: data (N×C×H×W, shaped by the first image of each batch)
/// and labels (N). A missing list, a bad line, or an image that does not decode stops with an error naming the
/// list file and line.
/// </summary>
public sealed class ImageDataLayer(LayerParameter param) : BasePrefetchingDataLayer(param)
{
    private List<ImageListEntry> _lines = [];
    private int _linesId;
    private string _source = "";

    /// <inheritdoc/>
    public override string Type => "ImageData";

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 2;

    private ImageDataParameter ImageParam => Param.ImageDataParam ?? DefaultParam;

    private static readonly ImageDataParameter DefaultParam = new();

    /// <inheritdoc/>
    protected override void DataLayerSetUp(IReadOnlyList<Blob> top, List<IDisposable> resources)
    {
        ImageDataParameter p = ImageParam;
        if (!((p.NewHeight == 0 && p.NewWidth == 0) || (p.NewHeight > 0 && p.NewWidth > 0)))
            throw Error($"new_height and new_width must be set together (got {p.NewHeight} and {p.NewWidth}).");
        if (p.BatchSize == 0) throw Error("image_data_param.batch_size must be positive.");
        _source = p.Source;
        CaffeLog.Info($"Opening file {_source}");
        try
        {
            _lines = ImageList.Read(_source);
        }
        catch (Exception e) when (e is IOException or ModelFormatException)
        {
            throw new LayerException(Name, Type, e.Message, e);
        }
        if (_lines.Count == 0) throw Error($"the image list {_source} is empty.");
        if (p.Shuffle)
        {
            CaffeLog.Info("Shuffling data");
            ImageList.Shuffle(_lines);
        }
        CaffeLog.Info($"A total of {_lines.Count} images.");
        _linesId = 0;
        if (p.RandSkip > 0)
        {
            int skip = Rng.Next((int)Math.Min(p.RandSkip, int.MaxValue));
            CaffeLog.Info($"Skipping first {skip} data points.");
            if (skip >= _lines.Count) throw Error($"not enough images ({_lines.Count}) to skip {skip}.");
            _linesId = skip;
        }
        int[] shape;
        try
        {
            shape = Transformer.InferBlobShape(ReadImage(_lines[_linesId]));
        }
        catch (Exception e) when (e is CaffeException or ArgumentException)
        {
            throw new LayerException(Name, Type, e.Message, e);
        }
        shape[0] = (int)p.BatchSize;
        top[0].Reshape(shape);
        CaffeLog.Info($"output data size: {top[0].Num},{top[0].Channels},{top[0].Height},{top[0].Width}");
        top[1].Reshape((int)p.BatchSize);
    }

    /// <inheritdoc/>
    protected override void LoadBatch(Batch batch)
    {
        int batchSize = (int)ImageParam.BatchSize;
        batch.Label.Reshape(batchSize);
        for (int item = 0; item < batchSize; item++)
        {
            ImageListEntry entry = _lines[_linesId];
            NdArray image = ReadImage(entry);
            int[] shape = Checked(() => Transformer.InferBlobShape(image), entry);
            if (item == 0)
            {
                // Each batch takes the shape of its first image, so batches of one may vary in size.
                shape[0] = batchSize;
                batch.Data.Reshape(shape);
            }
            int channels = batch.Data.Channels, height = batch.Data.Height, width = batch.Data.Width;
            if (shape[1] != channels || shape[2] != height || shape[3] != width)
            {
                throw Where(entry, $"the image transforms to {shape[1]}×{shape[2]}×{shape[3]} but this batch (shaped by its first image) " +
                                   $"holds {channels}×{height}×{width}; set new_height/new_width or use batch_size 1.");
            }
            int itemSize = channels * height * width;
            Span<float> target = batch.Data.Data.Slice(item * itemSize, itemSize);
            try
            {
                Transformer.TransformInto(image, target, height, width);
            }
            catch (ArgumentException e)
            {
                throw Where(entry, e.Message, e);
            }
            batch.Label.Data[item] = entry.Label;
            if (++_linesId >= _lines.Count)
            {
                CaffeLog.Debug("Restarting data prefetching from start.");
                _linesId = 0;
                if (ImageParam.Shuffle) ImageList.Shuffle(_lines);
            }
        }
    }

    private NdArray ReadImage(ImageListEntry entry)
    {
        ImageDataParameter p = ImageParam;
        string path = p.RootFolder + entry.FileName;
        try
        {
            return ImageCodec.Read(path, (int)p.NewHeight, (int)p.NewWidth, p.IsColor);
        }
        catch (Exception e) when (e is IOException or ModelFormatException)
        {
            throw Where(entry, $"could not load {path}: {e.Message}", e);
        }
    }

    private T Checked<T>(Func<T> action, ImageListEntry entry)
    {
        try
        {
            return action();
        }
        catch (ArgumentException e)
        {
            throw Where(entry, e.Message, e);
        }
    }

    private ModelFormatException Where(ImageListEntry entry, string message, Exception? inner = null) =>
        new(_source, $"line {entry.LineNumber} ({entry.FileName}): {message}", inner);
}
