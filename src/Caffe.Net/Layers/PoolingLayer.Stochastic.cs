namespace Caffe;

// STOCHASTIC pooling (Zeiler & Fergus), which BVLC Caffe only implements on the GPU. Activations must be
// non-negative (as after a ReLU). TRAIN samples one element per window with probability proportional to its
// value and remembers it for backward; TEST returns the probability-weighted average Σv²/Σv. Windows are not
// padded (Caffe's kernels ignore pad, and LayerSetUp rejects pad for this method).
public sealed partial class PoolingLayer
{
    private const float FltMin = 1.17549435e-38f;

    private int[] _sampledIndex = [];
    private float[] _uniform = [];

    private void StochasticForward(Blob bottom, Blob top)
    {
        int planes = bottom.Num * bottom.Channels;
        int inSize = _height * _width, outSize = _pooledHeight * _pooledWidth;
        ReadOnlyMemory<float> input = bottom.DataMemory;
        Memory<float> output = top.DataMemory;
        if (Phase == Phase.Test)
        {
            ForEachPlane(planes, p => StochasticTestPlane(input.Span.Slice(p * inSize, inSize), output.Span.Slice(p * outSize, outSize)));
            return;
        }
        if (_sampledIndex.Length < top.Count) (_sampledIndex, _uniform) = (new int[top.Count], new float[top.Count]);
        // Draw on the calling thread so a seeded run repeats whatever the parallel split.
        Rng.FillUniform(_uniform.AsSpan(0, top.Count), 0f, 1f);
        Memory<int> sampled = _sampledIndex.AsMemory(0, top.Count);
        ReadOnlyMemory<float> uniform = _uniform.AsMemory(0, top.Count);
        ForEachPlane(planes, p => StochasticTrainPlane(input.Span.Slice(p * inSize, inSize), uniform.Span.Slice(p * outSize, outSize),
            output.Span.Slice(p * outSize, outSize), sampled.Span.Slice(p * outSize, outSize)));
    }

    private void StochasticTrainPlane(ReadOnlySpan<float> input, ReadOnlySpan<float> uniform, Span<float> output, Span<int> sampled)
    {
        for (int ph = 0; ph < _pooledHeight; ph++)
        {
            for (int pw = 0; pw < _pooledWidth; pw++)
            {
                var (hStart, hEnd, wStart, wEnd) = StochasticWindow(ph, pw);
                float sum = 0;
                for (int h = hStart; h < hEnd; h++)
                    for (int w = wStart; w < wEnd; w++) sum += input[h * _width + w];
                int o = ph * _pooledWidth + pw;
                float threshold = uniform[o] * sum;
                // The first element at which the running sum reaches the threshold; the last one if rounding never lets it.
                int chosen = (hEnd - 1) * _width + wEnd - 1;
                float running = 0;
                for (int h = hStart; h < hEnd && chosen == (hEnd - 1) * _width + wEnd - 1; h++)
                {
                    for (int w = wStart; w < wEnd; w++)
                    {
                        running += input[h * _width + w];
                        if (running >= threshold)
                        {
                            chosen = h * _width + w;
                            break;
                        }
                    }
                }
                sampled[o] = chosen;
                output[o] = input[chosen];
            }
        }
    }

    private void StochasticTestPlane(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int ph = 0; ph < _pooledHeight; ph++)
        {
            for (int pw = 0; pw < _pooledWidth; pw++)
            {
                (float sum, float weighted) = WindowSums(input, ph, pw);
                output[ph * _pooledWidth + pw] = weighted / sum;
            }
        }
    }

    private void StochasticBackward(Blob top, Blob bottom)
    {
        int planes = bottom.Num * bottom.Channels;
        int inSize = _height * _width, outSize = _pooledHeight * _pooledWidth;
        ReadOnlyMemory<float> topDiff = top.DiffMemory;
        ReadOnlyMemory<float> input = bottom.DataMemory;
        Memory<float> bottomDiff = bottom.DiffMemory;
        if (Phase == Phase.Test)
        {
            ForEachPlane(planes, p => StochasticTestBackwardPlane(input.Span.Slice(p * inSize, inSize),
                topDiff.Span.Slice(p * outSize, outSize), bottomDiff.Span.Slice(p * inSize, inSize)));
            return;
        }
        if (_sampledIndex.Length < top.Count)
            throw Error("stochastic pooling backward at TRAIN needs a forward pass first (it routes the gradient to the sampled elements).");
        ReadOnlyMemory<int> sampled = _sampledIndex.AsMemory(0, top.Count);
        ForEachPlane(planes, p =>
        {
            Span<float> diff = bottomDiff.Span.Slice(p * inSize, inSize);
            ReadOnlySpan<int> chosen = sampled.Span.Slice(p * outSize, outSize);
            ReadOnlySpan<float> tops = topDiff.Span.Slice(p * outSize, outSize);
            diff.Clear();
            for (int o = 0; o < outSize; o++) diff[chosen[o]] += tops[o];
        });
    }

    // d(Σv²/Σv)/dv_i = (2·v_i − top) / Σv.
    private void StochasticTestBackwardPlane(ReadOnlySpan<float> input, ReadOnlySpan<float> topDiff, Span<float> bottomDiff)
    {
        bottomDiff.Clear();
        for (int ph = 0; ph < _pooledHeight; ph++)
        {
            for (int pw = 0; pw < _pooledWidth; pw++)
            {
                (float sum, float weighted) = WindowSums(input, ph, pw);
                float value = weighted / sum;
                float scale = topDiff[ph * _pooledWidth + pw] / sum;
                var (hStart, hEnd, wStart, wEnd) = StochasticWindow(ph, pw);
                for (int h = hStart; h < hEnd; h++)
                    for (int w = wStart; w < wEnd; w++) bottomDiff[h * _width + w] += scale * (2 * input[h * _width + w] - value);
            }
        }
    }

    // Σv and Σv² over a window; Caffe starts the sum at FLT_MIN so an all-zero window gives 0, not NaN.
    private (float Sum, float Weighted) WindowSums(ReadOnlySpan<float> input, int ph, int pw)
    {
        var (hStart, hEnd, wStart, wEnd) = StochasticWindow(ph, pw);
        float sum = FltMin, weighted = 0;
        for (int h = hStart; h < hEnd; h++)
        {
            for (int w = wStart; w < wEnd; w++)
            {
                float v = input[h * _width + w];
                sum += v;
                weighted += v * v;
            }
        }
        return (sum, weighted);
    }

    private (int HStart, int HEnd, int WStart, int WEnd) StochasticWindow(int ph, int pw)
    {
        int hStart = ph * _strideH, wStart = pw * _strideW;
        return (hStart, Math.Min(hStart + _kernelH, _height), wStart, Math.Min(wStart + _kernelW, _width));
    }
}
