namespace Caffe;

/// <summary>
/// Caffe's BLAS calls (<c>caffe_cpu_gemm</c>, <c>caffe_cpu_gemv</c>, <c>caffe_axpy</c>, …) with
/// the same argument order, row-major, on spans. Every call goes to <see cref="Active"/>: chosen at
/// first use from the <c>CAFFE_BLAS</c> environment variable (<c>mkl</c>, <c>openblas</c>,
/// <c>blis</c> or <c>managed</c>; a requested library that cannot be loaded is an error), otherwise
/// the first loadable of OpenBLAS, MKL and BLIS, otherwise the built-in managed implementation.
/// Spans may be longer than the shapes need; shorter ones throw <see cref="ArgumentException"/>.
/// </summary>
public static class Blas
{
    /// <summary>The environment variable that selects the backend.</summary>
    internal const string EnvironmentVariable = "CAFFE_BLAS";

    // Preference when CAFFE_BLAS is unset: OpenBLAS and BLIS reach ~200 GFLOP/s on AMD Zen 4, MKL
    // takes its generic kernels on AMD; MKL comes second as the usual choice on Intel.
    private static readonly BlasBackendKind[] AutomaticOrder =
        [BlasBackendKind.OpenBlas, BlasBackendKind.Mkl, BlasBackendKind.Blis, BlasBackendKind.Managed];

    private static readonly Lazy<(IBlasBackend? Backend, string Error)>[] Backends =
        Enum.GetValues<BlasBackendKind>().Select(kind => new Lazy<(IBlasBackend?, string)>(() => Load(kind))).ToArray();

    private static readonly Lock Gate = new();
    private static volatile IBlasBackend? _active;

    [ThreadStatic]
    private static IBlasBackend? t_threadBackend;

    /// <summary>
    /// The backend in use (chosen at first use, see <see cref="Blas"/>); its <see cref="IBlasBackend.Name"/>
    /// says which library was loaded, for logs. Throws <see cref="InvalidOperationException"/> when
    /// <c>CAFFE_BLAS</c> names an unknown or unavailable backend.
    /// </summary>
    public static IBlasBackend Active => t_threadBackend ?? _active ?? ChooseActive();

    /// <summary>The backend of that kind if its library loads, else null; <see cref="Active"/> is not changed.</summary>
    public static IBlasBackend? TryGet(BlasBackendKind kind) => Lookup(kind).Backend;

    /// <summary>Makes <paramref name="kind"/> the <see cref="Active"/> backend for the whole process.</summary>
    /// <exception cref="InvalidOperationException">The library cannot be loaded (the message says what was tried).</exception>
    public static void Use(BlasBackendKind kind)
    {
        var (backend, error) = Lookup(kind);
        _active = backend ?? throw Unavailable(kind, error, $"Blas.Use({kind})");
    }

    /// <summary>
    /// Makes <paramref name="kind"/> the backend of the calling thread only, until the returned scope is
    /// disposed — for comparing backends side by side in one process (tests, benchmarks). Calls made on other
    /// threads still use the process-wide backend.
    /// </summary>
    /// <exception cref="InvalidOperationException">The library cannot be loaded.</exception>
    public static IDisposable UseOnThisThread(BlasBackendKind kind)
    {
        var (backend, error) = Lookup(kind);
        IBlasBackend previous = t_threadBackend!;
        t_threadBackend = backend ?? throw Unavailable(kind, error, $"Blas.UseOnThisThread({kind})");
        return new ThreadScope(previous);
    }

    private sealed class ThreadScope(IBlasBackend? previous) : IDisposable
    {
        public void Dispose() => t_threadBackend = previous;
    }

