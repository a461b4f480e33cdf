namespace Caffe;

/// <summary>
/// A net or solver in an old format that cannot be brought to the current one without losing or
/// inventing information (BVLC Caffe logs these and carries on, or aborts; Caffe.Net refuses).
/// The message reads <c>&lt;file&gt;: layer '&lt;name&gt;': &lt;what is wrong&gt;</c>.
/// </summary>
public sealed class UpgradeException : CaffeException
{
    /// <summary>Creates the exception; <paramref name="fileName"/> and <paramref name="layerName"/> may be null.</summary>
    public UpgradeException(string? fileName, string? layerName, string problem, Exception? inner = null)
        : base(Compose(fileName, layerName, problem), inner)
    {
        FileName = fileName;
        LayerName = layerName;
        Problem = problem;
    }

    /// <summary>The file (or other source) being upgraded, when known.</summary>
    public string? FileName { get; }

    /// <summary>The layer at fault, when the problem is tied to one.</summary>
    public string? LayerName { get; }

    /// <summary>What is wrong, without the file and layer prefix.</summary>
    public string Problem { get; }

    /// <summary>The same problem, attributed to <paramref name="fileName"/>.</summary>
    internal UpgradeException WithFile(string fileName) => new(fileName, LayerName, Problem, this);

    private static string Compose(string? fileName, string? layerName, string problem)
    {
        string text = layerName == null ? problem : $"layer '{layerName}': {problem}";
        return fileName == null ? text : $"{fileName}: {text}";
    }
}
