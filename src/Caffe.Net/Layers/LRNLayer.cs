using System.Buffers;
using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// Local response normalization (Krizhevsky et al. 2012; Caffe's <c>LRN</c>) of a 4-D (num, channels,
/// height, width) blob. ACROSS_CHANNELS: y = x · s^−β with s = k + α/n · Σ x² over the n = local_size
/// channels centred on x's. WITHIN_CHANNEL: y = x · (1 + α · a)^−β with a the n×n spatial window's
/// Σ x² divided by n² — always n², also where the window hangs over the border — which is what Caffe's
/// internal Split/Power/Pooling(AVE)/Eltwise(PROD) composite computes; k is not used there. Computed
/// directly here, with the composite's order of operations. Not in place.
/// </summary>
public sealed class LRNLayer(LayerParameter param) : Layer(param)
{
    // ACROSS_CHANNELS works on blocks of this many pixels of one image, through all its channels.
    private const int PixelBlock = 1024;

    private readonly Blob _scale = new();   // ACROSS_CHANNELS: s per element (Caffe's scale_)
    private readonly Blob _pool = new();    // WITHIN_CHANNEL: the window average of x² (pool_output_)
    private readonly Blob _power = new();   // WITHIN_CHANNEL: (1 + α · pool)^−β (power_output_)
    private int _size;
    private int _prePad;
    private float _alpha;
    private float _beta;
    private float _k;
    private LRNParameter.Types.NormRegion _region;
    private int _num, _channels, _height, _width;