    /// <summary>
    /// C = alpha op(A) op(B) + beta C (<c>caffe_cpu_gemm</c>): op(A) is m x k, op(B) is k x n, C is
    /// m x n, all row-major and contiguous, so A is stored m x k (NoTrans) or k x m (Trans) and B is
    /// k x n (NoTrans) or n x k (Trans). When beta is 0, C is not read (NaN in C does not leak).
    /// </summary>
    public static void Gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c) =>
        Active.Gemm(transA, transB, m, n, k, alpha, a, b, beta, c);

    /// <summary>
    /// y = alpha op(A) x + beta y (<c>caffe_cpu_gemv</c>): A is m x n row-major; x has n elements and
    /// y m with NoTrans, x m and y n with Trans. When beta is 0, y is not read.
    /// </summary>
    public static void Gemv(Transpose transA, int m, int n, float alpha, ReadOnlySpan<float> a,
        ReadOnlySpan<float> x, float beta, Span<float> y) =>
        Active.Gemv(transA, m, n, alpha, a, x, beta, y);

    /// <summary>y = alpha x + y over the first n elements (<c>caffe_axpy</c>).</summary>
    public static void Axpy(int n, float alpha, ReadOnlySpan<float> x, Span<float> y) => Active.Axpy(n, alpha, x, y);

    /// <summary>y = alpha x + beta y over the first n elements (<c>caffe_cpu_axpby</c>); y is not read when beta is 0.</summary>
    public static void Axpby(int n, float alpha, ReadOnlySpan<float> x, float beta, Span<float> y) =>
        Active.Axpby(n, alpha, x, beta, y);

    /// <summary>x = alpha x over the first n elements (<c>caffe_scal</c>); alpha = 0 sets zeros.</summary>
    public static void Scal(int n, float alpha, Span<float> x) => Active.Scal(n, alpha, x);

    /// <summary>Σ x[i] y[i] over the first n elements (<c>caffe_cpu_dot</c>).</summary>
    public static float Dot(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Active.Dot(n, x, y);

    /// <summary>Σ x[i·incx] y[i·incy] for i &lt; n (<c>caffe_cpu_strided_dot</c>); increments must be positive.</summary>
    public static float StridedDot(int n, ReadOnlySpan<float> x, int incx, ReadOnlySpan<float> y, int incy) =>
        Active.StridedDot(n, x, incx, y, incy);

    /// <summary>Σ |x[i]| over the first n elements (<c>caffe_cpu_asum</c>).</summary>
    public static float Asum(int n, ReadOnlySpan<float> x) => Active.Asum(n, x);

    /// <summary>
    /// Parses a <c>CAFFE_BLAS</c> value: null for unset or blank, else the kind it names
    /// (case-insensitive); anything else throws <see cref="InvalidOperationException"/>.
    /// </summary>
    internal static BlasBackendKind? ParseSetting(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return value.Trim().ToLowerInvariant() switch
        {
            "managed" => BlasBackendKind.Managed,
            "mkl" => BlasBackendKind.Mkl,
            "openblas" => BlasBackendKind.OpenBlas,
            "blis" => BlasBackendKind.Blis,
            _ => throw new InvalidOperationException(
                $"{EnvironmentVariable}='{value}' is not a BLAS backend; use one of mkl, openblas, blis, managed (or leave it unset)."),
        };
    }

    /// <summary>
    /// The backend for a <c>CAFFE_BLAS</c> value: the one it names (an error if that cannot be
    /// loaded), or when unset the first loadable in the automatic order.
    /// </summary>
    internal static IBlasBackend Choose(string? setting, Func<BlasBackendKind, (IBlasBackend? Backend, string Error)> load)
    {
        if (ParseSetting(setting) is BlasBackendKind requested)
        {
            var (backend, error) = load(requested);
            return backend ?? throw Unavailable(requested, error, $"{EnvironmentVariable}={setting}");
        }
        foreach (BlasBackendKind kind in AutomaticOrder)
        {
            if (load(kind).Backend is IBlasBackend backend) return backend;
        }
        throw new InvalidOperationException("No BLAS backend could be created, not even the managed one.");
    }

    private static IBlasBackend ChooseActive()
    {
        lock (Gate)
        {
            return _active ??= Choose(Environment.GetEnvironmentVariable(EnvironmentVariable), Lookup);
        }
    }

    private static (IBlasBackend? Backend, string Error) Lookup(BlasBackendKind kind)
    {
        if ((uint)kind >= (uint)Backends.Length)
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a BlasBackendKind.");
        return Backends[(int)kind].Value;
    }

    private static (IBlasBackend?, string) Load(BlasBackendKind kind)
    {
        string error = "";
        IBlasBackend? backend = kind switch
        {
            BlasBackendKind.Managed => new ManagedBlasBackend(),
            BlasBackendKind.OpenBlas => OpenBlasBackend.TryCreate(out error),
            BlasBackendKind.Mkl => MklBackend.TryCreate(out error),
            BlasBackendKind.Blis => BlisBackend.TryCreate(out error),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a BlasBackendKind."),
        };
        return (backend, error);
    }

    private static InvalidOperationException Unavailable(BlasBackendKind kind, string error, string context) =>
        new($"{context}: the {kind} BLAS backend is not available ({error}). " +
            "Install the native BLAS libraries with scripts/setup, or choose another backend.");
}
