namespace Caffe.Tests.Reference;

/// <summary>
/// The Caffe-users thread's algorithm, ported line by line: a layer-by-layer <c>Backward(start: i, end: i)</c>
/// loop over LeNet that edits the ReLU bottoms' diffs (guided backprop, deconvnet) — against BVLC Caffe's
/// numbers for the same loop on the ReLU-renamed prototxt (tests/data/reference/nets/guided_backprop_lenet).
/// </summary>
[TestClass]
public sealed class GuidedBackpropReferenceTests
{
    private enum Mode { Plain, Guided, Deconvnet }

    [TestMethod]
    public void ForwardMatchesCaffe()
    {
        var c = new ReferenceCase("guided_backprop_lenet");
        Net net = Load(c);
        foreach ((string blob, string file) in ReferenceCase.Arrays(c.Check("forward")))
            c.AssertClose(file, net.Blobs[blob].Data, net.Blobs[blob].Shape, $"forward {blob}");
    }

    [TestMethod]
    public void PlainBackwardAndLayerLoopMatchCaffe()
    {
        var c = new ReferenceCase("guided_backprop_lenet");
        Net net = Load(c);
        IReadOnlyDictionary<string, Blob> returned = net.Backward();
        CollectionAssert.AreEqual(new[] { "data" }, returned.Keys.ToArray());
        float[] whole = net.Blobs["data"].Diff.ToArray();
        c.AssertClose("plain_data_diff.npy", whole, null, "plain data diff");

        net.Blobs["data"].Diff.Clear();
        RunLoop(net, Mode.Plain);
        CollectionAssert.AreEqual(whole, net.Blobs["data"].Diff.ToArray(), "the layer loop must equal Backward() bit for bit");
    }

    [TestMethod]
    public void GuidedBackpropMatchesCaffe()
    {
        var c = new ReferenceCase("guided_backprop_lenet");
        Net net = Load(c);
        RunLoop(net, Mode.Guided);
        foreach ((string blob, string file) in ReferenceCase.Arrays(c.Check("guided_backprop")))
            c.AssertClose(file, net.Blobs[blob].Diff, net.Blobs[blob].Shape, $"guided diff of {blob}");
    }

    [TestMethod]
    public void DeconvnetMatchesCaffe()
    {
        var c = new ReferenceCase("guided_backprop_lenet");
        Net net = Load(c);
        RunLoop(net, Mode.Deconvnet);
        c.AssertClose("deconvnet_data_diff.npy", net.Blobs["data"].Diff, net.Blobs["data"].Shape, "deconvnet data diff");
    }

    private static Net Load(ReferenceCase c)
    {
        var net = new Net(c.Prototxt, Phase.Test, weights: c.Weights);
        ReferenceNetTests.SetInput(c, net);
        net.Forward();
        c.Array("seed_prob_diff.npy").Data.CopyTo(net.Blobs["prob"].Diff);
        return net;
    }

    // The thread's loop: one layer at a time from the top; after a ReLU, edit its bottom's diff.
    private static void RunLoop(Net net, Mode mode)
    {
        for (int i = net.LayerNames.Count - 1; i >= 0; i--)
        {
            string name = net.LayerNames[i];
            net.Backward(start: name, end: name);
            if (net.Layers[i].Type != "ReLU" || mode == Mode.Plain) continue;
            Span<float> topDiff = net.Blobs[net.TopNames[name][0]].Diff;
            Span<float> bottomDiff = net.Blobs[net.BottomNames[name][0]].Diff;
            for (int k = 0; k < bottomDiff.Length; k++)
            {
                if (mode == Mode.Guided && topDiff[k] <= 0) bottomDiff[k] = 0;
                if (mode == Mode.Deconvnet) bottomDiff[k] = MathF.Max(topDiff[k], 0);
            }
        }
    }
}
