namespace Caffe;

/// <summary>
/// <c>.binaryproto</c> files: one binary <see cref="BlobProto"/>, such as the mean image written by Caffe's
/// <c>compute_image_mean</c>. Mirrors pycaffe's <c>caffe.io.blobproto_to_array</c> / <c>array_to_blobproto</c>
/// and the way Caffe's data transformer loads a <c>mean_file</c>.
/// </summary>
public static class BinaryProto
{
    /// <summary>
    /// Reads a .binaryproto as an array (pycaffe
    /// <c>blobproto_to_array(BlobProto.FromString(open(path, 'rb').read()))</c>): the legacy 4-D shape when the
    /// file has one, else <c>shape.dim</c>.
    /// </summary>
    public static NdArray ReadArray(string path, bool returnDiff = false)
    {
        BlobProto proto = ProtoIO.ReadBlobProtoFromBinaryFile(path);
        try
        {
            return ToArray(proto, returnDiff);
        }
        catch (FormatException e)
        {
            throw new ModelFormatException(path, e.Message, e);
        }
    }

    /// <summary>Reads a .binaryproto into a new blob of its shape, data and diff (Caffe's <c>mean_file</c> loading).</summary>
    public static Blob ReadBlob(string path)
    {
        BlobProto proto = ProtoIO.ReadBlobProtoFromBinaryFile(path);
        var blob = new Blob();
        try
        {
            blob.FromProto(proto);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new ModelFormatException(path, $"inconsistent BlobProto: {e.Message}", e);
        }
        return blob;
    }

    /// <summary>Writes an array (and optionally its diff) as a .binaryproto with an N-d shape (pycaffe <c>array_to_blobproto</c>), atomically.</summary>
    public static void Write(string path, NdArray array, NdArray? diff = null) =>
        ProtoIO.WriteProtoToBinaryFile(FromArray(array, diff), path);

    /// <summary>Writes a blob's shape and data (and diff with <paramref name="writeDiff"/>) as a .binaryproto, atomically.</summary>
    public static void Write(string path, Blob blob, bool writeDiff = false) =>
        ProtoIO.WriteProtoToBinaryFile(blob.ToProto(writeDiff), path);

    /// <summary>
    /// pycaffe <c>blobproto_to_array</c>: the data (or diff) of <paramref name="proto"/> shaped by its legacy
    /// num/channels/height/width when any is set, else by <c>shape.dim</c>. Double-precision payloads are
    /// converted; a payload whose length disagrees with the shape is a <see cref="FormatException"/>.
    /// </summary>
    public static NdArray ToArray(BlobProto proto, bool returnDiff = false)
    {
        int[] shape = Blob.ShapeOf(proto);
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
            if (count > int.MaxValue)
                throw new FormatException($"BlobProto shape ({string.Join(", ", shape)}) has more than {int.MaxValue} values.");
        }
        var floats = returnDiff ? proto.Diff : proto.Data;
        var doubles = returnDiff ? proto.DoubleDiff : proto.DoubleData;
        string what = returnDiff ? "diff" : "data";
        float[] values;
        if (floats.Count == 0 && doubles.Count == count && count > 0)
        {
            values = doubles.Select(v => (float)v).ToArray();
        }
        else if (floats.Count == count)
        {
            values = [.. floats];
        }
        else
        {
            int found = floats.Count > 0 ? floats.Count : doubles.Count;
            throw new FormatException(
                $"BlobProto has {found} {what} value(s) but its shape ({string.Join(", ", shape)}) needs {count}.");
        }
        return new NdArray(values, shape);
    }

    /// <summary>pycaffe <c>array_to_blobproto</c>: a proto with <c>shape.dim</c>, float data, and the diff when given.</summary>
    public static BlobProto FromArray(NdArray array, NdArray? diff = null)
    {
        if (diff != null && !diff.Shape.SequenceEqual(array.Shape))
        {
            throw new ArgumentException(
                $"diff shape ({string.Join(", ", diff.Shape)}) differs from data shape ({string.Join(", ", array.Shape)}).");
        }
        var proto = new BlobProto { Shape = new BlobShape() };
        foreach (int d in array.Shape) proto.Shape.Dim.Add(d);
        proto.Data.Add(array.Data);
        if (diff != null) proto.Diff.Add(diff.Data);
        return proto;
    }
}
