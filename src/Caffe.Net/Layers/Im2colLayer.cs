namespace Caffe;

/// <summary>
/// Unfolds image patches into columns (Caffe's <c>Im2col</c>), with the geometry of <c>convolution_param</c>
/// (kernel_size or kernel_h/w, stride, pad, dilation, axis, force_nd_im2col). For a bottom (…, C, spatial…) the top
/// is (…, C·Πkernel, output spatial…), output = (input + 2 pad − (dilation (kernel − 1) + 1)) / stride + 1. Backward
/// folds the column diffs back (col2im), summing overlaps.
/// </summary>
public sealed class Im2colLayer(LayerParameter param) : Layer(param)
{
    private int _channelAxis;
    private int _numSpatialAxes;
    private int[] _kernel = [];
    private int[] _stride = [];
    private int[] _pad = [];
    private int[] _dilation = [];
    private bool _forceNd;
    private int _num;
    private int _bottomDim;
    private int _topDim;
    private int _channels;

    /// <inheritdoc/>
    public override string Type => "Im2col";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ConvolutionParameter p = Param.ConvolutionParam ?? new ConvolutionParameter();
        _forceNd = p.ForceNdIm2Col;
        _channelAxis = LayerAxes.Canonical(this, bottom[0], p.Axis, "convolution_param axis");
        _numSpatialAxes = bottom[0].NumAxes - _channelAxis - 1;
        if (_numSpatialAxes < 1)
            throw Error($"needs at least one spatial axis after the channel axis {_channelAxis}; the bottom has shape ({Blob.ShapeText(bottom[0].Shape)}).");
        _kernel = PerAxis("kernel_size", "kernel", p.KernelSize, p.HasKernelH || p.HasKernelW, p.KernelH, p.KernelW, defaultValue: null);
        foreach (int k in _kernel)
            if (k <= 0) throw Error($"kernel dimensions must be positive, got {Blob.ShapeText(_kernel)}.");
        _stride = PerAxis("stride", "stride", p.Stride, p.HasStrideH || p.HasStrideW, p.StrideH, p.StrideW, defaultValue: 1);
        foreach (int s in _stride)
            if (s <= 0) throw Error($"stride dimensions must be positive, got {Blob.ShapeText(_stride)}.");
        _pad = PerAxis("pad", "pad", p.Pad, p.HasPadH || p.HasPadW, p.PadH, p.PadW, defaultValue: 0);
        _dilation = PerAxis("dilation", "dilation", p.Dilation, false, 0, 0, defaultValue: 1);
        foreach (int d in _dilation)
            if (d <= 0) throw Error($"dilation dimensions must be positive, got {Blob.ShapeText(_dilation)}.");
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (bottom[0].NumAxes != _channelAxis + 1 + _numSpatialAxes)
            throw Error($"the bottom now has {bottom[0].NumAxes} axes, shape ({Blob.ShapeText(bottom[0].Shape)}); " +
                        $"the layer was set up for {_channelAxis + 1 + _numSpatialAxes}.");
        int[] topShape = [.. bottom[0].Shape];
        long channels = topShape[_channelAxis];
        for (int i = 0; i < _numSpatialAxes; i++)
        {
            channels *= _kernel[i];
            int inputDim = bottom[0].ShapeAt(_channelAxis + i + 1);
            long kernelExtent = (long)_dilation[i] * (_kernel[i] - 1) + 1;
            long padded = inputDim + 2L * _pad[i];
            if (padded < kernelExtent)
                throw Error($"kernel extent {kernelExtent} (kernel {_kernel[i]}, dilation {_dilation[i]}) is larger than the padded " +
                            $"input {padded} (size {inputDim}, pad {_pad[i]}) on spatial axis {i} of the bottom of shape ({Blob.ShapeText(bottom[0].Shape)}).");
            topShape[_channelAxis + i + 1] = (int)((padded - kernelExtent) / _stride[i] + 1);
        }
        if (channels > int.MaxValue) throw Error($"the column buffer would have {channels} channels, too many.");
        topShape[_channelAxis] = (int)channels;
        top[0].Reshape(topShape);
        _num = bottom[0].CountRange(0, _channelAxis);
        _bottomDim = bottom[0].CountFrom(_channelAxis);
        _topDim = top[0].CountFrom(_channelAxis);
        _channels = bottom[0].ShapeAt(_channelAxis);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        Span<float> topData = top[0].Data;
        for (int n = 0; n < _num; n++)
        {
            ReadOnlySpan<float> image = bottomData.Slice(n * _bottomDim, _bottomDim);
            Span<float> columns = topData.Slice(n * _topDim, _topDim);
            if (!_forceNd && _numSpatialAxes == 2)
            {
                Im2Col.Im2ColCpu(image, _channels, bottom[0].ShapeAt(_channelAxis + 1), bottom[0].ShapeAt(_channelAxis + 2),
                    _kernel[0], _kernel[1], _pad[0], _pad[1], _stride[0], _stride[1], _dilation[0], _dilation[1], columns);
            }
            else
            {
                Im2Col.Im2ColNdCpu(image, _numSpatialAxes, ShapeFromChannelAxis(bottom[0]), ShapeFromChannelAxis(top[0]),
                    _kernel, _pad, _stride, _dilation, columns);
            }
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        Span<float> bottomDiff = bottom[0].Diff;
        for (int n = 0; n < _num; n++)
        {
            ReadOnlySpan<float> columns = topDiff.Slice(n * _topDim, _topDim);
            Span<float> image = bottomDiff.Slice(n * _bottomDim, _bottomDim);
            if (!_forceNd && _numSpatialAxes == 2)
            {
                Im2Col.Col2ImCpu(columns, _channels, bottom[0].ShapeAt(_channelAxis + 1), bottom[0].ShapeAt(_channelAxis + 2),
                    _kernel[0], _kernel[1], _pad[0], _pad[1], _stride[0], _stride[1], _dilation[0], _dilation[1], image);
            }
            else
            {
                Im2Col.Col2ImNdCpu(columns, _numSpatialAxes, ShapeFromChannelAxis(bottom[0]), ShapeFromChannelAxis(top[0]),
                    _kernel, _pad, _stride, _dilation, image);
            }
        }
    }

