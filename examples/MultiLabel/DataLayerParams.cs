namespace Caffe.Examples.MultiLabel;

/// <summary>
/// The data layer's parameters, read from its <c>param_str</c> dict as the notebook's layer reads them:
/// <c>{'batch_size': 32, 'im_shape': [64, 64], 'split': 'train', 'pascal_root': '/data/shapes'}</c>, plus our
/// optional <c>'seed'</c> for the shuffling and flipping (without it the loader draws its seed from Caffe's
/// random generator, which the solver's <c>random_seed</c> sets) and <c>'scale'</c>, the
/// <see cref="SimpleTransformer"/>'s multiplier (<c>set_scale</c>; 1 when absent, as in the notebook).
/// </summary>
/// <param name="BatchSize">Images per forward pass (<c>batch_size</c>).</param>
/// <param name="Height">Rows the images are resized to (<c>im_shape[0]</c>).</param>
/// <param name="Width">Columns the images are resized to (<c>im_shape[1]</c>).</param>
/// <param name="Split">The image list to read (<c>split</c>: train, val, ...).</param>
/// <param name="Root">The data set folder (<c>pascal_root</c>), laid out as <see cref="DatasetLayout"/> says.</param>
/// <param name="Seed">Seed of the loader's shuffling and flips (<c>seed</c>), or null.</param>
/// <param name="Scale">Multiplier of the mean-subtracted pixels (<c>scale</c>).</param>
public sealed record DataLayerParams(int BatchSize, int Height, int Width, string Split, string Root, int? Seed = null, double Scale = 1.0)
{
    /// <summary>
    /// <c>params = eval(self.param_str); check_params(params)</c>: parses the dict literal and checks that it holds
    /// <c>split</c>, <c>batch_size</c>, <c>pascal_root</c> and <c>im_shape</c> with the right kinds of values.
    /// </summary>
    /// <exception cref="FormatException">The text is not a dict literal, or a key is missing or has the wrong kind of value.</exception>
    public static DataLayerParams Parse(string paramStr)
    {
        IReadOnlyDictionary<string, object?> d = PythonLiteral.ParseDict(paramStr);
        if (!d.ContainsKey("split")) throw new FormatException("param_str must include 'split' (train, val or test).");
        foreach (string key in new[] { "batch_size", "pascal_root", "im_shape" })
            if (!d.ContainsKey(key)) throw new FormatException($"param_str must include '{key}'.");

        int batch = PositiveInt(d["batch_size"], "batch_size");
        if (d["im_shape"] is not IReadOnlyList<object?> { Count: 2 } shape)
            throw new FormatException($"param_str: 'im_shape' must be a list of two sizes [height, width], got {Show(d["im_shape"])}.");
        int height = PositiveInt(shape[0], "im_shape[0]"), width = PositiveInt(shape[1], "im_shape[1]");
        string split = Text(d["split"], "split");
        string root = Text(d["pascal_root"], "pascal_root");
        int? seed = d.TryGetValue("seed", out object? s) && s != null ? Int(s, "seed") : null;
        double scale = d.TryGetValue("scale", out object? x) ? Real(x, "scale") : 1.0;
        return new DataLayerParams(batch, height, width, split, root, seed, scale);
    }

    /// <summary>This as the <c>param_str</c> text, <c>str(dict(...))</c> with the notebook's keys (and <c>seed</c>, <c>scale</c> when set).</summary>
    public string ToParamStr()
    {
        var entries = new List<KeyValuePair<string, object?>>
        {
            new("batch_size", BatchSize),
            new("im_shape", new[] { Height, Width }),
            new("split", Split),
            new("pascal_root", Root),
        };
        if (Seed != null) entries.Add(new("seed", Seed.Value));
        if (Scale != 1.0) entries.Add(new("scale", Scale));
        return PythonLiteral.FormatDict(entries);
    }

    private static int PositiveInt(object? value, string key)
    {
        int n = Int(value, key);
        return n > 0 ? n : throw new FormatException($"param_str: '{key}' must be positive, got {n}.");
    }

    private static int Int(object? value, string key) => value is long n && n is >= int.MinValue and <= int.MaxValue
        ? (int)n
        : throw new FormatException($"param_str: '{key}' must be an integer, got {Show(value)}.");

    private static double Real(object? value, string key) => value switch
    {
        long n when n > 0 => n,
        double r when r > 0 && double.IsFinite(r) => r,
        _ => throw new FormatException($"param_str: '{key}' must be a positive number, got {Show(value)}."),
    };

    private static string Text(object? value, string key) => value is string s && s.Length > 0
        ? s
        : throw new FormatException($"param_str: '{key}' must be a non-empty string, got {Show(value)}.");

    private static string Show(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        IReadOnlyList<object?> list => $"a list of {list.Count}",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };
}
