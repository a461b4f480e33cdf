using System.Numerics;
using System.Numerics.Tensors;

namespace Caffe;

/// <summary>How <see cref="Visualization.Saliency"/> reduces the input gradient.</summary>
public enum SaliencyMode
{
    /// <summary>The plain gradient, input shape (N, C, H, W).</summary>
    Gradient,

    /// <summary>|gradient|, input shape.</summary>
    Abs,

    /// <summary>max over channels of |gradient| (Simonyan et al. 2014), shape (N, H, W).</summary>
    MaxAbs,
}

/// <summary>
/// Seeing inside a net, one call per method, on any net loaded from Caffe files (deploy prototxts included:
/// no <c>force_backward</c> needed, see <see cref="Net.BackwardPath"/>), with in-place ReLUs, automatic splits,
/// BatchNorm/Scale. Each method runs a forward on the net's input (or on <c>image</c>, copied into it), seeds the
/// target class of each image in the output blob's diff, back-propagates, and returns a new array. It leaves the
/// caller's state alone: the output diff is restored, parameter diffs are not touched, the hooks it uses are
/// removed, and a method that perturbs the input puts it back and runs the forward again.
/// <para>Common arguments: <c>target</c> — the class (or one per image, see <see cref="TargetClasses"/>);
/// <c>image</c> — the input batch, shape of the input blob (reshaped to it when it differs); <c>output</c> — the
/// class score blob (default: the net's only output, e.g. <c>prob</c>); <c>input</c> — the input blob (default:
/// the first Input layer's top).</para>
/// </summary>
public static partial class Visualization
{
    /// <summary>
    /// Guided backpropagation (Springenberg et al. 2015): the input gradient where every rectifier (ReLU, PReLU)
    /// also drops the negative gradients coming from above: bottom diff = own backward · (top diff &gt; 0). The
    /// same numbers as the Caffe-users thread's layer-by-layer loop. Returns the input shape.
    /// </summary>
    public static NdArray GuidedBackprop(Net net, TargetClasses target, NdArray? image = null, string? output = null, string? input = null)
    {
        var run = new GradientRun(net, target, image, output, input);
        using (net.AddBackwardHook(GuidedRule, IsRectifier))
            return run.InputGradient();
    }

    /// <summary>
    /// Deconvnet (Zeiler and Fergus 2014): every rectifier passes the positive part of the gradient from above
    /// and ignores its forward input: bottom diff = max(top diff, 0). Returns the input shape.
    /// </summary>
    public static NdArray Deconvnet(Net net, TargetClasses target, NdArray? image = null, string? output = null, string? input = null)
    {
        var run = new GradientRun(net, target, image, output, input);
        using (net.AddBackwardHook(DeconvnetRule, IsRectifier))
            return run.InputGradient();
    }

    /// <summary>
    /// Saliency (Simonyan et al. 2014): the plain input gradient of the class score — what <see cref="Net.Backward"/>
    /// gives from a one-hot top diff — reduced by <paramref name="mode"/> (default: max over channels of |g|, (N, H, W)).
    /// </summary>
    public static NdArray Saliency(Net net, TargetClasses target, SaliencyMode mode = SaliencyMode.MaxAbs,
        NdArray? image = null, string? output = null, string? input = null)
    {
        NdArray gradient = new GradientRun(net, target, image, output, input).InputGradient();
        return mode switch
        {
            SaliencyMode.Gradient => gradient,
            SaliencyMode.Abs => Abs(gradient),
            SaliencyMode.MaxAbs => MaxAbsOverChannels(gradient),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown saliency mode"),
        };
    }

    /// <summary>The layers guided backprop and deconvnet modify: ReLU and PReLU.</summary>
    public static bool IsRectifier(Layer layer) => layer is ReLULayer or PReLULayer;

    // After the rectifier's own backward (which applied its forward mask): zero where the incoming diff is not positive.
    private static void GuidedRule(BackwardHookContext context)
    {
        if (!context.PropagateDown[0]) return;
        ReadOnlySpan<float> topDiff = context.TopDiff(0);
        Span<float> bottomDiff = context.BottomDiff(0);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= topDiff.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<int> keep = Vector.GreaterThan(new Vector<float>(topDiff[i..]), Vector<float>.Zero);
                Vector.ConditionalSelect(keep, new Vector<float>(bottomDiff[i..]), Vector<float>.Zero).CopyTo(bottomDiff[i..]);
            }
        }
        // NaN compares false with <= as with numpy's `diff <= 0`, so it is kept, as in the thread's script.
        for (; i < topDiff.Length; i++)
        {
            if (topDiff[i] <= 0) bottomDiff[i] = 0;
        }
    }

    private static void DeconvnetRule(BackwardHookContext context)
    {
        if (context.PropagateDown[0]) TensorPrimitives.Max(context.TopDiff(0), 0f, context.BottomDiff(0));
    }

    private static NdArray Abs(NdArray gradient)
    {
        var result = new NdArray(gradient.Shape.ToArray());
        TensorPrimitives.Abs(gradient.Data, result.Data);
        return result;
    }

    /// <summary>(N, C, H, W) → (N, H, W): the largest |value| over the channels, to show an attribution as one map.</summary>
    public static NdArray MaxAbsOverChannels(NdArray gradient)
    {
        if (gradient.NumAxes < 2)
            throw new ArgumentException($"max over channels needs (N, C, ...), the input is ({string.Join(", ", gradient.Shape)}).");
        int batch = gradient.Shape[0], channels = gradient.Shape[1], inner = gradient.Count / Math.Max(1, batch * channels);
        var result = new NdArray([batch, .. gradient.Shape.Skip(2)]);
        for (int n = 0; n < batch; n++)
        {
            Span<float> target = result.Data.AsSpan(n * inner, inner);
            for (int c = 0; c < channels; c++)
            {
                ReadOnlySpan<float> channel = gradient.Data.AsSpan((n * channels + c) * inner, inner);
                for (int k = 0; k < inner; k++) target[k] = MathF.Max(target[k], MathF.Abs(channel[k]));
            }
        }
        return result;
    }
}
