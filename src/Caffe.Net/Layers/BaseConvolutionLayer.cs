namespace Caffe;

/// <summary>
/// Base of <see cref="ConvolutionLayer"/> and <see cref="DeconvolutionLayer"/> (Caffe's <c>BaseConvolutionLayer</c>):
/// reads the geometry of <c>convolution_param</c> (kernel, stride, pad and dilation, given once, once per spatial
/// axis, or as the 2-D <c>_h</c>/<c>_w</c> forms; group; axis; any number of spatial axes), owns the parameter
/// blobs — weights [conv_out, conv_in / group, kernel…] and, with <c>bias_term</c>, a bias of num_output — and
/// provides the im2col + GEMM helpers the two layers are built from (see the <c>.Gemm.cs</c> part).
/// Every bottom is convolved with the same weights into the top of the same index.
/// </summary>
public abstract partial class BaseConvolutionLayer(LayerParameter param) : Layer(param)
{
    private static readonly ConvolutionParameter DefaultParameter = new();

    private int[] _kernelShape = [];
    private int[] _stride = [];
    private int[] _pad = [];
    private int[] _dilation = [];
    private int[] _outputShape = [];
    // The side of the convolution im2col unfolds (the bottom, or the top for deconvolution): channels then spatial.
    private int[] _convInputShape = [];
    private int[] _colBufferShape = [];

    private int _channelAxis;
    private int _numSpatialAxes;
    private int _channels;
    private int _numOutput;
    private int _group;
    private bool _forceNdIm2Col;
    private int _convInChannels;
    private int _convOutChannels;
    private int _kernelDim;
    private int _weightOffset;
    private int _num;
    private int _convOutSpatialDim;
    private int _outSpatialDim;
    private int _inputDim;
    private int _outputDim;

    /// <inheritdoc/>
    public override int MinBottomBlobs => 1;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    /// <inheritdoc/>
    public override bool EqualNumBottomTopBlobs => true;

    /// <summary>Whether the layer has a bias blob (<c>bias_term</c>).</summary>
    protected bool BiasTerm { get; private set; }

    /// <summary>True for deconvolution: the im2col side is the top and the GEMM side the bottom.</summary>
    protected abstract bool ReverseDimensions { get; }

    /// <summary>
    /// The size of spatial axis <paramref name="axis"/> of the top for a bottom of size <paramref name="input"/>
    /// along that axis; throws <see cref="LayerException"/> when the geometry leaves no output.
    /// </summary>
    protected abstract int OutputSize(int axis, int input, int kernel, int stride, int pad, int dilation);

    /// <summary>Whether im2col is the identity (every kernel dimension 1, stride 1, pad 0), so GEMM reads the blob itself.</summary>
    internal bool Is1x1 { get; private set; }

    /// <summary>Number of images convolved (the product of the axes before the channel axis).</summary>
    internal int Num => _num;

    private ConvolutionParameter ConvParam => Param.ConvolutionParam ?? DefaultParameter;

    private bool Use2DIm2Col => !_forceNdIm2Col && _numSpatialAxes == 2;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ConvolutionParameter cp = ConvParam;
        _forceNdIm2Col = cp.ForceNdIm2Col;
        _channelAxis = CanonicalAxis(bottom[0], cp.Axis, "convolution_param.axis");
        _numSpatialAxes = bottom[0].NumAxes - _channelAxis - 1;
        _kernelShape = SpatialValues("kernel_size", cp.KernelSize, cp.HasKernelH || cp.HasKernelW,
            cp.KernelH, cp.KernelW, defaultValue: null);
        for (int i = 0; i < _numSpatialAxes; i++)
        {
            if (_kernelShape[i] <= 0)
                throw Error($"kernel dimensions must be positive, got {FormatDims(_kernelShape)} " +
                            $"(a kernel needs kernel_size, or both kernel_h and kernel_w).");
        }
        _stride = SpatialValues("stride", cp.Stride, cp.HasStrideH || cp.HasStrideW, cp.StrideH, cp.StrideW, defaultValue: 1);
        for (int i = 0; i < _numSpatialAxes; i++)
        {
            if (_stride[i] <= 0) throw Error($"stride dimensions must be positive, got {FormatDims(_stride)}.");
        }
        _pad = SpatialValues("pad", cp.Pad, cp.HasPadH || cp.HasPadW, cp.PadH, cp.PadW, defaultValue: 0);
        _dilation = SpatialValues("dilation", cp.Dilation, false, 0, 0, defaultValue: 1);
        for (int i = 0; i < _numSpatialAxes; i++)
        {
            if (_dilation[i] <= 0) throw Error($"dilation dimensions must be positive, got {FormatDims(_dilation)}.");
        }
        Is1x1 = true;
        for (int i = 0; i < _numSpatialAxes; i++)
            Is1x1 &= _kernelShape[i] == 1 && _stride[i] == 1 && _pad[i] == 0;

