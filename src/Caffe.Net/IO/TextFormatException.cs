namespace Caffe;

/// <summary>
/// A protobuf text-format (prototxt) input that cannot be parsed. The message reads
/// <c>&lt;file&gt;:&lt;line&gt;:&lt;column&gt;: &lt;field path&gt;: &lt;what went wrong&gt;</c>, e.g.
/// <c>lenet.prototxt:14:17: layer[1].convolution_param.num_output: expected integer, got identifier 'twenty'</c>.
/// </summary>
public sealed class TextFormatException : FormatException
{
    /// <summary>Creates the exception; <paramref name="line"/> and <paramref name="column"/> are 1-based.</summary>
    public TextFormatException(string? fileName, int line, int column, string fieldPath, string problem)
        : base(Compose(fileName, line, column, fieldPath, problem))
    {
        FileName = fileName;
        Line = line;
        Column = column;
        FieldPath = fieldPath;
        Problem = problem;
    }

    /// <summary>The file being parsed, or null when the text did not come from a named file.</summary>
    public string? FileName { get; }

    /// <summary>1-based line of the offending token.</summary>
    public int Line { get; }

    /// <summary>1-based column (in characters; a tab counts as one) of the offending token.</summary>
    public int Column { get; }

    /// <summary>
    /// Where in the message the error is, e.g. <c>layer[3].convolution_param.kernel_size</c>
    /// (repeated indices are 0-based); empty for errors outside any field.
    /// </summary>
    public string FieldPath { get; }

    /// <summary>What was expected or what went wrong, without the location prefix.</summary>
    public string Problem { get; }

    private static string Compose(string? fileName, int line, int column, string fieldPath, string problem)
    {
        string location = $"{fileName ?? "<text>"}:{line}:{column}";
        return fieldPath.Length == 0 ? $"{location}: {problem}" : $"{location}: {fieldPath}: {problem}";
    }
}
