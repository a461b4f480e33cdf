namespace Caffe.Tests.Core;

/// <summary>
/// Forward hooks, backward hooks and backward overrides: edits seen downstream, replaced gradients, the top diff
/// and forward mask of an in-place ReLU, removal, and bit-identical numbers when no hook is registered.
/// </summary>
[TestClass]
public sealed class HookTests
{
    // x = 2·data − 1; y = ReLU(x) (in place or not); out = 3·y.
    private static Net SmallNet(bool inPlace)
    {
        string relu = inPlace
            ? """layer { name: "relu" type: "ReLU" bottom: "x" top: "x" }"""
            : """layer { name: "relu" type: "ReLU" bottom: "x" top: "y" }""";
        string after = inPlace ? "x" : "y";
        var net = new Net(TextFormat.Parse<NetParameter>($$"""
            force_backward: true
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 4 } } }
            layer { name: "lin" type: "Power" bottom: "data" top: "x" power_param { scale: 2 shift: -1 } }
            {{relu}}
            layer { name: "out" type: "Power" bottom: "{{after}}" top: "out" power_param { scale: 3 } }
            """));
        float[] data = [0.9f, 0.1f, 0.6f, 0.4f, 0.5f, 1.5f, -2f, 0.75f];
        data.CopyTo(net.Blobs["data"].Data);
        return net;
    }

    private static readonly float[] Seed = [1f, -2f, -0.5f, 4f, 2f, 0.25f, -1f, -3f];

    [TestMethod]
    public void ForwardHookEditIsSeenDownstream()
    {
        Net net = SmallNet(inPlace: false);
        var seen = new List<string>();
        using (net.AddForwardHook(c =>
               {
                   seen.Add($"{c.LayerIndex}:{c.LayerName}");
                   Assert.AreSame(net.LayerDict["lin"], c.Layer);
                   Assert.AreSame(net.Blobs["data"], c.Bottom[0]);
                   Assert.AreEqual(2 * 0.9f - 1, c.Top[0].Data[0], 1e-6f, "the hook runs after the layer's forward");
                   c.Top[0].Data.Fill(0.5f);
               }, l => l.Name == "lin"))
        {
            net.Forward();
        }
        CollectionAssert.AreEqual(new[] { "1:lin" }, seen);
        foreach (float v in net.Blobs["out"].Data.ToArray()) Assert.AreEqual(1.5f, v);
        Assert.AreEqual(0, net.ForwardHookCount);
        net.Forward();
        Assert.AreEqual(3 * (2 * 0.9f - 1), net.Blobs["out"].Data[0], 1e-6f, "removed: the next forward is plain");
    }

    [TestMethod]
    public void HooksRunInNetOrderForTheLayersTheySelect()
    {
        Net net = SmallNet(inPlace: true);
        var forward = new List<string>();
        var backward = new List<string>();
        using IDisposable f = net.AddForwardHook(c => forward.Add(c.LayerName));
        using IDisposable b = net.AddBackwardHook(c => backward.Add(c.Layer.Name), l => l.Type != "Input");
        net.Forward();
        net.Backward();
        CollectionAssert.AreEqual(new[] { "data", "lin", "relu", "out" }, forward);
        CollectionAssert.AreEqual(new[] { "out", "relu", "lin" }, backward);
    }

    [TestMethod]
    public void BackwardOverrideReplacesTheGradient()
    {
        Net net = SmallNet(inPlace: true);
        net.Forward();
        Seed.CopyTo(net.Blobs["out"].Diff);
        net.Backward();
        float[] plain = net.Blobs["data"].Diff.ToArray();

        Layer relu = net.LayerDict["relu"];
        BackwardHookContext? seen = null;
        relu.BackwardOverride = c =>
        {
            seen = c;
            for (int i = 0; i < c.Bottom[0].Count; i++) c.BottomDiff(0)[i] = c.TopDiff(0)[i] > 0 ? c.TopDiff(0)[i] : 0;
        };
        Seed.CopyTo(net.Blobs["out"].Diff);
        net.Backward();
        Assert.AreEqual(2, seen!.LayerIndex);
        Assert.AreSame(net, seen.Net);
        for (int i = 0; i < Seed.Length; i++)
            Assert.AreEqual(2 * MathF.Max(3 * Seed[i], 0), net.Blobs["data"].Diff[i], $"element {i}: deconvnet rule, mask ignored");

        relu.BackwardOverride = c =>
        {
            c.RunLayerBackward();
            for (int i = 0; i < c.Bottom[0].Count; i++) c.BottomDiff(0)[i] *= 10;
        };
        Seed.CopyTo(net.Blobs["out"].Diff);
        net.Backward();
        for (int i = 0; i < Seed.Length; i++) Assert.AreEqual(10 * plain[i], net.Blobs["data"].Diff[i], 1e-5f, $"element {i}");

        relu.BackwardOverride = null;
        Seed.CopyTo(net.Blobs["out"].Diff);
        net.Backward();
        CollectionAssert.AreEqual(plain, net.Blobs["data"].Diff.ToArray());
    }

    [TestMethod]
    public void BackwardOverrideAppliesOutsideANet()
    {
        var relu = (ReLULayer)LayerRegistry.CreateLayer(LayerTesting.Param("name: 'r' type: 'ReLU'"));
        Blob blob = LayerTesting.FromValues([4], -1, 2, -3, 4);
        relu.SetUp([blob], [blob]);
        relu.Forward([blob], [blob]);
        new float[] { 5, 6, 7, 8 }.CopyTo(blob.Diff);
        relu.BackwardOverride = c =>
        {
            Assert.AreEqual(-1, c.LayerIndex);
            Assert.IsNull(c.Net);
            Assert.IsTrue(c.IsInPlace(0));
            c.RunLayerBackward();
            CollectionAssert.AreEqual(new float[] { 5, 6, 7, 8 }, c.TopDiff(0).ToArray(), "the incoming diff, kept");
        };
        relu.Backward([blob], [true], [blob]);
        CollectionAssert.AreEqual(new float[] { 0, 6, 0, 8 }, blob.Diff.ToArray());
    }

