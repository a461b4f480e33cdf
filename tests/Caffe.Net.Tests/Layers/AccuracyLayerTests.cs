namespace Caffe.Tests.Layers;

[TestClass]
public sealed class AccuracyLayerTests
{
    private Blob _data = null!;
    private Blob _label = null!;

    [TestInitialize]
    public void Fill()
    {
        Rng.SetRandomSeed(1701);
        _data = new Blob(100, 10);
        _label = new Blob(100);
        FillBottoms();
    }

    private void FillBottoms()
    {
        Rng.FillGaussian(_data.Data, 0, 1);
        for (int i = 0; i < _label.Count; i++) _label.Data[i] = Rng.Next(10);
    }

    private static AccuracyLayer Create(string prototxt = "") =>
        new(LayerTesting.Param("name: 'acc' type: 'Accuracy' " + prototxt));

    private Blob[] Run(string prototxt, int numTops = 1)
    {
        Blob[] tops = [.. Enumerable.Range(0, numTops).Select(_ => new Blob())];
        AccuracyLayer layer = Create(prototxt);
        layer.SetUp([_data, _label], tops);
        layer.Forward([_data, _label], tops);
        return tops;
    }

    /// <summary>Rank of the label's score among the 10 scores of row <paramref name="i"/> (0 = highest).</summary>
    private int LabelRank(int i)
    {
        float labelScore = _data.Data[i * 10 + (int)_label.Data[i]];
        int rank = 0;
        for (int c = 0; c < 10; c++) if (_data.Data[i * 10 + c] > labelScore) rank++;
        return rank;
    }

    [TestMethod]
    public void SetUpGivesAScalar()
    {
        var top = new Blob();
        Create().SetUp([_data, _label], [top]);
        Assert.AreEqual(0, top.NumAxes);
        Assert.AreEqual(1, top.Count);
        var topK = new Blob();
        Create("accuracy_param { top_k: 5 }").SetUp([_data, _label], [topK]);
        Assert.AreEqual(1, topK.Count);
    }

    [TestMethod]
    public void SetUpPerClassGivesOneValuePerClass()
    {
        var top = new Blob();
        var perClass = new Blob();
        Create().SetUp([_data, _label], [top, perClass]);
        Assert.AreEqual(1, top.Count);
        CollectionAssert.AreEqual(new[] { 10 }, perClass.Shape.ToArray());
    }

    [TestMethod]
    public void Forward()
    {
        Blob[] top = Run("");
        int correct = Enumerable.Range(0, 100).Count(i => LabelRank(i) == 0);
        Assert.AreEqual(correct / 100.0, top[0].Data[0], 1e-4);
    }

    [TestMethod]
    public void ForwardWithSpatialAxes()
    {
        _data.Reshape(2, 10, 4, 5);
        _label.Reshape(2, 4, 5);
        FillBottoms();
        Blob[] top = Run("accuracy_param { axis: 1 }");
        int correct = 0;
        for (int n = 0; n < 2; n++)
        {
            for (int k = 0; k < 20; k++)
            {
                int best = 0;
                for (int c = 1; c < 10; c++)
                    if (_data.Data[(n * 10 + c) * 20 + k] > _data.Data[(n * 10 + best) * 20 + k]) best = c;
                if (best == (int)_label.Data[n * 20 + k]) correct++;
            }
        }
        Assert.AreEqual(correct / 40.0, top[0].Data[0], 1e-4);
    }

    [TestMethod]
    public void ForwardIgnoreLabel()
    {
        _label.Data[2] = -1;
        _label.Data[5] = -1;
        _label.Data[32] = -1;
        Blob[] top = Run("accuracy_param { ignore_label: -1 }");
        int[] kept = [.. Enumerable.Range(0, 100).Where(i => _label.Data[i] != -1)];
        Assert.AreEqual(97, kept.Length);
        int correct = kept.Count(i => LabelRank(i) == 0);
        Assert.AreEqual(correct / 97.0, top[0].Data[0], 1e-4);
    }

    [TestMethod]
    public void ForwardTopK()
    {
        Blob[] top = Run("accuracy_param { top_k: 3 }");
        int correct = Enumerable.Range(0, 100).Count(i => LabelRank(i) < 3);
        Assert.AreEqual(correct / 100.0, top[0].Data[0], 1e-4);
    }

