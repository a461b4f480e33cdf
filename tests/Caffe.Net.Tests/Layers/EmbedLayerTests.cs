namespace Caffe.Tests.Layers;

[TestClass]
public sealed class EmbedLayerTests
{
    private const string WeightFiller = "weight_filler { type: 'uniform' min: -10 max: 10 }";

    // Caffe's fixture: a 4x1x1x1 bottom (its values are replaced by indices in each test).
    private static Blob Bottom(params float[] indices)
    {
        Rng.SetRandomSeed(1701);
        Blob bottom = LayerTesting.Uniform([4, 1, 1, 1], 0, 1);
        if (indices.Length > 0) indices.CopyTo(bottom.Data);
        return bottom;
    }

    [TestMethod]
    public void SetUpAppendsNumOutput()
    {
        Blob bottom = Bottom(), top = new();
        var layer = LayerTesting.Create<EmbedLayer>("type: 'Embed' embed_param { num_output: 10 input_dim: 5 }");
        layer.SetUp([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 4, 1, 1, 1, 10 }, top.Shape.ToArray());
        Assert.HasCount(2, layer.Blobs);
        CollectionAssert.AreEqual(new[] { 5, 10 }, layer.Blobs[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 10 }, layer.Blobs[1].Shape.ToArray());
    }

    [TestMethod]
    public void ForwardCopiesWeightRows()
    {
        Blob bottom = Bottom(4, 0, 2, 2), top = new();
        var layer = LayerTesting.Create<EmbedLayer>($"type: 'Embed' embed_param {{ num_output: 10 input_dim: 5 bias_term: false {WeightFiller} }}");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        Assert.HasCount(1, layer.Blobs);
        for (int i = 0; i < 4; i++)
        {
            int index = (int)bottom.Data[i];
            for (int j = 0; j < 10; j++) Assert.AreEqual(layer.Blobs[0].Data[index * 10 + j], top.Data[i * 10 + j]);
        }
    }

    [TestMethod]
    public void ForwardAddsTheBias()
    {
        Blob bottom = Bottom(1, 3, 3, 0), top = new();
        var layer = LayerTesting.Create<EmbedLayer>(
            $"type: 'Embed' embed_param {{ num_output: 10 input_dim: 5 bias_term: true {WeightFiller} bias_filler {{ type: 'uniform' min: -10 max: 10 }} }}");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        for (int i = 0; i < 4; i++)
        {
            int index = (int)bottom.Data[i];
            for (int j = 0; j < 10; j++)
                Assert.AreEqual(layer.Blobs[0].Data[index * 10 + j] + layer.Blobs[1].Data[j], top.Data[i * 10 + j]);
        }
    }

    [TestMethod]
    public void BackwardAccumulatesIntoTheSelectedRows()
    {
        Blob bottom = LayerTesting.FromValues([3], 2, 0, 2), top = new();
        var layer = LayerTesting.Create<EmbedLayer>("type: 'Embed' embed_param { num_output: 2 input_dim: 3 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        new[] { 1f, 2f, 3f, 4f, 5f, 6f }.CopyTo(top.Diff);
        layer.Blobs[0].Diff.Fill(100f);
        layer.Blobs[1].Diff.Fill(100f);
        layer.Backward([top], [false], [bottom]);
        // Row 0 gets item 1; row 2 gets items 0 and 2; row 1 nothing. Parameter diffs accumulate.
        CollectionAssert.AreEqual(new[] { 103f, 104f, 100f, 100f, 106f, 108f }, layer.Blobs[0].Diff.ToArray());
        CollectionAssert.AreEqual(new[] { 109f, 112f }, layer.Blobs[1].Diff.ToArray());
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Gradient(bool biasTerm)
    {
        Blob bottom = Bottom(4, 2, 2, 3), top = new();
        string bias = biasTerm ? "bias_term: true bias_filler { type: 'uniform' min: -10 max: 10 }" : "bias_term: false";
        var layer = LayerTesting.Create<EmbedLayer>($"type: 'Embed' embed_param {{ num_output: 10 input_dim: 5 {bias} {WeightFiller} }}");
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(layer, [bottom], [top], -2);
    }

    [TestMethod]
    [DataRow(5f, "input value 5 at position 2")]
    [DataRow(-1f, "input value -1 at position 2")]
    [DataRow(1.5f, "input value 1.5 at position 2")]
    public void BadIndexIsAnErrorAtForward(float value, string expected)
    {
        Blob bottom = Bottom(0, 1, value, 2), top = new();
        var layer = LayerTesting.Create<EmbedLayer>("name: 'emb' type: 'Embed' embed_param { num_output: 3 input_dim: 5 }");
        layer.SetUp([bottom], [top]);
        LayerTesting.Throws(() => layer.Forward([bottom], [top]), "'emb'", expected, "[0, 5)");
    }

    [TestMethod]
    public void BackwardToTheIndicesIsAnError()
    {
        Blob bottom = Bottom(0, 1, 2, 3), top = new();
        var layer = LayerTesting.Create<EmbedLayer>("type: 'Embed' embed_param { num_output: 3 input_dim: 5 }");
        LayerTesting.SetUpAndForward(layer, [bottom], [top]);
        Assert.IsFalse(layer.AllowForceBackward(0));
        LayerTesting.Throws(() => layer.Backward([top], [true], [bottom]), "indices");
    }

    [TestMethod]
    public void MissingSizesAreErrors()
    {
        Blob bottom = Bottom(), top = new();
        LayerTesting.Throws(() => LayerTesting.Create<EmbedLayer>("name: 'emb' type: 'Embed' embed_param { input_dim: 5 }").SetUp([bottom], [top]),
            "'emb'", "num_output must be positive");
        LayerTesting.Throws(() => LayerTesting.Create<EmbedLayer>("type: 'Embed' embed_param { num_output: 5 }").SetUp([bottom], [top]),
            "input_dim must be positive");
    }

    [TestMethod]
    public void StoredWeightsOfTheWrongSizeAreAnError()
    {
        Blob bottom = Bottom(), top = new();
        LayerParameter param = LayerTesting.Param("type: 'Embed' embed_param { num_output: 3 input_dim: 5 bias_term: false }");
        param.Blobs.Add(new Blob(4, 3).ToProto());
        LayerTesting.Throws(() => new EmbedLayer(param).SetUp([bottom], [top]), "weight blob has shape (4 3)", "5 x 3");
    }
}