    [TestMethod]
    public void InPlaceReLUHookSeesTheTopDiffAndMaskOfTheSeparateBlobNet()
    {
        var seen = new Dictionary<bool, (float[] TopDiff, float[] BottomDiff, float[] Mask, bool InPlace)>();
        float[] preActivation = [];
        foreach (bool inPlace in new[] { false, true })
        {
            Net net = SmallNet(inPlace);
            using IDisposable hook = net.AddBackwardHook(
                c => seen[inPlace] = (c.TopDiff(0).ToArray(), c.BottomDiff(0).ToArray(), c.ForwardMask.ToArray(), c.IsInPlace(0)),
                l => l is ReLULayer, keepForwardMasks: true);
            net.Forward();
            if (!inPlace) preActivation = net.Blobs["x"].Data.ToArray();
            Seed.CopyTo(net.Blobs["out"].Diff);
            net.Backward();
        }
        Assert.IsFalse(seen[false].InPlace);
        Assert.IsTrue(seen[true].InPlace);
        for (int i = 0; i < Seed.Length; i++)
        {
            Assert.AreEqual(3 * Seed[i], seen[true].TopDiff[i], $"top diff {i}, before the ReLU overwrote it");
            Assert.AreEqual(preActivation[i] > 0 ? 1f : 0f, seen[true].Mask[i], $"mask {i}");
        }
        CollectionAssert.AreEqual(seen[false].TopDiff, seen[true].TopDiff);
        CollectionAssert.AreEqual(seen[false].BottomDiff, seen[true].BottomDiff);
        CollectionAssert.AreEqual(seen[false].Mask, seen[true].Mask);
    }

    [TestMethod]
    public void ForwardMaskNeedsToBeAskedFor()
    {
        Net net = SmallNet(inPlace: true);
        InvalidOperationException? error = null;
        using (net.AddBackwardHook(c => error = Assert.ThrowsExactly<InvalidOperationException>(() => c.ForwardMask.ToArray()), l => l is ReLULayer))
        {
            net.Forward();
            net.Backward();
        }
        StringAssert.Contains(error!.Message, "keepForwardMasks: true");

        var relu = (ReLULayer)net.LayerDict["relu"];
        IDisposable masked = net.AddBackwardHook(_ => { }, l => l is ReLULayer, keepForwardMasks: true);
        net.Forward();
        Assert.AreEqual(8, relu.ForwardMask.Length);
        masked.Dispose();
        Assert.AreEqual(0, relu.ForwardMask.Length, "no mask kept once no hook asks for it");
        net.Forward();
        Assert.AreEqual(0, relu.ForwardMask.Length);
        relu.KeepForwardMask = true;
        net.Forward();
        Assert.AreEqual(8, relu.ForwardMask.Length);
    }

    [TestMethod]
    public void BackwardHookMayRewriteTheBottomDiff()
    {
        Net net = SmallNet(inPlace: true);
        net.Forward();
        using (net.AddBackwardHook(c => c.BottomDiff(0).Fill(1), l => l.Name == "relu"))
        {
            Seed.CopyTo(net.Blobs["out"].Diff);
            net.Backward();
        }
        foreach (float v in net.Blobs["data"].Diff.ToArray()) Assert.AreEqual(2f, v);
    }

    [TestMethod]
    public void DisposingRemovesOnlyItsOwnRegistrationAndIsIdempotent()
    {
        Net net = SmallNet(inPlace: true);
        int calls = 0;
        Action<ForwardHookContext> hook = _ => calls++;
        IDisposable first = net.AddForwardHook(hook);
        IDisposable second = net.AddForwardHook(hook);
        Assert.AreEqual(2, net.ForwardHookCount);
        first.Dispose();
        first.Dispose();
        Assert.AreEqual(1, net.ForwardHookCount);
        net.Forward();
        Assert.AreEqual(4, calls, "one hook left, called for each of the 4 layers");
        second.Dispose();
        Assert.AreEqual(0, net.ForwardHookCount);

        IDisposable? self = null;
        self = net.AddBackwardHook(_ => self!.Dispose());
        net.Backward();
        Assert.AreEqual(0, net.BackwardHookCount, "a hook may remove itself while the net runs");
    }

    [TestMethod]
    public void NoHookGivesTheNumbersOfPlainBackward()
    {
        var net = new Net(TestData.Model("lenet_v2/lenet.prototxt"), Phase.Test, weights: TestData.Model("lenet_v2/lenet_iter_10000.caffemodel"));
        Span<float> data = net.Blobs["data"].Data;
        for (int i = 0; i < data.Length; i++) data[i] = 0.5f + 0.5f * MathF.Sin(0.1f * i);
        float[] Run()
        {
            net.Forward();
            Span<float> seed = net.Blobs["prob"].Diff;
            for (int i = 0; i < seed.Length; i++) seed[i] = MathF.Cos(0.3f * i);
            net.BackwardPath("prob", "data");
            return [.. net.Blobs["data"].Diff.ToArray(), .. net.Blobs["ip1"].Data.ToArray()];
        }
        float[] plain = Run();
        using (net.AddForwardHook(_ => { }))
        using (net.AddBackwardHook(_ => { }, keepForwardMasks: true))
            CollectionAssert.AreEqual(plain, Run(), "hooks that change nothing change no number");
        CollectionAssert.AreEqual(plain, Run(), "after removal");
    }
}