        _channels = bottom[0].ShapeAt(_channelAxis);
        _numOutput = ToInt(cp.NumOutput, "num_output");
        if (_numOutput <= 0) throw Error("convolution_param.num_output must be positive (it is unset or 0).");
        _group = ToInt(cp.Group, "group");
        if (_group <= 0) throw Error($"convolution_param.group must be positive, got {_group}.");
        if (_channels % _group != 0)
            throw Error($"the input channels ({_channels}, axis {_channelAxis} of {bottom[0].ShapeString}) must be a multiple of group ({_group}).");
        if (_numOutput % _group != 0)
            throw Error($"num_output ({_numOutput}) must be a multiple of group ({_group}).");
        (_convOutChannels, _convInChannels) = ReverseDimensions ? (_channels, _numOutput) : (_numOutput, _channels);

        int[] weightShape = [_convOutChannels, _convInChannels / _group, .. _kernelShape.AsSpan(0, _numSpatialAxes)];
        int[] biasShape = [_numOutput];
        BiasTerm = cp.BiasTerm;
        if (Blobs.Count > 0)
        {
            if (Blobs.Count != (BiasTerm ? 2 : 1))
                throw Error($"incorrect number of weight blobs: {Blobs.Count}, expected {(BiasTerm ? 2 : 1)} (bias_term: {BiasTerm}).");
            if (!Blobs[0].Shape.SequenceEqual(weightShape))
                throw Error($"incorrect weight shape: expected {Blob.ShapeText(weightShape)}; instead, shape was {Blob.ShapeText(Blobs[0].Shape)}.");
            if (BiasTerm && !Blobs[1].Shape.SequenceEqual(biasShape))
                throw Error($"incorrect bias shape: expected {Blob.ShapeText(biasShape)}; instead, shape was {Blob.ShapeText(Blobs[1].Shape)}.");
        }
        else
        {
            Blobs.Add(FilledBlob(weightShape, cp.WeightFiller, "weight_filler"));
            if (BiasTerm) Blobs.Add(FilledBlob(biasShape, cp.BiasFiller, "bias_filler"));
        }
        _kernelDim = Blobs[0].CountFrom(1);
        _weightOffset = _convOutChannels * _kernelDim / _group;
        for (int i = 0; i < Blobs.Count; i++) SetParamPropagateDown(i, true);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Blob input = bottom[0];
        int firstSpatialAxis = _channelAxis + 1;
        if (input.NumAxes != firstSpatialAxis + _numSpatialAxes)
            throw Error($"bottom num_axes may not change: the layer was set up for {firstSpatialAxis + _numSpatialAxes} axes, " +
                        $"the bottom now has shape {input.ShapeString}.");
        if (input.ShapeAt(_channelAxis) != _channels)
            throw Error($"input size incompatible with convolution kernel: the layer was set up for {_channels} channels " +
                        $"(axis {_channelAxis}), the bottom now has shape {input.ShapeString}.");
        for (int i = 1; i < bottom.Count; i++)
        {
            if (!bottom[i].Shape.SequenceEqual(input.Shape))
                throw Error($"all inputs must have the same shape: bottom 0 is {input.ShapeString}, bottom {i} is {bottom[i].ShapeString}.");
        }
        _num = input.CountRange(0, _channelAxis);
        _outputShape = new int[_numSpatialAxes];
        for (int i = 0; i < _numSpatialAxes; i++)
        {
            _outputShape[i] = OutputSize(i, input.ShapeAt(firstSpatialAxis + i), _kernelShape[i], _stride[i], _pad[i], _dilation[i]);
        }
        int[] topShape = [.. input.Shape.Take(_channelAxis), _numOutput, .. _outputShape];
        foreach (Blob t in top) t.Reshape(topShape);

