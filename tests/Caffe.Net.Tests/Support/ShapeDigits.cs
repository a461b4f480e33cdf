namespace Caffe.Tests;

/// <summary>
/// Small synthetic stand-ins for MNIST pictures, for tests that train on them: three classes a small net tells
/// apart at once (a horizontal bar, a vertical bar, a hollow square), 28×28, placed at a random offset on faint noise.
/// </summary>
internal static class ShapeDigits
{
    /// <summary><paramref name="count"/> pictures, labels 0, 1, 2 in turn, reproducible from <paramref name="seed"/>.</summary>
    public static (IdxImages Images, byte[] Labels) Make(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 28 * 28];
        var labels = new byte[count];
        for (int item = 0; item < count; item++)
        {
            int label = item % 3, dy = random.Next(-4, 5), dx = random.Next(-4, 5);
            labels[item] = (byte)label;
            Span<byte> image = pixels.AsSpan(item * 784, 784);
            for (int p = 0; p < 784; p++) image[p] = (byte)random.Next(0, 40);
            for (int y = 0; y < 28; y++)
            {
                for (int x = 0; x < 28; x++)
                {
                    int u = y - dy, v = x - dx;
                    bool ink = label switch
                    {
                        0 => u is >= 12 and < 16 && v is >= 5 and < 23,
                        1 => v is >= 12 and < 16 && u is >= 5 and < 23,
                        _ => u is >= 7 and < 21 && v is >= 7 and < 21 && !(u is >= 10 and < 18 && v is >= 10 and < 18),
                    };
                    if (ink) image[y * 28 + x] = 255;
                }
            }
        }
        return (new IdxImages(count, 28, 28, pixels), labels);
    }
}
