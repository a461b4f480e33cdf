namespace Caffe.Tests;

/// <summary>Comparisons of <see cref="NdArray"/>s with the numbers pycaffe wrote.</summary>
internal static class NdArrayAssert
{
    /// <summary>Asserts equal shapes and every element within <paramref name="tolerance"/>·max(1, |expected|).</summary>
    public static void AreClose(NdArray expected, NdArray actual, float tolerance, string what = "array")
    {
        CollectionAssert.AreEqual(expected.Shape.ToArray(), actual.Shape.ToArray(), $"{what}: shape");
        for (int i = 0; i < expected.Count; i++)
        {
            float bar = tolerance * Math.Max(1, Math.Abs(expected.Data[i]));
            if (Math.Abs(expected.Data[i] - actual.Data[i]) > bar)
                Assert.Fail($"{what}: element {i} is {actual.Data[i]}, expected {expected.Data[i]}");
        }
    }
}
