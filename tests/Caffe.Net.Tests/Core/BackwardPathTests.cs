using Caffe.Tests.Reference;

namespace Caffe.Tests.Core;

/// <summary>
/// <see cref="Net.BackwardPath"/>: the input gradient of one output on a deploy net, without force_backward and
/// without parameter diffs, against BVLC Caffe's force_backward numbers.
/// </summary>
[TestClass]
public sealed class BackwardPathTests
{
    [TestMethod]
    public void DeployNetGradientsEqualCaffesForceBackwardOnes()
    {
        // MTCNN det1: in-place PReLUs, and a split feeding the two outputs prob1 and conv4-2. Caffe seeded both
        // outputs and ran backward on the force_backward copy; the gradient is linear in the seeds, so the sum of
        // one path per output must match it.
        var c = new ReferenceCase("mtcnn_det1");
        var net = new Net(c.Prototxt, Phase.Test, weights: c.Weights);
        Assert.IsFalse(net.LayerNeedBackward.Any(need => need), "a deploy net: Backward() would do nothing");
        ReferenceNetTests.SetInput(c, net);
        net.Forward();
        bool[] flags = [.. net.Layers.SelectMany(l => Enumerable.Range(0, l.Blobs.Count).Select(l.ParamPropagateDown))];
        float[] sum = new float[net.Blobs["data"].Count];
        foreach (string output in new[] { "prob1", "conv4-2" })
        {
            // Both seeds are in place each time: the other output's branch must be cut off by the split's zeroed diff.
            c.Array("bwd_seed_prob1_diff.npy").Data.CopyTo(net.Blobs["prob1"].Diff);
            c.Array("bwd_seed_conv4-2_diff.npy").Data.CopyTo(net.Blobs["conv4-2"].Diff);
            net.BackwardPath(output, "data");
            for (int i = 0; i < sum.Length; i++) sum[i] += net.Blobs["data"].Diff[i];
        }
        c.AssertClose("bwd_data_diff.npy", sum, null, "sum of the two output paths");
        foreach (Blob param in net.AllParams)
            Assert.AreEqual(0f, param.AsumDiff(), "parameter diffs are not computed");
        CollectionAssert.AreEqual(flags, net.Layers.SelectMany(l => Enumerable.Range(0, l.Blobs.Count).Select(l.ParamPropagateDown)).ToArray(),
            "param_propagate_down flags restored");
    }

    [TestMethod]
    public void PathRunsOnlyTheLayersBetweenTheBlobsWithCallbacks()
    {
        var net = new Net(TestData.Model("mtcnn/det1.prototxt"), Phase.Test, weights: TestData.Model("mtcnn/det1.caffemodel"));
        net.Forward();
        var visited = new List<string>();
        net.BeforeBackward(i => visited.Add(net.LayerNames[i]));
        var ran = new List<string>();
        using (net.AddBackwardHook(h => ran.Add(h.Layer.Name)))
        {
            net.Blobs["prob1"].Diff.Fill(1);
            net.BackwardPath("prob1", "pool1");
        }
        CollectionAssert.AreEqual(new[] { "prob1", "conv4-2", "conv4-1", "conv3_PReLU3_0_split", "PReLU3", "conv3", "PReLU2", "conv2" }, visited);
        CollectionAssert.AreEqual(new[] { "prob1", "conv4-1", "conv3_PReLU3_0_split", "PReLU3", "conv3", "PReLU2", "conv2" }, ran);
    }

    [TestMethod]
    public void UnrelatedBlobsAreAnError()
    {
        var net = new Net(TestData.Model("mtcnn/det1.prototxt"), Phase.Test);
        var e = Assert.ThrowsExactly<ArgumentException>(() => net.BackwardPath("pool1", "conv3"));
        StringAssert.Contains(e.Message, "'pool1' does not depend on blob 'conv3'");
        Assert.ThrowsExactly<KeyNotFoundException>(() => net.BackwardPath("prob", "data"));
    }
}
