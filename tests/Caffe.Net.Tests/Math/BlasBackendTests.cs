namespace Caffe.Tests;

/// <summary>Every loadable backend against double-precision reference loops written from the BLAS definitions.</summary>
[TestClass]
public sealed class BlasBackendTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>The backends whose libraries load on this machine (Managed always).</summary>
    public static IEnumerable<object[]> Backends =>
        Enum.GetValues<BlasBackendKind>().Where(kind => Blas.TryGet(kind) != null).Select(kind => new object[] { kind });

    private static readonly (int M, int N, int K)[] GemmShapes =
        [(1, 1, 1), (7, 13, 5), (33, 65, 17), (100, 1, 300), (1, 1000, 3), (257, 129, 511), (20, 576, 25), (3, 2, 1)];

    private static readonly (float Alpha, float Beta)[] Scalars = [(1f, 0f), (-1.5f, 1f), (0.5f, -2f)];

    [TestMethod]
    public void ReportsWhichBackendsAreTested()
    {
        foreach (BlasBackendKind kind in Enum.GetValues<BlasBackendKind>())
        {
            IBlasBackend? backend = Blas.TryGet(kind);
            TestContext.WriteLine(backend == null ? $"{kind}: not available, not tested" : $"{kind}: tested, {backend.Name}, {backend.Threads} threads");
            Console.WriteLine(backend == null ? $"BLAS {kind}: not available, not tested" : $"BLAS {kind}: tested ({backend.Name})");
        }
        Assert.IsNotNull(Blas.TryGet(BlasBackendKind.Managed));
        Assert.AreEqual(BlasBackendKind.Managed, Blas.TryGet(BlasBackendKind.Managed)!.Kind);
    }

    [TestMethod]
    public void InstalledDebianLibrariesLoad()
    {
        // When scripts/setup has installed a library, its backend must load, not silently fall back.
        const string dir = "/usr/lib/x86_64-linux-gnu";
        (BlasBackendKind Kind, string File)[] installed =
        [
            (BlasBackendKind.OpenBlas, dir + "/openblas-pthread/libopenblas.so.0"),
            (BlasBackendKind.Mkl, dir + "/libmkl_rt.so"),
            (BlasBackendKind.Blis, dir + "/blis-pthread/libblis.so.4"),
        ];
        foreach (var (kind, file) in installed.Where(entry => File.Exists(entry.File)))
        {
            IBlasBackend? backend = Blas.TryGet(kind);
            Assert.IsNotNull(backend, $"{file} exists but the {kind} backend did not load");
            Assert.AreEqual(kind, backend.Kind);
            TestContext.WriteLine($"{kind}: {backend.Name}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void GemmMatchesReferenceOnOddShapesAndAllTransposes(BlasBackendKind kind)
    {
        IBlasBackend blas = Blas.TryGet(kind)!;
        var rng = new Random(1701);
        foreach (var (m, n, k) in GemmShapes)
        {
            float[] a = Random(rng, m * k), b = Random(rng, k * n), c0 = Random(rng, m * n);
            foreach (Transpose ta in Enum.GetValues<Transpose>())
            foreach (Transpose tb in Enum.GetValues<Transpose>())
            {
                (double[] product, double[] magnitude) = ReferenceProduct(ta, tb, m, n, k, a, b);
                foreach (var (alpha, beta) in Scalars)
                {
                    float[] c = beta == 0 ? Filled(m * n, float.NaN) : (float[])c0.Clone();
                    blas.Gemm(ta, tb, m, n, k, alpha, a, b, beta, c);
                    for (int i = 0; i < m * n; i++)
                    {
                        double expected = alpha * product[i] + (beta == 0 ? 0 : beta * (double)c0[i]);
                        double tolerance = 4e-6 * (Math.Abs(alpha) * magnitude[i] + Math.Abs(beta * c0[i])) + 1e-6;
                        if (!(Math.Abs(c[i] - expected) <= tolerance))
                            Assert.Fail($"{blas.Name}: Gemm({ta}, {tb}, m={m}, n={n}, k={k}, alpha={alpha}, beta={beta}) " +
                                        $"C[{i / n},{i % n}] = {c[i]}, expected {expected}");
                    }
                }
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void GemmDegenerateShapesAndScalars(BlasBackendKind kind)
    {
        IBlasBackend blas = Blas.TryGet(kind)!;
        float[] a = [1, 2, 3, 4, 5, 6], b = [1, 2, 3, 4, 5, 6];

        // k = 0: C = beta C; with beta = 0, C is cleared even if it held NaN.
        float[] c = [1, 2, 3, 4];
        blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, 2, 2, 0, 1f, [], [], 3f, c);
        CollectionAssert.AreEqual(new float[] { 3, 6, 9, 12 }, c);
        c = Filled(4, float.NaN);
        blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, 2, 2, 0, 1f, [], [], 0f, c);
        CollectionAssert.AreEqual(new float[4], c);

        // alpha = 0: A and B are not used (NaN in them does not leak).
        c = [1, 2, 3, 4];
        blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, 2, 2, 3, 0f, Filled(6, float.NaN), b, 0.5f, c);
        CollectionAssert.AreEqual(new float[] { 0.5f, 1, 1.5f, 2 }, c);

        // m = 0 or n = 0: nothing is touched.
        c = [7];
        blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, 0, 1, 3, 1f, a, b, 0f, c);
        blas.Gemm(Transpose.Trans, Transpose.Trans, 1, 0, 3, 1f, a, b, 0f, c);
        CollectionAssert.AreEqual(new float[] { 7 }, c);

        // Longer spans are fine and nothing past m x n is written.
        c = [0, 0, 0, 0, 42, 42];
        blas.Gemm(Transpose.NoTrans, Transpose.Trans, 2, 2, 3, 1f, a, b, 0f, c);
        CollectionAssert.AreEqual(new float[] { 14, 32, 32, 77, 42, 42 }, c);
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void GemvMatchesReferenceBothTransposes(BlasBackendKind kind)
    {
        IBlasBackend blas = Blas.TryGet(kind)!;
        var rng = new Random(42);
        foreach (var (m, n) in new[] { (1, 1), (7, 13), (100, 1), (1, 300), (257, 511), (600, 700) })
        {
            float[] a = Random(rng, m * n);
            foreach (Transpose ta in Enum.GetValues<Transpose>())
            {
                int xLength = ta == Transpose.NoTrans ? n : m, yLength = ta == Transpose.NoTrans ? m : n;
                float[] x = Random(rng, xLength), y0 = Random(rng, yLength);
                foreach (var (alpha, beta) in Scalars)
                {
                    float[] y = beta == 0 ? Filled(yLength, float.NaN) : (float[])y0.Clone();
                    blas.Gemv(ta, m, n, alpha, a, x, beta, y);
                    for (int i = 0; i < yLength; i++)
                    {
                        double sum = 0, magnitude = 0;
                        for (int j = 0; j < xLength; j++)
                        {
                            double term = (ta == Transpose.NoTrans ? a[i * n + j] : a[j * n + i]) * (double)x[j];
                            sum += term;
                            magnitude += Math.Abs(term);
                        }
                        double expected = alpha * sum + (beta == 0 ? 0 : beta * (double)y0[i]);
                        double tolerance = 4e-6 * (Math.Abs(alpha) * magnitude + Math.Abs(beta * y0[i])) + 1e-6;
                        if (!(Math.Abs(y[i] - expected) <= tolerance))
                            Assert.Fail($"{blas.Name}: Gemv({ta}, m={m}, n={n}, alpha={alpha}, beta={beta}) y[{i}] = {y[i]}, expected {expected}");
                    }
                }
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void VectorOperationsMatchReference(BlasBackendKind kind)
    {
        IBlasBackend blas = Blas.TryGet(kind)!;
        var rng = new Random(7);
        foreach (int n in new[] { 0, 1, 17, 1000 })
        {
            float[] x = Random(rng, n + 3), y0 = Random(rng, n + 3);

            float[] y = (float[])y0.Clone();
            blas.Axpy(n, 0.75f, x, y);
            AssertVector(blas, "Axpy", y, i => i < n ? 0.75 * x[i] + y0[i] : y0[i]);

            y = (float[])y0.Clone();
            blas.Axpby(n, -1.25f, x, 0.5f, y);
            AssertVector(blas, "Axpby", y, i => i < n ? -1.25 * x[i] + 0.5 * y0[i] : y0[i]);

            y = (float[])y0.Clone();
            blas.Axpby(n, 2f, x, 1f, y);
            AssertVector(blas, "Axpby(beta=1)", y, i => i < n ? 2.0 * x[i] + y0[i] : y0[i]);

            y = Filled(n + 3, float.NaN);
            blas.Axpby(n, 2f, x, 0f, y);
            AssertVector(blas, "Axpby(beta=0)", y, i => i < n ? 2.0 * x[i] : float.NaN);

            y = (float[])y0.Clone();
            blas.Scal(n, -3f, y);
            AssertVector(blas, "Scal", y, i => i < n ? -3.0 * y0[i] : y0[i]);

            float[] withNaN = (float[])y0.Clone();
            withNaN[0] = float.NaN;
            y = (float[])withNaN.Clone();
            blas.Scal(n, 0f, y);
            AssertVector(blas, "Scal(0)", y, i => i < n ? 0 : withNaN[i]);

            double dot = 0, asum = 0, magnitude = 0;
            for (int i = 0; i < n; i++)
            {
                dot += x[i] * (double)y0[i];
                magnitude += Math.Abs(x[i] * (double)y0[i]);
                asum += Math.Abs(x[i]);
            }
            AssertClose(blas, $"Dot(n={n})", dot, blas.Dot(n, x, y0), magnitude);
            AssertClose(blas, $"Asum(n={n})", asum, blas.Asum(n, x), asum);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void StridedDotMatchesReference(BlasBackendKind kind)
    {
        IBlasBackend blas = Blas.TryGet(kind)!;
        var rng = new Random(3);
        float[] x = Random(rng, 1000), y = Random(rng, 1000);
        foreach (var (n, incx, incy) in new[] { (0, 1, 1), (1, 5, 7), (10, 1, 1), (100, 3, 2), (49, 20, 1), (333, 1, 3) })
        {
            double expected = 0, magnitude = 0;
            for (int i = 0; i < n; i++)
            {
                expected += x[i * incx] * (double)y[i * incy];
                magnitude += Math.Abs(x[i * incx] * (double)y[i * incy]);
            }
            AssertClose(blas, $"StridedDot(n={n}, incx={incx}, incy={incy})", expected, blas.StridedDot(n, x, incx, y, incy), magnitude);
        }
        // Exactly the elements the strides reach are enough.
        Assert.AreEqual(1 * 4 + 3 * 5, blas.StridedDot(2, [1, 0, 3], 2, [4, 5], 1));
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void ShortSpansAreRejectedWithTheShapes(BlasBackendKind kind)
    {
        IBlasBackend blas = Blas.TryGet(kind)!;
        float[] big = new float[64];
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, 3, 5, 4, 1f, new float[11], big, 0f, big));
        StringAssert.Contains(e.Message, "A (3 x 4) needs 12 elements but the span holds 11");
        StringAssert.Contains(e.Message, "m=3, n=5, k=4");
        e = Assert.ThrowsExactly<ArgumentException>(() =>
            blas.Gemm(Transpose.Trans, Transpose.Trans, 3, 5, 4, 1f, big, new float[19], 0f, big));
        StringAssert.Contains(e.Message, "B (5 x 4) needs 20 elements");
        e = Assert.ThrowsExactly<ArgumentException>(() =>
            blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, 3, 5, 4, 1f, big, big, 0f, new float[14]));
        StringAssert.Contains(e.Message, "C (3 x 5) needs 15 elements");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, -1, 5, 4, 1f, big, big, 0f, big));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            blas.Gemm((Transpose)7, Transpose.NoTrans, 1, 1, 1, 1f, big, big, 0f, big));

        e = Assert.ThrowsExactly<ArgumentException>(() => blas.Gemv(Transpose.NoTrans, 4, 6, 1f, big, new float[5], 0f, big));
        StringAssert.Contains(e.Message, "x needs 6 elements but the span holds 5");
        e = Assert.ThrowsExactly<ArgumentException>(() => blas.Gemv(Transpose.Trans, 4, 6, 1f, big, big, 0f, new float[5]));
        StringAssert.Contains(e.Message, "y needs 6 elements");
        e = Assert.ThrowsExactly<ArgumentException>(() => blas.Gemv(Transpose.Trans, 4, 6, 1f, new float[23], big, 0f, big));
        StringAssert.Contains(e.Message, "A (4 x 6) needs 24 elements");

        Assert.ThrowsExactly<ArgumentException>(() => blas.Axpy(10, 1f, new float[9], big));
        Assert.ThrowsExactly<ArgumentException>(() => blas.Axpby(10, 1f, big, 2f, new float[9]));
        Assert.ThrowsExactly<ArgumentException>(() => blas.Scal(10, 2f, new float[9]));
        Assert.ThrowsExactly<ArgumentException>(() => blas.Dot(10, big, new float[9]));
        Assert.ThrowsExactly<ArgumentException>(() => blas.Asum(10, new float[9]));
        e = Assert.ThrowsExactly<ArgumentException>(() => blas.StridedDot(4, new float[9], 3, big, 1));
        StringAssert.Contains(e.Message, "x needs 10 elements");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => blas.StridedDot(4, big, 0, big, 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => blas.Dot(-1, big, big));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => blas.Threads = 0);
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void DescribesItself(BlasBackendKind kind)
    {
        IBlasBackend blas = Blas.TryGet(kind)!;
        Assert.AreEqual(kind, blas.Kind);
        Assert.AreSame(blas, Blas.TryGet(kind), "backends are singletons");
        StringAssert.StartsWith(blas.Name, kind switch
        {
            BlasBackendKind.Managed => "Managed",
            BlasBackendKind.Mkl => "MKL",
            BlasBackendKind.OpenBlas => "OpenBLAS",
            _ => "BLIS",
        });
        Assert.IsGreaterThanOrEqualTo(1, blas.Threads);
    }

    internal static float[] Random(Random rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }

    internal static float[] Filled(int length, float value)
    {
        var values = new float[length];
        Array.Fill(values, value);
        return values;
    }

    /// <summary>op(A) op(B) and Σ |op(A)_ip op(B)_pj| in double, from the definition.</summary>
    internal static (double[] Product, double[] Magnitude) ReferenceProduct(Transpose ta, Transpose tb, int m, int n, int k, float[] a, float[] b)
    {
        var product = new double[m * n];
        var magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = 0, abs = 0;
            for (int p = 0; p < k; p++)
            {
                double term = (double)(ta == Transpose.NoTrans ? a[i * k + p] : a[p * m + i]) *
                              (tb == Transpose.NoTrans ? b[p * n + j] : b[j * k + p]);
                sum += term;
                abs += Math.Abs(term);
            }
            product[i * n + j] = sum;
            magnitude[i * n + j] = abs;
        }
        return (product, magnitude);
    }

    private static void AssertVector(IBlasBackend blas, string what, float[] actual, Func<int, double> expected)
    {
        for (int i = 0; i < actual.Length; i++)
        {
            double e = expected(i);
            bool ok = double.IsNaN(e) ? float.IsNaN(actual[i]) : Math.Abs(actual[i] - e) <= 1e-6 * Math.Abs(e) + 1e-6;
            if (!ok) Assert.Fail($"{blas.Name}: {what} element {i} = {actual[i]}, expected {e}");
        }
    }

    private static void AssertClose(IBlasBackend blas, string what, double expected, float actual, double magnitude)
    {
        if (!(Math.Abs(actual - expected) <= 4e-6 * magnitude + 1e-6))
            Assert.Fail($"{blas.Name}: {what} = {actual}, expected {expected}");
    }
}
