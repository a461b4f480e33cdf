namespace Caffe;

/// <summary>
/// Spatial pyramid pooling (Caffe's <c>SPPLayer</c>, type "SPP"): pools the whole N × C × H × W input into
/// 1, 2×2, 4×4, ... bins (<c>spp_param.pyramid_height</c> levels, <c>pool</c> MAX, AVE or STOCHASTIC), flattens
/// each level and concatenates them into N × (C·(1 + 4 + ... + 4^(levels-1))), whatever H and W are. Built, as in Caffe,
/// from internal Split, Pooling, Flatten and Concat layers; with one level the top is the single pooling's
/// N × C × 1 × 1.
/// </summary>
public sealed class SPPLayer(LayerParameter param) : Layer(param)
{
    private static readonly SPPParameter DefaultParameter = new();

    private int _pyramidHeight;
    private int[] _bottomShape = [];
    private SplitLayer? _split;
    private Blob[] _splitTops = [];
    private PoolingLayer[] _pooling = [];
    private Blob[] _poolingOutputs = [];
    private FlattenLayer[] _flatten = [];
    private Blob[] _flattenOutputs = [];
    private ConcatLayer? _concat;

    /// <inheritdoc/>
    public override string Type => "SPP";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    private SPPParameter SppParam => Param.SppParam ?? DefaultParameter;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        CheckInput(bottom[0]);
        if (SppParam.PyramidHeight == 0 || SppParam.PyramidHeight > 31)
            throw Error($"spp_param.pyramid_height must be between 1 and 31 (got {SppParam.PyramidHeight}; unset means 0).");
        _pyramidHeight = (int)SppParam.PyramidHeight;
        _bottomShape = [];
        _pooling = new PoolingLayer[_pyramidHeight];
        if (_pyramidHeight == 1) return;

        _splitTops = NewBlobs(_pyramidHeight);
        _poolingOutputs = NewBlobs(_pyramidHeight);
        _flattenOutputs = NewBlobs(_pyramidHeight);
        _split = new SplitLayer(Internal("split", new LayerParameter()));
        _flatten = new FlattenLayer[_pyramidHeight];
        for (int i = 0; i < _pyramidHeight; i++)
            _flatten[i] = new FlattenLayer(Internal($"level{i}_flatten", new LayerParameter()));
        _concat = new ConcatLayer(Internal("concat", new LayerParameter()));
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Blob input = bottom[0];
        CheckInput(input);
        // The pooling geometry depends on H and W: the internal layers are rebuilt only when the bottom changes shape.
        if (input.Shape.SequenceEqual(_bottomShape)) return;
        _bottomShape = [.. input.Shape];
        if (_pyramidHeight == 1)
        {
            _pooling[0] = SetUpPooling(0, input, bottom, top);
            return;
        }
        _split!.SetUp(bottom, _splitTops);
        for (int i = 0; i < _pyramidHeight; i++)
        {
            _pooling[i] = SetUpPooling(i, input, [_splitTops[i]], [_poolingOutputs[i]]);
            _flatten[i].SetUp([_poolingOutputs[i]], [_flattenOutputs[i]]);
        }
        _concat!.SetUp(_flattenOutputs, top);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (_pyramidHeight == 1)
        {
            _pooling[0].Forward(bottom, top);
            return;
        }
        _split!.Forward(bottom, _splitTops);
        for (int i = 0; i < _pyramidHeight; i++)
        {
            _pooling[i].Forward([_splitTops[i]], [_poolingOutputs[i]]);
            _flatten[i].Forward([_poolingOutputs[i]], [_flattenOutputs[i]]);
        }
        _concat!.Forward(_flattenOutputs, top);
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown,
                                        IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        if (_pyramidHeight == 1)
        {
            _pooling[0].Backward(top, propagateDown, bottom);
            return;
        }
        bool[] all = [.. Enumerable.Repeat(true, _pyramidHeight)];
        _concat!.Backward(top, all, _flattenOutputs);
        for (int i = 0; i < _pyramidHeight; i++)
        {
            _flatten[i].Backward([_flattenOutputs[i]], propagateDown, [_poolingOutputs[i]]);
            _pooling[i].Backward([_poolingOutputs[i]], propagateDown, [_splitTops[i]]);
        }
        _split!.Backward(_splitTops, propagateDown, bottom);
    }

    /// <summary>
    /// The pooling of pyramid level <paramref name="level"/> (2^level bins per side): the smallest kernel that covers
    /// the input in that many strides, and the padding that centres it, as Caffe's <c>GetPoolingParam</c>.
    /// </summary>
    private PoolingLayer SetUpPooling(int level, Blob input, IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int numBins = 1 << level;
        int height = input.Height, width = input.Width;
        int kernelH = (height + numBins - 1) / numBins;
        int kernelW = (width + numBins - 1) / numBins;
        int padH = (kernelH * numBins - height + 1) / 2;
        int padW = (kernelW * numBins - width + 1) / 2;
        var pooling = new PoolingParameter
        {
            Pool = SppParam.Pool switch
            {
                SPPParameter.Types.PoolMethod.Max => PoolingParameter.Types.PoolMethod.Max,
                SPPParameter.Types.PoolMethod.Ave => PoolingParameter.Types.PoolMethod.Ave,
                SPPParameter.Types.PoolMethod.Stochastic => PoolingParameter.Types.PoolMethod.Stochastic,
                _ => throw Error($"unknown spp_param.pool method {SppParam.Pool}."),
            },
            KernelH = (uint)kernelH,
            KernelW = (uint)kernelW,
            StrideH = (uint)kernelH,
            StrideW = (uint)kernelW,
            PadH = (uint)padH,
            PadW = (uint)padW,
        };
        var layer = new PoolingLayer(Internal($"level{level}_pool", new LayerParameter { PoolingParam = pooling }));
        try
        {
            layer.SetUp(bottom, top);
        }
        catch (LayerException e)
        {
            throw new LayerException(Name, Type,
                $"pyramid level {level} ({numBins} x {numBins} bins) cannot pool the input {input.ShapeString}: {e.Message}", e);
        }
        return layer;
    }

    private LayerParameter Internal(string suffix, LayerParameter param)
    {
        param.Name = Name + "_" + suffix;
        param.Phase = Phase;
        return param;
    }

    private void CheckInput(Blob input)
    {
        if (input.NumAxes != 4)
            throw Error($"the input must have 4 axes (num, channels, height, width); got {input.ShapeString}.");
        if (input.Height <= 0 || input.Width <= 0)
            throw Error($"the input's height and width cannot be zero; got {input.ShapeString}.");
    }

    private static Blob[] NewBlobs(int count) => [.. Enumerable.Range(0, count).Select(_ => new Blob())];
}
