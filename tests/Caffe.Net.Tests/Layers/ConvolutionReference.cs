namespace Caffe.Tests.Layers;

/// <summary>
/// Naive convolution and deconvolution by explicit loops over images, groups, channels, output positions and
/// kernel taps (the oracle of Caffe's tests, <c>caffe_conv</c>, generalised to any number of spatial axes and
/// to dilation). Channel axis 1.
/// </summary>
internal static class ConvolutionReference
{
    public sealed record Geometry(int[] Kernel, int[] Stride, int[] Pad, int[] Dilation, int Group, bool BiasTerm);

    public static Geometry Read(ConvolutionParameter cp, int spatialAxes)
    {
        int[] Values(IList<uint> repeated, bool hasHw, uint h, uint w, int fallback)
        {
            if (hasHw) return [(int)h, (int)w];
            return Enumerable.Range(0, spatialAxes)
                .Select(i => repeated.Count == 0 ? fallback : (int)repeated[repeated.Count == 1 ? 0 : i]).ToArray();
        }
        return new Geometry(
            Values(cp.KernelSize, cp.HasKernelH, cp.KernelH, cp.KernelW, 0),
            Values(cp.Stride, cp.HasStrideH, cp.StrideH, cp.StrideW, 1),
            Values(cp.Pad, cp.HasPadH, cp.PadH, cp.PadW, 0),
            Values(cp.Dilation, false, 0, 0, 1),
            (int)cp.Group, cp.BiasTerm);
    }

    /// <summary>Convolution of <paramref name="input"/> with weights [out, in/group, k…] (and bias) as Caffe defines it.</summary>
    public static Blob Convolve(Blob input, ConvolutionParameter cp, IReadOnlyList<Blob> weights)
    {
        int spatial = input.NumAxes - 2;
        Geometry g = Read(cp, spatial);
        int[] inShape = input.Shape.Skip(2).ToArray();
        int[] outShape = new int[spatial];
        for (int i = 0; i < spatial; i++)
            outShape[i] = (inShape[i] + 2 * g.Pad[i] - (g.Dilation[i] * (g.Kernel[i] - 1) + 1)) / g.Stride[i] + 1;
        int num = input.ShapeAt(0), channels = input.ShapeAt(1), numOutput = weights[0].ShapeAt(0);
        var output = new Blob([num, numOutput, .. outShape]);
        Scatter(input, output, weights[0], g, num, channels, numOutput, inShape, outShape, transposed: false);
        if (g.BiasTerm) AddBias(output, weights[1]);
        return output;
    }

    /// <summary>Deconvolution (the transpose of convolution) with weights [in, out/group, k…] (and bias).</summary>
    public static Blob Deconvolve(Blob input, ConvolutionParameter cp, IReadOnlyList<Blob> weights)
    {
        int spatial = input.NumAxes - 2;
        Geometry g = Read(cp, spatial);
        int[] inShape = input.Shape.Skip(2).ToArray();
        int[] outShape = new int[spatial];
        for (int i = 0; i < spatial; i++)
            outShape[i] = g.Stride[i] * (inShape[i] - 1) + g.Dilation[i] * (g.Kernel[i] - 1) + 1 - 2 * g.Pad[i];
        int num = input.ShapeAt(0), channels = input.ShapeAt(1), numOutput = (int)cp.NumOutput;
        var output = new Blob([num, numOutput, .. outShape]);
        Scatter(input, output, weights[0], g, num, channels, numOutput, inShape, outShape, transposed: true);
        if (g.BiasTerm) AddBias(output, weights[1]);
        return output;
    }

    // For convolution, out[o, p] += in[c, p·s − pad + k·d] · w[o, c, k]; for deconvolution the same pairs of
    // positions with the roles of the blobs swapped: out[o, p·s − pad + k·d] += in[c, p] · w[c, o, k].
    private static void Scatter(Blob input, Blob output, Blob weight, Geometry g, int num, int channels, int numOutput,
        int[] inShape, int[] outShape, bool transposed)
    {
        int inPerGroup = channels / g.Group, outPerGroup = numOutput / g.Group;
        int[] small = transposed ? inShape : outShape;   // the positions p iterated over
        int[] large = transposed ? outShape : inShape;   // the positions p·s − pad + k·d
        int smallSize = small.Aggregate(1, (a, b) => a * b), largeSize = large.Aggregate(1, (a, b) => a * b);
        int kernelSize = g.Kernel.Aggregate(1, (a, b) => a * b);
        ReadOnlySpan<float> x = input.Data, w = weight.Data;
        Span<float> y = output.Data;
        for (int n = 0; n < num; n++)
        for (int grp = 0; grp < g.Group; grp++)
        for (int o = 0; o < outPerGroup; o++)
        for (int c = 0; c < inPerGroup; c++)
        for (int p = 0; p < smallSize; p++)
        for (int k = 0; k < kernelSize; k++)
        {
            int q = LargeIndex(p, k, small, large, g);
            if (q < 0) continue;
            int inChannel = grp * inPerGroup + c, outChannel = grp * outPerGroup + o;
            if (!transposed)
            {
                float weightValue = w[(outChannel * inPerGroup + c) * kernelSize + k];
                y[(n * numOutput + outChannel) * smallSize + p] += x[(n * channels + inChannel) * largeSize + q] * weightValue;
            }
            else
            {
                float weightValue = w[(inChannel * outPerGroup + o) * kernelSize + k];
                y[(n * numOutput + outChannel) * largeSize + q] += x[(n * channels + inChannel) * smallSize + p] * weightValue;
            }
        }
    }

    // Flat index in `large` of position p·stride − pad + k·dilation, or -1 when it falls in the padding.
    private static int LargeIndex(int p, int k, int[] small, int[] large, Geometry g)
    {
        int index = 0;
        int pRest = p, kRest = k, pStride = small.Aggregate(1, (a, b) => a * b), kStride = g.Kernel.Aggregate(1, (a, b) => a * b);
        for (int i = 0; i < small.Length; i++)
        {
            pStride /= small[i];
            kStride /= g.Kernel[i];
            int pi = pRest / pStride, ki = kRest / kStride;
            pRest %= pStride;
            kRest %= kStride;
            int at = pi * g.Stride[i] - g.Pad[i] + ki * g.Dilation[i];
            if (at < 0 || at >= large[i]) return -1;
            index = index * large[i] + at;
        }
        return index;
    }

    private static void AddBias(Blob output, Blob bias)
    {
        int num = output.ShapeAt(0), channels = output.ShapeAt(1), spatial = output.CountFrom(2);
        Span<float> y = output.Data;
        for (int n = 0; n < num; n++)
            for (int c = 0; c < channels; c++)
                for (int s = 0; s < spatial; s++) y[(n * channels + c) * spatial + s] += bias.Data[c];
    }
}