    /// <inheritdoc/>
    public override string Type => "LRN";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        LRNParameter p = Param.LrnParam ?? new LRNParameter();
        if (p.LocalSize % 2 != 1 || p.LocalSize > int.MaxValue)
            throw Error($"LRN only supports odd values for local_size, got {p.LocalSize}.");
        _size = (int)p.LocalSize;
        _prePad = (_size - 1) / 2;
        _alpha = p.Alpha;
        _beta = p.Beta;
        _k = p.K;
        _region = p.NormRegion;
        if (_region != LRNParameter.Types.NormRegion.AcrossChannels && _region != LRNParameter.Types.NormRegion.WithinChannel)
            throw Error($"unknown norm_region {(int)_region}.");
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (bottom[0].NumAxes != 4)
            throw Error($"input must have 4 axes, corresponding to (num, channels, height, width); got shape {bottom[0].ShapeString}.");
        if (ReferenceEquals(bottom[0], top[0]))
            throw Error("LRN does not support in-place computation (backward needs both the bottom and the top).");
        (_num, _channels, _height, _width) = (bottom[0].Num, bottom[0].Channels, bottom[0].Height, bottom[0].Width);
        top[0].ReshapeLike(bottom[0]);
        if (_region == LRNParameter.Types.NormRegion.AcrossChannels)
        {
            _scale.ReshapeLike(bottom[0]);
        }
        else
        {
            _pool.ReshapeLike(bottom[0]);
            _power.ReshapeLike(bottom[0]);
        }
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (_region == LRNParameter.Types.NormRegion.AcrossChannels) CrossChannelForward(bottom[0], top[0]);
        else WithinChannelForward(bottom[0], top[0]);
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        if (_region == LRNParameter.Types.NormRegion.AcrossChannels) CrossChannelBackward(top[0], bottom[0]);
        else WithinChannelBackward(top[0], bottom[0]);
    }

    private int PlaneSize => _height * _width;

    // Work items of ACROSS_CHANNELS: (image, block of pixels); every channel of the block stays in one item.
    private void ForPixelBlocks(Action<int, int, int> body)
    {
        int blockLength = Math.Max(1, Math.Min(PlaneSize, PixelBlock));
        int blocks = (PlaneSize + blockLength - 1) / blockLength;
        ParallelRows.For(_num * blocks, (long)_channels * blockLength, (first, end) =>
        {
            for (int item = first; item < end; item++)
            {
                int start = item % blocks * blockLength;
                body(item / blocks, start, Math.Min(blockLength, PlaneSize - start));
            }
        });
    }

    // The pixels [start, start + length) of channel c of image n.
    private int RowOffset(int n, int c, int start) => (n * _channels + c) * PlaneSize + start;

    private void CrossChannelForward(Blob bottom, Blob top)
    {
        Memory<float> bottomData = bottom.DataMemory, topData = top.DataMemory, scaleData = _scale.DataMemory;
        float alphaOverSize = _alpha / _size;
        ForPixelBlocks((n, start, length) =>
        {
            ReadOnlySpan<float> x = bottomData.Span;
            Span<float> scale = scaleData.Span, y = topData.Span;
            Span<float> square = stackalloc float[length];
            // The window sum slides along the channels: add the entering channel, subtract the leaving one.
            // Caffe pads the channel axis with zeros; skipping those terms gives the same floats.
            Span<float> first = scale.Slice(RowOffset(n, 0, start), length);
            first.Fill(_k);
            for (int c = -_prePad; c <= _prePad; c++)
            {
                if (c < 0 || c >= _channels) continue;
                AddSquare(x.Slice(RowOffset(n, c, start), length), alphaOverSize, square, first);
            }
            for (int c = 1; c < _channels; c++)
            {
                Span<float> current = scale.Slice(RowOffset(n, c, start), length);
                scale.Slice(RowOffset(n, c - 1, start), length).CopyTo(current);
                int head = c + _prePad, tail = c - 1 - _prePad;
                if (head < _channels) AddSquare(x.Slice(RowOffset(n, head, start), length), alphaOverSize, square, current);
                if (tail >= 0) AddSquare(x.Slice(RowOffset(n, tail, start), length), -alphaOverSize, square, current);
            }
            for (int c = 0; c < _channels; c++)
            {
                int offset = RowOffset(n, c, start);
                Span<float> output = y.Slice(offset, length);
                PowNegativeBeta(scale.Slice(offset, length), output, square);
                TensorPrimitives.Multiply(output, x.Slice(offset, length), output);
            }
        });
    }

    // output = scale^−β. For AlexNet's and GoogLeNet's β = 0.75 this is 1 / (√s · ⁴√s): two square roots and a
    // division run several times faster than pow, and agree with it to within an ulp or two.
    private void PowNegativeBeta(ReadOnlySpan<float> scale, Span<float> output, Span<float> scratch)
    {
        if (_beta != 0.75f)
        {
            TensorPrimitives.Pow(scale, -_beta, output);
            return;
        }
        TensorPrimitives.Sqrt(scale, output);
        TensorPrimitives.Sqrt(output, scratch);
        TensorPrimitives.Multiply(output, scratch, output);
        TensorPrimitives.Reciprocal(output, output);
    }

    // sum += factor · x², Caffe's caffe_sqr then caffe_axpy.
    private static void AddSquare(ReadOnlySpan<float> x, float factor, Span<float> square, Span<float> sum)
    {
        TensorPrimitives.Multiply(x, x, square);
        TensorPrimitives.MultiplyAdd(square, factor, sum, sum);
    }

    private void CrossChannelBackward(Blob top, Blob bottom) =>
        ForPixelBlocks((n, start, length) => CrossChannelBackwardBlock(top, bottom, n, start, length));

    private void CrossChannelBackwardBlock(Blob top, Blob bottom, int n, int start, int length)
    {
        ReadOnlySpan<float> dy = top.Diff, y = top.Data, x = bottom.Data, scale = _scale.Data;
        Span<float> dx = bottom.Diff;
        float cacheRatio = (float)(2.0 * _alpha * _beta / _size);
        Span<float> scratch = stackalloc float[length];
        for (int c = 0; c < _channels; c++)
        {
            int offset = RowOffset(n, c, start);
            PowNegativeBeta(scale.Slice(offset, length), dx.Slice(offset, length), scratch);
            TensorPrimitives.Multiply(dy.Slice(offset, length), dx.Slice(offset, length), dx.Slice(offset, length));
        }
        // accum = Σ dy·y/s over the channel window, slid like the forward sum; the window's ratios
        // live in a ring of local_size rows (the padding's zero terms are skipped: same floats).
        float[] rented = ArrayPool<float>.Shared.Rent((_size + 2) * length);
        try
        {
            Span<float> ring = rented.AsSpan(0, _size * length);
            Span<float> accum = rented.AsSpan(_size * length, length);
            Span<float> product = rented.AsSpan((_size + 1) * length, length);
            accum.Clear();
            for (int c = 0; c < _prePad && c < _channels; c++)
                TensorPrimitives.Add(Ratio(c, ring), accum, accum);
            for (int c = 0; c < _channels; c++)
            {
                int head = c + _prePad, tail = c - _prePad;
                if (head < _channels) TensorPrimitives.Add(Ratio(head, ring), accum, accum);
                int offset = RowOffset(n, c, start);
                TensorPrimitives.Multiply(x.Slice(offset, length), accum, product);
                TensorPrimitives.MultiplyAdd(product, -cacheRatio, dx.Slice(offset, length), dx.Slice(offset, length));
                if (tail >= 0) TensorPrimitives.Subtract(accum, ring.Slice(tail % _size * length, length), accum);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }

        ReadOnlySpan<float> Ratio(int c, Span<float> ring)
        {
            int offset = RowOffset(n, c, start);
            Span<float> slot = ring.Slice(c % _size * length, length);
            TensorPrimitives.Multiply(top.Diff.Slice(offset, length), top.Data.Slice(offset, length), slot);
            TensorPrimitives.Divide(slot, _scale.Data.Slice(offset, length), slot);
            return slot;
        }
    }

    // Work items of WITHIN_CHANNEL: one (image, channel) plane each, with scratch planes from the pool.
    private void ForPlanes(int scratchPlanes, Action<int, Span<float>> body)
    {
        ParallelRows.For(_num * _channels, PlaneSize, (first, end) =>
        {
            float[] rented = ArrayPool<float>.Shared.Rent(Math.Max(1, scratchPlanes * PlaneSize));
            try
            {
                for (int plane = first; plane < end; plane++) body(plane, rented.AsSpan(0, scratchPlanes * PlaneSize));
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        });
    }

    // Caffe's AVE pooling geometry for kernel local_size, stride 1, pad (local_size − 1) / 2: the window of
    // output (ph, pw) clipped to the plane, and the divisor, counted before clipping (so local_size²).
    private (int H0, int H1, int W0, int W1, int PoolSize) Window(int ph, int pw)
    {
        int h0 = ph - _prePad, w0 = pw - _prePad;
        int h1 = Math.Min(h0 + _size, _height + _prePad), w1 = Math.Min(w0 + _size, _width + _prePad);
        int poolSize = (h1 - h0) * (w1 - w0);
        return (Math.Max(h0, 0), Math.Min(h1, _height), Math.Max(w0, 0), Math.Min(w1, _width), poolSize);
    }

    private void WithinChannelForward(Blob bottom, Blob top)
    {
        Memory<float> bottomData = bottom.DataMemory, topData = top.DataMemory;
        Memory<float> poolData = _pool.DataMemory, powerData = _power.DataMemory;
        float power = -_beta, diffScale = power * _alpha;
        ForPlanes(1, (plane, square) =>
        {
            int offset = plane * PlaneSize;
            ReadOnlySpan<float> x = bottomData.Span.Slice(offset, PlaneSize);
            Span<float> pool = poolData.Span.Slice(offset, PlaneSize);
            Span<float> scale = powerData.Span.Slice(offset, PlaneSize);
            TensorPrimitives.Multiply(x, x, square);
            for (int ph = 0; ph < _height; ph++)
            {
                for (int pw = 0; pw < _width; pw++)
                {
                    (int h0, int h1, int w0, int w1, int poolSize) = Window(ph, pw);
                    float sum = 0;
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++) sum += square[h * _width + w];
                    pool[ph * _width + pw] = sum / poolSize;
                }
            }
            // Caffe's Power layer with power −β, scale α, shift 1 (a constant when α or β is 0).
            if (diffScale == 0)
            {
                scale.Fill(power == 0 ? 1f : MathF.Pow(1f, power));
            }
            else
            {
                TensorPrimitives.Multiply(pool, _alpha, scale);
                TensorPrimitives.Add(scale, 1f, scale);
                if (power != 1) TensorPrimitives.Pow(scale, power, scale);
            }
            TensorPrimitives.Multiply(x, scale, topData.Span.Slice(offset, PlaneSize));
        });
    }

    private void WithinChannelBackward(Blob top, Blob bottom)
    {
        Memory<float> topDiff = top.DiffMemory, bottomData = bottom.DataMemory, bottomDiff = bottom.DiffMemory;
        Memory<float> poolData = _pool.DataMemory, powerData = _power.DataMemory;
        float power = -_beta, diffScale = power * _alpha;
        ForPlanes(2, (plane, scratch) =>
        {
            int offset = plane * PlaneSize;
            ReadOnlySpan<float> dy = topDiff.Span.Slice(offset, PlaneSize);
            ReadOnlySpan<float> x = bottomData.Span.Slice(offset, PlaneSize);
            ReadOnlySpan<float> pool = poolData.Span.Slice(offset, PlaneSize);
            ReadOnlySpan<float> scale = powerData.Span.Slice(offset, PlaneSize);
            Span<float> dPool = scratch[..PlaneSize];
            Span<float> dSquare = scratch.Slice(PlaneSize, PlaneSize);
            Span<float> dx = bottomDiff.Span.Slice(offset, PlaneSize);

            // Eltwise PROD: the power output's diff is x · dy.
            TensorPrimitives.Multiply(x, dy, dSquare);
            PowerBackward(dSquare, pool, scale, power, diffScale, dPool);

            // AVE pooling: every output spreads its diff / pool size over its clipped window.
            dSquare.Clear();
            for (int ph = 0; ph < _height; ph++)
            {
                for (int pw = 0; pw < _width; pw++)
                {
                    (int h0, int h1, int w0, int w1, int poolSize) = Window(ph, pw);
                    float share = dPool[ph * _width + pw] / poolSize;
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++) dSquare[h * _width + w] += share;
                }
            }

            // Square (Power 2): dSquare · 2x; Eltwise PROD to the numerator: power · dy; Split sums the two.
            TensorPrimitives.Multiply(x, 2f, dPool);
            TensorPrimitives.Multiply(dSquare, dPool, dSquare);
            TensorPrimitives.Multiply(scale, dy, dx);
            TensorPrimitives.Add(dSquare, dx, dx);
        });
    }

    // Caffe's Power layer backward for y = (1 + α · pool)^power, branch for branch.
    private void PowerBackward(ReadOnlySpan<float> dScale, ReadOnlySpan<float> pool, ReadOnlySpan<float> scale,
                               float power, float diffScale, Span<float> dPool)
    {
        if (diffScale == 0 || power == 1)
        {
            dPool.Fill(diffScale);
        }
        else if (power == 2)
        {
            TensorPrimitives.Multiply(pool, diffScale * _alpha, dPool);
            TensorPrimitives.Add(dPool, diffScale, dPool);
        }
        else
        {
            TensorPrimitives.Multiply(pool, _alpha, dPool);
            TensorPrimitives.Add(dPool, 1f, dPool);
            TensorPrimitives.Divide(scale, dPool, dPool);
            if (diffScale != 1) TensorPrimitives.Multiply(dPool, diffScale, dPool);
        }
        if (diffScale != 0) TensorPrimitives.Multiply(dScale, dPool, dPool);
    }
}
