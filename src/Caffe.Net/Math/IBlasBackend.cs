namespace Caffe;

/// <summary>
/// One BLAS implementation, with the row-major, span-based signatures of Caffe's <c>caffe_cpu_*</c>
/// functions (see <see cref="Blas"/> for the meaning of each argument). Every call validates the span
/// lengths against the shapes and throws <see cref="ArgumentException"/> before touching memory.
/// Backends are process-wide singletons: <see cref="Threads"/> changes the library's global setting.
/// </summary>
public interface IBlasBackend
{
    /// <summary>Which implementation this is.</summary>
    BlasBackendKind Kind { get; }

    /// <summary>Human-readable name with version and the library that was loaded, for logs and <c>device_query</c>.</summary>
    string Name { get; }

    /// <summary>Number of threads the library uses for one call (default <see cref="Environment.ProcessorCount"/>).</summary>
    int Threads { get; set; }

    /// <summary>C = alpha op(A) op(B) + beta C, as <see cref="Blas.Gemm"/>.</summary>
    void Gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c);

    /// <summary>y = alpha op(A) x + beta y, as <see cref="Blas.Gemv"/>.</summary>
    void Gemv(Transpose transA, int m, int n, float alpha, ReadOnlySpan<float> a,
        ReadOnlySpan<float> x, float beta, Span<float> y);

    /// <summary>y = alpha x + y, as <see cref="Blas.Axpy"/>.</summary>
    void Axpy(int n, float alpha, ReadOnlySpan<float> x, Span<float> y);

    /// <summary>y = alpha x + beta y, as <see cref="Blas.Axpby"/>.</summary>
    void Axpby(int n, float alpha, ReadOnlySpan<float> x, float beta, Span<float> y);

    /// <summary>x = alpha x, as <see cref="Blas.Scal"/>.</summary>
    void Scal(int n, float alpha, Span<float> x);

    /// <summary>Σ x[i] y[i], as <see cref="Blas.Dot"/>.</summary>
    float Dot(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> y);

    /// <summary>Σ x[i·incx] y[i·incy], as <see cref="Blas.StridedDot"/>.</summary>
    float StridedDot(int n, ReadOnlySpan<float> x, int incx, ReadOnlySpan<float> y, int incy);

    /// <summary>Σ |x[i]|, as <see cref="Blas.Asum"/>.</summary>
    float Asum(int n, ReadOnlySpan<float> x);
}
