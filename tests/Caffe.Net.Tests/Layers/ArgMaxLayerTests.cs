namespace Caffe.Tests.Layers;

[TestClass]
public sealed class ArgMaxLayerTests
{
    private const int TopK = 5;

    // Caffe's fixture: 10x10x20x20 standard normal.
    private static Blob Bottom() => LayerTesting.SeededGaussian(10, 10, 20, 20);

    [TestMethod]
    public void SetUpShapes()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax'").SetUp([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 10, 1, 1, 1 }, top.Shape.ToArray());
        LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax' argmax_param { out_max_val: true }").SetUp([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 10, 2, 1, 1 }, top.Shape.ToArray());
        LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax' argmax_param { axis: 0 }").SetUp([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 1, 10, 20, 20 }, top.Shape.ToArray());
        LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax' argmax_param { axis: -2 top_k: 3 }").SetUp([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 10, 10, 3, 20 }, top.Shape.ToArray());
        LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax' argmax_param { axis: 2 out_max_val: true }").SetUp([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 10, 10, 1, 20 }, top.Shape.ToArray());
    }

    [TestMethod]
    public void SetUpOfA2DBottomPadsToThreeAxes()
    {
        Blob bottom = LayerTesting.SeededGaussian(4, 6), top = new();
        LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax' argmax_param { top_k: 2 }").SetUp([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 4, 1, 2 }, top.Shape.ToArray());
    }

    [TestMethod]
    public void ForwardArgMax()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax'"), [bottom], [top]);
        int num = bottom.Num, dim = bottom.Count / num;
        for (int i = 0; i < num; i++)
        {
            int maxIndex = (int)top.Data[i];
            Assert.IsTrue(maxIndex >= 0 && maxIndex < dim);
            float maxValue = bottom.Data[i * dim + maxIndex];
            for (int j = 0; j < dim; j++) Assert.IsLessThanOrEqualTo(maxValue, bottom.Data[i * dim + j]);
        }
    }

    [TestMethod]
    public void ForwardMaxVal()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax' argmax_param { out_max_val: true }"), [bottom], [top]);
        int num = bottom.Num, dim = bottom.Count / num;
        for (int i = 0; i < num; i++)
        {
            int maxIndex = (int)top.Data[i * 2];
            float maxValue = top.Data[i * 2 + 1];
            Assert.AreEqual(bottom.Data[i * dim + maxIndex], maxValue);
            for (int j = 0; j < dim; j++) Assert.IsLessThanOrEqualTo(maxValue, bottom.Data[i * dim + j]);
        }
    }

    [TestMethod]
    public void ForwardTopK()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<ArgMaxLayer>($"type: 'ArgMax' argmax_param {{ top_k: {TopK} }}"), [bottom], [top]);
        int num = bottom.Num, dim = bottom.Count / num;
        for (int i = 0; i < num; i++)
        {
            for (int j = 0; j < TopK; j++)
            {
                int maxIndex = (int)top.DataAt(i, 0, j);
                Assert.AreEqual(j, CountGreater(bottom.Data.Slice(i * dim, dim), bottom.Data[i * dim + maxIndex]));
            }
        }
    }

    [TestMethod]
    public void ForwardMaxValTopK()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(
            LayerTesting.Create<ArgMaxLayer>($"type: 'ArgMax' argmax_param {{ out_max_val: true top_k: {TopK} }}"), [bottom], [top]);
        int num = bottom.Num, dim = bottom.Count / num;
        for (int i = 0; i < num; i++)
        {
            for (int j = 0; j < TopK; j++)
            {
                int maxIndex = (int)top.DataAt(i, 0, j);
                float maxValue = top.DataAt(i, 1, j);
                Assert.AreEqual(bottom.Data[i * dim + maxIndex], maxValue);
                Assert.AreEqual(j, CountGreater(bottom.Data.Slice(i * dim, dim), maxValue));
            }
        }
    }

    [TestMethod]
    public void ForwardAxis0()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax' argmax_param { axis: 0 }"), [bottom], [top]);
        for (int c = 0; c < 10; c++)
        for (int h = 0; h < 20; h++)
        for (int w = 0; w < 20; w++)
        {
            int maxIndex = (int)top.DataAt(0, c, h, w);
            float maxValue = bottom.DataAt(maxIndex, c, h, w);
            for (int n = 0; n < 10; n++) Assert.IsLessThanOrEqualTo(maxValue, bottom.DataAt(n, c, h, w));
        }
    }

    [TestMethod]
    public void ForwardAxis2TopK()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(
            LayerTesting.Create<ArgMaxLayer>($"type: 'ArgMax' argmax_param {{ axis: 2 top_k: {TopK} }}"), [bottom], [top]);
        var column = new float[20];
        for (int n = 0; n < 10; n++)
        for (int c = 0; c < 10; c++)
        for (int w = 0; w < 20; w++)
        {
            for (int h = 0; h < 20; h++) column[h] = bottom.DataAt(n, c, h, w);
            for (int m = 0; m < TopK; m++)
            {
                int maxIndex = (int)top.DataAt(n, c, m, w);
                Assert.AreEqual(m, CountGreater(column, column[maxIndex]));
            }
        }
    }

    [TestMethod]
    public void ForwardLastAxisMaxValTopK()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.SetUpAndForward(
            LayerTesting.Create<ArgMaxLayer>($"type: 'ArgMax' argmax_param {{ axis: -1 top_k: {TopK} out_max_val: true }}"), [bottom], [top]);
        for (int n = 0; n < 10; n++)
        for (int c = 0; c < 10; c++)
        for (int h = 0; h < 20; h++)
        for (int m = 0; m < TopK; m++)
        {
            float maxValue = top.DataAt(n, c, h, m);
            Assert.AreEqual(m, CountGreater(bottom.Data.Slice(bottom.Offset(n, c, h), 20), maxValue));
        }
    }

    [TestMethod]
    public void HandComputedTiesGoToTheLargerIndex()
    {
        Blob bottom = LayerTesting.FromValues([2, 4], 1f, 3f, 3f, 0f, -1f, 5f, 2f, 5f), top = new();
        LayerTesting.SetUpAndForward(
            LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax' argmax_param { top_k: 3 out_max_val: true }"), [bottom], [top]);
        CollectionAssert.AreEqual(new[] { 2, 2, 3 }, top.Shape.ToArray());
        // Item 0: 3 (index 2), 3 (index 1), 1 (index 0). Item 1: 5 (index 3), 5 (index 1), 2 (index 2).
        CollectionAssert.AreEqual(new[] { 2f, 1f, 0f, 3f, 3f, 1f, 3f, 1f, 2f, 5f, 5f, 2f }, top.Data.ToArray());
    }

    [TestMethod]
    public void BadParametersAreErrors()
    {
        Blob bottom = LayerTesting.SeededGaussian(2, 3), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<ArgMaxLayer>("name: 'am' type: 'ArgMax' argmax_param { top_k: 0 }").SetUp([bottom], [top]),
            "'am'", "top_k must be at least 1");
        LayerTesting.Throws(() => LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax' argmax_param { top_k: 4 }").SetUp([bottom], [top]),
            "top_k (4)", "3 entries");
        LayerTesting.Throws(() => LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax' argmax_param { axis: 0 top_k: 3 }").SetUp([bottom], [top]),
            "top_k (3)", "axis 0");
        LayerTesting.Throws(() => LayerTesting.Create<ArgMaxLayer>("type: 'ArgMax' argmax_param { axis: 2 }").SetUp([bottom], [top]),
            "argmax_param axis 2", "2-D");
    }

    [TestMethod]
    public void BackwardIsAnErrorOnlyWhenAGradientIsWanted()
    {
        Blob bottom = LayerTesting.SeededGaussian(2, 3), top = new();
        var layer = LayerTesting.Create<ArgMaxLayer>("name: 'am' type: 'ArgMax'");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        layer.Backward([top], [false], [bottom]);
        LayerTesting.Throws(() => layer.Backward([top], [true], [bottom]), "'am'", "ArgMax has no gradient");
    }

    private static int CountGreater(ReadOnlySpan<float> values, float threshold)
    {
        int count = 0;
        foreach (float v in values) if (v > threshold) count++;
        return count;
    }

    [TestMethod]
    public void BottomShrinkingBelowTopKIsAnErrorAtReshape()
    {
        Blob bottom = LayerTesting.SeededGaussian(2, 5), top = new();
        ArgMaxLayer layer = LayerTesting.Create<ArgMaxLayer>("name: 'am' type: 'ArgMax' argmax_param { top_k: 4 }");
        layer.SetUp([bottom], [top]);
        bottom.Reshape(2, 3);
        LayerTesting.Throws(() => layer.Forward([bottom], [top]), "'am'", "top_k (4)", "3 entries");
    }
}
