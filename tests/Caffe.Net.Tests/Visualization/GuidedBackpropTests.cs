using Caffe.Tests.Reference;

namespace Caffe.Tests.Visualization;

/// <summary>
/// The one-call methods on the UNMODIFIED LeNet deploy prototxt (in-place ReLU, no force_backward) against BVLC
/// Caffe's numbers for the thread's loop on the ReLU-renamed, force_backward copy
/// (tests/data/reference/nets/guided_backprop_lenet): batch 64, the reference input, the case's target class
/// seeded on image 0 only.
/// </summary>
[TestClass]
public sealed class GuidedBackpropTests
{
    private static (ReferenceCase Case, Net Net, int[] Targets) Load()
    {
        var c = new ReferenceCase("guided_backprop_lenet");
        var net = new Net(TestData.Model("lenet_v2/lenet.prototxt"), Phase.Test, weights: c.Weights);
        Assert.AreEqual("relu1", net.LayerNames.Single(n => net.LayerDict[n].Type == "ReLU"));
        CollectionAssert.AreEqual(new[] { "ip1" }, net.TopNames["relu1"].ToArray(), "in place, as shipped");
        ReferenceNetTests.SetInput(c, net);
        int target = c.Check("forward").GetProperty("target_class_image0").GetInt32();
        int[] targets = Enumerable.Repeat(-1, net.Blobs["data"].Num).ToArray();
        targets[0] = target;
        return (c, net, targets);
    }

    [TestMethod]
    public void GuidedBackpropMatchesCaffe()
    {
        (ReferenceCase c, Net net, int[] targets) = Load();
        NdArray map = Caffe.Visualization.GuidedBackprop(net, targets);
        c.AssertClose("guided_data_diff.npy", map.Data, map.Shape, "one-call guided backprop");
    }

    [TestMethod]
    public void DeconvnetMatchesCaffe()
    {
        (ReferenceCase c, Net net, int[] targets) = Load();
        NdArray map = Caffe.Visualization.Deconvnet(net, targets);
        c.AssertClose("deconvnet_data_diff.npy", map.Data, map.Shape, "one-call deconvnet");
    }

    [TestMethod]
    public void SaliencyGradientMatchesCaffesPlainBackward()
    {
        (ReferenceCase c, Net net, int[] targets) = Load();
        NdArray gradient = Caffe.Visualization.Saliency(net, targets, SaliencyMode.Gradient);
        c.AssertClose("plain_data_diff.npy", gradient.Data, gradient.Shape, "plain input gradient");
        NdArray reference = c.Array("plain_data_diff.npy");
        NdArray saliency = Caffe.Visualization.Saliency(net, targets);
        CollectionAssert.AreEqual(new[] { 64, 28, 28 }, saliency.Shape.ToArray());
        for (int i = 0; i < saliency.Count; i++)
            Assert.AreEqual(MathF.Abs(gradient.Data[i]), saliency.Data[i], "one channel: max |g| is |g|");
        Assert.IsTrue(reference.Data.Skip(28 * 28).All(v => v == 0) && saliency.Data.Skip(28 * 28).All(v => v == 0),
            "unseeded images get zero maps");
    }

    [TestMethod]
    public void CallLeavesTheCallersStateAlone()
    {
        (ReferenceCase c, Net net, int[] targets) = Load();
        Span<float> probDiff = net.Blobs["prob"].Diff;
        for (int i = 0; i < probDiff.Length; i++) probDiff[i] = i;
        float[] marker = probDiff.ToArray();
        float[] input = net.Blobs["data"].Data.ToArray();
        float[][] paramDiffs = net.AllParams.Select(p => p.Diff.ToArray()).ToArray();

        Caffe.Visualization.GuidedBackprop(net, targets);
        Caffe.Visualization.IntegratedGradients(net, targets, steps: 3);
        Caffe.Visualization.SmoothGrad(net, targets, samples: 2);

        CollectionAssert.AreEqual(marker, net.Blobs["prob"].Diff.ToArray(), "the seed's blob diff is restored");
        CollectionAssert.AreEqual(input, net.Blobs["data"].Data.ToArray(), "the input is restored");
        c.AssertClose("fwd_prob.npy", net.Blobs["prob"].Data, net.Blobs["prob"].Shape, "the net is forwarded on the restored input");
        for (int p = 0; p < paramDiffs.Length; p++) CollectionAssert.AreEqual(paramDiffs[p], net.AllParams[p].Diff.ToArray());
        Assert.AreEqual(0, net.BackwardHookCount);
        Assert.AreEqual(0, net.ForwardHookCount);
        Assert.IsFalse(net.LayerNeedBackward.Any(x => x), "the net's backward flags are its own");
    }

    [TestMethod]
    public void ImageArgumentIsCopiedIn()
    {
        (ReferenceCase c, Net net, int[] targets) = Load();
        NdArray input = c.Array("input_data.npy");
        net.Blobs["data"].Data.Clear();
        NdArray map = Caffe.Visualization.GuidedBackprop(net, targets, image: input);
        c.AssertClose("guided_data_diff.npy", map.Data, map.Shape, "guided backprop with the image given");
        CollectionAssert.AreEqual(input.Data, net.Blobs["data"].Data.ToArray());
    }

    [TestMethod]
    public void BadArgumentsAreClearErrors()
    {
        (_, Net net, int[] targets) = Load();
        var count = Assert.ThrowsExactly<ArgumentException>(() => Caffe.Visualization.GuidedBackprop(net, new[] { 1, 2 }));
        StringAssert.Contains(count.Message, "2 target classes given for a batch of 64");
        var range = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Caffe.Visualization.GuidedBackprop(net, 10));
        StringAssert.Contains(range.Message, "target class 10 of image 0 is out of range: output 'prob' has 10 classes");
        var blob = Assert.ThrowsExactly<KeyNotFoundException>(() => Caffe.Visualization.GuidedBackprop(net, targets, output: "nope"));
        StringAssert.Contains(blob.Message, "No output blob named 'nope'");
        var cam = Assert.ThrowsExactly<ArgumentException>(() => Caffe.Visualization.GradCam(net, targets, "ip1"));
        StringAssert.Contains(cam.Message, "needs a (N, C, H, W) activation");
        Assert.AreEqual(0, net.BackwardHookCount);
    }
}
