namespace Caffe.Tests.Visualization;

/// <summary>
/// The independent way to the same numbers: the Caffe-users thread's script on a <c>force_backward</c> copy of the
/// net — one <c>Backward(start: name, end: name)</c> per layer from the top, keeping a rectifier's top diff
/// before its backward (the blob is shared when it runs in place) and editing its bottom diff after.
/// </summary>
internal static class ThreadLoop
{
    public enum Mode { Plain, Guided, Deconvnet }

    /// <summary>A copy of <paramref name="net"/> with force_backward: true and the same weights.</summary>
    public static Net ForceBackwardCopy(NetParameter param, Net net)
    {
        NetParameter copy = param.Clone();
        copy.ForceBackward = true;
        copy.State = new NetState { Phase = Phase.Test };
        var result = new Net(copy);
        result.CopyFrom(net.ToProto());
        return result;
    }

    /// <summary>
    /// Copies the input, runs forward, seeds <paramref name="output"/> one-hot per image (every position of the
    /// class channel; a negative class leaves the image unseeded), zeroes every other output's diff, runs the loop
    /// and returns the diff of <paramref name="input"/>.
    /// </summary>
    public static float[] Run(Net net, float[] inputData, int[] targets, string output, string input, Mode mode)
    {
        inputData.CopyTo(net.Blobs[input].Data);
        net.Forward();
        foreach (string name in net.Outputs) net.Blobs[name].Diff.Clear();
        Blob scores = net.Blobs[output];
        int classes = scores.ShapeAt(1), inner = scores.CountFrom(2);
        for (int n = 0; n < targets.Length; n++)
        {
            if (targets[n] >= 0) scores.Diff.Slice((n * classes + targets[n]) * inner, inner).Fill(1);
        }
        for (int i = net.Layers.Count - 1; i >= 0; i--)
        {
            string name = net.LayerNames[i];
            bool rectifier = net.Layers[i].Type is "ReLU" or "PReLU";
            float[]? topDiff = rectifier && mode != Mode.Plain ? net.Blobs[net.TopNames[name][0]].Diff.ToArray() : null;
            net.Backward(start: name, end: name);
            if (topDiff == null) continue;
            Span<float> bottomDiff = net.Blobs[net.BottomNames[name][0]].Diff;
            for (int k = 0; k < bottomDiff.Length; k++)
            {
                if (mode == Mode.Guided && topDiff[k] <= 0) bottomDiff[k] = 0;
                if (mode == Mode.Deconvnet) bottomDiff[k] = MathF.Max(topDiff[k], 0);
            }
        }
        return net.Blobs[input].Diff.ToArray();
    }

    /// <summary>Asserts max|actual − expected| ≤ 1e-4·max|expected| + 1e-7 (the same arithmetic in another order).</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        float maxRef = 0, maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxRef = MathF.Max(maxRef, MathF.Abs(expected[i]));
            maxDiff = MathF.Max(maxDiff, MathF.Abs(expected[i] - actual[i]));
        }
        Assert.IsTrue(maxRef > 0, $"{what}: the expected array is all zero, which proves nothing");
        Assert.IsLessThanOrEqualTo(1e-4f * maxRef + 1e-7f, maxDiff, $"{what}: max |diff| {maxDiff} against max |ref| {maxRef}");
    }
}
