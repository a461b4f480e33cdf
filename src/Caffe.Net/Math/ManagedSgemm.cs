using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Caffe;

/// <summary>
/// Managed single-precision GEMM, row-major, C = alpha op(A) op(B) + beta C. Goto/BLIS structure:
/// a kc x nc panel of op(B) and an mc x kc block of op(A) are packed into micro-panels, and a
/// register-blocked micro-kernel computes MR x NR tiles of C with FMA. Products with one tiny dimension
/// take the streaming paths of ManagedSgemm.Skinny.cs instead.
/// </summary>
internal static unsafe partial class ManagedSgemm
{
    /// <summary>True when the micro-kernel uses 512-bit vectors (else 256-bit).</summary>
    internal static readonly bool Wide = Vector512.IsHardwareAccelerated;

    // Tile of C held in registers: MR rows x NR columns (two vectors per row). 8 x 32 uses 16 of
    // the 32 zmm registers; without AVX-512 only 16 ymm registers exist, hence 6 x 16.
    private static readonly int MR = Wide ? 8 : 6;
    private static readonly int NR = Wide ? 32 : 16;

    // Blocking measured on Zen 4 (32 KB L1d, 1 MB L2 per core): a kc x NR micro-panel of B is
    // reused from L1/L2 by every MR x kc micro-panel of the mc x kc block of A.
    private const int KC = 256;
    private const int MCMax = 144;
    private const int NC = 2048;

    // Below this many multiply-adds per thread, the fork/join costs more than it saves.
    private const long MinWorkPerThread = 1L << 19;

    [ThreadStatic] private static float[]? _packedA;
    [ThreadStatic] private static float[]? _packedB;

