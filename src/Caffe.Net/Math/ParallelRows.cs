namespace Caffe;

/// <summary>
/// Splits row-wise work of element-wise layers over the cores, only when each chunk is large enough to
/// pay for the hand-off (the layers call it with spans re-derived from <see cref="Memory{T}"/> inside the body).
/// </summary>
internal static class ParallelRows
{
    /// <summary>Below this many elements per chunk the work stays on the calling thread.</summary>
    public const long MinChunkElements = 1 << 15;

    /// <summary>Calls <paramref name="body"/>(firstRow, endRow) over [0, <paramref name="rows"/>) in contiguous chunks.</summary>
    public static void For(int rows, long elementsPerRow, Action<int, int> body)
    {
        long total = rows * Math.Max(elementsPerRow, 1);
        int chunks = (int)Math.Min(Math.Min(Environment.ProcessorCount, rows), total / MinChunkElements);
        if (chunks <= 1)
        {
            if (rows > 0) body(0, rows);
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, i =>
            body((int)((long)rows * i / chunks), (int)((long)rows * (i + 1) / chunks)));
    }

    /// <summary>Calls <paramref name="body"/>(start, length) over the elements [0, <paramref name="count"/>).</summary>
    public static void ForElements(int count, Action<int, int> body) =>
        For(count, 1, (start, end) => body(start, end - start));
}
