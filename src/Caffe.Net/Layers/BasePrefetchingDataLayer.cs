using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Caffe;

/// <summary>One prefetched batch: the data and (when the layer has a second top) the labels.</summary>
public sealed class Batch
{
    /// <summary>The data, N×... as the layer's first top.</summary>
    public Blob Data { get; } = new();

    /// <summary>The labels, as the layer's second top.</summary>
    public Blob Label { get; } = new();

    internal ExceptionDispatchInfo? Error { get; set; }
}

/// <summary>
/// Caffe's <c>BaseDataLayer</c> + <c>BasePrefetchingDataLayer</c>: a data layer with no bottoms whose batches are
/// produced by <see cref="LoadBatch"/> on a background thread, <c>prefetch</c> batches ahead (a bounded queue).
/// The thread's <see cref="Rng"/> is seeded from the thread that set the layer up, so a seeded run repeats.
/// A failure while loading (a corrupt record, an image that does not decode) is raised by the next
/// <see cref="Layer.Forward"/> on the caller's thread, as a <see cref="LayerException"/> wrapping the cause.
/// The thread ends with <see cref="Close"/> or, at the latest, about a second after the layer is garbage.
/// Data layers have no backward.
/// </summary>
public abstract class BasePrefetchingDataLayer(LayerParameter param) : Layer(param)
{
    private PrefetchState? _state;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Applies <c>transform_param</c> to each item.</summary>
    protected DataTransformer Transformer { get; private set; } = null!;

    /// <summary>Whether the layer has a label top (Caffe's <c>output_labels_</c>).</summary>
    protected bool OutputLabels { get; private set; }

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 0;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    /// <inheritdoc/>
    public override int MaxTopBlobs => 2;

    /// <summary>How many batches are loaded ahead (<c>data_param.prefetch</c>, default 4).</summary>
    protected virtual int PrefetchCount => (int)(Param.DataParam ?? DefaultDataParam).Prefetch;

    private static readonly DataParameter DefaultDataParam = new();

    /// <summary>Sets up the transformer and the source, shapes the tops, and starts the prefetch thread.</summary>
    public sealed override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Close();
        _failure = null;
        OutputLabels = top.Count != 1;
        try
        {
            Transformer = new DataTransformer(Param.TransformParam, Phase);
        }
        catch (Exception e) when (e is ArgumentException or IOException or CaffeException)
        {
            throw new LayerException(Name, Type, $"transform_param: {e.Message}", e);
        }
        var resources = new List<IDisposable>();
        try
        {
            DataLayerSetUp(top, resources);
            if (PrefetchCount < 1) throw Error($"prefetch must be at least 1, got {PrefetchCount}.");
        }
        catch
        {
            for (int i = resources.Count - 1; i >= 0; i--) resources[i].Dispose();
            throw;
        }
        int count = PrefetchCount;
        var state = new PrefetchState(count, resources);
        for (int i = 0; i < count; i++)
        {
            var batch = new Batch();
            batch.Data.ReshapeLike(top[0]);
            if (OutputLabels) batch.Label.ReshapeLike(top[1]);
            state.Free.Add(batch);
        }
        _state = state;
        int seed = Rng.Next(int.MaxValue);
        var weak = new WeakReference<BasePrefetchingDataLayer>(this);
        state.Thread = new Thread(() => Run(weak, state, seed))
        {
            IsBackground = true,
            Name = $"{Type} prefetch '{Name}'",
        };
        state.Thread.Start();
    }

    /// <summary>
    /// Reads the parameters, opens the source and shapes the tops (and so the batches). Disposable sources go
    /// into <paramref name="resources"/>: they are released when the prefetch thread has stopped.
    /// </summary>
    protected abstract void DataLayerSetUp(IReadOnlyList<Blob> top, List<IDisposable> resources);

    /// <summary>Fills one batch; runs on the prefetch thread. May reshape the batch's blobs.</summary>
    protected abstract void LoadBatch(Batch batch);

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        // Data layers shape their tops in Forward, from each loaded batch.
    }

    /// <summary>
    /// Stops the prefetch thread, waiting for a batch being loaded, and releases the data source (a database
    /// stays locked until then) — what Caffe's destructor does. Forward fails afterwards until the next SetUp.
    /// </summary>
    public void Close()
    {
        PrefetchState? state = _state;
        if (state == null) return;
        _state = null;
        state.Stop.Cancel();
        if (state.Thread != null && state.Thread != Thread.CurrentThread) state.Thread.Join();
        state.Release();
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        _failure?.Throw();
        PrefetchState state = _state ?? throw Error("the prefetch thread is stopped (the layer was closed); set it up again.");
        if (!state.Full.TryTake(out Batch? batch))
        {
            CaffeLog.Debug("Waiting for data");
            batch = state.Full.Take();
        }
        if (batch.Error != null)
        {
            Exception cause = batch.Error.SourceException;
            var error = new LayerException(Name, Type, cause.Message, cause);
            _failure = ExceptionDispatchInfo.Capture(error);
            throw error;
        }
        top[0].ReshapeLike(batch.Data);
        batch.Data.Data.CopyTo(top[0].Data);
        if (OutputLabels)
        {
            top[1].ReshapeLike(batch.Label);
            batch.Label.Data.CopyTo(top[1].Data);
        }
        state.Free.Add(batch);
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) { }

    private static void Run(WeakReference<BasePrefetchingDataLayer> weak, PrefetchState state, int seed)
    {
        Rng.SetRandomSeed(seed);
        bool failed = false;
        try
        {
            while (!state.Stop.IsCancellationRequested)
            {
                // Poll so that a layer nobody references any more lets its thread (and database) go.
                if (failed || !state.Free.TryTake(out Batch? batch, 1000, state.Stop.Token))
                {
                    if (failed) state.Stop.Token.WaitHandle.WaitOne(1000);
                    if (!weak.TryGetTarget(out _)) break;
                    continue;
                }
                if (!LoadOne(weak, batch)) break;
                failed = batch.Error != null;
                state.Full.Add(batch);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (!state.Stop.IsCancellationRequested) state.Release();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool LoadOne(WeakReference<BasePrefetchingDataLayer> weak, Batch batch)
    {
        if (!weak.TryGetTarget(out BasePrefetchingDataLayer? layer)) return false;
        try
        {
            layer.LoadBatch(batch);
        }
        catch (Exception e)
        {
            batch.Error = ExceptionDispatchInfo.Capture(e);
        }
        return true;
    }

    private sealed class PrefetchState(int count, List<IDisposable> resources)
    {
        private int _released;

        public BlockingCollection<Batch> Free { get; } = new(new ConcurrentQueue<Batch>(), count);

        public BlockingCollection<Batch> Full { get; } = new(new ConcurrentQueue<Batch>(), count);

        public CancellationTokenSource Stop { get; } = new();

        public Thread? Thread { get; set; }

        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            for (int i = resources.Count - 1; i >= 0; i--) resources[i].Dispose();
        }
    }
}
