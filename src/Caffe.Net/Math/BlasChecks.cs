namespace Caffe;

/// <summary>Shape-versus-length checks for the BLAS entry points; messages name the call and the shapes.</summary>
internal static class BlasChecks
{
    public static void Gemm(Transpose transA, Transpose transB, int m, int n, int k, int aLength, int bLength, int cLength)
    {
        CheckTranspose(transA, "transA");
        CheckTranspose(transB, "transB");
        string call = $"Gemm({transA}, {transB}, m={m}, n={n}, k={k})";
        NonNegative(call, m, "m");
        NonNegative(call, n, "n");
        NonNegative(call, k, "k");
        string aShape = transA == Transpose.NoTrans ? $"{m} x {k}" : $"{k} x {m}";
        string bShape = transB == Transpose.NoTrans ? $"{k} x {n}" : $"{n} x {k}";
        Length(call, "a", $"A ({aShape})", (long)m * k, aLength);
        Length(call, "b", $"B ({bShape})", (long)k * n, bLength);
        Length(call, "c", $"C ({m} x {n})", (long)m * n, cLength);
    }

    public static void Gemv(Transpose transA, int m, int n, int aLength, int xLength, int yLength)
    {
        CheckTranspose(transA, "transA");
        string call = $"Gemv({transA}, m={m}, n={n})";
        NonNegative(call, m, "m");
        NonNegative(call, n, "n");
        bool noTrans = transA == Transpose.NoTrans;
        Length(call, "a", $"A ({m} x {n})", (long)m * n, aLength);
        Length(call, "x", "x", noTrans ? n : m, xLength);
        Length(call, "y", "y", noTrans ? m : n, yLength);
    }

    public static void Vectors(string name, int n, int xLength, int yLength)
    {
        string call = $"{name}(n={n})";
        NonNegative(call, n, "n");
        Length(call, "x", "x", n, xLength);
        Length(call, "y", "y", n, yLength);
    }

    public static void Vector(string name, string parameter, int n, int length)
    {
        string call = $"{name}(n={n})";
        NonNegative(call, n, "n");
        Length(call, parameter, parameter, n, length);
    }

    public static void Strided(int n, int xLength, int incx, int yLength, int incy)
    {
        string call = $"StridedDot(n={n}, incx={incx}, incy={incy})";
        NonNegative(call, n, "n");
        if (incx < 1) throw new ArgumentOutOfRangeException(nameof(incx), incx, $"Blas.{call}: incx must be at least 1.");
        if (incy < 1) throw new ArgumentOutOfRangeException(nameof(incy), incy, $"Blas.{call}: incy must be at least 1.");
        if (n == 0) return;
        Length(call, "x", "x", (long)(n - 1) * incx + 1, xLength);
        Length(call, "y", "y", (long)(n - 1) * incy + 1, yLength);
    }

    private static void CheckTranspose(Transpose value, string parameter)
    {
        if (value is not (Transpose.NoTrans or Transpose.Trans))
            throw new ArgumentOutOfRangeException(parameter, value, $"{parameter} must be Transpose.NoTrans or Transpose.Trans.");
    }

    private static void NonNegative(string call, int value, string parameter)
    {
        if (value < 0)
            throw new ArgumentOutOfRangeException(parameter, value, $"Blas.{call}: {parameter} must not be negative.");
    }

    private static void Length(string call, string parameter, string what, long needed, int actual)
    {
        if (needed > int.MaxValue)
            throw new ArgumentException($"Blas.{call}: {what} needs {needed} elements, more than a span can hold.", parameter);
        if (actual < needed)
            throw new ArgumentException($"Blas.{call}: {what} needs {needed} elements but the span holds {actual}.", parameter);
    }
}
