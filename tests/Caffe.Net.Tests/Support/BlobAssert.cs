namespace Caffe.Tests;

/// <summary>Tolerance comparisons of blobs and float spans for layer tests.</summary>
internal static class BlobAssert
{
    /// <summary>Asserts both blobs have the same shape and values within <paramref name="tolerance"/>.</summary>
    public static void AreClose(Blob expected, Blob actual, float tolerance, bool diff = false, string what = "")
    {
        CollectionAssert.AreEqual(expected.Shape.ToArray(), actual.Shape.ToArray(), $"{what}: shapes differ");
        ReadOnlySpan<float> e = diff ? expected.Diff : expected.Data, a = diff ? actual.Diff : actual.Data;
        for (int i = 0; i < e.Length; i++)
        {
            if (!(MathF.Abs(e[i] - a[i]) <= tolerance))
                Assert.Fail($"{what}: element {i} differs: expected {e[i]}, got {a[i]} (tolerance {tolerance})");
        }
    }

    /// <summary>Asserts two spans agree to a relative tolerance (scale floored at 1).</summary>
    public static void AreRelativelyClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: lengths differ");
        for (int i = 0; i < expected.Length; i++)
        {
            float scale = MathF.Max(1f, MathF.Max(MathF.Abs(expected[i]), MathF.Abs(actual[i])));
            if (!(MathF.Abs(expected[i] - actual[i]) <= tolerance * scale))
                Assert.Fail($"{what}: element {i} differs: {expected[i]} vs {actual[i]}");
        }
    }
}
