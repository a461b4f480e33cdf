namespace Caffe;

/// <summary>
/// Repeats the bottom <c>tiles</c> times along <c>axis</c> (Caffe's <c>Tile</c>, <c>tile_param { axis tiles }</c>;
/// axis defaults to 1, tiles is required and positive). Backward sums the copies' diffs.
/// </summary>
public sealed class TileLayer(LayerParameter param) : Layer(param)
{
    private int _tiles;
    private int _outerDim;
    private int _innerDim;

    /// <inheritdoc/>
    public override string Type => "Tile";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        TileParameter p = Param.TileParam ?? new TileParameter();
        int axis = LayerAxes.Canonical(this, bottom[0], p.Axis, "tile_param axis");
        if (!p.HasTiles) throw Error("tile_param tiles (the number of copies) must be given.");
        if (p.Tiles <= 0) throw Error($"tile_param tiles must be positive, got {p.Tiles}.");
        _tiles = p.Tiles;
        int[] shape = [.. bottom[0].Shape];
        long tiled = (long)shape[axis] * _tiles;
        if (tiled > int.MaxValue) throw Error($"tiling axis {axis} of size {shape[axis]} {_tiles} times is too large.");
        shape[axis] = (int)tiled;
        top[0].Reshape(shape);
        _outerDim = bottom[0].CountRange(0, axis);
        _innerDim = bottom[0].CountFrom(axis);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        Span<float> topData = top[0].Data;
        for (int i = 0; i < _outerDim; i++)
        {
            ReadOnlySpan<float> source = bottomData.Slice(i * _innerDim, _innerDim);
            for (int t = 0; t < _tiles; t++) source.CopyTo(topData.Slice((i * _tiles + t) * _innerDim, _innerDim));
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        Span<float> bottomDiff = bottom[0].Diff;
        for (int i = 0; i < _outerDim; i++)
        {
            Span<float> target = bottomDiff.Slice(i * _innerDim, _innerDim);
            topDiff.Slice(i * _tiles * _innerDim, _innerDim).CopyTo(target);
            for (int t = 1; t < _tiles; t++) Blas.Axpy(_innerDim, 1f, topDiff.Slice((i * _tiles + t) * _innerDim, _innerDim), target);
        }
    }
}
