using System.Numerics.Tensors;

namespace Caffe;

/// <summary>The built-in backend: <see cref="ManagedSgemm"/> for GEMM, <see cref="TensorPrimitives"/> for the rest.</summary>
internal sealed class ManagedBlasBackend : BlasBackend
{
    // Below this many multiply-adds a GEMV runs on the calling thread.
    private const int ParallelGemvWork = 1 << 18;

    public ManagedBlasBackend() : base(BlasBackendKind.Managed)
    {
        Threads = Environment.ProcessorCount;
    }

    public override string Name =>
        ManagedSgemm.Wide ? "Managed (Vector512, 8x32 micro-kernel)" : "Managed (Vector256, 6x16 micro-kernel)";

    // More workers than cores only adds switching: the managed kernels are compute-bound.
    protected override int ApplyThreads(int threads) => Math.Min(threads, Environment.ProcessorCount);

    protected override unsafe void GemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c)
    {
        fixed (float* pa = a, pb = b, pc = c)
            ManagedSgemm.Gemm(transA, transB, m, n, k, alpha, pa, pb, beta, pc, Threads);
    }

    protected override unsafe void GemvCore(bool transA, int m, int n, float alpha, ReadOnlySpan<float> a,
        ReadOnlySpan<float> x, float beta, Span<float> y)
    {
        int threads = (long)m * n >= ParallelGemvWork ? Threads : 1;
        fixed (float* pa = a, px = x, py = y)
        {
            var job = new GemvJob { A = pa, X = px, Y = py, M = m, N = n, Alpha = alpha, Beta = beta, Parts = threads };
            if (threads == 1) RunGemv(transA, job, 0);
            else Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, part => RunGemv(transA, job, part));
        }
    }

    private unsafe struct GemvJob
    {
        public float* A, X, Y;
        public int M, N, Parts;
        public float Alpha, Beta;
    }

    /// <summary>Computes the part-th slice of y; slices are disjoint, so parts run in parallel.</summary>
    private static unsafe void RunGemv(bool transA, in GemvJob job, int part)
    {
        int yLength = transA ? job.N : job.M;
        int y0 = (int)((long)yLength * part / job.Parts), y1 = (int)((long)yLength * (part + 1) / job.Parts);
        if (y0 == y1) return;
        var y = new Span<float>(job.Y + y0, y1 - y0);
        if (!transA)
        {
            var x = new ReadOnlySpan<float>(job.X, job.N);
            for (int i = y0; i < y1; i++)
            {
                float dot = TensorPrimitives.Dot(new ReadOnlySpan<float>(job.A + (long)i * job.N, job.N), x);
                y[i - y0] = job.Beta == 0 ? job.Alpha * dot : job.Alpha * dot + job.Beta * y[i - y0];
            }
        }
        else
        {
            // y = beta y, then one axpy per row of A over this slice of columns.
            if (job.Beta == 0) y.Clear();
            else if (job.Beta != 1) TensorPrimitives.Multiply(y, job.Beta, y);
            for (int i = 0; i < job.M; i++)
            {
                var row = new ReadOnlySpan<float>(job.A + (long)i * job.N + y0, y1 - y0);
                TensorPrimitives.MultiplyAdd(row, job.Alpha * job.X[i], y, y);
            }
        }
    }

    protected override void AxpyCore(int n, float alpha, ReadOnlySpan<float> x, Span<float> y) =>
        TensorPrimitives.MultiplyAdd(x[..n], alpha, y[..n], y[..n]);

    protected override void AxpbyCore(int n, float alpha, ReadOnlySpan<float> x, float beta, Span<float> y)
    {
        Span<float> yn = y[..n];
        TensorPrimitives.Multiply(yn, beta, yn);
        TensorPrimitives.MultiplyAdd(x[..n], alpha, yn, yn);
    }

    protected override void ScalCore(int n, float alpha, Span<float> x) =>
        TensorPrimitives.Multiply(x[..n], alpha, x[..n]);

    protected override float DotCore(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> y) =>
        TensorPrimitives.Dot(x[..n], y[..n]);

    protected override float StridedDotCore(int n, ReadOnlySpan<float> x, int incx, ReadOnlySpan<float> y, int incy)
    {
        if (incx == 1 && incy == 1) return DotCore(n, x, y);
        float sum = 0;
        for (int i = 0; i < n; i++) sum += x[i * incx] * y[i * incy];
        return sum;
    }

    protected override float AsumCore(int n, ReadOnlySpan<float> x) => TensorPrimitives.SumOfMagnitudes(x[..n]);
}
