namespace Caffe;

/// <summary>
/// Initial values for parameter blobs, from a <see cref="FillerParameter"/> (Caffe's fillers): constant,
/// uniform, gaussian (optionally sparse), positive_unitball, xavier, msra and bilinear.
/// </summary>
public static class Filler
{
    /// <summary>Every filler type string this implementation knows.</summary>
    public static IReadOnlyList<string> Types { get; } =
        ["constant", "uniform", "gaussian", "positive_unitball", "xavier", "msra", "bilinear"];

    /// <summary>Fills <paramref name="blob"/>'s data as <paramref name="param"/> says.</summary>
    public static void Fill(FillerParameter param, Blob blob)
    {
        if (param.Type != "gaussian" && param.Sparse != -1)
            throw new ArgumentException($"filler '{param.Type}' does not support sparse (sparse: {param.Sparse}).");
        Span<float> data = blob.Data;
        switch (param.Type)
        {
            case "constant":
                data.Fill(param.Value);
                break;
            case "uniform":
                Rng.FillUniform(data, param.Min, param.Max);
                break;
            case "gaussian":
                FillGaussian(param, blob);
                break;
            case "positive_unitball":
                FillPositiveUnitball(blob);
                break;
            case "xavier":
                float scale = MathF.Sqrt(3f / FanNorm(param, blob));
                Rng.FillUniform(data, -scale, scale);
                break;
            case "msra":
                Rng.FillGaussian(data, 0f, MathF.Sqrt(2f / FanNorm(param, blob)));
                break;
            case "bilinear":
                FillBilinear(blob);
                break;
            default:
                throw new ArgumentException($"unknown filler type '{param.Type}' (known: {string.Join(", ", Types)}).");
        }
    }

    private static void FillGaussian(FillerParameter param, Blob blob)
    {
        Span<float> data = blob.Data;
        Rng.FillGaussian(data, param.Mean, param.Std);
        if (param.Sparse < 0) return;
        // Sparse: keep each weight with probability sparse / num_outputs so each output sees ~sparse inputs.
        if (blob.NumAxes < 1) throw new ArgumentException("sparse gaussian filler needs a blob with at least one axis");
        double keep = param.Sparse / (double)blob.ShapeAt(0);
        var mask = new uint[data.Length];
        Rng.FillBernoulli(mask, Math.Min(keep, 1.0));
        for (int i = 0; i < data.Length; i++) data[i] *= mask[i];
    }

    private static void FillPositiveUnitball(Blob blob)
    {
        Span<float> data = blob.Data;
        Rng.FillUniform(data, 0f, 1f);
        int num = blob.ShapeAt(0);
        int dim = blob.Count / num;
        for (int i = 0; i < num; i++)
        {
            Span<float> row = data.Slice(i * dim, dim);
            float sum = 0;
            foreach (float v in row) sum += v;
            for (int j = 0; j < dim; j++) row[j] /= sum;
        }
    }

    // The n of xavier/msra: fan_in, fan_out or their mean, as variance_norm says.
    private static float FanNorm(FillerParameter param, Blob blob)
    {
        float fanIn = blob.Count / (float)blob.ShapeAt(0);
        float fanOut = blob.NumAxes > 1 ? blob.Count / (float)blob.ShapeAt(1) : blob.Count;
        return param.VarianceNorm switch
        {
            FillerParameter.Types.VarianceNorm.Average => (fanIn + fanOut) / 2f,
            FillerParameter.Types.VarianceNorm.FanOut => fanOut,
            _ => fanIn,
        };
    }

    private static void FillBilinear(Blob blob)
    {
        if (blob.NumAxes != 4 || blob.Width != blob.Height)
            throw new ArgumentException($"bilinear filler needs a 4-D blob with square kernels, got {blob.ShapeString}");
        int width = blob.Width;
        int height = blob.Height;
        float f = MathF.Ceiling(width / 2f);
        float c = (2 * f - 1 - f % 2) / (2f * f);
        Span<float> data = blob.Data;
        for (int i = 0; i < data.Length; i++)
        {
            float x = i % width;
            float y = i / width % height;
            data[i] = (1 - MathF.Abs(x / f - c)) * (1 - MathF.Abs(y / f - c));
        }
    }
}
