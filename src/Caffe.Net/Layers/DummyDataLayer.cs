namespace Caffe;

/// <summary>
/// Produces tops of fixed shapes filled by fillers (Caffe's <c>DummyData</c>): <c>shape</c> (once, or once per top)
/// or the legacy <c>num</c>/<c>channels</c>/<c>height</c>/<c>width</c> (each once or once per top), and 0, 1 or one
/// <c>data_filler</c> per top (none means constant 0). Constant fillers fill once at setup; other fillers refill on
/// every forward.
/// </summary>
public sealed class DummyDataLayer(LayerParameter param) : Layer(param)
{
    private readonly List<FillerParameter> _fillers = [];
    private readonly List<bool> _refill = [];

    /// <inheritdoc/>
    public override string Type => "DummyData";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 0;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        DummyDataParameter p = Param.DummyDataParam ?? new DummyDataParameter();
        int numTop = top.Count;
        int numFillers = p.DataFiller.Count;
        if (numFillers > 1 && numFillers != numTop)
            throw Error($"needs 0, 1 or {numTop} (one per top) data_filler(s); {numFillers} given.");
        bool legacy = p.Num.Count > 0 || p.Channels.Count > 0 || p.Height.Count > 0 || p.Width.Count > 0;
        if (legacy)
        {
            if (p.Shape.Count > 0) throw Error("both 'shape' and the legacy num/channels/height/width fields are given; use one.");
            CheckOncePerTop(p.Num.Count, "num", numTop);
            CheckOncePerTop(p.Channels.Count, "channels", numTop);
            CheckOncePerTop(p.Height.Count, "height", numTop);
            CheckOncePerTop(p.Width.Count, "width", numTop);
        }
        else
        {
            CheckOncePerTop(p.Shape.Count, "shape", numTop);
        }

        _fillers.Clear();
        _refill.Clear();
        if (numFillers == 0) _fillers.Add(new FillerParameter { Type = "constant", Value = 0 });
        else _fillers.AddRange(p.DataFiller);
        foreach (FillerParameter filler in _fillers)
        {
            if (!Filler.Types.Contains(filler.Type))
                throw Error($"unknown data_filler type '{filler.Type}' (known: {string.Join(", ", Filler.Types)}).");
            _refill.Add(filler.Type != "constant");
        }

        for (int i = 0; i < numTop; i++)
        {
            try
            {
                if (legacy)
                    top[i].Reshape(Dim(p.Num, i, "num"), Dim(p.Channels, i, "channels"), Dim(p.Height, i, "height"), Dim(p.Width, i, "width"));
                else
                    top[i].Reshape(p.Shape[p.Shape.Count == 1 ? 0 : i]);
            }
            catch (ArgumentException e)
            {
                throw Error($"cannot shape top {i}: {e.Message}");
            }
        }
        // Constant tops are filled once here and never again.
        for (int i = 0; i < numTop; i++)
        {
            int f = FillerIndex(i);
            if (!_refill[f]) Fill(f, top[i]);
        }
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        for (int i = 0; i < top.Count; i++)
        {
            int f = FillerIndex(i);
            if (_refill[f]) Fill(f, top[i]);
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
    }

    private int FillerIndex(int topIndex) => _fillers.Count > 1 ? topIndex : 0;

    private void Fill(int fillerIndex, Blob blob)
    {
        try
        {
            Filler.Fill(_fillers[fillerIndex], blob);
        }
        catch (ArgumentException e)
        {
            throw Error($"data_filler {fillerIndex} ({_fillers[fillerIndex].Type}): {e.Message}");
        }
    }

    private void CheckOncePerTop(int given, string field, int numTop)
    {
        if (given != 1 && given != numTop)
            throw Error($"'{field}' must be given once, or once per top blob ({numTop}); given {given} time(s).");
    }

    private int Dim(Google.Protobuf.Collections.RepeatedField<uint> values, int topIndex, string field)
    {
        uint value = values[values.Count == 1 ? 0 : topIndex];
        if (value > int.MaxValue) throw Error($"{field} {value} for top {topIndex} is too large.");
        return (int)value;
    }
}
