namespace Caffe;

/// <summary>A place in a prototxt: the file (null for text without a name) and the 1-based line and column.</summary>
public readonly record struct SourceLocation(string? File, int Line, int Column)
{
    /// <summary><c>file:line</c>, the form compilers use (<c>&lt;text&gt;</c> for unnamed text).</summary>
    public override string ToString() => $"{File ?? "<text>"}:{Line}";
}

/// <summary>
/// Where each element of a repeated message field starts in a parsed prototxt, keyed by its field path with
/// 0-based indices, as in parse errors: <c>layer[3]</c>, <c>layer[3].param[0]</c>. Filled by
/// <see cref="TextFormat.ParseFile{T}(string, out SourceMap)"/>; the parsed message itself is unchanged.
/// The location is that of the field name (<c>layer {</c>), or of the <c>{</c> in list syntax.
/// </summary>
public sealed class SourceMap
{
    private readonly Dictionary<string, SourceLocation> _elements;

    internal SourceMap(string? fileName, Dictionary<string, SourceLocation> elements)
    {
        FileName = fileName;
        _elements = elements;
    }

    /// <summary>The parsed file, or null for unnamed text.</summary>
    public string? FileName { get; }

    /// <summary>Every recorded element, by field path.</summary>
    public IReadOnlyDictionary<string, SourceLocation> Elements => _elements;

    /// <summary>The location of the element at <paramref name="path"/> (e.g. <c>layer[3]</c>), or null when none was recorded.</summary>
    public SourceLocation? Find(string path) => _elements.TryGetValue(path, out SourceLocation location) ? location : null;
}