        Blob imageSide = ReverseDimensions ? top[0] : input;
        Blob gemmSide = ReverseDimensions ? input : top[0];
        _convOutSpatialDim = gemmSide.CountFrom(firstSpatialAxis);
        _convInputShape = [.. imageSide.Shape.Skip(_channelAxis)];
        _colBufferShape = [_kernelDim * _group, .. gemmSide.Shape.Skip(firstSpatialAxis)];
        _inputDim = imageSide.CountFrom(_channelAxis);
        _outputDim = gemmSide.CountFrom(_channelAxis);
        _outSpatialDim = top[0].CountFrom(firstSpatialAxis);
        PlanImagesPerGemm();
    }

    // Caffe's rule for kernel/stride/pad/dilation: the _h/_w pair (2-D only, exclusive with the repeated
    // field), else the repeated field given 0 times (default), once (all axes) or once per spatial axis.
    private int[] SpatialValues(string field, IReadOnlyList<uint> values, bool hasHw, uint h, uint w, int? defaultValue)
    {
        var result = new int[Math.Max(_numSpatialAxes, 1)];
        if (hasHw)
        {
            // The pair of kernel_size is kernel_h/kernel_w; the others add _h/_w to their own name.
            string pair = field == "kernel_size" ? "kernel" : field;
            if (_numSpatialAxes != 2)
                throw Error($"{pair}_h & {pair}_w can only be used for 2D convolution, but the bottom has {_numSpatialAxes} spatial axes.");
            if (values.Count != 0)
                throw Error($"either {field} or {pair}_h/w should be specified; not both.");
            result[0] = ToInt(h, pair + "_h");
            result[1] = ToInt(w, pair + "_w");
            return result;
        }
        int given = values.Count;
        bool countOk = given == 1 || given == _numSpatialAxes || (given == 0 && defaultValue.HasValue);
        if (!countOk)
            throw Error($"{field} must be specified once, or once per spatial dimension " +
                        $"({field} specified {given} times; {_numSpatialAxes} spatial dims).");
        for (int i = 0; i < _numSpatialAxes; i++)
            result[i] = given == 0 ? defaultValue!.Value : ToInt(values[given == 1 ? 0 : i], field);
        return result;
    }

    private Blob FilledBlob(int[] shape, FillerParameter? filler, string field)
    {
        var blob = new Blob(shape);
        try
        {
            Filler.Fill(filler ?? new FillerParameter(), blob);
        }
        catch (ArgumentException e)
        {
            throw Error($"convolution_param.{field}: {e.Message}");
        }
        return blob;
    }

    private int CanonicalAxis(Blob blob, int axis, string field)
    {
        if (axis < -blob.NumAxes || axis >= blob.NumAxes)
            throw Error($"{field} {axis} is out of range for a bottom of shape {blob.ShapeString} ({blob.NumAxes} axes).");
        return blob.CanonicalAxisIndex(axis);
    }

    private int ToInt(uint value, string field) =>
        value <= int.MaxValue ? (int)value : throw Error($"convolution_param.{field} = {value} is too large.");

    private string FormatDims(int[] dims) => string.Join(" x ", dims.Take(_numSpatialAxes));
}
