namespace Caffe.Tests;

/// <summary>
/// What layer tests build and check, as Caffe's tests do: layer parameters from prototxt snippets, blobs from
/// fillers or literal values, set-up followed by forward, and the error a layer must raise.
/// </summary>
internal static class LayerTesting
{
    /// <summary>A LayerParameter parsed from a prototxt snippet, e.g. <c>"type: 'ReLU' relu_param { negative_slope: 0.1 }"</c>.</summary>
    public static LayerParameter Param(string prototxt) => TextFormat.Parse<LayerParameter>(prototxt);

    /// <summary>Creates a layer through the registry from a prototxt snippet and checks its concrete type.</summary>
    public static T Create<T>(string prototxt) where T : Layer
    {
        Layer layer = LayerRegistry.CreateLayer(Param(prototxt));
        Assert.IsInstanceOfType<T>(layer);
        return (T)layer;
    }

    /// <summary>A blob whose data is drawn from N(mean, std) with the calling thread's Rng.</summary>
    public static Blob Gaussian(int[] shape, float mean = 0f, float std = 1f)
    {
        var blob = new Blob(shape);
        Rng.FillGaussian(blob.Data, mean, std);
        return blob;
    }

    /// <summary>Caffe's neuron-test bottom: standard normal (2x3x4x5 unless a shape is given), drawn right after seeding 1701.</summary>
    public static Blob SeededGaussian(params int[] shape)
    {
        Rng.SetRandomSeed(1701);
        return Gaussian(shape.Length == 0 ? [2, 3, 4, 5] : shape);
    }

    /// <summary>A blob whose data is drawn uniformly from [min, max].</summary>
    public static Blob Uniform(int[] shape, float min, float max)
    {
        var blob = new Blob(shape);
        Rng.FillUniform(blob.Data, min, max);
        return blob;
    }

    /// <summary>A blob with the given values (C order).</summary>
    public static Blob FromValues(int[] shape, params float[] values)
    {
        var blob = new Blob(shape);
        Assert.AreEqual(blob.Count, values.Length, "value count must match the shape");
        values.CopyTo(blob.Data);
        return blob;
    }

    /// <summary>The data element at (n, c, h, w), as Caffe's <c>Blob::data_at</c>; trailing indices default to 0.</summary>
    public static float DataAt(this Blob blob, int n, int c = 0, int h = 0, int w = 0) => blob.Data[blob.Offset(n, c, h, w)];

    /// <summary>Runs SetUp and Forward with the given bottoms and tops.</summary>
    public static float SetUpAndForward(Layer layer, Blob[] bottom, Blob[] top)
    {
        layer.SetUp(bottom, top);
        return layer.Forward(bottom, top);
    }

    /// <summary>Asserts that <paramref name="action"/> throws a <see cref="LayerException"/> whose message contains every fragment.</summary>
    public static LayerException Throws(Action action, params string[] fragments)
    {
        LayerException e = Assert.ThrowsExactly<LayerException>(action);
        foreach (string fragment in fragments)
            StringAssert.Contains(e.Message, fragment, $"message was: {e.Message}");
        return e;
    }

    /// <summary>
    /// Runs a layer with a separate top and a second one in place (top = bottom) on a copy of
    /// <paramref name="bottom"/>, with the same parameter blobs and top diff: top data, bottom diff and parameter
    /// diffs must be identical.
    /// </summary>
    public static void CheckInPlaceMatchesSeparateTop(Func<Layer> newLayer, Blob bottom)
    {
        Layer separate = newLayer(), inPlace = newLayer();
        var top = new Blob();
        var blob = new Blob();
        blob.CopyFrom(bottom, reshape: true);
        separate.SetUp([bottom], [top]);
        inPlace.SetUp([blob], [blob]);
        for (int i = 0; i < separate.Blobs.Count; i++) inPlace.Blobs[i].CopyFrom(separate.Blobs[i]);

        separate.Forward([bottom], [top]);
        inPlace.Forward([blob], [blob]);
        CollectionAssert.AreEqual(top.Data.ToArray(), blob.Data.ToArray(), "top data");

        Rng.FillGaussian(top.Diff, 0, 1);
        top.Diff.CopyTo(blob.Diff);
        separate.Backward([top], [true], [bottom]);
        inPlace.Backward([blob], [true], [blob]);
        CollectionAssert.AreEqual(bottom.Diff.ToArray(), blob.Diff.ToArray(), "bottom diff");
        for (int i = 0; i < separate.Blobs.Count; i++)
            CollectionAssert.AreEqual(separate.Blobs[i].Diff.ToArray(), inPlace.Blobs[i].Diff.ToArray(), $"parameter {i} diff");
    }

    /// <summary>
    /// Sets up and runs the layer, then runs Backward twice with one random top diff: the parameter diffs must
    /// double (they accumulate) and the bottom diff stay the same (it is overwritten). Returns the first pass's diffs.
    /// </summary>
    public static (float[][] ParamDiffs, float[] BottomDiff) CheckBackwardAccumulatesParamDiffs(Layer layer, Blob bottom, Blob top,
                                                                                                  float tolerance)
    {
        SetUpAndForward(layer, [bottom], [top]);
        Rng.FillGaussian(top.Diff, 0, 1);
        layer.Backward([top], [true], [bottom]);
        float[][] paramDiffs = [.. layer.Blobs.Select(b => b.Diff.ToArray())];
        float[] bottomDiff = bottom.Diff.ToArray();
        layer.Backward([top], [true], [bottom]);
        for (int i = 0; i < paramDiffs.Length; i++)
            BlobAssert.AreRelativelyClose(paramDiffs[i].Select(v => 2 * v).ToArray(), layer.Blobs[i].Diff, tolerance, $"parameter {i} diff");
        CollectionAssert.AreEqual(bottomDiff, bottom.Diff.ToArray());
        return (paramDiffs, bottomDiff);
    }
}
