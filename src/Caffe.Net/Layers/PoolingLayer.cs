namespace Caffe;

/// <summary>
/// Spatial pooling of 4-D blobs (Caffe's <c>PoolingLayer</c>, type "Pooling"): MAX or AVE over kernel windows
/// moved by the stride over the zero-padded input, or over the whole plane with <c>global_pooling</c>. The output
/// size is Caffe's: ceil((size + 2 pad − kernel) / stride) + 1 (floor with <c>round_mode: FLOOR</c>), minus the
/// last window when padding would make it start beyond the input. AVE divides by the window clipped to the
/// padded input, padding included. MAX with two tops writes the argmax (the flat index within the plane, as a
/// float) to the second. STOCHASTIC pooling, GPU-only in BVLC Caffe, runs on the CPU here (see PoolingLayer.Stochastic.cs).
/// </summary>
public sealed partial class PoolingLayer(LayerParameter param) : Layer(param)
{
    private static readonly PoolingParameter DefaultParameter = new();

    // Below this many window visits a pass stays on the calling thread.
    private const long ParallelWork = 1 << 15;

    private int _kernelH;
    private int _kernelW;
    private int _strideH;
    private int _strideW;
    private int _padH;
    private int _padW;
    private int _height;
    private int _width;
    private int _pooledHeight;
    private int _pooledWidth;
    private int[] _maxIndex = [];

    /// <inheritdoc/>
    public override string Type => "Pooling";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    /// <inheritdoc/>
    public override int MaxTopBlobs => Method == PoolingParameter.Types.PoolMethod.Max ? 2 : 1;

    private PoolingParameter PoolParam => Param.PoolingParam ?? DefaultParameter;

