namespace Caffe;

/// <summary>
/// Reads <see cref="Datum"/> records from an LMDB or LevelDB database (<c>data_param { source backend batch_size
/// rand_skip prefetch }</c>) in key order, wrapping around at the end, and applies <c>transform_param</c>. Tops: the
/// data (N×C×H×W, shaped by the first datum of each batch) and optionally the labels (N). A record that does not
/// parse or whose size disagrees with its shape stops with an error naming the database and the key.
/// </summary>
public sealed class DataLayer(LayerParameter param) : BasePrefetchingDataLayer(param)
{
    private IDbCursor _cursor = null!;
    private string _source = "";
    private int _batchSize;

    /// <inheritdoc/>
    public override string Type => "Data";

    /// <inheritdoc/>
    protected override void DataLayerSetUp(IReadOnlyList<Blob> top, List<IDisposable> resources)
    {
        DataParameter dataParam = Param.DataParam ?? throw Error("data_param is required.");
        if (!dataParam.HasSource || dataParam.Source.Length == 0) throw Error("data_param.source is required.");
        _batchSize = (int)dataParam.BatchSize;
        if (_batchSize <= 0) throw Error($"data_param.batch_size must be positive, got {dataParam.BatchSize}.");
        _source = dataParam.Source;
        IDatabase db;
        try
        {
            db = Db.Open(_source, dataParam.Backend, DbMode.Read);
        }
        catch (DatabaseException e)
        {
            throw new LayerException(Name, Type, e.Message, e);
        }
        resources.Add(db);
        try
        {
            _cursor = db.NewCursor();
            resources.Add(_cursor);
            if (!_cursor.Valid) throw Error($"the {dataParam.Backend} database {_source} is empty.");
            if (dataParam.RandSkip > 0)
            {
                int skip = Rng.Next((int)Math.Min(dataParam.RandSkip, int.MaxValue));
                CaffeLog.Info($"Skipping first {skip} data points.");
                for (int i = 0; i < skip; i++) Next();
            }
            Datum datum = Current();
            int[] shape = Guarded(() => Transformer.InferBlobShape(datum), _cursor.Key);
            shape[0] = _batchSize;
            top[0].Reshape(shape);
            CaffeLog.Info($"output data size: {top[0].Num},{top[0].Channels},{top[0].Height},{top[0].Width}");
            if (OutputLabels) top[1].Reshape(_batchSize);
        }
        catch (DatabaseException e)
        {
            throw new LayerException(Name, Type, e.Message, e);
        }
    }

    /// <inheritdoc/>
    protected override void LoadBatch(Batch batch)
    {
        Span<float> labels = default;
        for (int item = 0; item < _batchSize; item++)
        {
            Datum datum = Current();
            string key = _cursor.Key;
            // An encoded datum is decoded once, then shaped and transformed as an image.
            NdArray? image = datum.Encoded ? Guarded(() => Transformer.DecodeDatum(datum, "encoded image"), key) : null;
            int[] shape = Guarded(() => image != null ? Transformer.InferBlobShape(image) : Transformer.InferBlobShape(datum), key);
            if (item == 0)
            {
                // Each batch takes the shape of its first datum, so batches of one may vary in size.
                shape[0] = _batchSize;
                batch.Data.Reshape(shape);
                if (OutputLabels)
                {
                    batch.Label.Reshape(_batchSize);
                    labels = batch.Label.Data;
                }
            }
            int channels = batch.Data.Channels, height = batch.Data.Height, width = batch.Data.Width;
            if (shape[1] != channels || shape[2] != height || shape[3] != width)
            {
                throw new DatabaseException(_source, key,
                    $"the datum transforms to {shape[1]}×{shape[2]}×{shape[3]} but this batch (shaped by its first datum) " +
                    $"holds {channels}×{height}×{width}; use batch_size 1 for data of varying shape.");
            }
            int itemSize = channels * height * width;
            Span<float> target = batch.Data.Data.Slice(item * itemSize, itemSize);
            try
            {
                if (image != null) Transformer.TransformInto(image, target, height, width);
                else Transformer.TransformInto(datum, target, height, width);
            }
            catch (ArgumentException e)
            {
                throw new DatabaseException(_source, key, e.Message, e);
            }
            if (OutputLabels) labels[item] = datum.Label;
            Next();
        }
    }

    private T Guarded<T>(Func<T> action, string key)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ArgumentException or ModelFormatException)
        {
            throw new DatabaseException(_source, key, e.Message, e);
        }
    }

    private Datum Current() => DatumIO.Parse(_cursor.Value, _source, _cursor.Key);

    private void Next()
    {
        _cursor.Next();
        if (!_cursor.Valid)
        {
            CaffeLog.Debug("Restarting data prefetching from start.");
            _cursor.SeekToFirst();
        }
    }
}
