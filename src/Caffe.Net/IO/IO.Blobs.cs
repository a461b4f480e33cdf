using Google.Protobuf;

namespace Caffe;

public static partial class IO
{
    /// <summary>
    /// pycaffe <c>caffe.io.blobproto_to_array(blob, return_diff)</c>: the data (or the diff) of a
    /// <see cref="BlobProto"/> as an array (<see cref="BinaryProto.ToArray"/>). The shape is the legacy 4-D
    /// num×channels×height×width when any of those fields is set (unset ones count as 0, as in pycaffe), else
    /// <c>shape.dim</c>; a proto with no shape at all is a scalar.
    /// </summary>
    /// <exception cref="FormatException">The number of values does not fit the shape (numpy's ValueError).</exception>
    public static NdArray BlobProtoToArray(BlobProto blob, bool returnDiff = false)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return BinaryProto.ToArray(blob, returnDiff);
    }

    /// <summary>
    /// pycaffe <c>caffe.io.array_to_blobproto(arr, diff)</c>: a <see cref="BlobProto"/> with <c>shape.dim</c> set
    /// to the array's shape, its values as <c>data</c>, and <paramref name="diff"/>'s as <c>diff</c> when given
    /// (it must have the same shape; pycaffe does not check).
    /// </summary>
    public static BlobProto ArrayToBlobProto(NdArray arr, NdArray? diff = null)
    {
        ArgumentNullException.ThrowIfNull(arr);
        return BinaryProto.FromArray(arr, diff);
    }

    /// <summary>
    /// pycaffe <c>caffe.io.arraylist_to_blobprotovecor_str(arraylist)</c> (pycaffe's spelling): the arrays as a
    /// serialized <see cref="BlobProtoVector"/>.
    /// </summary>
    public static byte[] ArrayListToBlobProtoVectorString(IEnumerable<NdArray> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var vector = new BlobProtoVector();
        foreach (NdArray array in arrays) vector.Blobs.Add(ArrayToBlobProto(array));
        return vector.ToByteArray();
    }

    /// <summary>pycaffe <c>caffe.io.blobprotovector_str_to_arraylist(str)</c>: the data of every blob of a serialized <see cref="BlobProtoVector"/>.</summary>
    /// <exception cref="ArgumentException">The bytes are not a valid BlobProtoVector.</exception>
    public static List<NdArray> BlobProtoVectorStringToArrayList(byte[] serialized)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        BlobProtoVector vector;
        try
        {
            vector = BlobProtoVector.Parser.ParseFrom(serialized);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ArgumentException($"Not a serialized BlobProtoVector: {e.Message}", nameof(serialized), e);
        }
        return vector.Blobs.Select(blob => BlobProtoToArray(blob)).ToList();
    }

    /// <summary>
    /// Loads a mean image for <see cref="Transformer.SetMean"/>: a <c>.npy</c> file (as pycaffe's
    /// <c>np.load('ilsvrc_2012_mean.npy')</c>) or a binary <see cref="BlobProto"/> (<c>.binaryproto</c>, as
    /// <c>compute_image_mean</c> writes). A leading axis of size 1 is dropped, so a 1×K×H×W mean comes back
    /// K×H×W — pycaffe scripts write <c>blobproto_to_array(blob)[0]</c> for the same thing.
    /// </summary>
    public static NdArray LoadMean(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        NdArray mean = path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? Npy.Load(path) : BinaryProto.ReadArray(path);
        if (mean.NumAxes == 4 && mean.Shape[0] == 1) mean = mean.Reshape([.. mean.Shape.Skip(1)]);
        return mean;
    }
}