    private PoolingParameter.Types.PoolMethod Method => PoolParam.Pool;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        PoolingParameter pp = PoolParam;
        CheckFourAxes(bottom[0]);
        if (pp.GlobalPooling)
        {
            if (pp.HasKernelSize || pp.HasKernelH || pp.HasKernelW)
                throw Error("with global_pooling: true the filter size cannot be specified (kernel_size, kernel_h, kernel_w).");
        }
        else
        {
            if (pp.HasKernelSize && pp.HasKernelH && pp.HasKernelW)
                throw Error("filter size is kernel_size OR kernel_h and kernel_w; not both.");
            if (!pp.HasKernelSize && !(pp.HasKernelH && pp.HasKernelW))
                throw Error("for non-square filters both kernel_h and kernel_w are required.");
        }
        if (!((!pp.HasPad && pp.HasPadH && pp.HasPadW) || (!pp.HasPadH && !pp.HasPadW)))
            throw Error("pad is pad OR pad_h and pad_w are required.");
        if (!((!pp.HasStride && pp.HasStrideH && pp.HasStrideW) || (!pp.HasStrideH && !pp.HasStrideW)))
            throw Error("stride is stride OR stride_h and stride_w are required.");
        if (pp.GlobalPooling)
        {
            (_kernelH, _kernelW) = (bottom[0].Height, bottom[0].Width);
        }
        else if (pp.HasKernelSize)
        {
            _kernelH = _kernelW = ToInt(pp.KernelSize, "kernel_size");
        }
        else
        {
            (_kernelH, _kernelW) = (ToInt(pp.KernelH, "kernel_h"), ToInt(pp.KernelW, "kernel_w"));
        }
        if (_kernelH <= 0 || _kernelW <= 0)
            throw Error($"filter dimensions cannot be zero (kernel {_kernelH} x {_kernelW}).");
        (_padH, _padW) = pp.HasPadH ? (ToInt(pp.PadH, "pad_h"), ToInt(pp.PadW, "pad_w")) : (ToInt(pp.Pad, "pad"), ToInt(pp.Pad, "pad"));
        (_strideH, _strideW) = pp.HasStrideH
            ? (ToInt(pp.StrideH, "stride_h"), ToInt(pp.StrideW, "stride_w"))
            : (ToInt(pp.Stride, "stride"), ToInt(pp.Stride, "stride"));
        if (_strideH <= 0 || _strideW <= 0)
            throw Error($"stride dimensions must be positive (stride {_strideH} x {_strideW}).");
        if (pp.GlobalPooling && (_padH != 0 || _padW != 0 || _strideH != 1 || _strideW != 1))
            throw Error($"with global_pooling: true only pad = 0 and stride = 1 are allowed (pad {_padH} x {_padW}, stride {_strideH} x {_strideW}).");
        if (_padH != 0 || _padW != 0)
        {
            if (Method != PoolingParameter.Types.PoolMethod.Ave && Method != PoolingParameter.Types.PoolMethod.Max)
                throw Error($"padding is implemented only for average and max pooling, not {Method}.");
            if (_padH >= _kernelH || _padW >= _kernelW)
                throw Error($"the padding ({_padH} x {_padW}) must be smaller than the kernel ({_kernelH} x {_kernelW}).");
        }
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Blob input = bottom[0];
        CheckFourAxes(input);
        (_height, _width) = (input.Height, input.Width);
        if (PoolParam.GlobalPooling) (_kernelH, _kernelW) = (_height, _width);
        _pooledHeight = PooledSize(_height, _kernelH, _padH, _strideH, "height");
        _pooledWidth = PooledSize(_width, _kernelW, _padW, _strideW, "width");
        if (_padH != 0 || _padW != 0)
        {
            // With padding the last window must start inside the input (or its leading pad); drop it otherwise.
            if ((_pooledHeight - 1) * _strideH >= _height + _padH) _pooledHeight--;
            if ((_pooledWidth - 1) * _strideW >= _width + _padW) _pooledWidth--;
            if ((_pooledHeight - 1) * _strideH >= _height + _padH || (_pooledWidth - 1) * _strideW >= _width + _padW)
                throw Error($"the last pooling window starts beyond the padded input {input.ShapeString}.");
        }
        top[0].Reshape(input.Num, input.Channels, _pooledHeight, _pooledWidth);
        if (top.Count > 1) top[1].ReshapeLike(top[0]);
        if (Method == PoolingParameter.Types.PoolMethod.Max && top.Count == 1 && _maxIndex.Length < top[0].Count)
            _maxIndex = new int[top[0].Count];
        if (Method != PoolingParameter.Types.PoolMethod.Stochastic) PlanPhases();
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int planes = bottom[0].Num * bottom[0].Channels;
        ReadOnlyMemory<float> input = bottom[0].DataMemory;
        Memory<float> output = top[0].DataMemory;
        int inSize = _height * _width, outSize = _pooledHeight * _pooledWidth;
        switch (Method)
        {
            case PoolingParameter.Types.PoolMethod.Max:
                Memory<float> topMask = top.Count > 1 ? top[1].DataMemory : Memory<float>.Empty;
                Memory<int> mask = top.Count > 1 ? Memory<int>.Empty : _maxIndex.AsMemory(0, planes * outSize);
                ForEachPlane(planes, p => MaxForward(input.Span.Slice(p * inSize, inSize), output.Span.Slice(p * outSize, outSize),
                    topMask.IsEmpty ? [] : topMask.Span.Slice(p * outSize, outSize),
                    mask.IsEmpty ? [] : mask.Span.Slice(p * outSize, outSize)));
                break;
            case PoolingParameter.Types.PoolMethod.Ave:
                ForEachPlane(planes, p => AveForward(input.Span.Slice(p * inSize, inSize), output.Span.Slice(p * outSize, outSize)));
                break;
            case PoolingParameter.Types.PoolMethod.Stochastic:
                StochasticForward(bottom[0], top[0]);
                break;
            default:
                throw NotImplementedMethod();
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown,
                                        IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        int planes = bottom[0].Num * bottom[0].Channels;
        ReadOnlyMemory<float> topDiff = top[0].DiffMemory;
        Memory<float> bottomDiff = bottom[0].DiffMemory;
        int inSize = _height * _width, outSize = _pooledHeight * _pooledWidth;
        switch (Method)
        {
            case PoolingParameter.Types.PoolMethod.Max:
                ReadOnlyMemory<float> topMask = top.Count > 1 ? top[1].DataMemory : ReadOnlyMemory<float>.Empty;
                ReadOnlyMemory<int> mask = top.Count > 1 ? ReadOnlyMemory<int>.Empty : _maxIndex.AsMemory(0, planes * outSize);
                ForEachPlane(planes, p => MaxBackward(topDiff.Span.Slice(p * outSize, outSize),
                    topMask.IsEmpty ? [] : topMask.Span.Slice(p * outSize, outSize),
                    mask.IsEmpty ? [] : mask.Span.Slice(p * outSize, outSize), bottomDiff.Span.Slice(p * inSize, inSize)));
                break;
            case PoolingParameter.Types.PoolMethod.Ave:
                ForEachPlane(planes, p => AveBackward(topDiff.Span.Slice(p * outSize, outSize), bottomDiff.Span.Slice(p * inSize, inSize)));
                break;
            case PoolingParameter.Types.PoolMethod.Stochastic:
                StochasticBackward(top[0], bottom[0]);
                break;
            default:
                throw NotImplementedMethod();
        }
    }

