using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Caffe;

// GEMMs with one tiny dimension, where the packed path wastes most of its work: InnerProduct at a small
// batch (m = batch) streams a weight matrix that is read once, and its weight gradient (k = batch) is an
// outer product that reads and writes a matrix once; a convolution's weight gradient with few filters and
// long columns (m small, k large) is a few long dot products. These are limited by memory, not by FMAs: each path
// reads the large operand exactly once, sequentially, without packing it, and keeps the small one in cache.
// Measured on Zen 4 (2 threads) against the packed path, CaffeNet fc6 at batch 10: forward (m = 10, B
// transposed) 2.2x faster, data gradient (m = 10) 1.5x, weight gradient (k = 10) 1.8x.
// Every C element is summed in the same order whatever the thread split, as in the packed path.
internal static unsafe partial class ManagedSgemm
{
    // Up to this k, C = beta C + Σ_p a_p b_pᵀ is streamed row by row (the outer-product path).
    private const int SmallK = 16;

    // With op(B) = Bᵀ, rows of B are streamed, each dotted with every row of op(A) (which stays in cache), up to
    // this m, or up to DotMaxM when the dot products are long. Each 4 x 4 block of dot products ends with 16
    // horizontal sums: below DotMinK they cost more than the padding of the packed path (measured, one thread:
    // m = 10, k = 100 runs at 28 GFLOP/s as dot products, 48 packed; k = 1000 at 44 against 32; LeNet's conv1
    // weight gradient, m = 20, n = 25, k = 17280, at 82 against 21).
    private const int SmallMDot = 16;
    private const int DotMinK = 256;
    private const int DotMaxM = 64;
    private const int LongDotK = 2048;

    // Up to this m, op(B) = B is streamed eight rows at a time into the m rows of C, which stay in cache.
    private const int SmallMRows = 12;

    /// <summary>Runs the product on a skinny path when one applies (AVX-512 only); false leaves it to the packed path.</summary>
    private static bool TrySkinny(in Problem p, int threads)
    {
        if (!Wide) return false;
        if (p.K <= SmallK) OuterProducts(p, threads);
        else if (p.TransB && p.K >= DotMinK && (p.M <= SmallMDot || (p.M <= DotMaxM && p.K >= LongDotK))) DotProducts(p, threads);
        else if (p.M <= SmallMRows && !p.TransB) RowCombinations(p, threads);
        else return false;
        return true;
    }

