using System.Text.Json;

namespace Caffe.Tests.Reference;

/// <summary>
/// Whole nets against BVLC Caffe's own numbers (tests/data/reference/nets): pycaffe's object model, forward
/// outputs, backward diffs, per-blob statistics, and reshaping — for LeNet (V1 and V2), CIFAR-10 quick and
/// full, and MTCNN det1–det4, loaded from their original (often old-format) files.
/// </summary>
[TestClass]
public sealed class ReferenceNetTests
{
    private static readonly string[] CaseNames =
        ["lenet_v1", "lenet_v2", "cifar10_quick", "cifar10_full", "mtcnn_det1", "mtcnn_det2", "mtcnn_det3", "mtcnn_det4"];

    public static IEnumerable<object[]> Cases => CaseNames.Select(c => new object[] { c });

    // Every case under every BLAS backend: the numbers must not depend on the library doing the GEMMs.
    public static IEnumerable<object[]> CasesAndBackends =>
        from c in CaseNames from kind in Enum.GetValues<BlasBackendKind>() select new object[] { c, kind };

    private static IDisposable Backend(BlasBackendKind kind)
    {
        if (Blas.TryGet(kind) == null)
            Assert.Inconclusive($"BLAS backend {kind} is not installed here (scripts/setup installs it).");
        return Blas.UseOnThisThread(kind);
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void StructureMatchesPycaffe(string caseName)
    {
        var c = new ReferenceCase(caseName);
        var net = new Net(c.Prototxt, Phase.Test, weights: c.Weights);
        JsonElement s = JsonDocument.Parse(File.ReadAllText(c.File_("structure.json"))).RootElement;

        var blobs = s.GetProperty("blobs").EnumerateArray().ToList();
        CollectionAssert.AreEqual(blobs.Select(b => b.GetProperty("name").GetString()).ToList(), net.Blobs.Keys.ToList(), "blob names");
        foreach (JsonElement b in blobs)
        {
            CollectionAssert.AreEqual(b.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToList(),
                net.Blobs[b.GetProperty("name").GetString()!].Shape.ToList(), $"shape of blob {b.GetProperty("name")}");
        }

        var layers = s.GetProperty("layers").EnumerateArray().ToList();
        CollectionAssert.AreEqual(layers.Select(l => l.GetProperty("name").GetString()).ToList(), net.LayerDict.Keys.ToList(), "layer_dict");
        foreach (JsonElement l in layers)
        {
            Layer layer = net.LayerDict[l.GetProperty("name").GetString()!];
            Assert.AreEqual(l.GetProperty("type").GetString(), layer.Type, $"type of {layer.Name}");
            Assert.AreEqual(l.GetProperty("num_param_blobs").GetInt32(), layer.Blobs.Count, $"param blobs of {layer.Name}");
        }
        CollectionAssert.AreEqual(ReferenceCase.Strings(s.GetProperty("_layer_names")), net.LayerNames.ToList(), "_layer_names");
        AssertNames(s.GetProperty("top_names"), "tops", net.TopNames);
        AssertNames(s.GetProperty("bottom_names"), "bottoms", net.BottomNames);

        var parameters = s.GetProperty("params").EnumerateArray().ToList();
        CollectionAssert.AreEqual(parameters.Select(p => p.GetProperty("layer").GetString()).ToList(), net.Params.Keys.ToList(), "params");
        foreach (JsonElement p in parameters)
        {
            IReadOnlyList<Blob> ours = net.Params[p.GetProperty("layer").GetString()!];
            var shapes = p.GetProperty("shapes").EnumerateArray().ToList();
            Assert.AreEqual(shapes.Count, ours.Count);
            for (int j = 0; j < shapes.Count; j++)
                CollectionAssert.AreEqual(shapes[j].EnumerateArray().Select(d => d.GetInt32()).ToList(), ours[j].Shape.ToList());
        }
        CollectionAssert.AreEqual(ReferenceCase.Strings(s.GetProperty("inputs")), net.Inputs.ToList(), "inputs");
        CollectionAssert.AreEqual(ReferenceCase.Strings(s.GetProperty("outputs")), net.Outputs.ToList(), "outputs");
        var weights = s.GetProperty("blob_loss_weights").EnumerateArray().ToList();
        CollectionAssert.AreEqual(weights.Select(w => w.GetProperty("name").GetString()).ToList(), net.BlobLossWeights.Keys.ToList());
        foreach (JsonElement w in weights)
            Assert.AreEqual(w.GetProperty("loss_weight").GetDouble(), net.BlobLossWeights[w.GetProperty("name").GetString()!]);
    }

    [TestMethod]
    [DynamicData(nameof(CasesAndBackends))]
    public void ForwardMatchesCaffe(string caseName, BlasBackendKind backend)
    {
        using IDisposable blas = Backend(backend);
        var c = new ReferenceCase(caseName);
        var net = new Net(c.Prototxt, Phase.Test, weights: c.Weights);
        JsonElement check = c.Check("forward");
        SetInput(c, net);
        IReadOnlyDictionary<string, Blob> returned = net.Forward();
        CollectionAssert.AreEquivalent(ReferenceCase.Strings(check.GetProperty("forward_returned_keys")), returned.Keys.ToList());
        foreach ((string blob, string file) in ReferenceCase.Arrays(check))
            c.AssertClose(file, net.Blobs[blob].Data, net.Blobs[blob].Shape, $"forward {blob}");
        if (check.TryGetProperty("stats_key", out JsonElement key))
            AssertStats(c, key.GetString()!, net.Blobs.Select(b => (b.Key, b.Value.Data.ToArray())));

        if (c.HasCheck("reshape_forward")) ReshapeForward(c, net);
    }

    [TestMethod]
    [DynamicData(nameof(CasesAndBackends))]
    public void BackwardMatchesCaffe(string caseName, BlasBackendKind backend)
    {
        using IDisposable blas = Backend(backend);
        var c = new ReferenceCase(caseName);
        string edited = c.File_(c.Json.GetProperty("edits")[0].GetProperty("file").GetString()!);
        var net = new Net(edited, Phase.Test, weights: c.Weights);
        JsonElement check = c.Check("backward");
        SetInput(c, net);
        net.Forward();
        var arrays = ReferenceCase.Arrays(check).ToList();
        foreach ((string key, string file) in arrays.Where(a => a.Key.EndsWith(".diff (seed)", StringComparison.Ordinal)))
            c.Array(file).Data.CopyTo(net.Blobs[key[..key.IndexOf(".diff", StringComparison.Ordinal)]].Diff);

        IReadOnlyDictionary<string, Blob> returned = net.Backward();
        CollectionAssert.AreEquivalent(ReferenceCase.Strings(check.GetProperty("backward_returned_keys")), returned.Keys.ToList());
        foreach ((string key, string file) in arrays.Where(a => !a.Key.EndsWith("(seed)", StringComparison.Ordinal)))
        {
            Blob blob = key.Contains('/')
                ? net.Params[key[..key.IndexOf('/')]][int.Parse(key[(key.IndexOf('/') + 1)..])]
                : net.Blobs[key];
            c.AssertClose(file, blob.Diff, blob.Shape, $"backward diff of {key}");
        }
        if (check.TryGetProperty("stats_keys", out _))
        {
            AssertStats(c, "backward_diff", net.Blobs.Select(b => (b.Key, b.Value.Diff.ToArray())));
            AssertStats(c, "param_diff", net.Params.SelectMany(p => p.Value.Select((b, j) => ($"{p.Key}/{j}", b.Diff.ToArray()))));
        }
    }

    [TestMethod]
    [DataRow("lenet_v1")]
    [DataRow("lenet_v2")]
    public void DeployNetWithoutLossComputesNoBackward(string caseName)
    {
        var c = new ReferenceCase(caseName);
        var net = new Net(c.Prototxt, Phase.Test, weights: c.Weights);
        SetInput(c, net);
        net.Forward();
        c.Array("bwd_prob_diff.npy").Data.CopyTo(net.Blobs["prob"].Diff);
        IReadOnlyDictionary<string, Blob> returned = net.Backward();
        CollectionAssert.AreEqual(new[] { "data" }, returned.Keys.ToArray());
        Assert.IsTrue(returned["data"].Diff.IndexOfAnyExcept(0f) < 0, "data diff must stay all zero");
        Assert.IsTrue(net.LayerNeedBackward.All(b => !b));
    }

    private static void ReshapeForward(ReferenceCase c, Net net)
    {
        JsonElement check = c.Check("reshape_forward");
        NdArray input = c.Array("input_data_48x64.npy");
        net.Blobs["data"].Reshape(input.Shape.ToArray());
        net.Reshape();
        input.Data.CopyTo(net.Blobs["data"].Data);
        IReadOnlyDictionary<string, Blob> returned = net.Forward();
        CollectionAssert.AreEquivalent(ReferenceCase.Strings(check.GetProperty("forward_returned_keys")), returned.Keys.ToList());
        foreach (JsonProperty shape in check.GetProperty("blob_shapes").EnumerateObject())
        {
            CollectionAssert.AreEqual(shape.Value.EnumerateArray().Select(d => d.GetInt32()).ToList(),
                net.Blobs[shape.Name].Shape.ToList(), $"reshaped {shape.Name}");
        }
        foreach ((string blob, string file) in ReferenceCase.Arrays(check))
            c.AssertClose(file, net.Blobs[blob].Data, net.Blobs[blob].Shape, $"reshaped forward {blob}");
    }

    internal static void SetInput(ReferenceCase c, Net net)
    {
        NdArray input = c.Array("input_data.npy");
        CollectionAssert.AreEqual(input.Shape.ToArray(), net.Blobs["data"].Shape.ToArray(), "input shape");
        input.Data.CopyTo(net.Blobs["data"].Data);
    }

    private static void AssertNames(JsonElement expected, string field, IReadOnlyDictionary<string, IReadOnlyList<string>> actual)
    {
        var rows = expected.EnumerateArray().ToList();
        CollectionAssert.AreEqual(rows.Select(r => r.GetProperty("layer").GetString()).ToList(), actual.Keys.ToList());
        foreach (JsonElement row in rows)
        {
            string layer = row.GetProperty("layer").GetString()!;
            CollectionAssert.AreEqual(ReferenceCase.Strings(row.GetProperty(field)), actual[layer].ToList(), $"{field} of {layer}");
        }
    }

    // Per-blob statistics Caffe recorded for every blob: checks the blobs no .npy file covers.
    private static void AssertStats(ReferenceCase c, string key, IEnumerable<(string Name, float[] Values)> actual)
    {
        JsonElement stats = JsonDocument.Parse(File.ReadAllText(c.File_("stats.json"))).RootElement.GetProperty(key);
        var ours = actual.ToDictionary(a => a.Name, a => a.Values);
        foreach (JsonProperty blob in stats.EnumerateObject())
        {
            Assert.IsTrue(ours.ContainsKey(blob.Name), $"{c.Name}: no blob {blob.Name} for stats '{key}'");
            float[] values = ours[blob.Name];
            JsonElement s = blob.Value;
            Assert.AreEqual(s.GetProperty("count").GetInt32(), values.Length, $"{c.Name} {key} {blob.Name}: count");
            double maxAbs = Math.Max(Math.Abs(s.GetProperty("min").GetDouble()), Math.Abs(s.GetProperty("max").GetDouble()));
            double tolerance = 1e-3 * maxAbs + 1e-5;
            Assert.AreEqual(s.GetProperty("min").GetDouble(), values.Min(), tolerance, $"{c.Name} {key} {blob.Name}: min");
            Assert.AreEqual(s.GetProperty("max").GetDouble(), values.Max(), tolerance, $"{c.Name} {key} {blob.Name}: max");
            double l2 = Math.Sqrt(values.Sum(v => (double)v * v));
            double absSum = values.Sum(v => Math.Abs((double)v));
            Assert.AreEqual(s.GetProperty("l2").GetDouble(), l2, 1e-3 * s.GetProperty("l2").GetDouble() + 1e-5, $"{c.Name} {key} {blob.Name}: l2");
            Assert.AreEqual(s.GetProperty("abs_sum").GetDouble(), absSum, 1e-3 * s.GetProperty("abs_sum").GetDouble() + 1e-5 * values.Length,
                $"{c.Name} {key} {blob.Name}: abs_sum");
            var head = s.GetProperty("head").EnumerateArray().Select(h => h.GetDouble()).ToList();
            for (int i = 0; i < head.Count; i++)
                Assert.AreEqual(head[i], values[i], tolerance, $"{c.Name} {key} {blob.Name}: element {i}");
        }
    }
}