    private void MaxBackward(ReadOnlySpan<float> topDiff, ReadOnlySpan<float> topMask, ReadOnlySpan<int> mask, Span<float> bottomDiff)
    {
        bottomDiff.Clear();
        for (int i = 0; i < topDiff.Length; i++)
        {
            int index = topMask.IsEmpty ? mask[i] : (int)topMask[i];
            // A window of NaNs keeps index -1, and a top mask may have been edited: never write outside the plane.
            if ((uint)index < (uint)bottomDiff.Length) bottomDiff[index] += topDiff[i];
        }
    }

    private void AveBackward(ReadOnlySpan<float> topDiff, Span<float> bottomDiff)
    {
        bottomDiff.Clear();
        for (int ph = 0; ph < _pooledHeight; ph++)
        {
            for (int pw = 0; pw < _pooledWidth; pw++)
            {
                var (hStart, hEnd, wStart, wEnd, poolSize) = AveWindow(ph, pw);
                float share = topDiff[ph * _pooledWidth + pw] / poolSize;
                for (int h = hStart; h < hEnd; h++)
                {
                    Span<float> row = bottomDiff.Slice(h * _width, _width);
                    for (int w = wStart; w < wEnd; w++) row[w] += share;
                }
            }
        }
    }

    // The window of output (ph, pw) clipped to the input, and Caffe's divisor: the window clipped to the
    // padded input, so padding counts towards the average.
    private (int HStart, int HEnd, int WStart, int WEnd, int PoolSize) AveWindow(int ph, int pw)
    {
        int hStart = ph * _strideH - _padH;
        int wStart = pw * _strideW - _padW;
        int hEnd = Math.Min(hStart + _kernelH, _height + _padH);
        int wEnd = Math.Min(wStart + _kernelW, _width + _padW);
        int poolSize = (hEnd - hStart) * (wEnd - wStart);
        return (Math.Max(hStart, 0), Math.Min(hEnd, _height), Math.Max(wStart, 0), Math.Min(wEnd, _width), poolSize);
    }

    private void ForEachPlane(int planes, Action<int> body)
    {
        long work = (long)planes * _pooledHeight * _pooledWidth * _kernelH * _kernelW;
        if (planes < 2 || work < ParallelWork)
        {
            for (int p = 0; p < planes; p++) body(p);
            return;
        }
        Parallel.For(0, planes, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, body);
    }

    private int PooledSize(int size, int kernel, int pad, int stride, string axis)
    {
        long span = size + 2L * pad - kernel;
        if (span < 0)
            throw Error($"the kernel ({kernel}) is larger than the padded input {axis} ({size} + 2 x {pad}).");
        long steps = PoolParam.RoundMode == PoolingParameter.Types.RoundMode.Floor ? span / stride : (span + stride - 1) / stride;
        return checked((int)(steps + 1));
    }

    private void CheckFourAxes(Blob bottom)
    {
        if (bottom.NumAxes != 4)
            throw Error($"input must have 4 axes, corresponding to (num, channels, height, width); got shape {bottom.ShapeString}.");
    }

    private int ToInt(uint value, string field) =>
        value <= int.MaxValue ? (int)value : throw Error($"pooling_param.{field} = {value} is too large.");

    private LayerException NotImplementedMethod() =>
        Error($"unknown pooling method {Method} (MAX, AVE and STOCHASTIC are implemented).");
}