    [TestMethod]
    public void ForwardPerClass()
    {
        Blob[] top = Run("", numTops: 2);
        int correct = Enumerable.Range(0, 100).Count(i => LabelRank(i) == 0);
        Assert.AreEqual(correct / 100.0, top[0].Data[0], 1e-4);
        for (int c = 0; c < 10; c++)
        {
            int[] ofClass = [.. Enumerable.Range(0, 100).Where(i => (int)_label.Data[i] == c)];
            double expected = ofClass.Length == 0 ? 0 : ofClass.Count(i => LabelRank(i) == 0) / (double)ofClass.Length;
            Assert.AreEqual(expected, top[1].Data[c], 1e-4, $"class {c}");
        }
    }

    [TestMethod]
    public void ForwardPerClassWithIgnoreLabel()
    {
        const int ignored = 2;
        Blob[] top = Run($"accuracy_param {{ ignore_label: {ignored} }}", numTops: 2);
        int[] kept = [.. Enumerable.Range(0, 100).Where(i => (int)_label.Data[i] != ignored)];
        Assert.IsTrue(kept.Length < 100, "some labels are ignored");
        Assert.AreEqual(kept.Count(i => LabelRank(i) == 0) / (double)kept.Length, top[0].Data[0], 1e-4);
        Assert.AreEqual(0f, top[1].Data[ignored]);
        for (int c = 0; c < 10; c++)
        {
            if (c == ignored) continue;
            int[] ofClass = [.. kept.Where(i => (int)_label.Data[i] == c)];
            double expected = ofClass.Length == 0 ? 0 : ofClass.Count(i => LabelRank(i) == 0) / (double)ofClass.Length;
            Assert.AreEqual(expected, top[1].Data[c], 1e-4, $"class {c}");
        }
    }

    [TestMethod]
    public void TiesCountAgainstTheLabel()
    {
        _data = LayerTesting.FromValues([2, 3], 1f, 1f, 0f, 1f, 1f, 0f);
        _label = LayerTesting.FromValues([2], 0f, 1f);
        Assert.AreEqual(0f, Run("")[0].Data[0]);
        Assert.AreEqual(1f, Run("accuracy_param { top_k: 2 }")[0].Data[0]);
    }

    [TestMethod]
    public void AllLabelsIgnoredGivesZero()
    {
        _label.Data.Fill(7);
        Assert.AreEqual(0f, Run("accuracy_param { ignore_label: 7 }")[0].Data[0]);
    }

    [TestMethod]
    public void BackwardIsAnErrorOnlyWhenABottomNeedsIt()
    {
        var top = new Blob();
        AccuracyLayer layer = Create();
        layer.SetUp([_data, _label], [top]);
        layer.Forward([_data, _label], [top]);
        layer.Backward([top], [false, false], [_data, _label]);
        LayerTesting.Throws(() => layer.Backward([top], [true, false], [_data, _label]), "'acc'", "Accuracy has no gradient");
    }

    [TestMethod]
    public void ForcedBackwardThroughANetFailsClearly()
    {
        var net = new Net(TextFormat.Parse<NetParameter>("""
            force_backward: true
            layer { name: 'in' type: 'Input' top: 'score' top: 'label'
                    input_param { shape { dim: 4 dim: 3 } shape { dim: 4 } } }
            layer { name: 'acc' type: 'Accuracy' bottom: 'score' bottom: 'label' top: 'accuracy' }
            """));
        net.Forward();
        LayerTesting.Throws(() => net.Backward(), "Accuracy has no gradient");
    }

    [TestMethod]
    public void TopKAboveTheNumberOfClassesIsAnError()
    {
        LayerTesting.Throws(() => Run("accuracy_param { top_k: 11 }"), "top_k 11 exceeds the number of classes 10");
    }

    [TestMethod]
    public void TopKZeroIsAnError()
    {
        LayerTesting.Throws(() => Run("accuracy_param { top_k: 0 }"), "top_k must be at least 1, got 0");
    }

    [TestMethod]
    public void LabelOutsideTheClassesIsAnError()
    {
        _label.Data[42] = 10;
        LayerTesting.Throws(() => Run(""), "label 10 at position 42", "[0, 10)");
    }

    [TestMethod]
    public void LabelCountMustMatchThePredictions()
    {
        _label = new Blob(100, 2);
        LayerTesting.Throws(() => Run(""), "100 2 (200)");
    }

    [TestMethod]
    public void AxisOutOfRangeIsAnError()
    {
        LayerTesting.Throws(() => Run("accuracy_param { axis: 2 }"), "accuracy_param.axis 2 is out of range");
    }
}
