using System.Numerics.Tensors;

namespace Caffe;

public static partial class Visualization
{
    /// <summary>
    /// Grad-CAM (Selvaraju et al. 2017) at the activation <paramref name="layer"/> names: a blob (its final forward
    /// value, so <c>"conv5"</c> with an in-place <c>relu5</c> is the rectified map) or, when no blob has that name, a
    /// layer (its first top right after that layer's forward). For each image: weights α_k = spatial mean of the
    /// gradient of the class score with respect to channel k; map = ReLU(Σ_k α_k · A_k), resized bilinearly to the
    /// input's height and width. Returns (N, H, W), not normalized.
    /// </summary>
    public static NdArray GradCam(Net net, TargetClasses target, string layer, NdArray? image = null, string? output = null, string? input = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(layer);
        var run = new GradientRun(net, target, image, output, input);
        (int layerIndex, int topIndex) = ActivationSource(net, layer);
        Layer source = net.Layers[layerIndex];
        Blob blob = net.TopVecs[layerIndex][topIndex];
        string blobName = net.TopNames[net.LayerNames[layerIndex]][topIndex];
        if (blob.NumAxes != 4)
            throw new ArgumentException($"Grad-CAM needs a (N, C, H, W) activation; '{layer}' is {blob.ShapeString}.");

        float[]? activation = null, gradient = null;
        using (net.AddForwardHook(c => activation = c.Top[topIndex].Data.ToArray(), l => ReferenceEquals(l, source)))
        // In place, the layer itself is on the path and its backward overwrites the blob's diff: keep what it received.
        using (net.AddBackwardHook(c => gradient = c.TopDiff(topIndex).ToArray(), l => ReferenceEquals(l, source)))
        {
            run.ForwardBackward(pathEnd: blobName);
        }
        if (activation == null)
            throw new ArgumentException($"Layer '{net.LayerNames[layerIndex]}' does not run between input '{run.InputName}' and output '{run.OutputName}'.");
        gradient ??= blob.Diff.ToArray();

        int batch = blob.ShapeAt(0), channels = blob.ShapeAt(1), height = blob.ShapeAt(2), width = blob.ShapeAt(3);
        int area = height * width;
        var map = new float[area];
        var result = new NdArray(batch, run.Input.Height, run.Input.Width);
        int outArea = run.Input.Height * run.Input.Width;
        for (int n = 0; n < batch; n++)
        {
            Array.Clear(map);
            for (int c = 0; c < channels; c++)
            {
                int offset = (n * channels + c) * area;
                float alpha = TensorPrimitives.Sum(gradient.AsSpan(offset, area)) / area;
                TensorPrimitives.MultiplyAdd(activation.AsSpan(offset, area), alpha, map, map);
            }
            TensorPrimitives.Max(map, 0f, map);
            ImageResize.Bilinear(map, height, width, result.Data.AsSpan(n * outArea, outArea), run.Input.Height, run.Input.Width);
        }
        return result;
    }

    /// <summary>
    /// Integrated gradients (Sundararajan et al. 2017) with the paper's Riemann sum:
    /// (x − x′) · (1/m) Σ_{k=1..m} ∇F(x′ + (k/m)(x − x′)), m = <paramref name="steps"/>. The
    /// <paramref name="baseline"/> x′ is zero by default; it may have the input's shape or one image's (C, H, W),
    /// used for every image. Returns the input shape.
    /// </summary>
    public static NdArray IntegratedGradients(Net net, TargetClasses target, NdArray? baseline = null, int steps = 50,
        NdArray? image = null, string? output = null, string? input = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var run = new GradientRun(net, target, image, output, input);
        float[] x = run.Input.Data.ToArray();
        float[] x0 = Baseline(baseline, run.Input);
        float[] delta = new float[x.Length];
        TensorPrimitives.Subtract(x, x0, delta);
        float[] sum = new float[x.Length];
        try
        {
            for (int k = 1; k <= steps; k++)
            {
                TensorPrimitives.MultiplyAdd(delta, (float)k / steps, x0, run.Input.Data);
                run.ForwardBackward();
                TensorPrimitives.Add(sum, run.Input.Diff, sum);
            }
        }
        finally
        {
            RestoreInput(run, x);
        }
        var result = new NdArray(run.Input.Shape.ToArray());
        TensorPrimitives.Multiply(delta, sum, result.Data);
        TensorPrimitives.Divide(result.Data, steps, result.Data);
        return result;
    }

