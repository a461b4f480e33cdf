namespace Caffe.Examples.FineTuning;

/// <summary>
/// The new task's pictures: Fashion-MNIST turned a quarter turn clockwise and colour-inverted (dark clothes on a
/// white ground), so the pretrained filters see a domain they were not trained on, as ImageNet's filters see Flickr
/// styles in the notebook. Labels are unchanged.
/// </summary>
public static class DomainShift
{
    /// <summary>
    /// A copy of <paramref name="images"/> with every picture rotated 90° clockwise (output row y, column x is input
    /// row H−1−x, column y) and inverted (255 − value). Pictures must be square.
    /// </summary>
    public static IdxImages Apply(IdxImages images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rows != images.Cols)
            throw new ArgumentException($"rotation needs square pictures, these are {images.Rows}×{images.Cols}.", nameof(images));
        int side = images.Rows, size = side * side;
        var pixels = new byte[images.Count * size];
        for (int i = 0; i < images.Count; i++)
        {
            ReadOnlySpan<byte> source = images.Image(i);
            Span<byte> target = pixels.AsSpan(i * size, size);
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                    target[y * side + x] = (byte)(255 - source[(side - 1 - x) * side + y]);
        }
        return new IdxImages(images.Count, side, side, pixels);
    }

    /// <summary>
    /// <paramref name="count"/> distinct indices out of 0…<paramref name="total"/>−1, drawn with
    /// <see cref="Random"/>(<paramref name="seed"/>) and sorted: the seeded subset of the training pictures
    /// (the notebook's <c>--images=2000 --seed=1701</c>).
    /// </summary>
    public static int[] Subset(int total, int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, total);
        int[] all = [.. Enumerable.Range(0, total)];
        new Random(seed).Shuffle(all);
        int[] chosen = all[..count];
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>The pictures and labels at <paramref name="indices"/>, in that order.</summary>
    public static (IdxImages Images, byte[] Labels) Select(IdxImages images, IReadOnlyList<byte> labels, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(indices);
        int size = images.Rows * images.Cols;
        var pixels = new byte[indices.Count * size];
        var chosenLabels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            images.Image(indices[i]).CopyTo(pixels.AsSpan(i * size, size));
            chosenLabels[i] = labels[indices[i]];
        }
        return (new IdxImages(indices.Count, images.Rows, images.Cols, pixels), chosenLabels);
    }
}