    /// <summary>The transpose of a rows x cols row-major matrix, written row-major (cols x rows) into <paramref name="buffer"/>.</summary>
    private static float* Transposed(ref float[]? buffer, float* source, int rows, int cols)
    {
        float* target = Aligned(ref buffer, rows * cols);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) target[(long)c * rows + r] = source[(long)r * cols + c];
        return target;
    }

    /// <summary>Calls <paramref name="body"/>(start, end) on [0, count) split into parts that are multiples of <paramref name="grain"/>.</summary>
    private static void Split(int count, int grain, int threads, Action<int, int> body)
    {
        int grains = CeilDiv(count, grain);
        threads = Math.Min(threads, grains);
        if (threads <= 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            body(Math.Min(count, grains * t / threads * grain), Math.Min(count, grains * (t + 1) / threads * grain)));
    }

    // ---- k ≤ SmallK: C[i, :] = beta C[i, :] + Σ_p (alpha op(A)[i, p]) op(B)[p, :], four rows of C at a time ----

    private static void OuterProducts(Problem p, int threads)
    {
        // op(B) = Bᵀ is k x n with k tiny: lay it out row-major once (k n floats, read from cache afterwards).
        if (p.TransB) p.B = Transposed(ref _packedB, p.B, p.N, p.K);
        Split(p.M, 4, threads, (i0, i1) => OuterProductRows(p, i0, i1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterProductRows(in Problem p, int i0, int i1)
    {
        int k = p.K;
        float* coef = stackalloc float[4 * SmallK];
        for (int i = i0; i < i1; i += 4)
        {
            int rows = Math.Min(4, i1 - i);
            // coef[q * 4 + r] = alpha op(A)[i + r, q]
            for (int q = 0; q < k; q++)
                for (int r = 0; r < rows; r++)
                    coef[q * 4 + r] = p.Alpha * (p.TransA ? p.A[(long)q * p.Lda + i + r] : p.A[(long)(i + r) * p.Lda + q]);
            float* c = p.C + (long)i * p.N;
            if (rows == 4) OuterProduct4(k, coef, p.B, p.N, c, p.Beta);
            else
                for (int r = 0; r < rows; r++) OuterProductTail(k, coef + r, 4, p.B, p.N, c + (long)r * p.N, 0, p.Beta);
        }
    }

    /// <summary>Four rows of C (ldc = n) over all n columns; coef[q * 4 + r] scales row q of B for row r of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterProduct4(int k, float* coef, float* b, int n, float* c, float beta)
    {
        float* c1 = c + n, c2 = c1 + n, c3 = c2 + n;
        int j = 0;
        for (; j + 32 <= n; j += 32)
        {
            Vector512<float> x00, x01, x10, x11, x20, x21, x30, x31;
            if (beta == 0)
            {
                x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = Vector512<float>.Zero;
            }
            else
            {
                var vb = Vector512.Create(beta);
                x00 = Vector512.Load(c + j) * vb; x01 = Vector512.Load(c + j + 16) * vb;
                x10 = Vector512.Load(c1 + j) * vb; x11 = Vector512.Load(c1 + j + 16) * vb;
                x20 = Vector512.Load(c2 + j) * vb; x21 = Vector512.Load(c2 + j + 16) * vb;
                x30 = Vector512.Load(c3 + j) * vb; x31 = Vector512.Load(c3 + j + 16) * vb;
            }
            float* bq = b + j;
            float* f = coef;
            for (int q = 0; q < k; q++, bq += n, f += 4)
            {
                Vector512<float> y0 = Vector512.Load(bq), y1 = Vector512.Load(bq + 16);
                var s = Vector512.Create(f[0]);
                x00 = Vector512.FusedMultiplyAdd(s, y0, x00); x01 = Vector512.FusedMultiplyAdd(s, y1, x01);
                s = Vector512.Create(f[1]);
                x10 = Vector512.FusedMultiplyAdd(s, y0, x10); x11 = Vector512.FusedMultiplyAdd(s, y1, x11);
                s = Vector512.Create(f[2]);
                x20 = Vector512.FusedMultiplyAdd(s, y0, x20); x21 = Vector512.FusedMultiplyAdd(s, y1, x21);
                s = Vector512.Create(f[3]);
                x30 = Vector512.FusedMultiplyAdd(s, y0, x30); x31 = Vector512.FusedMultiplyAdd(s, y1, x31);
            }
            x00.Store(c + j); x01.Store(c + j + 16); x10.Store(c1 + j); x11.Store(c1 + j + 16);
            x20.Store(c2 + j); x21.Store(c2 + j + 16); x30.Store(c3 + j); x31.Store(c3 + j + 16);
        }
        if (j < n)
            for (int r = 0; r < 4; r++) OuterProductTail(k, coef + r, 4, b, n, c + (long)r * n, j, beta);
    }

    /// <summary>One row of C from column j0 on; coef[q * stride] scales row q of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterProductTail(int k, float* coef, int stride, float* b, int n, float* c, int j0, float beta)
    {
        int j = j0;
        for (; j + 16 <= n; j += 16)
        {
            Vector512<float> x = beta == 0 ? Vector512<float>.Zero : Vector512.Load(c + j) * Vector512.Create(beta);
            for (int q = 0; q < k; q++)
                x = Vector512.FusedMultiplyAdd(Vector512.Create(coef[q * stride]), Vector512.Load(b + (long)q * n + j), x);
            x.Store(c + j);
        }
        for (; j < n; j++)
        {
            float x = beta == 0 ? 0f : c[j] * beta;
            for (int q = 0; q < k; q++) x = MathF.FusedMultiplyAdd(coef[q * stride], b[(long)q * n + j], x);
            c[j] = x;
        }
    }

    // ---- m ≤ SmallMDot, op(B) = Bᵀ: C[i, j] = alpha op(A)[i, :] · B[j, :] + beta C[i, j], 4 x 4 dot products at a time ----

    private static void DotProducts(Problem p, int threads)
    {
        // op(A) = Aᵀ is m x k with m tiny: make its rows contiguous once (m k floats).
        if (p.TransA) p.A = Transposed(ref _packedA, p.A, p.K, p.M);
        Split(p.N, 4, threads, (j0, j1) => DotProductColumns(p, j0, j1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotProductColumns(in Problem p, int j0, int j1)
    {
        float* sums = stackalloc float[16];
        for (int j = j0; j < j1; j += 4)
        {
            int cols = Math.Min(4, j1 - j);
            for (int i = 0; i < p.M; i += 4)
            {
                int rows = Math.Min(4, p.M - i);
                Dot4x4(p.K, p.A + (long)i * p.K, rows, p.B + (long)j * p.K, cols, sums);
                for (int r = 0; r < rows; r++)
                {
                    float* c = p.C + (long)(i + r) * p.N + j;
                    for (int s = 0; s < cols; s++)
                        c[s] = p.Beta == 0 ? p.Alpha * sums[r * 4 + s] : p.Alpha * sums[r * 4 + s] + p.Beta * c[s];
                }
            }
        }
    }

    /// <summary>
    /// sums[r * 4 + s] = a_r · b_s for up to four rows a_r of A and b_s of B (both with stride k). Missing rows
    /// repeat the first one: their sums are computed and ignored, which keeps one unrolled loop for every case.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4(int k, float* a, int rows, float* b, int cols, float* sums)
    {
        float* a0 = a, a1 = a + (rows > 1 ? k : 0), a2 = a + (rows > 2 ? 2 * k : 0), a3 = a + (rows > 3 ? 3 * k : 0);
        float* b0 = b, b1 = b + (cols > 1 ? k : 0), b2 = b + (cols > 2 ? 2 * k : 0), b3 = b + (cols > 3 ? 3 * k : 0);
        Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default;
        int q = 0;
        for (; q + 16 <= k; q += 16)
        {
            Vector512<float> y0 = Vector512.Load(b0 + q), y1 = Vector512.Load(b1 + q);
            Vector512<float> y2 = Vector512.Load(b2 + q), y3 = Vector512.Load(b3 + q);
            Vector512<float> x = Vector512.Load(a0 + q);
            s00 = Vector512.FusedMultiplyAdd(x, y0, s00); s01 = Vector512.FusedMultiplyAdd(x, y1, s01);
            s02 = Vector512.FusedMultiplyAdd(x, y2, s02); s03 = Vector512.FusedMultiplyAdd(x, y3, s03);
            x = Vector512.Load(a1 + q);
            s10 = Vector512.FusedMultiplyAdd(x, y0, s10); s11 = Vector512.FusedMultiplyAdd(x, y1, s11);
            s12 = Vector512.FusedMultiplyAdd(x, y2, s12); s13 = Vector512.FusedMultiplyAdd(x, y3, s13);
            x = Vector512.Load(a2 + q);
            s20 = Vector512.FusedMultiplyAdd(x, y0, s20); s21 = Vector512.FusedMultiplyAdd(x, y1, s21);
            s22 = Vector512.FusedMultiplyAdd(x, y2, s22); s23 = Vector512.FusedMultiplyAdd(x, y3, s23);
            x = Vector512.Load(a3 + q);
            s30 = Vector512.FusedMultiplyAdd(x, y0, s30); s31 = Vector512.FusedMultiplyAdd(x, y1, s31);
            s32 = Vector512.FusedMultiplyAdd(x, y2, s32); s33 = Vector512.FusedMultiplyAdd(x, y3, s33);
        }
        sums[0] = Vector512.Sum(s00); sums[1] = Vector512.Sum(s01); sums[2] = Vector512.Sum(s02); sums[3] = Vector512.Sum(s03);
        sums[4] = Vector512.Sum(s10); sums[5] = Vector512.Sum(s11); sums[6] = Vector512.Sum(s12); sums[7] = Vector512.Sum(s13);
        sums[8] = Vector512.Sum(s20); sums[9] = Vector512.Sum(s21); sums[10] = Vector512.Sum(s22); sums[11] = Vector512.Sum(s23);
        sums[12] = Vector512.Sum(s30); sums[13] = Vector512.Sum(s31); sums[14] = Vector512.Sum(s32); sums[15] = Vector512.Sum(s33);
        for (; q < k; q++)
        {
            float y0 = b0[q], y1 = b1[q], y2 = b2[q], y3 = b3[q];
            float x = a0[q];
            sums[0] = MathF.FusedMultiplyAdd(x, y0, sums[0]); sums[1] = MathF.FusedMultiplyAdd(x, y1, sums[1]);
            sums[2] = MathF.FusedMultiplyAdd(x, y2, sums[2]); sums[3] = MathF.FusedMultiplyAdd(x, y3, sums[3]);
            x = a1[q];
            sums[4] = MathF.FusedMultiplyAdd(x, y0, sums[4]); sums[5] = MathF.FusedMultiplyAdd(x, y1, sums[5]);
            sums[6] = MathF.FusedMultiplyAdd(x, y2, sums[6]); sums[7] = MathF.FusedMultiplyAdd(x, y3, sums[7]);
            x = a2[q];
            sums[8] = MathF.FusedMultiplyAdd(x, y0, sums[8]); sums[9] = MathF.FusedMultiplyAdd(x, y1, sums[9]);
            sums[10] = MathF.FusedMultiplyAdd(x, y2, sums[10]); sums[11] = MathF.FusedMultiplyAdd(x, y3, sums[11]);
            x = a3[q];
            sums[12] = MathF.FusedMultiplyAdd(x, y0, sums[12]); sums[13] = MathF.FusedMultiplyAdd(x, y1, sums[13]);
            sums[14] = MathF.FusedMultiplyAdd(x, y2, sums[14]); sums[15] = MathF.FusedMultiplyAdd(x, y3, sums[15]);
        }
    }

    // ---- m ≤ SmallMRows, op(B) = B: C[i, :] = beta C[i, :] + Σ_q (alpha op(A)[i, q]) B[q, :], eight rows of B at a time ----

    private static void RowCombinations(Problem p, int threads)
    {
        // coef[i * k + q] = alpha op(A)[i, q] (m k floats).
        float* coef = Aligned(ref _packedA, p.M * p.K);
        for (int i = 0; i < p.M; i++)
            for (int q = 0; q < p.K; q++)
                coef[(long)i * p.K + q] = p.Alpha * (p.TransA ? p.A[(long)q * p.Lda + i] : p.A[(long)i * p.Lda + q]);
        p.A = coef;
        Split(p.N, 32, threads, (j0, j1) => RowCombinationColumns(p, j0, j1));
    }

    /// <summary>C[:, j0..j1) for every row of C (p.A holds the scaled coefficients, ld = k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowCombinationColumns(in Problem p, int j0, int j1)
    {
        int m = p.M, n = p.N, k = p.K;
        int q = 0;
        for (; q + 8 <= k; q += 8)
        {
            // The first rows of B meet C's old values: scale them by beta, or ignore them when beta is 0.
            float beta = q == 0 ? p.Beta : 1f;
            int j = j0;
            for (; j + 32 <= j1; j += 32)
            {
                float* bj = p.B + (long)q * n + j;
                Vector512<float> y00 = Vector512.Load(bj), y01 = Vector512.Load(bj + 16); bj += n;
                Vector512<float> y10 = Vector512.Load(bj), y11 = Vector512.Load(bj + 16); bj += n;
                Vector512<float> y20 = Vector512.Load(bj), y21 = Vector512.Load(bj + 16); bj += n;
                Vector512<float> y30 = Vector512.Load(bj), y31 = Vector512.Load(bj + 16); bj += n;
                Vector512<float> y40 = Vector512.Load(bj), y41 = Vector512.Load(bj + 16); bj += n;
                Vector512<float> y50 = Vector512.Load(bj), y51 = Vector512.Load(bj + 16); bj += n;
                Vector512<float> y60 = Vector512.Load(bj), y61 = Vector512.Load(bj + 16); bj += n;
                Vector512<float> y70 = Vector512.Load(bj), y71 = Vector512.Load(bj + 16);
                float* c = p.C + j;
                float* f = p.A + q;
                for (int i = 0; i < m; i++, c += n, f += k)
                {
                    Vector512<float> x0, x1;
                    if (beta == 0)
                    {
                        x0 = x1 = Vector512<float>.Zero;
                    }
                    else
                    {
                        x0 = Vector512.Load(c);
                        x1 = Vector512.Load(c + 16);
                        if (beta != 1)
                        {
                            x0 *= Vector512.Create(beta);
                            x1 *= Vector512.Create(beta);
                        }
                    }
                    var s = Vector512.Create(f[0]);
                    x0 = Vector512.FusedMultiplyAdd(s, y00, x0); x1 = Vector512.FusedMultiplyAdd(s, y01, x1);
                    s = Vector512.Create(f[1]);
                    x0 = Vector512.FusedMultiplyAdd(s, y10, x0); x1 = Vector512.FusedMultiplyAdd(s, y11, x1);
                    s = Vector512.Create(f[2]);
                    x0 = Vector512.FusedMultiplyAdd(s, y20, x0); x1 = Vector512.FusedMultiplyAdd(s, y21, x1);
                    s = Vector512.Create(f[3]);
                    x0 = Vector512.FusedMultiplyAdd(s, y30, x0); x1 = Vector512.FusedMultiplyAdd(s, y31, x1);
                    s = Vector512.Create(f[4]);
                    x0 = Vector512.FusedMultiplyAdd(s, y40, x0); x1 = Vector512.FusedMultiplyAdd(s, y41, x1);
                    s = Vector512.Create(f[5]);
                    x0 = Vector512.FusedMultiplyAdd(s, y50, x0); x1 = Vector512.FusedMultiplyAdd(s, y51, x1);
                    s = Vector512.Create(f[6]);
                    x0 = Vector512.FusedMultiplyAdd(s, y60, x0); x1 = Vector512.FusedMultiplyAdd(s, y61, x1);
                    s = Vector512.Create(f[7]);
                    x0 = Vector512.FusedMultiplyAdd(s, y70, x0); x1 = Vector512.FusedMultiplyAdd(s, y71, x1);
                    x0.Store(c);
                    x1.Store(c + 16);
                }
            }
            if (j < j1) RowCombinationTail(p, q, 8, j, j1, beta);
        }
        if (q < k) RowCombinationTail(p, q, k - q, j0, j1, q == 0 ? p.Beta : 1f);
    }

    /// <summary>Rows q0..q0+count of B into C[:, j0..j1), one row of B at a time, in the same order of sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowCombinationTail(in Problem p, int q0, int count, int j0, int j1, float beta)
    {
        int n = p.N, k = p.K;
        for (int i = 0; i < p.M; i++)
        {
            float* c = p.C + (long)i * n;
            float* f = p.A + (long)i * k + q0;
            int j = j0;
            for (; j + 16 <= j1; j += 16)
            {
                Vector512<float> x = beta == 0 ? Vector512<float>.Zero : Vector512.Load(c + j);
                if (beta != 0 && beta != 1) x *= Vector512.Create(beta);
                for (int q = 0; q < count; q++)
                    x = Vector512.FusedMultiplyAdd(Vector512.Create(f[q]), Vector512.Load(p.B + (long)(q0 + q) * n + j), x);
                x.Store(c + j);
            }
            for (; j < j1; j++)
            {
                float x = beta == 0 ? 0f : beta == 1 ? c[j] : c[j] * beta;
                for (int q = 0; q < count; q++) x = MathF.FusedMultiplyAdd(f[q], p.B[(long)(q0 + q) * n + j], x);
                c[j] = x;
            }
        }
    }
}
