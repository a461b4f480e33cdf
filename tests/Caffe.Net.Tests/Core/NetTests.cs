namespace Caffe.Tests.Core;

/// <summary>
/// Net semantics from BVLC's test_net.cpp (backward needs, loss weights, shared weights, propagate_down,
/// partial forward/backward, reshape) and pycaffe's Net API (forward/backward ranges, returns and errors).
/// </summary>
[TestClass]
public sealed class NetTests
{
    private static Net Build(string prototxt, Phase phase = Phase.Train)
    {
        Rng.SetRandomSeed(1701);
        NetParameter param = TextFormat.Parse<NetParameter>(prototxt);
        param.State = new NetState { Phase = phase };
        return new Net(param);
    }

    // test_net.cpp's TinyNet: data + label from DummyData, one InnerProduct, SoftmaxWithLoss.
    private const string TinyNet = """
        name: 'TinyTestNetwork'
        layer { name: 'data' type: 'DummyData' top: 'data' top: 'label'
          dummy_data_param { shape { dim: 5 dim: 2 dim: 3 dim: 4 } shape { dim: 5 }
            data_filler { type: 'gaussian' std: 0.01 } data_filler { type: 'constant' value: 0 } } }
        layer { name: 'innerproduct' type: 'InnerProduct' bottom: 'data' top: 'innerproduct'
          inner_product_param { num_output: 1000 weight_filler { type: 'gaussian' std: 0.01 }
            bias_filler { type: 'constant' value: 0 } }
          param { lr_mult: 1 decay_mult: 1 } param { lr_mult: 2 decay_mult: 0 } }
        layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'innerproduct' bottom: 'label' top: 'top_loss' }
        """;

    // test_net.cpp's TinyNetEuclidean (force_backward variant built by prefixing the flag).
    private const string TinyEuclidean = """
        name: 'TinyTestEuclidLossNetwork'
        layer { name: 'data' type: 'DummyData' top: 'data' top: 'label'
          dummy_data_param { shape { dim: 5 dim: 2 dim: 3 dim: 4 } shape { dim: 5 dim: 1 }
            data_filler { type: 'gaussian' std: 0.01 } data_filler { type: 'gaussian' std: 0.01 } } }
        layer { name: 'innerproduct' type: 'InnerProduct' bottom: 'data' top: 'innerproduct'
          inner_product_param { num_output: 1 weight_filler { type: 'gaussian' std: 0.01 }
            bias_filler { type: 'constant' value: 0 } }
          param { lr_mult: 1 decay_mult: 1 } param { lr_mult: 2 decay_mult: 0 } }
        layer { name: 'loss' type: 'EuclideanLoss' bottom: 'innerproduct' bottom: 'label' }
        """;

    // A deploy-style net: Input, conv with an in-place ReLU, a blob used twice (split), softmax output.
    private const string Deploy = """
        name: 'deploy'
        layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 2 dim: 1 dim: 5 dim: 5 } } }
        layer { name: 'conv' type: 'Convolution' bottom: 'data' top: 'conv'
          convolution_param { num_output: 3 kernel_size: 3 weight_filler { type: 'gaussian' std: 0.5 } } }
        layer { name: 'relu' type: 'ReLU' bottom: 'conv' top: 'conv' }
        layer { name: 'ip_a' type: 'InnerProduct' bottom: 'conv' top: 'ip_a'
          inner_product_param { num_output: 4 weight_filler { type: 'gaussian' std: 0.5 } } }
        layer { name: 'ip_b' type: 'InnerProduct' bottom: 'conv' top: 'ip_b'
          inner_product_param { num_output: 4 weight_filler { type: 'gaussian' std: 0.5 } } }
        layer { name: 'sum' type: 'Eltwise' bottom: 'ip_a' bottom: 'ip_b' top: 'sum' }
        layer { name: 'prob' type: 'Softmax' bottom: 'sum' top: 'prob' }
        """;

