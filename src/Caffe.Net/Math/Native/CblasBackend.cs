namespace Caffe;

/// <summary>
/// Calls a library's CBLAS interface (LP64: 32-bit integers), row-major, unit strides except in
/// StridedDot. The base class has already validated shapes and lengths.
/// </summary>
internal abstract unsafe class CblasBackend : BlasBackend
{
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private readonly delegate* unmanaged<int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemv;
    private readonly delegate* unmanaged<int, float, float*, int, float*, int, void> _saxpy;
    private readonly delegate* unmanaged<int, float, float*, int, float, float*, int, void> _saxpby;
    private readonly delegate* unmanaged<int, float, float*, int, void> _sscal;
    private readonly delegate* unmanaged<int, float*, int, float*, int, float> _sdot;
    private readonly delegate* unmanaged<int, float*, int, float> _sasum;

    /// <summary>Binds the CBLAS exports of an opened library; throws if a required one is missing.</summary>
    protected CblasBackend(BlasBackendKind kind, IntPtr library, string libraryName) : base(kind)
    {
        Library = library;
        _sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLoader.Export(library, "cblas_sgemm", libraryName);
        _sgemv = (delegate* unmanaged<int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLoader.Export(library, "cblas_sgemv", libraryName);
        _saxpy = (delegate* unmanaged<int, float, float*, int, float*, int, void>)NativeLoader.Export(library, "cblas_saxpy", libraryName);
        _sscal = (delegate* unmanaged<int, float, float*, int, void>)NativeLoader.Export(library, "cblas_sscal", libraryName);
        _sdot = (delegate* unmanaged<int, float*, int, float*, int, float>)NativeLoader.Export(library, "cblas_sdot", libraryName);
        _sasum = (delegate* unmanaged<int, float*, int, float>)NativeLoader.Export(library, "cblas_sasum", libraryName);
        // cblas_saxpby is an extension (OpenBLAS, MKL, BLIS have it); Caffe falls back to scal + axpy.
        _saxpby = (delegate* unmanaged<int, float, float*, int, float, float*, int, void>)NativeLoader.OptionalExport(library, "cblas_saxpby");
    }

    /// <summary>The dlopen handle of the library.</summary>
    protected IntPtr Library { get; }

    /// <summary>
    /// Opens the first of <paramref name="candidates"/> that loads and binds it with <paramref name="bind"/>; null, with
    /// the reason in <paramref name="error"/>, when none loads or a required export is missing.
    /// </summary>
    protected static BlasBackend? Load(IEnumerable<string?> candidates, Func<IntPtr, string, BlasBackend> bind, out string error)
    {
        if (!NativeLoader.TryLoadFirst(candidates, out IntPtr library, out string path, out error)) return null;
        try
        {
            return bind(library, path);
        }
        catch (EntryPointNotFoundException e)
        {
            error = e.Message;
            return null;
        }
    }

    protected override void GemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c)
    {
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        fixed (float* pa = a, pb = b, pc = c)
            _sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, n);
    }

    protected override void GemvCore(bool transA, int m, int n, float alpha, ReadOnlySpan<float> a,
        ReadOnlySpan<float> x, float beta, Span<float> y)
    {
        fixed (float* pa = a, px = x, py = y)
            _sgemv(RowMajor, transA ? Trans : NoTrans, m, n, alpha, pa, n, px, 1, beta, py, 1);
    }

    protected override void AxpyCore(int n, float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        fixed (float* px = x, py = y)
            _saxpy(n, alpha, px, 1, py, 1);
    }

    protected override void AxpbyCore(int n, float alpha, ReadOnlySpan<float> x, float beta, Span<float> y)
    {
        fixed (float* px = x, py = y)
        {
            if (_saxpby != null)
            {
                _saxpby(n, alpha, px, 1, beta, py, 1);
            }
            else
            {
                _sscal(n, beta, py, 1);
                _saxpy(n, alpha, px, 1, py, 1);
            }
        }
    }

    protected override void ScalCore(int n, float alpha, Span<float> x)
    {
        fixed (float* px = x)
            _sscal(n, alpha, px, 1);
    }

    protected override float DotCore(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        fixed (float* px = x, py = y)
            return _sdot(n, px, 1, py, 1);
    }

    protected override float StridedDotCore(int n, ReadOnlySpan<float> x, int incx, ReadOnlySpan<float> y, int incy)
    {
        fixed (float* px = x, py = y)
            return _sdot(n, px, incx, py, incy);
    }

    protected override float AsumCore(int n, ReadOnlySpan<float> x)
    {
        fixed (float* px = x)
            return _sasum(n, px, 1);
    }
}
