using Google.Protobuf;

namespace Caffe;

/// <summary>
/// Caffe's <c>util/io</c> functions on <see cref="Datum"/> records: images to datums (raw CHW bytes or the
/// encoded file), datums back to images or arrays, and parsing a database value with errors that name it.
/// </summary>
public static class DatumIO
{
    /// <summary>
    /// Parses a serialized <see cref="Datum"/> read from <paramref name="source"/> at <paramref name="key"/>; a
    /// truncated or corrupt value raises <see cref="DatabaseException"/> naming both.
    /// </summary>
    public static Datum Parse(byte[] value, string source, string key)
    {
        Datum datum;
        try
        {
            datum = Datum.Parser.ParseFrom(value);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new DatabaseException(source, key, $"the value ({value.Length} bytes) is not a valid Datum (truncated or corrupt protobuf): {e.Message}", e);
        }
        CheckConsistent(datum, source, key);
        return datum;
    }

    /// <summary>
    /// Checks that a raw (not encoded) datum holds channels×height×width values in <c>data</c> or
    /// <c>float_data</c>; a mismatch raises <see cref="DatabaseException"/> naming the record.
    /// </summary>
    public static void CheckConsistent(Datum datum, string source, string key)
    {
        if (datum.Encoded) return;
        if (datum.Channels <= 0 || datum.Height <= 0 || datum.Width <= 0)
            throw new DatabaseException(source, key, $"the Datum has no valid shape (channels {datum.Channels}, height {datum.Height}, width {datum.Width}).");
        long size = (long)datum.Channels * datum.Height * datum.Width;
        if (datum.Data.Length > 0)
        {
            if (datum.Data.Length != size)
                throw new DatabaseException(source, key,
                    $"the Datum's data has {datum.Data.Length} bytes but {datum.Channels}×{datum.Height}×{datum.Width} needs {size} (truncated value?).");
        }
        else if (datum.FloatData.Count != size)
        {
            throw new DatabaseException(source, key,
                $"the Datum's float_data has {datum.FloatData.Count} values but {datum.Channels}×{datum.Height}×{datum.Width} needs {size} (truncated value?).");
        }
    }

    /// <summary>
    /// Caffe's <c>CVMatToDatum</c>: an H×W×K image of 8-bit values becomes a raw datum with CHW bytes
    /// (<c>encoded</c> false).
    /// </summary>
    public static Datum ImageToDatum(NdArray image, int label = 0)
    {
        if (image.NumAxes != 3) throw new ArgumentException($"An image must be H×W×K, got ({string.Join(", ", image.Shape)}).");
        int height = image.Shape[0], width = image.Shape[1], channels = image.Shape[2];
        var bytes = new byte[channels * height * width];
        float[] src = image.Data;
        for (int h = 0; h < height; h++)
            for (int w = 0; w < width; w++)
                for (int c = 0; c < channels; c++)
                    bytes[(c * height + h) * width + w] = (byte)Math.Clamp((int)MathF.Round(src[(h * width + w) * channels + c]), 0, 255);
        return new Datum
        {
            Channels = channels,
            Height = height,
            Width = width,
            Data = ByteString.CopyFrom(bytes),
            Label = label,
            Encoded = false,
        };
    }

    /// <summary>Caffe's <c>ReadFileToDatum</c>: the file's bytes as an encoded datum.</summary>
    public static Datum ReadFileToDatum(string path, int label = -1)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"File not found: {path}", path);
        return new Datum { Data = ByteString.CopyFrom(File.ReadAllBytes(path)), Label = label, Encoded = true };
    }

    /// <summary>
    /// Caffe's <c>ReadImageToDatum</c>: reads an image in color (BGR) or gray, resized when both sizes are
    /// positive. With an <paramref name="encoding"/> (<c>png</c>, <c>jpg</c>, ...) the datum holds the encoded
    /// image — the file itself when no resize or color change is needed and its extension matches — else raw CHW bytes.
    /// </summary>
    public static Datum ReadImageToDatum(string path, int label, int height, int width, bool isColor, string encoding = "")
    {
        NdArray image = ImageCodec.Read(path, height, width, isColor);
        if (encoding.Length > 0)
        {
            bool sameColor = (image.Shape[2] == 3) == isColor;
            if (sameColor && height == 0 && width == 0 && MatchesExtension(path, encoding))
                return ReadFileToDatum(path, label);
            return new Datum { Data = ByteString.CopyFrom(ImageCodec.Encode(image, encoding)), Label = label, Encoded = true };
        }
        return ImageToDatum(image, label);
    }

    /// <summary>
    /// Decodes an encoded datum to an H×W×K image (Caffe's <c>DecodeDatumToCVMat</c>/<c>...Native</c>);
    /// <paramref name="source"/> names the record in errors.
    /// </summary>
    public static NdArray DecodeToImage(Datum datum, ImageColorMode mode, string source = "<datum>")
    {
        if (!datum.Encoded) throw new ArgumentException($"{source}: the datum is not encoded.");
        return ImageCodec.Decode(datum.Data.Span, mode, source);
    }

    /// <summary>
    /// Caffe's <c>DecodeDatumNative</c>/<c>DecodeDatum</c>: an encoded datum becomes a raw one (in place), keeping
    /// its label. Returns false when the datum was not encoded.
    /// </summary>
    public static bool DecodeDatum(Datum datum, ImageColorMode mode = ImageColorMode.Native, string source = "<datum>")
    {
        if (!datum.Encoded) return false;
        Datum raw = ImageToDatum(DecodeToImage(datum, mode, source), datum.Label);
        datum.Channels = raw.Channels;
        datum.Height = raw.Height;
        datum.Width = raw.Width;
        datum.Data = raw.Data;
        datum.FloatData.Clear();
        datum.Encoded = false;
        return true;
    }

    private static bool MatchesExtension(string path, string encoding)
    {
        string extension = Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
        string wanted = encoding.ToLowerInvariant();
        return extension == wanted || (extension is "jpg" or "jpeg" && wanted is "jpg" or "jpeg");
    }
}
