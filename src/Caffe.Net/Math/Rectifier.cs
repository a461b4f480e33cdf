using System.Numerics;
using System.Numerics.Tensors;

namespace Caffe;

/// <summary>The leaky rectifier shared by ReLU and PReLU, with Caffe's formulas.</summary>
internal static class Rectifier
{
    /// <summary>y = max(x, 0) + slope · min(x, 0); <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Forward(ReadOnlySpan<float> x, float slope, Span<float> y)
    {
        if (slope == 0)
        {
            TensorPrimitives.Max(x, 0f, y);
            return;
        }
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(slope);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, v * s).CopyTo(y[i..]);
            }
        }
        for (; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : x[i] * slope;
    }

    /// <summary>mask = 1 where x &gt; 0, else 0 (NaN gives 0).</summary>
    public static void PositiveMask(ReadOnlySpan<float> x, Span<float> mask)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero).CopyTo(mask[i..]);
            }
        }
        for (; i < x.Length; i++) mask[i] = x[i] > 0 ? 1f : 0f;
    }

    /// <summary>
    /// dx = dy · ((x &gt; 0) + slope · (x &lt;= 0)), literally as Caffe writes it (a NaN input gets factor 0);
    /// <paramref name="bottomDiff"/> may be <paramref name="topDiff"/>.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> topDiff, ReadOnlySpan<float> x, float slope, Span<float> bottomDiff)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(slope);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                Vector<float> positive = Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
                Vector<float> negative = Vector.ConditionalSelect(Vector.LessThanOrEqual(v, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
                (new Vector<float>(topDiff[i..]) * (positive + s * negative)).CopyTo(bottomDiff[i..]);
            }
        }
        for (; i < x.Length; i++)
            bottomDiff[i] = topDiff[i] * ((x[i] > 0 ? 1f : 0f) + slope * (x[i] <= 0 ? 1f : 0f));
    }

    /// <summary>Σ dy · x · (x &lt;= 0): PReLU's slope gradient over one row.</summary>
    public static float SlopeGradient(ReadOnlySpan<float> topDiff, ReadOnlySpan<float> x)
    {
        float sum = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> acc = Vector<float>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                Vector<float> negative = Vector.ConditionalSelect(Vector.LessThanOrEqual(v, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
                acc += new Vector<float>(topDiff[i..]) * v * negative;
            }
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) sum += topDiff[i] * x[i] * (x[i] <= 0 ? 1f : 0f);
        return sum;
    }
}
