namespace Caffe.Tests;

/// <summary>Blobs and layer parameters for layer tests, as Caffe's tests make them (fillers, prototxt snippets).</summary>
internal static class TestBlobs
{
    /// <summary>A blob whose data is drawn from N(mean, std) with the calling thread's Rng.</summary>
    public static Blob Gaussian(int[] shape, float mean = 0f, float std = 1f)
    {
        var blob = new Blob(shape);
        Rng.FillGaussian(blob.Data, mean, std);
        return blob;
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

    /// <summary>A LayerParameter parsed from a prototxt snippet, e.g. <c>"type: 'ReLU' relu_param { negative_slope: 0.1 }"</c>.</summary>
    public static LayerParameter Param(string prototxt) => TextFormat.Parse<LayerParameter>(prototxt);
}
