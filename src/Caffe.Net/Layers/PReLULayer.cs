namespace Caffe;

/// <summary>
/// Parametric ReLU (He et al. 2015), y = max(x, 0) + a_c · min(x, 0) with a learned slope per channel
/// (axis 1), or one slope for all channels with <c>channel_shared</c> (a blob with no axes, count 1, as
/// Caffe's). Slopes start at <c>prelu_param.filler</c>, constant 0.25 when unset. In place is allowed:
/// the bottom data is then kept aside for backward.
/// </summary>
public sealed class PReLULayer(LayerParameter param) : NeuronLayer(param)
{
    private readonly Blob _bottomMemory = new();
    private bool _channelShared;

    /// <inheritdoc/>
    public override string Type => "PReLU";

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        CheckAxes(bottom[0]);
        PReLUParameter p = Param.PreluParam ?? new PReLUParameter();
        int channels = bottom[0].ShapeAt(1);
        _channelShared = p.ChannelShared;
        if (Blobs.Count == 0)
        {
            var slopes = _channelShared ? new Blob(Array.Empty<int>()) : new Blob(channels);
            Filler.Fill(p.Filler ?? new FillerParameter { Type = "constant", Value = 0.25f }, slopes);
            Blobs.Add(slopes);
        }
        int expected = _channelShared ? 1 : channels;
        if (Blobs[0].Count != expected)
        {
            throw Error($"negative slope blob has {Blobs[0].Count} value(s) ({Blobs[0].ShapeString}) but " +
                        (_channelShared ? "channel_shared needs 1." : $"the bottom has {channels} channels ({bottom[0].ShapeString})."));
        }
        SetParamPropagateDown(0, true);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        CheckAxes(bottom[0]);
        if (!_channelShared && bottom[0].ShapeAt(1) != Blobs[0].Count)
            throw Error($"bottom has {bottom[0].ShapeAt(1)} channels ({bottom[0].ShapeString}) but there are {Blobs[0].Count} slopes.");
        top[0].ReshapeLike(bottom[0]);
        if (ReferenceEquals(bottom[0], top[0])) _bottomMemory.ReshapeLike(bottom[0]);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (ReferenceEquals(bottom[0], top[0])) bottom[0].Data.CopyTo(_bottomMemory.Data);
        Memory<float> bottomData = bottom[0].DataMemory;
        Memory<float> topData = top[0].DataMemory;
        Memory<float> slopes = Blobs[0].DataMemory;
        int channels = bottom[0].ShapeAt(1);
        int dim = bottom[0].CountFrom(2);
        ParallelRows.For(bottom[0].CountRange(0, 2), dim, (first, end) =>
        {
            for (int row = first; row < end; row++)
            {
                float slope = slopes.Span[_channelShared ? 0 : row % channels];
                Rectifier.Forward(bottomData.Span.Slice(row * dim, dim), slope, topData.Span.Slice(row * dim, dim));
            }
        });
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        Blob data = ReferenceEquals(bottom[0], top[0]) ? _bottomMemory : bottom[0];
        int channels = bottom[0].ShapeAt(1);
        int dim = bottom[0].CountFrom(2);
        int rows = bottom[0].CountRange(0, 2);
        // The slope gradient reads the top diff, so it goes first: in place, the bottom diff overwrites it.
        if (ParamPropagateDown(0))
        {
            ReadOnlySpan<float> topDiff = top[0].Diff;
            ReadOnlySpan<float> bottomData = data.Data;
            Span<float> slopeDiff = Blobs[0].Diff;
            for (int row = 0; row < rows; row++)
            {
                slopeDiff[_channelShared ? 0 : row % channels] +=
                    Rectifier.SlopeGradient(topDiff.Slice(row * dim, dim), bottomData.Slice(row * dim, dim));
            }
        }
        if (!propagateDown[0]) return;
        Memory<float> topDiffMemory = top[0].DiffMemory;
        Memory<float> dataMemory = data.DataMemory;
        Memory<float> bottomDiff = bottom[0].DiffMemory;
        Memory<float> slopes = Blobs[0].DataMemory;
        ParallelRows.For(rows, dim, (first, end) =>
        {
            for (int row = first; row < end; row++)
            {
                float slope = slopes.Span[_channelShared ? 0 : row % channels];
                Rectifier.Backward(topDiffMemory.Span.Slice(row * dim, dim), dataMemory.Span.Slice(row * dim, dim),
                    slope, bottomDiff.Span.Slice(row * dim, dim));
            }
        });
    }

    private void CheckAxes(Blob bottom)
    {
        if (bottom.NumAxes < 2)
            throw Error($"the bottom blob must have at least 2 axes (num, channels, ...), got shape {bottom.ShapeString}.");
    }
}