    /// <summary>
    /// SmoothGrad (Smilkov et al. 2017): the mean input gradient over <paramref name="samples"/> copies of the input
    /// with Gaussian noise of standard deviation <paramref name="noiseLevel"/> · (max − min) of each image. The noise
    /// comes from its own generator seeded with <paramref name="seed"/> (Caffe's Rng is not touched). With noise 0
    /// it equals the plain gradient. Returns the input shape.
    /// </summary>
    public static NdArray SmoothGrad(Net net, TargetClasses target, float noiseLevel = 0.15f, int samples = 50, int seed = 0,
        NdArray? image = null, string? output = null, string? input = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(noiseLevel);
        var run = new GradientRun(net, target, image, output, input);
        float[] x = run.Input.Data.ToArray();
        int batch = run.Batch, perImage = x.Length / Math.Max(1, batch);
        var sigma = new float[batch];
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> item = x.AsSpan(n * perImage, perImage);
            sigma[n] = perImage == 0 ? 0 : noiseLevel * (TensorPrimitives.Max(item) - TensorPrimitives.Min(item));
        }
        var random = new Random(seed);
        float[] sum = new float[x.Length];
        try
        {
            for (int s = 0; s < samples; s++)
            {
                Span<float> data = run.Input.Data;
                for (int i = 0; i < x.Length; i++) data[i] = x[i] + sigma[i / perImage] * Gaussian(random);
                run.ForwardBackward();
                TensorPrimitives.Add(sum, run.Input.Diff, sum);
            }
        }
        finally
        {
            RestoreInput(run, x);
        }
        var result = new NdArray(sum, run.Input.Shape);
        TensorPrimitives.Divide(result.Data, samples, result.Data);
        return result;
    }

    // A blob name means its final value (the last layer writing it); otherwise a layer name means its first top.
    private static (int Layer, int Top) ActivationSource(Net net, string name)
    {
        if (net.Blobs.ContainsKey(name))
        {
            for (int i = net.Layers.Count - 1; i >= 0; i--)
            {
                int top = IndexOf(net.TopNames[net.LayerNames[i]], name);
                if (top >= 0) return (i, top);
            }
        }
        if (net.LayerDict.ContainsKey(name)) return (net.LayerIndex(name), 0);
        throw new KeyNotFoundException($"No blob or layer named '{name}' (blobs: {string.Join(", ", net.Blobs.Keys)}).");
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name) return i;
        }
        return -1;
    }

    private static float[] Baseline(NdArray? baseline, Blob input)
    {
        var x0 = new float[input.Count];
        if (baseline == null) return x0;
        int perImage = input.CountFrom(1);
        bool whole = baseline.Shape.SequenceEqual(input.Shape);
        bool oneImage = baseline.Count == perImage && (baseline.Shape.SequenceEqual(input.Shape.Skip(1))
            || baseline.Shape.SequenceEqual(input.Shape.Skip(1).Prepend(1)));
        if (!whole && !oneImage)
            throw new ArgumentException(
                $"The baseline has shape ({string.Join(", ", baseline.Shape)}); it needs the input's {input.ShapeString} or one image's.");
        for (int offset = 0; offset < x0.Length; offset += baseline.Count) baseline.Data.CopyTo(x0, offset);
        return x0;
    }

    private static void RestoreInput(GradientRun run, float[] x)
    {
        x.CopyTo(run.Input.Data);
        run.Forward();
    }

    // Box–Muller; 1 − u keeps the logarithm finite.
    private static float Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
}