    private int[] ShapeFromChannelAxis(Blob blob) => blob.Shape.Skip(_channelAxis).ToArray();

    // One value per spatial axis from a repeated field given once or per axis, or from the 2-D _h/_w fields.
    private int[] PerAxis(string field, string hwPrefix, Google.Protobuf.Collections.RepeatedField<uint> values, bool hasHw, uint h, uint w, int? defaultValue)
    {
        var result = new int[_numSpatialAxes];
        if (hasHw)
        {
            if (_numSpatialAxes != 2)
                throw Error($"{hwPrefix}_h and {hwPrefix}_w can only be used with 2 spatial axes; the bottom has {_numSpatialAxes}.");
            if (values.Count != 0)
                throw Error($"give either {field} or {hwPrefix}_h/{hwPrefix}_w, not both.");
            result[0] = ToInt(h, hwPrefix + "_h");
            result[1] = ToInt(w, hwPrefix + "_w");
            return result;
        }
        if (values.Count == 0 && defaultValue is int fallback)
        {
            Array.Fill(result, fallback);
            return result;
        }
        if (values.Count != 1 && values.Count != _numSpatialAxes)
            throw Error($"{field} must be given once, or once per spatial dimension ({field} given {values.Count} time(s); {_numSpatialAxes} spatial dims).");
        for (int i = 0; i < _numSpatialAxes; i++) result[i] = ToInt(values[values.Count == 1 ? 0 : i], field);
        return result;
    }

    private int ToInt(uint value, string field) =>
        value <= int.MaxValue ? (int)value : throw Error($"{field} {value} is too large.");
}
