namespace Caffe.Tests;

/// <summary>
/// A test-only layer with parameter blobs shaped by <c>input_param.shape</c> (one blob per shape) and tops that
/// copy their bottoms: enough to test weights I/O without depending on the real parametric layers. As Caffe's
/// layers do, it keeps blobs that came with its parameters and only creates them otherwise.
/// </summary>
internal sealed class ParamsTestLayer(LayerParameter param) : Layer(param)
{
    public const string TypeName = "ParamsTest";

    private static readonly Lazy<bool> Registration = new(() =>
    {
        LayerRegistry.Register(TypeName, p => new ParamsTestLayer(p));
        return true;
    });

    public override string Type => TypeName;

    /// <summary>Registers the type once per test run (the registry is process-wide).</summary>
    public static void EnsureRegistered() => _ = Registration.Value;

    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (Blobs.Count > 0) return;
        foreach (BlobShape shape in Param.InputParam?.Shape ?? [])
            Blobs.Add(new Blob(shape.Dim.Select(d => (int)d).ToArray()));
    }

    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        for (int i = 0; i < top.Count && i < bottom.Count; i++) top[i].ReshapeLike(bottom[i]);
    }

    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        for (int i = 0; i < top.Count && i < bottom.Count; i++) bottom[i].Data.CopyTo(top[i].Data);
    }

    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
    }
}

/// <summary>Small nets of Input + <see cref="ParamsTestLayer"/> layers for weights I/O tests.</summary>
internal static class ParamsTestNets
{
    /// <summary>data (2×3) → ip1 (weights 4×3, bias 4) → ip2 (weights 2×4, bias 2).</summary>
    public const string Plain = """
        name: "params_test"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
        layer { name: "ip1" type: "ParamsTest" bottom: "data" top: "ip1"
                input_param { shape { dim: 4 dim: 3 } shape { dim: 4 } } }
        layer { name: "ip2" type: "ParamsTest" bottom: "ip1" top: "ip2"
                input_param { shape { dim: 2 dim: 4 } shape { dim: 2 } } }
        """;

    /// <summary>Two layers sharing their first blob through <c>param { name: "shared_w" }</c>; the biases are their own.</summary>
    public const string Shared = """
        name: "shared_test"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
        layer { name: "a" type: "ParamsTest" bottom: "data" top: "a" param { name: "shared_w" } param { }
                input_param { shape { dim: 3 dim: 3 } shape { dim: 3 } } }
        layer { name: "b" type: "ParamsTest" bottom: "a" top: "b" param { name: "shared_w" } param { }
                input_param { shape { dim: 3 dim: 3 } shape { dim: 3 } } }
        """;

    /// <summary>Builds a net from prototxt text (TEST phase).</summary>
    public static Net Create(string prototxt)
    {
        ParamsTestLayer.EnsureRegistered();
        return new Net(TextFormat.Parse<NetParameter>(prototxt));
    }

    /// <summary>Fills every parameter blob's data (and diff) with distinct values derived from <paramref name="seed"/>.</summary>
    public static void Fill(Net net, float seed)
    {
        for (int l = 0; l < net.Layers.Count; l++)
        {
            for (int j = 0; j < net.Layers[l].Blobs.Count; j++)
            {
                Span<float> data = net.Layers[l].Blobs[j].Data;
                Span<float> diff = net.Layers[l].Blobs[j].Diff;
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = seed + 0.5f * l + 0.125f * j + 0.01f * i;
                    diff[i] = -data[i];
                }
            }
        }
    }

    /// <summary>Asserts that two nets hold bit-identical parameter data (and diffs when asked).</summary>
    public static void AssertSameParams(Net expected, Net actual, bool diffs = false)
    {
        Assert.HasCount(expected.Layers.Count, actual.Layers);
        for (int l = 0; l < expected.Layers.Count; l++)
        {
            List<Blob> e = expected.Layers[l].Blobs;
            List<Blob> a = actual.Layers[l].Blobs;
            Assert.HasCount(e.Count, a, expected.LayerNames[l]);
            for (int j = 0; j < e.Count; j++)
            {
                CollectionAssert.AreEqual(e[j].Shape.ToArray(), a[j].Shape.ToArray(), $"{expected.LayerNames[l]}[{j}] shape");
                CollectionAssert.AreEqual(e[j].Data.ToArray(), a[j].Data.ToArray(), $"{expected.LayerNames[l]}[{j}] data");
                if (diffs) CollectionAssert.AreEqual(e[j].Diff.ToArray(), a[j].Diff.ToArray(), $"{expected.LayerNames[l]}[{j}] diff");
            }
        }
    }
}
