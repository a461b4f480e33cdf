using System.Text;
using Google.Protobuf;

namespace Caffe;

/// <summary>
/// Protobuf text format (the <c>.prototxt</c> format) for any generated message, compatible
/// with C++ <c>google::protobuf::TextFormat</c> as BVLC Caffe uses it (<c>ReadProtoFromTextFile</c>,
/// <c>WriteProtoToTextFile</c>). pycaffe users know it as <c>google.protobuf.text_format</c>.
/// See docs/text-format.md for the accepted syntax and the printer's rules.
/// </summary>
public static class TextFormat
{
    /// <summary>
    /// Parses <paramref name="text"/> into a new <typeparamref name="T"/>, like C++
    /// <c>TextFormat::Parse</c>: a non-repeated field given twice is an error.
    /// </summary>
    /// <param name="text">The prototxt text.</param>
    /// <param name="fileName">Named in error messages (null: <c>&lt;text&gt;</c>).</param>
    /// <exception cref="TextFormatException">The text is malformed or does not match the message type.</exception>
    public static T Parse<T>(string text, string? fileName = null) where T : IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(text);
        var message = new T();
        new TextParser(text, fileName, forbidOverwrites: true).ParseInto(message);
        return message;
    }

    /// <summary>Reads and parses a prototxt file (UTF-8); errors name the file.</summary>
    /// <exception cref="TextFormatException">The file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static T ParseFile<T>(string path) where T : IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse<T>(File.ReadAllText(path, Encoding.UTF8), path);
    }

    /// <summary>
    /// Reads and parses a prototxt file like <see cref="ParseFile{T}(string)"/>, and records where each element
    /// of a repeated message field starts (e.g. every <c>layer {</c> block) in <paramref name="map"/>, so later
    /// errors about a layer can name its <c>file:line</c>. The message is the same as without the map.
    /// </summary>
    /// <exception cref="TextFormatException">The file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static T ParseFile<T>(string path, out SourceMap map) where T : IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse<T>(File.ReadAllText(path, Encoding.UTF8), path, out map);
    }

    /// <summary>Parses <paramref name="text"/> like <see cref="Parse{T}(string, string?)"/>, recording element locations in <paramref name="map"/>.</summary>
    /// <exception cref="TextFormatException">The text is malformed or does not match the message type.</exception>
    public static T Parse<T>(string text, string? fileName, out SourceMap map) where T : IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(text);
        var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var message = new T();
        new TextParser(text, fileName, forbidOverwrites: true, locations).ParseInto(message);
        map = new SourceMap(fileName, locations);
        return message;
    }

    /// <summary>
    /// Parses <paramref name="text"/> into an existing message, like C++ <c>TextFormat::Merge</c>:
    /// repeated fields are appended to, set message fields are merged into, and a non-repeated
    /// scalar given again simply replaces the value. On error the target may be partly filled.
    /// </summary>
    /// <exception cref="TextFormatException">The text is malformed or does not match the message type.</exception>
    public static void Merge(string text, IMessage target, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(target);
        new TextParser(text, fileName, forbidOverwrites: false).ParseInto(target);
    }

    /// <summary>
    /// Prints <paramref name="message"/> exactly as C++ <c>TextFormat::Print</c> does with
    /// default settings (the format of Caffe's own prototxt output); ends with a newline
    /// unless the message is empty.
    /// </summary>
    public static string Print(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return TextPrinter.Print(message);
    }

    /// <summary>
    /// Writes <see cref="Print"/>'s text to <paramref name="path"/> atomically: a temporary file
    /// in the same folder, then a rename over the target, so readers never see a partial file.
    /// </summary>
    public static void WriteFile(string path, IMessage message)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllText(path, Print(message));
    }
}
