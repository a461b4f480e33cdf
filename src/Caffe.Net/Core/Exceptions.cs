namespace Caffe;

/// <summary>Base of the errors Caffe.Net raises for bad models, inputs and files.</summary>
public class CaffeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CaffeException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// An error tied to one layer: bad parameters, blob counts or shapes, a failing custom layer. When the net
/// was built from a prototxt file, <see cref="Location"/> names the layer's <c>layer {</c> block and the
/// message starts with it: <c>net.prototxt:12: Layer 'conv1' (Convolution): ...</c>.
/// </summary>
public sealed class LayerException : CaffeException
{
    /// <summary>Creates the exception; the message is prefixed with the layer's name and type.</summary>
    public LayerException(string layerName, string layerType, string message, Exception? inner = null)
        : base($"Layer '{layerName}' ({layerType}): {message}", inner)
    {
        LayerName = layerName;
        LayerType = layerType;
    }

    /// <summary>The layer's name.</summary>
    public string LayerName { get; }

    /// <summary>The layer's type string.</summary>
    public string LayerType { get; }

    /// <summary>Where the layer is defined (its prototxt <c>file:line</c>), when the net came from a file.</summary>
    public SourceLocation? Location { get; private set; }

    /// <inheritdoc/>
    public override string Message => Location is { } location ? $"{location}: {base.Message}" : base.Message;

    // The net adds the location while the exception passes through it (in an exception filter, so the
    // original stack trace and inner exception stay as they are). The first location set wins.
    internal bool AddLocation(SourceLocation? location)
    {
        if (Location == null && location != null) Location = location;
        return false;
    }
}

/// <summary>A file that is not what it claims to be: truncated or corrupt protobuf, HDF5 or database content.</summary>
public sealed class ModelFormatException : CaffeException
{
    /// <summary>Creates the exception; the message is prefixed with the file name.</summary>
    public ModelFormatException(string fileName, string message, Exception? inner = null)
        : base($"{fileName}: {message}", inner) => FileName = fileName;

    /// <summary>The file at fault.</summary>
    public string FileName { get; }
}
