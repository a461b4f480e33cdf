namespace Caffe.Tests.IO;

/// <summary>caffe.io.Transformer: pycaffe's order of operations, its inverse, and its validation errors.</summary>
[TestClass]
public sealed class TransformerTests
{
    private static NdArray Ref(string name) => Npy.Load(TestData.Path($"pycaffe/{name}.npy"));

    private static Transformer ImageNetStyle()
    {
        var transformer = new Transformer(new Dictionary<string, IReadOnlyList<int>> { ["data"] = [1, 3, 6, 7] });
        transformer.SetTranspose("data", 2, 0, 1);
        transformer.SetChannelSwap("data", 2, 1, 0);
        transformer.SetRawScale("data", 255);
        transformer.SetMean("data", new NdArray([104f, 117f, 123f], [3]));
        transformer.SetInputScale("data", 0.5f);
        return transformer;
    }

    [TestMethod]
    public void PreprocessResizesTransposesSwapsScalesAndSubtractsAsPycaffe()
    {
        NdArray image = Ref("transformer_image");
        NdArray actual = ImageNetStyle().Preprocess("data", image);
        NdArrayAssert.AreClose(Ref("transformer_pre"), actual, 2e-5f, "preprocess");
        CollectionAssert.AreEqual(Ref("transformer_image").Data, image.Data, "the caller's image is left alone");
    }

    [TestMethod]
    public void DeprocessUndoesEverythingButTheResize()
    {
        NdArray pre = Ref("transformer_pre");
        NdArray batch = pre.Reshape([1, .. pre.Shape]);
        NdArray actual = ImageNetStyle().Deprocess("data", batch);
        NdArrayAssert.AreClose(Ref("transformer_de"), actual, 2e-6f, "deprocess");
    }

    [TestMethod]
    public void StepsApplyInPycaffeOrder()
    {
        // One pixel, two channels: ((x·raw)[swapped] − mean)·input_scale.
        var t = new Transformer(new Dictionary<string, IReadOnlyList<int>> { ["x"] = [1, 2, 1, 1] });
        t.SetTranspose("x", 2, 0, 1);
        t.SetChannelSwap("x", 1, 0);
        t.SetRawScale("x", 10);
        t.SetMean("x", new NdArray([1f, 2f], [2]));
        t.SetInputScale("x", 3);
        NdArray result = t.Preprocess("x", new NdArray([0.5f, 0.25f], [1, 1, 2]));
        CollectionAssert.AreEqual(new[] { 2, 1, 1 }, result.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { (2.5f - 1) * 3, (5f - 2) * 3 }, result.Data);
    }

    [TestMethod]
    public void DeprocessRoundTripsAndSqueezesLikeNumpy()
    {
        var t = new Transformer(new Dictionary<string, IReadOnlyList<int>> { ["x"] = [1, 2, 2, 2] });
        t.SetTranspose("x", 2, 0, 1);
        t.SetChannelSwap("x", 1, 0);
        t.SetRawScale("x", 4);
        t.SetMean("x", new NdArray([1f, 2f], [2]));
        t.SetInputScale("x", 0.5f);
        var image = new NdArray([0.5f, 0.25f, 0f, 1f, 0.75f, 0.125f, 0.375f, 0.625f], [2, 2, 2]);
        NdArray pre = t.Preprocess("x", image);
        NdArray back = t.Deprocess("x", pre.Reshape([1, .. pre.Shape]));
        CollectionAssert.AreEqual(image.Shape.ToArray(), back.Shape.ToArray());
        CollectionAssert.AreEqual(image.Data, back.Data);
    }

    [TestMethod]
    public void FullMeanOfAnotherSizeIsResized()
    {
        var t = new Transformer(new Dictionary<string, IReadOnlyList<int>> { ["data"] = [1, 3, 5, 6] });
        t.SetMean("data", Ref("mean_full_in"));
        NdArrayAssert.AreClose(Ref("mean_full_resized"), t.GetMean("data")!, 2e-6f, "resized mean");
    }

    [TestMethod]
    public void FullAndTwoDimensionalMeansOfTheInputSizeAreKept()
    {
        var t = new Transformer(new Dictionary<string, IReadOnlyList<int>> { ["data"] = [1, 1, 2, 2] });
        t.SetTranspose("data", 2, 0, 1);
        t.SetMean("data", new NdArray([1f, 2f, 3f, 4f], [2, 2]));
        NdArray result = t.Preprocess("data", new NdArray([10f, 10f, 10f, 10f], [2, 2, 1]));
        CollectionAssert.AreEqual(new[] { 9f, 8f, 7f, 6f }, result.Data);
    }

    [TestMethod]
    public void BuildsInputsFromANet()
    {
        var net = new Net(TextFormat.Parse<NetParameter>(
            "layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 2 dim: 3 dim: 4 dim: 5 } } }"));
        var t = new Transformer(net);
        CollectionAssert.AreEqual(new[] { 2, 3, 4, 5 }, t.Inputs["data"].ToArray());
    }

    [TestMethod]
    public void ValidationErrorsNameTheInputAndWhatWasExpected()
    {
        var t = new Transformer(new Dictionary<string, IReadOnlyList<int>> { ["data"] = [1, 3, 4, 4] });
        StringAssert.Contains(Assert.ThrowsExactly<KeyNotFoundException>(() => t.SetRawScale("image", 1)).Message,
            "'image' is not one of the net inputs: 'data'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => t.SetTranspose("data", 1, 0)).Message, "needs 3 axes");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => t.SetTranspose("data", 0, 0, 1)).Message, "not a permutation");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => t.SetChannelSwap("data", 1, 0)).Message, "needs 3 entries");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => t.SetMean("data", new NdArray(2))).Message,
            "Mean channels incompatible with input");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => t.SetMean("data", new NdArray(1, 3, 4, 4))).Message,
            "Mean shape invalid");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => t.SetMean("data", new NdArray(2, 4, 4))).Message,
            "Mean shape incompatible with input shape");
        Assert.ThrowsExactly<KeyNotFoundException>(() => t.Preprocess("nope", new NdArray(4, 4, 3)));
    }
}
