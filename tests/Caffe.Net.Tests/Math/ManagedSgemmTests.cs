namespace Caffe.Tests;

/// <summary>
/// The managed SGEMM on shapes that cross its blocking (MR/NR tiles, KC = 256, NC = 2048, the
/// m-blocks split across threads) and its threading rules.
/// </summary>
[TestClass]
public sealed class ManagedSgemmTests
{
    private static readonly (int M, int N, int K)[] BlockingShapes =
    [
        (9, 33, 257),      // one past the 8 x 32 tile and one past KC
        (6, 16, 256),      // exactly one 6 x 16 tile and one KC block
        (300, 70, 600),    // several m-blocks, three k-blocks
        (5, 4100, 110),    // n crosses NC twice, tiny m: the threads split n
        (145, 2049, 31),   // just past the largest m-block and past NC
        (1, 1, 2000),
        (37, 59, 45),      // an edge sliver of 27 columns: three 8 x 8 blocks and 3 columns, k = 5 x 8 + 5
        (50, 363, 300),    // CaffeNet conv1's weight gradient width, 11 edge columns, k past KC
    ];

    [TestMethod]
    public unsafe void MatchesReferenceAcrossBlockBoundariesWithOneAndTwoThreads()
    {
        var rng = new Random(11);
        foreach (var (m, n, k) in BlockingShapes)
        {
            float[] a = BlasBackendTests.Random(rng, m * k), b = BlasBackendTests.Random(rng, k * n), c0 = BlasBackendTests.Random(rng, m * n);
            foreach (Transpose ta in Enum.GetValues<Transpose>())
            foreach (Transpose tb in Enum.GetValues<Transpose>())
            {
                var (product, magnitude) = BlasBackendTests.ReferenceProduct(ta, tb, m, n, k, a, b);
                float[]? single = null;
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    float[] c = (float[])c0.Clone();
                    fixed (float* pa = a, pb = b, pc = c)
                        ManagedSgemm.Gemm(ta == Transpose.Trans, tb == Transpose.Trans, m, n, k, 1.5f, pa, pb, 0.25f, pc, threads);
                    for (int i = 0; i < c.Length; i++)
                    {
                        double expected = 1.5 * product[i] + 0.25 * c0[i];
                        if (!(Math.Abs(c[i] - expected) <= 4e-6 * (1.5 * magnitude[i] + Math.Abs(0.25 * c0[i])) + 1e-6))
                            Assert.Fail($"Gemm({ta}, {tb}, {m}x{n}x{k}, threads={threads}) C[{i / n},{i % n}] = {c[i]}, expected {expected}");
                    }
                    // The thread split never changes the order of the sums: results are identical.
                    if (single == null) single = c;
                    else CollectionAssert.AreEqual(single, c, $"Gemm({ta}, {tb}, {m}x{n}x{k}) differs between 1 and {threads} threads");
                }
            }
        }
    }

    // Shapes of the skinny paths (k ≤ 16; op(B) = Bᵀ with k ≥ 256 and m ≤ 16, or m ≤ 64 and k ≥ 2048; op(B) = B
    // with m ≤ 12), their edges (4-row and 4-column groups, 32- and 16-column strips, 16-element dot chunks, 8-row
    // groups of B) and the first shapes past their limits, which take the packed path.
    private static readonly (int M, int N, int K)[] SkinnyShapes =
    [
        (1, 1, 1),
        (7, 75, 1),        // k = 1: rows 4 + 3, columns 64 + 11
        (13, 100, 10),     // k = batch 10, as InnerProduct's weight gradient
        (4, 32, 16),       // exactly one 4 x 32 block at the k limit
        (5, 47, 17),       // k just past the limit
        (10, 4099, 70),    // m = batch 10, as InnerProduct's data gradient; n crosses 32-column strips
        (10, 70, 300),     // m = batch 10, as InnerProduct's forward
        (1, 9, 261),       // one row: the 4 x 4 dot groups repeat it; 16 x 16 + 5 elements
        (3, 7, 289),
        (12, 65, 23),      // the m limit of op(B) = B; 8 + 8 + 7 rows of B
        (13, 40, 24),      // past it
        (16, 5, 256),      // the m and k limits of short dot products
        (16, 5, 255),      // k just short
        (17, 66, 300),     // m past the limit of short dot products
        (40, 9, 2049),     // long dot products
        (65, 3, 2100),     // m past their limit
    ];

    [TestMethod]
    public unsafe void SkinnyShapesMatchReferenceForAllTransposesScalarsAndThreadCounts()
    {
        var rng = new Random(13);
        (float Alpha, float Beta)[] scalars = [(1.5f, 0.25f), (1f, 0f), (-0.5f, 1f)];
        foreach (var (m, n, k) in SkinnyShapes)
        {
            float[] a = BlasBackendTests.Random(rng, m * k), b = BlasBackendTests.Random(rng, k * n), c0 = BlasBackendTests.Random(rng, m * n);
            foreach (Transpose ta in Enum.GetValues<Transpose>())
            foreach (Transpose tb in Enum.GetValues<Transpose>())
            foreach (var (alpha, beta) in scalars)
            {
                var (product, magnitude) = BlasBackendTests.ReferenceProduct(ta, tb, m, n, k, a, b);
                float[]? single = null;
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    // With beta 0, C must not be read: NaN there would leak into the result.
                    float[] c = beta == 0 ? BlasBackendTests.Filled(m * n, float.NaN) : (float[])c0.Clone();
                    fixed (float* pa = a, pb = b, pc = c)
                        ManagedSgemm.Gemm(ta == Transpose.Trans, tb == Transpose.Trans, m, n, k, alpha, pa, pb, beta, pc, threads);
                    for (int i = 0; i < c.Length; i++)
                    {
                        double old = beta == 0 ? 0 : beta * (double)c0[i];
                        double expected = alpha * product[i] + old;
                        if (!(Math.Abs(c[i] - expected) <= 4e-6 * (Math.Abs(alpha) * magnitude[i] + Math.Abs(old)) + 1e-6))
                            Assert.Fail($"Gemm({ta}, {tb}, {m}x{n}x{k}, alpha={alpha}, beta={beta}, threads={threads}) " +
                                        $"C[{i / n},{i % n}] = {c[i]}, expected {expected}");
                    }
                    if (single == null) single = c;
                    else CollectionAssert.AreEqual(single, c, $"Gemm({ta}, {tb}, {m}x{n}x{k}) differs between 1 and {threads} threads");
                }
            }
        }
    }

    [TestMethod]
    public unsafe void SkinnyPathsPropagateInfinityAndNaNFromTheLargeOperand()
    {
        // A NaN in B reaches exactly the C elements whose sums include it, on every skinny path.
        foreach (var (m, n, k, tb) in new[] { (3, 40, 5, false), (3, 40, 5, true), (10, 40, 50, true), (10, 40, 50, false) })
        {
            float[] a = BlasBackendTests.Filled(m * k, 1f), b = BlasBackendTests.Filled(k * n, 2f), c = new float[m * n];
            int poisoned = 37;
            // op(B)[k - 1, poisoned] = NaN
            b[tb ? poisoned * k + k - 1 : (k - 1) * n + poisoned] = float.NaN;
            fixed (float* pa = a, pb = b, pc = c)
                ManagedSgemm.Gemm(false, tb, m, n, k, 1f, pa, pb, 0f, pc, 2);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    if (j == poisoned) Assert.IsTrue(float.IsNaN(c[i * n + j]), $"{m}x{n}x{k} transB={tb}: C[{i},{j}] = {c[i * n + j]}");
                    else Assert.AreEqual(2f * k, c[i * n + j], $"{m}x{n}x{k} transB={tb}: C[{i},{j}]");
                }
        }
    }

    [TestMethod]
    public unsafe void BetaZeroNeverReadsCAcrossManyKBlocks()
    {
        const int m = 70, n = 90, k = 700;
        var rng = new Random(12);
        float[] a = BlasBackendTests.Random(rng, m * k), b = BlasBackendTests.Random(rng, k * n);
        float[] c = BlasBackendTests.Filled(m * n, float.NaN);
        fixed (float* pa = a, pb = b, pc = c)
            ManagedSgemm.Gemm(false, false, m, n, k, 1f, pa, pb, 0f, pc, 2);
        var (product, magnitude) = BlasBackendTests.ReferenceProduct(Transpose.NoTrans, Transpose.NoTrans, m, n, k, a, b);
        for (int i = 0; i < c.Length; i++)
            Assert.IsTrue(Math.Abs(c[i] - product[i]) <= 4e-6 * magnitude[i] + 1e-6, $"C[{i}] = {c[i]}, expected {product[i]}");
    }

    [TestMethod]
    public unsafe void InfinityAndNaNInInputsPropagateAsInBlas()
    {
        float[] a = [1, float.PositiveInfinity, 0, 1], b = [1, 0, 0, float.NaN], c = new float[4];
        fixed (float* pa = a, pb = b, pc = c)
            ManagedSgemm.Gemm(false, false, 2, 2, 2, 1f, pa, pb, 0f, pc, 1);
        // Row 0: [1, inf] x B; row 1: [0, 1] x B. 0 * NaN is NaN, inf * 0 is NaN.
        Assert.IsTrue(float.IsNaN(c[0]));
        Assert.IsTrue(float.IsNaN(c[1]));
        Assert.AreEqual(0f, c[2]);
        Assert.IsTrue(float.IsNaN(c[3]));
    }
}
