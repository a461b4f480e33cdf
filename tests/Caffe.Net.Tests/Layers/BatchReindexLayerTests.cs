namespace Caffe.Tests.Layers;

[TestClass]
public sealed class BatchReindexLayerTests
{
    private static readonly float[] Permutation = [4, 0, 4, 0, 1, 2];

    private static Blob Bottom()
    {
        Rng.SetRandomSeed(1701);
        return LayerTesting.Gaussian([5, 4, 3, 2]);
    }

    [TestMethod]
    public void Forward()
    {
        Blob bottom = new(5, 4, 3, 2), top = new();
        for (int i = 0; i < bottom.Count; i++) bottom.Data[i] = i;
        Blob permutation = LayerTesting.FromValues([6], Permutation);
        var layer = LayerTesting.Create<BatchReindexLayer>("type: 'BatchReindex'");
        layer.SetUp([bottom, permutation], [top]);
        CollectionAssert.AreEqual(new[] { 6, 4, 3, 2 }, top.Shape.ToArray());
        layer.Forward([bottom, permutation], [top]);
        int inner = 4 * 3 * 2;
        for (int i = 0; i < top.Count; i++)
            Assert.AreEqual(bottom.Data[(int)Permutation[i / inner] * inner + i % inner], top.Data[i]);
    }

    [TestMethod]
    public void BackwardSumsRepeatedItemsAndZeroesUnused()
    {
        Blob bottom = LayerTesting.FromValues([3, 1], 1, 2, 3), permutation = LayerTesting.FromValues([4], 2, 2, 0, 2), top = new();
        var layer = LayerTesting.Create<BatchReindexLayer>("type: 'BatchReindex'");
        LayerTesting.SetUpAndForward(layer, [bottom, permutation], [top]);
        CollectionAssert.AreEqual(new[] { 3f, 3f, 1f, 3f }, top.Data.ToArray());
        bottom.Diff.Fill(99f);
        new[] { 1f, 10f, 100f, 1000f }.CopyTo(top.Diff);
        layer.Backward([top], [true, false], [bottom, permutation]);
        CollectionAssert.AreEqual(new[] { 100f, 0f, 1011f }, bottom.Diff.ToArray());
    }

    [TestMethod]
    public void Gradient()
    {
        Blob bottom = Bottom(), permutation = LayerTesting.FromValues([6], Permutation), top = new();
        var layer = LayerTesting.Create<BatchReindexLayer>("type: 'BatchReindex'");
        new GradientChecker(1e-4f, 1e-2f).CheckGradientExhaustive(layer, [bottom, permutation], [top], 0);
    }

    [TestMethod]
    [DataRow(5f)]
    [DataRow(-1f)]
    public void IndexOutOfRangeIsAnErrorAtForward(float bad)
    {
        Blob bottom = Bottom(), permutation = LayerTesting.FromValues([3], 0, bad, 1), top = new();
        var layer = LayerTesting.Create<BatchReindexLayer>("name: 'br' type: 'BatchReindex'");
        layer.SetUp([bottom, permutation], [top]);
        LayerTesting.Throws(() => layer.Forward([bottom, permutation], [top]), "'br'", $"index {bad} at position 1", "[0, 5)");
    }

    [TestMethod]
    public void IndexBlobMustBe1D()
    {
        Blob bottom = Bottom(), permutation = LayerTesting.FromValues([3, 1], 0, 1, 2), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<BatchReindexLayer>("type: 'BatchReindex'").SetUp([bottom, permutation], [top]),
            "must be 1-D", "(3 1)");
    }

    [TestMethod]
    public void IndicesGetNoGradient()
    {
        Blob bottom = Bottom(), permutation = LayerTesting.FromValues([2], 0, 1), top = new();
        var layer = LayerTesting.Create<BatchReindexLayer>("type: 'BatchReindex'");
        LayerTesting.SetUpAndForward(layer, [bottom, permutation], [top]);
        Assert.IsFalse(layer.AllowForceBackward(1));
        LayerTesting.Throws(() => layer.Backward([top], [true, true], [bottom, permutation]), "index bottom");
    }
}
