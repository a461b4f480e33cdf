namespace Caffe;

/// <summary>Base of the errors Caffe.Net raises for bad models, inputs and files.</summary>
public class CaffeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CaffeException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>An error tied to one layer: bad parameters, blob counts or shapes, a failing custom layer.</summary>
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
