namespace Caffe.Tests.Layers;

[TestClass]
public sealed class FilterLayerTests
{
    // Caffe's fixture: data 4x14x5x7 and labels 4x1x1x1 (gaussian), selector 0 1 1 0 as the last bottom.
    private static (Blob Data, Blob Labels, Blob Selector) Bottoms()
    {
        Rng.SetRandomSeed(1890);
        Blob data = LayerTesting.Gaussian([4, 14, 5, 7]);
        Blob labels = LayerTesting.Gaussian([4, 1, 1, 1]);
        Blob selector = LayerTesting.FromValues([4, 1, 1, 1], 0f, 1f, 1f, 0f);
        return (data, labels, selector);
    }

    [TestMethod]
    public void ReshapeKeepsTheBatchAtSetUpThenFilters()
    {
        var (data, labels, selector) = Bottoms();
        Blob topData = new(), topLabels = new();
        var layer = LayerTesting.Create<FilterLayer>("type: 'Filter'");
        layer.SetUp([data, labels, selector], [topData, topLabels]);
        // Caffe's first-reshape rule: the full batch at setup, so that a net can be built before the selector is known.
        Assert.AreEqual(4, topData.Num);
        layer.Reshape([data, labels, selector], [topData, topLabels]);
        CollectionAssert.AreEqual(new[] { 2, 14, 5, 7 }, topData.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 1, 1, 1 }, topLabels.Shape.ToArray());
    }

    [TestMethod]
    public void ForwardKeepsSelectedItems()
    {
        var (data, labels, selector) = Bottoms();
        Blob topData = new(), topLabels = new();
        var layer = LayerTesting.Create<FilterLayer>("type: 'Filter'");
        LayerTesting.SetUpAndForward(layer, [data, labels, selector], [topData, topLabels]);
        Assert.AreEqual(labels.Data[1], topLabels.Data[0]);
        Assert.AreEqual(labels.Data[2], topLabels.Data[1]);
        int dim = topData.Count / topData.Num;
        CollectionAssert.AreEqual(data.Data.Slice(dim, 2 * dim).ToArray(), topData.Data.ToArray());
    }

    [TestMethod]
    public void BackwardZeroesFilteredOutItems()
    {
        Blob data = LayerTesting.FromValues([3, 2], 1, 2, 3, 4, 5, 6), selector = LayerTesting.FromValues([3], 2f, 0f, -1f), top = new();
        var layer = LayerTesting.Create<FilterLayer>("type: 'Filter'");
        LayerTesting.SetUpAndForward(layer, [data, selector], [top]);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 5f, 6f }, top.Data.ToArray());
        data.Diff.Fill(99f);
        new[] { 10f, 20f, 30f, 40f }.CopyTo(top.Diff);
        layer.Backward([top], [true, false], [data, selector]);
        CollectionAssert.AreEqual(new[] { 10f, 20f, 0f, 0f, 30f, 40f }, data.Diff.ToArray());
    }

    [TestMethod]
    public void NothingSelectedGivesEmptyTops()
    {
        Blob data = LayerTesting.FromValues([2, 2], 1, 2, 3, 4), selector = LayerTesting.FromValues([2], 0f, 0f), top = new();
        var layer = LayerTesting.Create<FilterLayer>("type: 'Filter'");
        LayerTesting.SetUpAndForward(layer, [data, selector], [top]);
        CollectionAssert.AreEqual(new[] { 0, 2 }, top.Shape.ToArray());
        layer.Backward([top], [true, false], [data, selector]);
        foreach (float d in data.Diff) Assert.AreEqual(0f, d);
    }

    [TestMethod]
    public void Gradient()
    {
        // Caffe's checker on a smaller data blob (4x3x2x2 instead of 4x14x5x7): the exhaustive check costs
        // (top count x bottom count) forward passes.
        Rng.SetRandomSeed(1890);
        Blob data = LayerTesting.Gaussian([4, 3, 2, 2]);
        Blob labels = LayerTesting.Gaussian([4, 1, 1, 1]);
        Blob selector = LayerTesting.FromValues([4, 1, 1, 1], 0f, 1f, 1f, 0f);
        Blob topData = new(), topLabels = new();
        var layer = LayerTesting.Create<FilterLayer>("type: 'Filter'");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [data, labels, selector], [topData, topLabels], 0);
    }

    [TestMethod]
    public void BadShapesAndCountsAreErrors()
    {
        var (data, labels, _) = Bottoms();
        Blob top = new(), top2 = new();
        LayerTesting.Throws(() => LayerTesting.Create<FilterLayer>("name: 'f' type: 'Filter'")
            .SetUp([data, labels, LayerTesting.FromValues([4, 2], 0, 0, 0, 0, 0, 0, 0, 0)], [top, top2]),
            "'f'", "singleton dimensions", "(4 2)");
        LayerTesting.Throws(() => LayerTesting.Create<FilterLayer>("type: 'Filter'")
            .SetUp([data, LayerTesting.FromValues([3], 0, 1, 0)], [top]),
            "bottom 0", "first dimension 3");
        LayerTesting.Throws(() => LayerTesting.Create<FilterLayer>("type: 'Filter'")
            .SetUp([data, labels, LayerTesting.FromValues([4], 0, 1, 1, 0)], [top]),
            "one top per filtered bottom", "3 bottom(s)", "1 top(s)");
    }

    [TestMethod]
    public void SelectorGetsNoGradient()
    {
        Blob data = LayerTesting.FromValues([2, 2], 1, 2, 3, 4), selector = LayerTesting.FromValues([2], 1f, 0f), top = new();
        var layer = LayerTesting.Create<FilterLayer>("type: 'Filter'");
        LayerTesting.SetUpAndForward(layer, [data, selector], [top]);
        Assert.IsTrue(layer.AllowForceBackward(0));
        Assert.IsFalse(layer.AllowForceBackward(1));
        LayerTesting.Throws(() => layer.Backward([top], [true, true], [data, selector]), "selector");
    }
}
