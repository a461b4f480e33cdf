namespace Caffe.Tests;

/// <summary>How the backend is chosen: CAFFE_BLAS parsing, the automatic order, and errors for unavailable libraries.</summary>
[TestClass]
public sealed class BlasSelectionTests
{
    [TestMethod]
    public void ParsesEveryBackendNameCaseInsensitively()
    {
        Assert.AreEqual(BlasBackendKind.Mkl, Blas.ParseSetting("mkl"));
        Assert.AreEqual(BlasBackendKind.OpenBlas, Blas.ParseSetting("openblas"));
        Assert.AreEqual(BlasBackendKind.OpenBlas, Blas.ParseSetting(" OpenBLAS "));
        Assert.AreEqual(BlasBackendKind.Blis, Blas.ParseSetting("BLIS"));
        Assert.AreEqual(BlasBackendKind.Managed, Blas.ParseSetting("managed"));
        Assert.IsNull(Blas.ParseSetting(null));
        Assert.IsNull(Blas.ParseSetting(""));
        Assert.IsNull(Blas.ParseSetting("   "));
    }

    [TestMethod]
    public void UnknownSettingIsAClearError()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Blas.ParseSetting("cuda"));
        StringAssert.Contains(e.Message, "CAFFE_BLAS='cuda'");
        StringAssert.Contains(e.Message, "mkl, openblas, blis, managed");
    }

    [TestMethod]
    public void RequestedBackendIsChosenEvenWhenOthersComeFirst()
    {
        var loader = Loader(BlasBackendKind.OpenBlas, BlasBackendKind.Mkl, BlasBackendKind.Blis, BlasBackendKind.Managed);
        Assert.AreEqual(BlasBackendKind.Mkl, Blas.Choose("mkl", loader).Kind);
        Assert.AreEqual(BlasBackendKind.Blis, Blas.Choose("blis", loader).Kind);
        Assert.AreEqual(BlasBackendKind.Managed, Blas.Choose("managed", loader).Kind);
        Assert.AreEqual(BlasBackendKind.OpenBlas, Blas.Choose("OPENBLAS", loader).Kind);
    }

    [TestMethod]
    public void AutomaticOrderIsOpenBlasMklBlisManaged()
    {
        Assert.AreEqual(BlasBackendKind.OpenBlas, Blas.Choose(null, Loader(BlasBackendKind.OpenBlas, BlasBackendKind.Mkl, BlasBackendKind.Blis, BlasBackendKind.Managed)).Kind);
        Assert.AreEqual(BlasBackendKind.Mkl, Blas.Choose("", Loader(BlasBackendKind.Mkl, BlasBackendKind.Blis, BlasBackendKind.Managed)).Kind);
        Assert.AreEqual(BlasBackendKind.Blis, Blas.Choose(null, Loader(BlasBackendKind.Blis, BlasBackendKind.Managed)).Kind);
        Assert.AreEqual(BlasBackendKind.Managed, Blas.Choose(null, Loader(BlasBackendKind.Managed)).Kind);
    }

    [TestMethod]
    public void RequestedButUnavailableBackendIsAnErrorNotAFallback()
    {
        var loader = Loader(BlasBackendKind.OpenBlas, BlasBackendKind.Managed);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Blas.Choose("mkl", loader));
        StringAssert.Contains(e.Message, "CAFFE_BLAS=mkl");
        StringAssert.Contains(e.Message, "Mkl BLAS backend is not available");
        StringAssert.Contains(e.Message, "none of libmkl_rt.so could be loaded");
        StringAssert.Contains(e.Message, "scripts/setup");
    }

    [TestMethod]
    public void ChoosingWithTheRealLibrariesGivesTheSingletons()
    {
        foreach (BlasBackendKind kind in Enum.GetValues<BlasBackendKind>())
        {
            IBlasBackend? backend = Blas.TryGet(kind);
            if (backend == null) continue;
            Assert.AreSame(backend, Blas.Choose(kind.ToString(), k => (Blas.TryGet(k), "not loadable")));
        }
    }

    [TestMethod]
    public void ActiveIsAvailableAndUseOfTheSameKindKeepsIt()
    {
        IBlasBackend active = Blas.Active;
        Assert.AreSame(active, Blas.TryGet(active.Kind));
        Blas.Use(active.Kind);
        Assert.AreSame(active, Blas.Active);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Blas.Use((BlasBackendKind)42));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Blas.TryGet((BlasBackendKind)(-1)));
    }

    [TestMethod]
    public void FacadeComputesThroughTheActiveBackend()
    {
        float[] a = [1, 2, 3, 4, 5, 6], b = [7, 8, 9, 10, 11, 12], c = new float[4];
        Blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, 2, 2, 3, 1f, a, b, 0f, c);
        CollectionAssert.AreEqual(new float[] { 58, 64, 139, 154 }, c);
        float[] y = [1, 1];
        Blas.Gemv(Transpose.NoTrans, 2, 3, 2f, a, [1, 0, 1], 1f, y);
        CollectionAssert.AreEqual(new float[] { 9, 21 }, y);
        Assert.AreEqual(32f, Blas.Dot(3, a, [4, 5, 6]));
    }

    /// <summary>A loader where only <paramref name="available"/> load.</summary>
    private static Func<BlasBackendKind, (IBlasBackend?, string)> Loader(params BlasBackendKind[] available) =>
        kind => available.Contains(kind)
            ? (new NamedOnly(kind), "")
            : (null, kind == BlasBackendKind.Mkl ? "none of libmkl_rt.so could be loaded" : $"{kind} missing");

    /// <summary>Stands for a loaded library in selection tests; selection never computes.</summary>
    private sealed class NamedOnly(BlasBackendKind kind) : IBlasBackend
    {
        public BlasBackendKind Kind => kind;
        public string Name => $"test {kind}";
        public int Threads { get; set; } = 1;
        public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c) => throw new NotSupportedException();
        public void Gemv(Transpose transA, int m, int n, float alpha, ReadOnlySpan<float> a, ReadOnlySpan<float> x, float beta, Span<float> y) => throw new NotSupportedException();
        public void Axpy(int n, float alpha, ReadOnlySpan<float> x, Span<float> y) => throw new NotSupportedException();
        public void Axpby(int n, float alpha, ReadOnlySpan<float> x, float beta, Span<float> y) => throw new NotSupportedException();
        public void Scal(int n, float alpha, Span<float> x) => throw new NotSupportedException();
        public float Dot(int n, ReadOnlySpan<float> x, ReadOnlySpan<float> y) => throw new NotSupportedException();
        public float StridedDot(int n, ReadOnlySpan<float> x, int incx, ReadOnlySpan<float> y, int incy) => throw new NotSupportedException();
        public float Asum(int n, ReadOnlySpan<float> x) => throw new NotSupportedException();
    }
}
