namespace Caffe;

/// <summary>
/// Serves batches from arrays in memory (<c>memory_data_param { batch_size channels height width }</c>): set them
/// with <see cref="Reset"/> (pycaffe's <c>net.set_input_arrays</c>, see <see cref="Net.SetInputArrays"/>) or from
/// datums/images through the transformer with <see cref="AddDatumVector"/>/<see cref="AddImageVector"/>. Each
/// forward copies the next <c>batch_size</c> items and labels into the tops, wrapping around. Runs on the calling thread.
/// </summary>
public sealed class MemoryDataLayer(LayerParameter param) : Layer(param)
{
    private DataTransformer _transformer = null!;
    private float[]? _data;
    private float[]? _labels;
    private int _n;
    private int _pos;
    private bool _hasNewData;

    /// <inheritdoc/>
    public override string Type => "MemoryData";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 0;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 2;

    /// <summary>Items per forward (Caffe's <c>batch_size()</c>).</summary>
    public int BatchSize { get; private set; }

    /// <summary>Channels of each item.</summary>
    public int Channels { get; private set; }

    /// <summary>Height of each item.</summary>
    public int Height { get; private set; }

    /// <summary>Width of each item.</summary>
    public int Width { get; private set; }

    private int ItemSize => Channels * Height * Width;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        MemoryDataParameter p = Param.MemoryDataParam ?? throw Error("memory_data_param is required.");
        BatchSize = (int)p.BatchSize;
        Channels = (int)p.Channels;
        Height = (int)p.Height;
        Width = (int)p.Width;
        if ((long)BatchSize * Channels * Height * Width <= 0)
        {
            throw Error("batch_size, channels, height, and width must be specified and positive in memory_data_param " +
                        $"(got {BatchSize}, {Channels}, {Height}, {Width}).");
        }
        try
        {
            _transformer = new DataTransformer(Param.TransformParam, Phase);
        }
        catch (Exception e) when (e is ArgumentException or IOException or CaffeException)
        {
            throw new LayerException(Name, Type, $"transform_param: {e.Message}", e);
        }
        top[0].Reshape(BatchSize, Channels, Height, Width);
        top[1].Reshape(BatchSize);
        _data = null;
        _labels = null;
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        // Forward shapes the tops from the batch size.
    }

    /// <summary>
    /// Uses <paramref name="data"/> (n items of C×H×W, C order) and <paramref name="labels"/> (n values) as the
    /// source — held, not copied, as Caffe holds the pointers. <paramref name="n"/> must be a multiple of the batch
    /// size. No transformation is applied.
    /// </summary>
    public void Reset(float[] data, float[] labels, int n)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labels);
        if (n <= 0 || n % BatchSize != 0)
            throw Error($"n must be a positive multiple of batch size {BatchSize}, got {n}.");
        if ((long)n * ItemSize > data.Length)
            throw Error($"{n} items of {Channels}×{Height}×{Width} need {(long)n * ItemSize} values, the data array has {data.Length}.");
        if (n > labels.Length) throw Error($"{n} items need {n} labels, the label array has {labels.Length}.");
        // A memory array is generic: Reset applies no transformation, as Caffe warns.
        if (Param.TransformParam != null) CaffeLog.Warning($"{Type} does not transform array data on Reset()");
        _data = data;
        _labels = labels;
        _n = n;
        _pos = 0;
    }

    /// <summary>
    /// Transforms datums (with <c>transform_param</c>) into the layer's own arrays and serves them (Caffe's
    /// <c>AddDatumVector</c>); the count must be a multiple of the batch size, and the previous data consumed.
    /// </summary>
    public void AddDatumVector(IReadOnlyList<Datum> datums)
    {
        int num = CheckAdd(datums.Count, "datum");
        var added = new Blob(num, Channels, Height, Width);
        try
        {
            _transformer.Transform(datums, added);
        }
        catch (Exception e) when (e is ArgumentException or ModelFormatException)
        {
            throw new LayerException(Name, Type, e.Message, e);
        }
        Reset(added.Data.ToArray(), datums.Select(d => (float)d.Label).ToArray(), num);
        _hasNewData = true;
    }

    /// <summary>
    /// Transforms H×W×K images (values as Caffe's <c>cv::Mat</c> holds them, 0–255, BGR) with their labels (Caffe's
    /// <c>AddMatVector</c>); the count must be a multiple of the batch size, and the previous data consumed.
    /// </summary>
    public void AddImageVector(IReadOnlyList<NdArray> images, IReadOnlyList<int> labels)
    {
        if (images.Count != labels.Count)
            throw Error($"images and labels must have the same size: {images.Count} vs {labels.Count}.");
        int num = CheckAdd(images.Count, "image");
        var added = new Blob(num, Channels, Height, Width);
        try
        {
            _transformer.Transform(images, added);
        }
        catch (ArgumentException e)
        {
            throw new LayerException(Name, Type, e.Message, e);
        }
        Reset(added.Data.ToArray(), labels.Select(l => (float)l).ToArray(), num);
        _hasNewData = true;
    }

    /// <summary>Changes the batch size (Caffe's <c>set_batch_size</c>); added data must have been consumed first.</summary>
    public void SetBatchSize(int batchSize)
    {
        if (_hasNewData) throw Error("can't change batch_size until current data has been consumed.");
        if (batchSize <= 0) throw Error($"batch_size must be positive, got {batchSize}.");
        BatchSize = batchSize;
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (_data == null || _labels == null) throw Error("MemoryDataLayer needs to be initialized by calling Reset (or Net.SetInputArrays).");
        if (_n % BatchSize != 0) throw Error($"the {_n} items set are not a multiple of batch size {BatchSize}.");
        top[0].Reshape(BatchSize, Channels, Height, Width);
        // Caffe shapes the labels (N) at setup but (N, 1, 1, 1) in forward; both are kept.
        top[1].Reshape(BatchSize, 1, 1, 1);
        int size = ItemSize;
        _data.AsSpan(_pos * size, BatchSize * size).CopyTo(top[0].Data);
        _labels.AsSpan(_pos, BatchSize).CopyTo(top[1].Data);
        _pos = (_pos + BatchSize) % _n;
        if (_pos == 0) _hasNewData = false;
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) { }

    private int CheckAdd(int count, string what)
    {
        if (_hasNewData) throw Error("can't add data until current data has been consumed.");
        if (count == 0) throw Error($"there is no {what} to add.");
        if (count % BatchSize != 0) throw Error($"the added data must be a multiple of the batch size {BatchSize}, got {count}.");
        return count;
    }
}
