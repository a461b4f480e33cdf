namespace Caffe;

/// <summary>
/// The images of an IDX image file held in memory: <see cref="Count"/> gray images of <see cref="Rows"/> ×
/// <see cref="Cols"/> bytes (0 = background in MNIST, 255 = ink), stored one after the other, row by row.
/// </summary>
public sealed class IdxImages
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied), which must hold exactly count × rows × cols bytes.</summary>
    public IdxImages(int count, int rows, int cols, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if ((long)count * rows * cols != pixels.Length)
            throw new ArgumentException($"{count} images of {rows}×{cols} need {(long)count * rows * cols} bytes, got {pixels.Length}.", nameof(pixels));
        Count = count;
        Rows = rows;
        Cols = cols;
        Pixels = pixels;
    }

    /// <summary>The number of images.</summary>
    public int Count { get; }

    /// <summary>The height of every image.</summary>
    public int Rows { get; }

    /// <summary>The width of every image.</summary>
    public int Cols { get; }

    /// <summary>All pixels, image after image (the file's payload; a view, not a copy).</summary>
    public byte[] Pixels { get; }

    /// <summary>The pixels of image <paramref name="index"/>, row by row (a view).</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return Pixels.AsSpan(index * Rows * Cols, Rows * Cols);
    }
}
