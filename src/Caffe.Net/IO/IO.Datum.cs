using Google.Protobuf;

namespace Caffe;

public static partial class IO
{
    /// <summary>
    /// pycaffe <c>caffe.io.array_to_datum(arr, label)</c> for a float array: a K×H×W array becomes a
    /// <see cref="Datum"/> with channels/height/width and the values in <c>float_data</c> (C order); the label
    /// is set only when given. For pycaffe's uint8 arrays (stored as bytes in <c>data</c>) use
    /// <see cref="ArrayToDatumUInt8"/>.
    /// </summary>
    public static Datum ArrayToDatum(NdArray arr, int? label = null)
    {
        Datum datum = DatumHeader(arr, label);
        datum.FloatData.Add(arr.Data);
        return datum;
    }

    /// <summary>
    /// pycaffe <c>caffe.io.array_to_datum(arr, label)</c> for a <c>uint8</c> array: the K×H×W values, which must
    /// be integers in [0, 255], are stored as bytes in <c>data</c> (C order), as Caffe's image databases hold pixels.
    /// </summary>
    public static Datum ArrayToDatumUInt8(NdArray arr, int? label = null)
    {
        Datum datum = DatumHeader(arr, label);
        var bytes = new byte[arr.Count];
        for (int i = 0; i < bytes.Length; i++)
        {
            float v = arr.Data[i];
            if (!(v >= 0 && v <= 255 && v == MathF.Floor(v)))
                throw new ArgumentException($"Value {v} at flat index {i} is not a uint8 (an integer in [0, 255]).", nameof(arr));
            bytes[i] = (byte)v;
        }
        datum.Data = ByteString.CopyFrom(bytes);
        return datum;
    }

    /// <summary>
    /// pycaffe <c>caffe.io.datum_to_array(datum)</c>: the K×H×W array of a <see cref="Datum"/> — its <c>data</c>
    /// bytes (values 0–255) when present, else its <c>float_data</c>. The label is not returned (read
    /// <c>datum.Label</c>). Beyond pycaffe, an encoded datum (<c>encoded: true</c>, a JPEG/PNG file in <c>data</c>)
    /// is decoded as Caffe's data layers decode it: BGR channel order (or 1 channel for a gray image), 0–255.
    /// </summary>
    /// <exception cref="ArgumentException">The payload does not match channels×height×width, or cannot be decoded.</exception>
    public static NdArray DatumToArray(Datum datum)
    {
        ArgumentNullException.ThrowIfNull(datum);
        if (datum.Encoded) return DecodeDatum(datum.Data.Span);
        int[] shape = [datum.Channels, datum.Height, datum.Width];
        long count = (long)shape[0] * shape[1] * shape[2];
        if (datum.Data.Length > 0)
        {
            if (datum.Data.Length != count)
                throw new ArgumentException($"Datum has {datum.Data.Length} bytes of data, which cannot be reshaped into ({ShapeText(shape)}).");
            ReadOnlySpan<byte> bytes = datum.Data.Span;
            var values = new float[bytes.Length];
            for (int i = 0; i < values.Length; i++) values[i] = bytes[i];
            return new NdArray(values, shape);
        }
        if (datum.FloatData.Count != count)
            throw new ArgumentException($"Datum has {datum.FloatData.Count} float_data values, which cannot be reshaped into ({ShapeText(shape)}).");
        return new NdArray([.. datum.FloatData], shape);
    }

    private static Datum DatumHeader(NdArray arr, int? label)
    {
        ArgumentNullException.ThrowIfNull(arr);
        if (arr.NumAxes != 3)
            throw new ArgumentException($"A Datum holds a K×H×W array; got shape ({ShapeText(arr.Shape)}).", nameof(arr));
        var datum = new Datum { Channels = arr.Shape[0], Height = arr.Shape[1], Width = arr.Shape[2] };
        if (label is int value) datum.Label = value;
        return datum;
    }

    private static NdArray DecodeDatum(ReadOnlySpan<byte> encoded)
    {
        NdArray image;
        try
        {
            // Caffe decodes with OpenCV: BGR, or 1 channel for a gray image (ImageCodec's native mode).
            image = ImageCodec.Decode(encoded, ImageColorMode.Native, "encoded Datum");
        }
        catch (ModelFormatException e)
        {
            throw new ArgumentException(e.Message, e);
        }
        int height = image.Shape[0], width = image.Shape[1], channels = image.Shape[2];
        var array = new NdArray(channels, height, width);
        for (int p = 0; p < height * width; p++)
            for (int c = 0; c < channels; c++) array.Data[c * height * width + p] = image.Data[p * channels + c];
        return array;
    }
}
