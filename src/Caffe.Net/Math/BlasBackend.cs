using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// Shared front half of every backend: checks shapes against span lengths (so native code never
/// reads or writes out of bounds) and settles the degenerate cases (empty shapes, alpha == 0,
/// beta == 0) in one place, so all backends agree on them. Implementations only see valid,
/// non-empty problems.
/// </summary>
internal abstract class BlasBackend : IBlasBackend
{
    private int _threads;

    protected BlasBackend(BlasBackendKind kind) => Kind = kind;

    public BlasBackendKind Kind { get; }

    public abstract string Name { get; }

    public int Threads
    {
        get => _threads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Threads));
            _threads = ApplyThreads(value);
        }
    }

    public override string ToString() => Name;

    /// <summary>Passes the thread count to the library; returns the count it will really use.</summary>
    protected abstract int ApplyThreads(int threads);

    /// <summary>m, n, k ≥ 1, alpha ≠ 0, spans long enough; leading dimensions as caffe_cpu_gemm.</summary>
    protected abstract void GemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c);

    /// <summary>m, n ≥ 1, alpha ≠ 0, spans long enough.</summary>
    protected abstract void GemvCore(bool transA, int m, int n, float alpha, ReadOnlySpan<float> a,
        ReadOnlySpan<float> x, float beta, Span<float> y);

    /// <summary>n ≥ 1, alpha ≠ 0.</summary>
    protected abstract void AxpyCore(int n, float alpha, ReadOnlySpan<float> x, Span<float> y);

    /// <summary>n ≥ 1, beta ∉ {0, 1}.</summary>
    protected abstract void AxpbyCore(int n, float alpha, ReadOnlySpan<float> x, float beta, Span<float> y);

    /// <summary>n ≥ 1, alpha ≠ 0.</summary>
    protected abstract void ScalCore(int n, float alpha, Span<float> x);

    /// <summary>n ≥ 1.</summary>
    protected abstract float DotCore(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> y);

    /// <summary>n ≥ 1, incx, incy ≥ 1.</summary>
    protected abstract float StridedDotCore(int n, ReadOnlySpan<float> x, int incx, ReadOnlySpan<float> y, int incy);

    /// <summary>n ≥ 1.</summary>
    protected abstract float AsumCore(int n, ReadOnlySpan<float> x);

    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c)
    {
        BlasChecks.Gemm(transA, transB, m, n, k, a.Length, b.Length, c.Length);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0)
        {
            ScaleOrClear(c[..(m * n)], beta);
            return;
        }
        GemmCore(transA == Transpose.Trans, transB == Transpose.Trans, m, n, k, alpha, a, b, beta, c);
    }

    public void Gemv(Transpose transA, int m, int n, float alpha, ReadOnlySpan<float> a,
        ReadOnlySpan<float> x, float beta, Span<float> y)
    {
        BlasChecks.Gemv(transA, m, n, a.Length, x.Length, y.Length);
        int yLength = transA == Transpose.NoTrans ? m : n;
        if (yLength == 0) return;
        if (m == 0 || n == 0 || alpha == 0)
        {
            ScaleOrClear(y[..yLength], beta);
            return;
        }
        GemvCore(transA == Transpose.Trans, m, n, alpha, a, x, beta, y);
    }

    public void Axpy(int n, float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        BlasChecks.Vectors("Axpy", n, x.Length, y.Length);
        if (n == 0 || alpha == 0) return;
        AxpyCore(n, alpha, x, y);
    }

    public void Axpby(int n, float alpha, ReadOnlySpan<float> x, float beta, Span<float> y)
    {
        BlasChecks.Vectors("Axpby", n, x.Length, y.Length);
        if (n == 0) return;
        if (beta == 0)
        {
            // y is not read, as in GEMM with beta == 0: a NaN already in y does not survive.
            TensorPrimitives.Multiply(x[..n], alpha, y[..n]);
        }
        else if (beta == 1)
        {
            if (alpha != 0) AxpyCore(n, alpha, x, y);
        }
        else
        {
            AxpbyCore(n, alpha, x, beta, y);
        }
    }

    public void Scal(int n, float alpha, Span<float> x)
    {
        BlasChecks.Vector("Scal", "x", n, x.Length);
        if (n == 0 || alpha == 1) return;
        if (alpha == 0) x[..n].Clear(); // libraries differ on 0 * NaN here; zero is what Caffe means
        else ScalCore(n, alpha, x);
    }

    public float Dot(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        BlasChecks.Vectors("Dot", n, x.Length, y.Length);
        return n == 0 ? 0f : DotCore(n, x, y);
    }

    public float StridedDot(int n, ReadOnlySpan<float> x, int incx, ReadOnlySpan<float> y, int incy)
    {
        BlasChecks.Strided(n, x.Length, incx, y.Length, incy);
        return n == 0 ? 0f : StridedDotCore(n, x, incx, y, incy);
    }

    public float Asum(int n, ReadOnlySpan<float> x)
    {
        BlasChecks.Vector("Asum", "x", n, x.Length);
        return n == 0 ? 0f : AsumCore(n, x);
    }

    private static void ScaleOrClear(Span<float> values, float beta)
    {
        if (beta == 0) values.Clear();
        else if (beta != 1) TensorPrimitives.Multiply(values, beta, values);
    }
}