    /// <summary>
    /// C (m x n, ldc = n) = alpha op(A) op(B) + beta C with Caffe's leading dimensions
    /// (lda = transA ? m : k, ldb = transB ? k : n). C is not read when beta is 0. Pointers must
    /// cover the shapes; the caller validated them. Uses at most <paramref name="maxThreads"/> threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, float* b, float beta, float* c, int maxThreads)
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0)
        {
            ScaleC(new Span<float>(c, checked(m * n)), beta);
            return;
        }

        var p = new Problem
        {
            TransA = transA, TransB = transB, A = a, B = b, C = c, M = m, N = n, K = k,
            Lda = transA ? m : k, Ldb = transB ? k : n, Alpha = alpha, Beta = beta,
        };
        long work = (long)m * n * k;
        int threads = (int)Math.Clamp(work / MinWorkPerThread, 1, Math.Max(1, maxThreads));
        if (TrySkinny(p, threads)) return;
        int slivers = CeilDiv(n, NR);
        if (threads == 1)
        {
            RunColumns(p, 0, n);
        }
        else if (CeilDiv(m, MCMax) >= threads || slivers < threads)
        {
            RunSharedPanels(p, threads);
        }
        else
        {
            // Short and wide (Caffe's m = num_output is often small): each thread owns a range of
            // columns and runs the whole blocked loop on it, with no synchronisation at all.
            int nr = NR;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                RunColumns(p, slivers * t / threads * nr, Math.Min(n, slivers * (t + 1) / threads * nr)));
        }
    }

    private struct Problem
    {
        public bool TransA, TransB;
        public float* A, B, C;
        public int M, N, K, Lda, Ldb;
        public float Alpha, Beta;
    }

    /// <summary>The blocked loop nest on C[:, j0..j1) with this thread's packing buffers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunColumns(in Problem p, int j0, int j1)
    {
        if (j0 >= j1) return;
        int mcMax = Math.Min(MCMax, RoundUp(p.M, MR));
        float* bPacked = Aligned(ref _packedB, KC * Math.Min(NC, RoundUp(j1 - j0, NR)));
        float* aPacked = Aligned(ref _packedA, mcMax * KC);
        for (int jc = j0; jc < j1; jc += NC)
        {
            int nc = Math.Min(NC, j1 - jc);
            for (int pc = 0; pc < p.K; pc += KC)
            {
                int kc = Math.Min(KC, p.K - pc);
                float beta = pc == 0 ? p.Beta : 1f;
                PackB(p.TransB, p.B, p.Ldb, pc, jc, kc, nc, bPacked);
                for (int ic = 0; ic < p.M; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, p.M - ic);
                    PackA(p.TransA, p.A, p.Lda, ic, pc, mc, kc, aPacked);
                    Macro(p, aPacked, bPacked, ic, mc, jc, nc, kc, beta);
                }
            }
        }
    }

    /// <summary>
    /// Tall problems: for each kc x nc panel, the threads pack op(B) together, then split the rows
    /// of C between them, each packing its own blocks of op(A).
    /// </summary>
    private static void RunSharedPanels(Problem p, int threads)
    {
        int mr = MR, nr = NR;
        // Split m into blocks so that every thread gets the same number of them.
        int mBlocks = CeilDiv(CeilDiv(p.M, MCMax), threads) * threads;
        int mc = RoundUp(CeilDiv(p.M, mBlocks), mr);
        mBlocks = CeilDiv(p.M, mc);
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        float* bPacked = Aligned(ref _packedB, KC * Math.Min(NC, RoundUp(p.N, nr)));

        for (int jc = 0; jc < p.N; jc += NC)
        {
            int nc = Math.Min(NC, p.N - jc);
            int slivers = CeilDiv(nc, nr);
            for (int pc = 0; pc < p.K; pc += KC)
            {
                int kc = Math.Min(KC, p.K - pc);
                float beta = pc == 0 ? p.Beta : 1f;
                if (slivers < 2 * threads)
                {
                    PackB(p.TransB, p.B, p.Ldb, pc, jc, kc, nc, bPacked);
                }
                else
                {
                    Parallel.For(0, threads, options, t =>
                    {
                        int s0 = slivers * t / threads, s1 = slivers * (t + 1) / threads;
                        PackB(p.TransB, p.B, p.Ldb, pc, jc + s0 * nr, kc, Math.Min((s1 - s0) * nr, nc - s0 * nr),
                            bPacked + (long)s0 * nr * kc);
                    });
                }
                Parallel.For(0, mBlocks, options, block =>
                {
                    int ic = block * mc;
                    int rows = Math.Min(mc, p.M - ic);
                    float* aPacked = Aligned(ref _packedA, mc * kc);
                    PackA(p.TransA, p.A, p.Lda, ic, pc, rows, kc, aPacked);
                    Macro(p, aPacked, bPacked, ic, rows, jc, nc, kc, beta);
                });
            }
        }
    }

    /// <summary>All MR x NR tiles of the mc x nc block of C at (ic, jc) from packed op(A) and op(B) panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Macro(in Problem p, float* aPacked, float* bPacked, int ic, int mc, int jc, int nc, int kc, float beta)
    {
        int mr = MR, nr = NR;
        for (int j = 0; j < nc; j += nr)
        {
            int nLeft = Math.Min(nr, nc - j);
            float* bp = bPacked + (long)j * kc;
            for (int i = 0; i < mc; i += mr)
            {
                int mLeft = Math.Min(mr, mc - i);
                float* cTile = p.C + (long)(ic + i) * p.N + jc + j;
                if (Wide && nLeft <= 16) Kernel8x16(kc, aPacked + (long)i * kc, bp, cTile, p.N, mLeft, nLeft, p.Alpha, beta);
                else if (Wide) Kernel8x32(kc, aPacked + (long)i * kc, bp, cTile, p.N, mLeft, nLeft, p.Alpha, beta);
                else Kernel6x16(kc, aPacked + (long)i * kc, bp, cTile, p.N, mLeft, nLeft, p.Alpha, beta);
            }
        }
    }

    /// <summary>Packs op(A)[ic.., pc..] (mc x kc) as slivers of MR rows, element (r, p) at p * MR + r, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(bool transA, float* a, int lda, int ic, int pc, int mc, int kc, float* dst)
    {
        int mr = MR;
        for (int s = 0; s < mc; s += mr)
        {
            int rows = Math.Min(mr, mc - s);
            float* d = dst + (long)s * kc;
            if (rows < mr) new Span<float>(d, mr * kc).Clear();
            if (!transA)
            {
                float* src = a + (long)(ic + s) * lda + pc;
                int p = 0;
                if (rows == 8 && mr == 8 && Avx.IsSupported)
                    for (; p + 8 <= kc; p += 8) Transpose8x8(src + p, lda, d + p * 8, 8);
                for (int r = 0; r < rows; r++)
                    for (int q = p; q < kc; q++) d[q * mr + r] = src[(long)r * lda + q];
            }
            else if (rows == 8 && mr == 8)
            {
                // op(A) = Aᵀ: the sliver's eight values at each p are contiguous in A.
                for (int p = 0; p < kc; p++) Vector256.Load(a + (long)(pc + p) * lda + ic + s).Store(d + p * 8);
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)(pc + p) * lda + ic + s;
                    for (int r = 0; r < rows; r++) d[p * mr + r] = src[r];
                }
            }
        }
    }

    /// <summary>Packs op(B)[pc.., jc..] (kc x nc) as slivers of NR columns, element (p, j) at p * NR + j, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(bool transB, float* b, int ldb, int pc, int jc, int kc, int nc, float* dst)
    {
        int nr = NR;
        int fullCols = nc / nr * nr;
        if (!transB)
        {
            // Row by row: the source is read sequentially, each row feeds every sliver.
            for (int p = 0; p < kc; p++)
            {
                float* src = b + (long)(pc + p) * ldb + jc;
                float* d = dst + p * nr;
                for (int s = 0; s < fullCols; s += nr, d += (long)nr * kc)
                {
                    if (Wide)
                    {
                        Vector512.Load(src + s).Store(d);
                        Vector512.Load(src + s + 16).Store(d + 16);
                    }
                    else
                    {
                        Vector256.Load(src + s).Store(d);
                        Vector256.Load(src + s + 8).Store(d + 8);
                    }
                }
            }
        }
        else
        {
            for (int s = 0; s < fullCols; s += nr)
            {
                float* d = dst + (long)s * kc;
                float* src = b + (long)(jc + s) * ldb + pc;
                int p = 0;
                if (Avx.IsSupported)
                    for (; p + 8 <= kc; p += 8)
                        for (int j = 0; j < nr; j += 8) Transpose8x8(src + (long)j * ldb + p, ldb, d + p * nr + j, nr);
                for (int j = 0; j < nr; j++)
                    for (int q = p; q < kc; q++) d[q * nr + j] = src[(long)j * ldb + q];
            }
        }

        int cols = nc - fullCols;
        if (cols > 0)
        {
            float* d = dst + (long)fullCols * kc;
            new Span<float>(d, nr * kc).Clear();
            if (!transB)
            {
                for (int p = 0; p < kc; p++)
                    for (int j = 0; j < cols; j++) d[p * nr + j] = b[(long)(pc + p) * ldb + jc + fullCols + j];
            }
            else
            {
                // Whole 8 x 8 blocks are transposed as in the full slivers; strided reads one by one are slow.
                float* src = b + (long)(jc + fullCols) * ldb + pc;
                int blockCols = Avx.IsSupported ? cols / 8 * 8 : 0, blockRows = kc / 8 * 8;
                for (int p = 0; p < blockRows; p += 8)
                    for (int j = 0; j < blockCols; j += 8) Transpose8x8(src + (long)j * ldb + p, ldb, d + p * nr + j, nr);
                for (int j = 0; j < cols; j++)
                    for (int p = j < blockCols ? blockRows : 0; p < kc; p++) d[p * nr + j] = src[(long)j * ldb + p];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        // Fetch the tile of C while the FMAs run: when C is streamed once (a weight gradient with k = 169, 3.5 MB of
        // C), its loads at the end missed the caches every time. Measured on one core against OpenBLAS: CaffeNet
        // conv3's weight gradient 0.88 -> 1.01 of its speed, 1024^3 1.02 -> 1.07; no shape got slower.
        if (Sse.IsSupported)
            for (int i = 0; i < mr; i++)
            {
                Sse.Prefetch0(c + (long)i * ldc);
                Sse.Prefetch0(c + (long)i * ldc + 16);
            }
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            a += 8;
            b += 32;
        }

        bool full = mr == 8 && nr == 32;
        float* tile = stackalloc float[full ? 0 : 8 * 32];
        float* dst = full ? c : tile;
        int ld = full ? ldc : 32;
        var va = Vector512.Create(alpha);
        Store512(dst, c00, c01, va, full, beta);
        Store512(dst + ld, c10, c11, va, full, beta);
        Store512(dst + 2 * ld, c20, c21, va, full, beta);
        Store512(dst + 3 * ld, c30, c31, va, full, beta);
        Store512(dst + 4 * ld, c40, c41, va, full, beta);
        Store512(dst + 5 * ld, c50, c51, va, full, beta);
        Store512(dst + 6 * ld, c60, c61, va, full, beta);
        Store512(dst + 7 * ld, c70, c71, va, full, beta);
        if (!full) MergeEdge(tile, 32, c, ldc, mr, nr, beta);
    }

    /// <summary>
    /// The last sliver of B when at most 16 of its 32 columns are real (n = 169 leaves 9 in CaffeNet's 13 x 13
    /// layers): the left half of the 8 x 32 kernel, on the same packed sliver (row stride 32).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, float alpha, float beta)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
            a += 8;
            b += 32;
        }

        float* tile = stackalloc float[8 * 16];
        var va = Vector512.Create(alpha);
        (c0 * va).Store(tile);
        (c1 * va).Store(tile + 16);
        (c2 * va).Store(tile + 32);
        (c3 * va).Store(tile + 48);
        (c4 * va).Store(tile + 64);
        (c5 * va).Store(tile + 80);
        (c6 * va).Store(tile + 96);
        (c7 * va).Store(tile + 112);
        MergeEdge(tile, 16, c, ldc, mr, nr, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* row, Vector512<float> x0, Vector512<float> x1, Vector512<float> alpha, bool accumulate, float beta)
    {
        x0 *= alpha;
        x1 *= alpha;
        if (accumulate && beta != 0)
        {
            var vb = Vector512.Create(beta);
            x0 = Vector512.FusedMultiplyAdd(Vector512.Load(row), vb, x0);
            x1 = Vector512.FusedMultiplyAdd(Vector512.Load(row + 16), vb, x1);
        }
        x0.Store(row);
        x1.Store(row + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            a += 6;
            b += 16;
        }

        bool full = mr == 6 && nr == 16;
        float* tile = stackalloc float[full ? 0 : 6 * 16];
        float* dst = full ? c : tile;
        int ld = full ? ldc : 16;
        var va = Vector256.Create(alpha);
        Store256(dst, c00, c01, va, full, beta);
        Store256(dst + ld, c10, c11, va, full, beta);
        Store256(dst + 2 * ld, c20, c21, va, full, beta);
        Store256(dst + 3 * ld, c30, c31, va, full, beta);
        Store256(dst + 4 * ld, c40, c41, va, full, beta);
        Store256(dst + 5 * ld, c50, c51, va, full, beta);
        if (!full) MergeEdge(tile, 16, c, ldc, mr, nr, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* row, Vector256<float> x0, Vector256<float> x1, Vector256<float> alpha, bool accumulate, float beta)
    {
        x0 *= alpha;
        x1 *= alpha;
        if (accumulate && beta != 0)
        {
            var vb = Vector256.Create(beta);
            x0 = Vector256.FusedMultiplyAdd(Vector256.Load(row), vb, x0);
            x1 = Vector256.FusedMultiplyAdd(Vector256.Load(row + 8), vb, x1);
        }
        x0.Store(row);
        x1.Store(row + 8);
    }

    /// <summary>dst[q * ldd + r] = src[r * lds + q] for an 8 x 8 block (AVX only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, long lds, float* dst, int ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * lds), r3 = Avx.LoadVector256(src + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * lds), r5 = Avx.LoadVector256(src + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * lds), r7 = Avx.LoadVector256(src + 7 * lds);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>Writes the valid mr x nr corner of an edge tile (already scaled by alpha) into C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeEdge(float* tile, int ldt, float* c, int ldc, int mr, int nr, float beta)
    {
        for (int i = 0; i < mr; i++)
        {
            float* src = tile + i * ldt;
            float* dst = c + (long)i * ldc;
            if (beta == 0)
                for (int j = 0; j < nr; j++) dst[j] = src[j];
            else
                for (int j = 0; j < nr; j++) dst[j] = src[j] + beta * dst[j];
        }
    }

    /// <summary>C = beta C, with C cleared (not read) when beta is 0, as BLAS does.</summary>
    private static void ScaleC(Span<float> c, float beta)
    {
        if (beta == 0) c.Clear();
        else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(c, beta, c);
    }

    /// <summary>A 64-byte aligned pointer into a pinned per-thread buffer of at least <paramref name="length"/> floats.</summary>
    private static float* Aligned(ref float[]? buffer, int length)
    {
        const int pad = 16; // 64 bytes
        if (buffer == null || buffer.Length < length + pad)
            buffer = GC.AllocateUninitializedArray<float>(length + pad, pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref buffer[0]);
        return (float*)(((nuint)p + 63) & ~(nuint)63);
    }

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int multiple) => CeilDiv(x, multiple) * multiple;
}