    [TestMethod]
    public void BlobsLayersAndNamesMirrorPycaffe()
    {
        Net net = Build(Deploy, Phase.Test);
        CollectionAssert.AreEqual(new[] { "data", "conv", "conv_relu_0_split_0", "conv_relu_0_split_1", "ip_a", "ip_b", "sum", "prob" },
            net.Blobs.Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "data", "conv", "relu", "conv_relu_0_split", "ip_a", "ip_b", "sum", "prob" }, net.LayerNames.ToArray());
        CollectionAssert.AreEqual(new[] { "conv" }, net.TopNames["relu"].ToArray());
        CollectionAssert.AreEqual(new[] { "conv_relu_0_split_0" }, net.BottomNames["ip_a"].ToArray());
        CollectionAssert.AreEqual(new[] { "conv", "ip_a", "ip_b" }, net.Params.Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "data" }, net.Inputs.ToArray());
        CollectionAssert.AreEqual(new[] { "prob" }, net.Outputs.ToArray());
        Assert.AreSame(net.Blobs["conv"], net.TopVecs[net.LayerIndex("relu")][0], "an in-place top is the bottom's blob");
        Assert.IsTrue(net.BlobLossWeights.Values.All(w => w == 0));
    }

    [TestMethod]
    public void ForwardReturnsOutputsOrTheTopsOfEnd()
    {
        Net net = Build(Deploy, Phase.Test);
        CollectionAssert.AreEqual(new[] { "prob" }, net.Forward().Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "ip_a" }, net.Forward(end: "ip_a").Keys.ToArray());
        CollectionAssert.AreEquivalent(new[] { "conv", "data" }, net.Forward(end: "relu", blobs: ["data"]).Keys.ToArray());
        Assert.AreSame(net.Blobs["prob"], net.Forward()["prob"], "returned blobs are views, not copies");
    }

    [TestMethod]
    public void PartialForwardEqualsFullForward()
    {
        Net net = Build(Deploy, Phase.Test);
        Rng.FillGaussian(net.Blobs["data"].Data, 0, 1);
        net.Forward();
        float[] full = net.Blobs["prob"].Data.ToArray();
        net.Blobs["prob"].Data.Clear();
        net.Forward(end: "relu");
        net.Forward(start: "conv_relu_0_split");
        CollectionAssert.AreEqual(full, net.Blobs["prob"].Data.ToArray());
    }

    [TestMethod]
    public void ForwardWithInputsChecksNamesAndBatch()
    {
        Net net = Build(Deploy, Phase.Test);
        var good = new NdArray(2, 1, 5, 5);
        good.Data[3] = 7;
        net.Forward(inputs: new Dictionary<string, NdArray> { ["data"] = good });
        Assert.AreEqual(7f, net.Blobs["data"].Data[3]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => net.Forward(inputs: new Dictionary<string, NdArray> { ["conv"] = good }));
        StringAssert.Contains(e.Message, "do not match net inputs");
        e = Assert.ThrowsExactly<ArgumentException>(() => net.Forward(inputs: new Dictionary<string, NdArray> { ["data"] = new NdArray(3, 1, 5, 5) }));
        StringAssert.Contains(e.Message, "not batch sized");
        Assert.ThrowsExactly<KeyNotFoundException>(() => net.Forward(end: "nope"));
        Assert.ThrowsExactly<KeyNotFoundException>(() => net.Forward(blobs: ["nope"]));
    }

    [TestMethod]
    public void DeployNetWithoutForceBackwardRunsNoBackward()
    {
        Net net = Build(Deploy, Phase.Test);
        Rng.FillGaussian(net.Blobs["data"].Data, 0, 1);
        net.Forward();
        net.Blobs["prob"].Diff.Fill(1);
        IReadOnlyDictionary<string, Blob> returned = net.Backward();
        CollectionAssert.AreEqual(new[] { "data" }, returned.Keys.ToArray());
        Assert.IsTrue(net.LayerNeedBackward.All(b => !b));
        Assert.AreEqual(-1, returned["data"].Diff.IndexOfAnyExcept(0f));
    }

    [TestMethod]
    public void LayerByLayerBackwardEqualsBackward()
    {
        Net net = Build("force_backward: true\n" + Deploy, Phase.Test);
        Rng.FillGaussian(net.Blobs["data"].Data, 0, 1);
        net.Forward();
        Rng.FillGaussian(net.Blobs["prob"].Diff, 0, 1);
        net.Backward();
        float[] whole = net.Blobs["data"].Diff.ToArray();
        net.Blobs["data"].Diff.Clear();
        for (int i = net.Layers.Count - 1; i >= 0; i--)
        {
            IReadOnlyDictionary<string, Blob> bottoms = net.Backward(start: net.LayerNames[i], end: net.LayerNames[i]);
            CollectionAssert.AreEqual(net.BottomNames[net.LayerNames[i]].Distinct().ToArray(), bottoms.Keys.ToArray());
        }
        CollectionAssert.AreEqual(whole, net.Blobs["data"].Diff.ToArray());
        Assert.IsTrue(whole.Any(v => v != 0));
    }

    [TestMethod]
    public void BackwardWithTopDiffsChecksOutputs()
    {
        Net net = Build("force_backward: true\n" + Deploy, Phase.Test);
        net.Forward();
        var diff = new NdArray(2, 4);
        diff.Data[0] = 1;
        net.Backward(topDiffs: new Dictionary<string, NdArray> { ["prob"] = diff });
        Assert.AreEqual(1f, net.Blobs["prob"].Diff[0]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => net.Backward(topDiffs: new Dictionary<string, NdArray> { ["sum"] = diff }));
        StringAssert.Contains(e.Message, "do not match net outputs");
    }

    [TestMethod]
    public void BottomNeedBackward()
    {
        Net net = Build(TinyNet);
        Assert.AreEqual(3, net.BottomNeedBackward.Count);
        Assert.AreEqual(0, net.BottomNeedBackward[0].Count);
        CollectionAssert.AreEqual(new[] { false }, net.BottomNeedBackward[1].ToArray());
        CollectionAssert.AreEqual(new[] { true, false }, net.BottomNeedBackward[2].ToArray());
    }

    [TestMethod]
    public void BottomNeedBackwardForce()
    {
        Net net = Build("force_backward: true\n" + TinyNet);
        CollectionAssert.AreEqual(new[] { true }, net.BottomNeedBackward[1].ToArray());
        CollectionAssert.AreEqual(new[] { true, false }, net.BottomNeedBackward[2].ToArray(), "labels never get a gradient");
    }

    [TestMethod]
    public void BottomNeedBackwardEuclideanForce()
    {
        Net net = Build("force_backward: true\n" + TinyEuclidean);
        CollectionAssert.AreEqual(new[] { true }, net.BottomNeedBackward[1].ToArray());
        CollectionAssert.AreEqual(new[] { true, true }, net.BottomNeedBackward[2].ToArray(), "Euclidean allows both bottoms");
    }

    [TestMethod]
    public void LossWeightScalesLossAndGradients()
    {
        const string net1 = TinyEuclidean;
        Net reference = Build("force_backward: true\n" + net1);
        float loss = reference.ForwardBackward();
        float[] grad = reference.Params["innerproduct"][0].Diff.ToArray();
        float[] dataGrad = reference.Blobs["data"].Diff.ToArray();
        foreach (float weight in new[] { 0.5f, 2f, 3.5f })
        {
            Net net = Build("force_backward: true\n" + net1.Replace("bottom: 'label' }", $"bottom: 'label' top: 'loss' loss_weight: {weight} }}"));
            float weighted = net.ForwardBackward();
            Assert.AreEqual(loss * weight, weighted, 1e-5f * Math.Abs(weighted));
            float[] g = net.Params["innerproduct"][0].Diff.ToArray();
            for (int i = 0; i < g.Length; i++) Assert.AreEqual(grad[i] * weight, g[i], 1e-6f + 1e-5f * Math.Abs(g[i]));
            float[] d = net.Blobs["data"].Diff.ToArray();
            for (int i = 0; i < d.Length; i++) Assert.AreEqual(dataGrad[i] * weight, d[i], 1e-7f + 1e-5f * Math.Abs(d[i]));
            Assert.AreEqual(weight, net.BlobLossWeights["loss"]);
        }
    }

    [TestMethod]
    public void LossWeightOnMidNetBlobGetsASplit()
    {
        // A loss weight on a blob that is also consumed: Caffe inserts a split whose first top carries the loss.
        Net net = Build("""
            layer { name: 'data' type: 'DummyData' top: 'data' dummy_data_param { shape { dim: 2 dim: 3 } data_filler { type: 'gaussian' } } }
            layer { name: 'ip' type: 'InnerProduct' bottom: 'data' top: 'ip' loss_weight: 2
              inner_product_param { num_output: 2 weight_filler { type: 'gaussian' } } }
            layer { name: 'abs' type: 'AbsVal' bottom: 'ip' top: 'abs' }
            """);
        CollectionAssert.Contains(net.LayerNames.ToArray(), "ip_ip_0_split");
        Assert.AreEqual(2f, net.BlobLossWeights["ip_ip_0_split_0"]);
        Assert.AreEqual(0f, net.BlobLossWeights["ip"]);
        float loss = net.ForwardLoss();
        float expected = 2 * net.Blobs["ip"].Data.ToArray().Sum();
        Assert.AreEqual(expected, loss, 1e-5f);
    }

    [TestMethod]
    public void ParamDiffsAccumulateAndClearParamDiffsZeroesThem()
    {
        Net net = Build(TinyEuclidean);
        net.ForwardLoss();
        net.Backward();
        float[] once = net.Params["innerproduct"][0].Diff.ToArray();
        net.Backward();
        float[] twice = net.Params["innerproduct"][0].Diff.ToArray();
        for (int i = 0; i < once.Length; i++) Assert.AreEqual(2 * once[i], twice[i], 1e-6f + 1e-5f * Math.Abs(twice[i]));
        net.ClearParamDiffs();
        Assert.AreEqual(-1, net.Params["innerproduct"][0].Diff.IndexOfAnyExcept(0f));
    }

    private const string SharedWeights = """
        force_backward: true
        layer { name: 'data' type: 'DummyData' top: 'data' dummy_data_param { shape { dim: 10 dim: 10 } data_filler { type: 'gaussian' std: 10 } } }
        layer { name: 'innerproduct1' type: 'InnerProduct' bottom: 'data' top: 'innerproduct1'
          inner_product_param { num_output: 10 bias_term: false weight_filler { type: 'gaussian' std: 10 } }
          param { name: 'sharedweights' } }
        layer { name: 'innerproduct2' type: 'InnerProduct' bottom: 'data' top: 'innerproduct2'
          inner_product_param { num_output: 10 bias_term: false weight_filler { type: 'gaussian' std: 10 } }
          param { name: 'sharedweights' } }
        layer { name: 'loss' type: 'EuclideanLoss' bottom: 'innerproduct1' bottom: 'innerproduct2' }
        """;

    [TestMethod]
    public void SharedWeightsShareDataAndDiff()
    {
        Net net = Build(SharedWeights);
        Blob a = net.Params["innerproduct1"][0], b = net.Params["innerproduct2"][0];
        Assert.IsTrue(b.SharesDataWith(a) && b.SharesDiffWith(a));
        Assert.AreEqual(1, net.LearnableParams.Count);
        Assert.AreEqual(0, net.ParamOwners[0] + 1);
        Assert.AreEqual(0, net.ParamOwners[1]);
        // Both branches compute the same output, so the loss is zero, and the shared diff sums both gradients (zero).
        Assert.AreEqual(0f, net.ForwardBackward());
        Assert.AreEqual(-1, a.Diff.IndexOfAnyExcept(0f));
    }

    [TestMethod]
    public void SharedWeightsUpdateIsSeenByBoth()
    {
        Net net = Build(SharedWeights);
        Blob shared = net.Params["innerproduct1"][0];
        shared.Diff.Fill(0.5f);
        float before = shared.Data[0];
        net.Update();
        Assert.AreEqual(before - 0.5f, net.Params["innerproduct2"][0].Data[0]);
    }

    [TestMethod]
    public void StrictSharingOfDifferentShapesIsAnError()
    {
        LayerTesting.Throws(() => Build("""
            layer { name: 'data' type: 'DummyData' top: 'data' dummy_data_param { shape { dim: 2 dim: 6 } } }
            layer { name: 'a' type: 'InnerProduct' bottom: 'data' top: 'a' inner_product_param { num_output: 3 } param { name: 'w' } }
            layer { name: 'b' type: 'InnerProduct' bottom: 'data' top: 'b' inner_product_param { num_output: 2 } param { name: 'w' } }
            """), "'w'", "STRICT");
    }

    [TestMethod]
    public void PermissiveSharingNeedsOnlyTheSameCount()
    {
        Net net = Build("""
            layer { name: 'data' type: 'DummyData' top: 'data' dummy_data_param { shape { dim: 2 dim: 6 } } }
            layer { name: 'a' type: 'InnerProduct' bottom: 'data' top: 'a' inner_product_param { num_output: 6 bias_term: false } param { name: 'w' } }
            layer { name: 'b' type: 'InnerProduct' bottom: 'data' top: 'b' inner_product_param { num_output: 6 bias_term: false transpose: true }
              param { name: 'w' share_mode: PERMISSIVE } }
            """);
        Assert.IsTrue(net.Params["b"][0].SharesDataWith(net.Params["a"][0]));
    }

    [TestMethod]
    public void ParamPropagateDownFollowsLrMult()
    {
        Net net = Build(TinyEuclidean.Replace("param { lr_mult: 1 decay_mult: 1 } param { lr_mult: 2 decay_mult: 0 }",
                                               "param { lr_mult: 0 } param { lr_mult: 0 }"));
        Assert.IsFalse(net.Layers[1].ParamPropagateDown(0));
        net.ForwardBackward();
        Assert.AreEqual(-1, net.Params["innerproduct"][0].Diff.IndexOfAnyExcept(0f));
        Assert.IsFalse(net.LayerNeedBackward[1], "nothing below needs a gradient");
    }

    [TestMethod]
    public void PropagateDownFalseSkipsTheBottom()
    {
        Net net = Build("force_backward: false\n" + TinyEuclidean.Replace(
            "layer { name: 'loss' type: 'EuclideanLoss' bottom: 'innerproduct' bottom: 'label' }",
            "layer { name: 'loss' type: 'EuclideanLoss' bottom: 'innerproduct' bottom: 'label' propagate_down: false propagate_down: false }"));
        CollectionAssert.AreEqual(new[] { false, false }, net.BottomNeedBackward[2].ToArray());
        Assert.IsFalse(net.LayerNeedBackward[1], "the layer below only feeds a bottom that skips backward");
    }

    [TestMethod]
    public void PropagateDownCountMustMatchBottoms()
    {
        LayerTesting.Throws(() => Build(TinyEuclidean.Replace(
            "bottom: 'label' }", "bottom: 'label' propagate_down: true }")), "propagate_down");
    }

    [TestMethod]
    public void ReshapeFollowsANewInputShape()
    {
        Net net = Build(Deploy, Phase.Test);
        net.Blobs["data"].Reshape(4, 1, 5, 5);
        net.Reshape();
        CollectionAssert.AreEqual(new[] { 4, 3, 3, 3 }, net.Blobs["conv"].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 4, 4 }, net.Blobs["prob"].Shape.ToArray());
        net.Forward();
        Assert.AreEqual(4 * 4, net.Blobs["prob"].Count);
    }

    [TestMethod]
    public void CallbacksRunWithLayerIndices()
    {
        Net net = Build("force_backward: true\n" + Deploy, Phase.Test);
        var seen = new List<string>();
        net.BeforeForward(i => seen.Add($"bf{i}"));
        net.AfterForward(i => seen.Add($"af{i}"));
        net.BeforeBackward(i => seen.Add($"bb{i}"));
        net.AfterBackward(i => seen.Add($"ab{i}"));
        net.Forward(start: "ip_a", end: "ip_b");
        net.Backward(start: "ip_b", end: "ip_a");
        CollectionAssert.AreEqual(new[] { "bf4", "af4", "bf5", "af5", "bb5", "ab5", "bb4", "ab4" }, seen);
    }

    [TestMethod]
    public void ForwardAllBatchesAndTrimsPadding()
    {
        Net net = Build(Deploy, Phase.Test);
        var images = new NdArray(5, 1, 5, 5);
        Rng.FillGaussian(images.Data, 0, 1);
        IReadOnlyDictionary<string, NdArray> all = net.ForwardAll(new Dictionary<string, NdArray> { ["data"] = images }, blobs: ["ip_a"]);
        CollectionAssert.AreEqual(new[] { 5, 4 }, all["prob"].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 5, 4 }, all["ip_a"].Shape.ToArray());
        // Item 4 went through alone in the last (padded) batch: it must equal a direct forward of that image.
        var last = new NdArray(2, 1, 5, 5);
        Array.Copy(images.Data, 4 * 25, last.Data, 0, 25);
        net.Forward(inputs: new Dictionary<string, NdArray> { ["data"] = last });
        CollectionAssert.AreEqual(net.Blobs["prob"].Data[..4].ToArray(), all["prob"].Data[16..20]);
    }

    [TestMethod]
    public void ForwardBackwardAllReturnsInputDiffs()
    {
        Net net = Build("force_backward: true\n" + Deploy, Phase.Test);
        var images = new NdArray(3, 1, 5, 5);
        Rng.FillGaussian(images.Data, 0, 1);
        var seeds = new NdArray(3, 4);
        seeds.Data.AsSpan().Fill(1);
        (IReadOnlyDictionary<string, NdArray> outs, IReadOnlyDictionary<string, NdArray> diffs) =
            net.ForwardBackwardAll(new Dictionary<string, NdArray> { ["data"] = images, ["prob"] = seeds });
        CollectionAssert.AreEqual(new[] { 3, 4 }, outs["prob"].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 1, 5, 5 }, diffs["data"].Shape.ToArray());
        // A uniform seed on a softmax output has zero gradient: softmax outputs sum to one.
        Assert.IsTrue(diffs["data"].Data.All(v => Math.Abs(v) < 1e-5f));
    }

    [TestMethod]
    public void UnknownBottomAndDuplicateTopAreErrors()
    {
        LayerTesting.Throws(() => Build("""
            layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 1 } } }
            layer { name: 'r' type: 'ReLU' bottom: 'missing' top: 'r' }
            """), "'missing'");
        LayerTesting.Throws(() => Build("""
            layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 1 } } }
            layer { name: 'a' type: 'ReLU' bottom: 'data' top: 'x' }
            layer { name: 'b' type: 'ReLU' bottom: 'data' top: 'x' }
            """), "'x'");
        LayerTesting.Throws(() => Build("layer { name: 'q' type: 'NoSuchType' }"), "unknown layer type 'NoSuchType'", "Convolution");
    }

    [TestMethod]
    public void ShareWithUsesTheOtherNetsMemory()
    {
        Net a = Build(Deploy, Phase.Test), b = Build(Deploy, Phase.Test);
        b.ShareWith(a);
        Assert.IsTrue(b.Params["conv"][0].SharesDataWith(a.Params["conv"][0]));
        Rng.FillGaussian(a.Blobs["data"].Data, 0, 1);
        a.Blobs["data"].Data.CopyTo(b.Blobs["data"].Data);
        CollectionAssert.AreEqual(a.Forward()["prob"].Data.ToArray(), b.Forward()["prob"].Data.ToArray());
    }

    [TestMethod]
    public void SaveAndCopyFromRoundTrip()
    {
        Net a = Build(Deploy, Phase.Test), b = Build(Deploy.Replace("std: 0.5", "std: 2"), Phase.Test);
        string path = Path.Combine(Path.GetTempPath(), $"caffe-net-{Guid.NewGuid():N}.caffemodel");
        a.Save(path);
        b.CopyFrom(path);
        foreach (string layer in a.Params.Keys)
            for (int j = 0; j < a.Params[layer].Count; j++)
                CollectionAssert.AreEqual(a.Params[layer][j].Data.ToArray(), b.Params[layer][j].Data.ToArray());
        File.Delete(path);
    }
}
