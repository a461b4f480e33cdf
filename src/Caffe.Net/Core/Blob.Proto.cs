namespace Caffe;

public sealed partial class Blob
{
    /// <summary>True when <paramref name="proto"/> carries Caffe's deprecated 4-D num/channels/height/width shape.</summary>
    public static bool HasLegacyShape(BlobProto proto) =>
        proto.HasNum || proto.HasChannels || proto.HasHeight || proto.HasWidth;

    /// <summary>The shape a proto describes: its legacy 4-D dims when present, else <c>shape.dim</c>.</summary>
    public static int[] ShapeOf(BlobProto proto)
    {
        if (HasLegacyShape(proto)) return [proto.Num, proto.Channels, proto.Height, proto.Width];
        if (proto.Shape == null) return [];
        var shape = new int[proto.Shape.Dim.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            long d = proto.Shape.Dim[i];
            if (d < 0 || d > int.MaxValue)
                throw new FormatException($"BlobProto dimension {d} at axis {i} is out of range.");
            shape[i] = (int)d;
        }
        return shape;
    }

    /// <summary>
    /// Whether this blob's shape equals the proto's. A legacy 4-D proto matches any blob of at most 4 axes
    /// whose dims, padded with leading 1s, are the same (so V1 weights fit V2 layers), as Caffe's ShapeEquals.
    /// </summary>
    public bool ShapeEquals(BlobProto proto)
    {
        if (HasLegacyShape(proto))
        {
            return NumAxes <= 4 && LegacyShape(-4) == proto.Num && LegacyShape(-3) == proto.Channels
                && LegacyShape(-2) == proto.Height && LegacyShape(-1) == proto.Width;
        }
        return ShapeOf(proto).AsSpan().SequenceEqual(_shape);
    }

    /// <summary>
    /// Loads data (and diff when present) from a proto. With <paramref name="reshape"/> the blob takes the
    /// proto's shape; otherwise the shapes must agree (see <see cref="ShapeEquals"/>). Double-precision
    /// payloads are converted. A payload whose length disagrees with the shape is an error.
    /// </summary>
    public void FromProto(BlobProto proto, bool reshape = true)
    {
        if (reshape) Reshape(ShapeOf(proto));
        else if (!ShapeEquals(proto))
            throw new ArgumentException(
                $"Blob shape mismatch: proto has shape {ShapeText(ShapeOf(proto))}, blob has {ShapeString}.");
        CopyPayload(proto.DoubleData, proto.Data, Data, "data");
        CopyPayload(proto.DoubleDiff, proto.Diff, Diff, "diff");
    }

    /// <summary>Writes the shape and data (and the diff with <paramref name="writeDiff"/>) into a new proto.</summary>
    public BlobProto ToProto(bool writeDiff = false)
    {
        var proto = new BlobProto { Shape = new BlobShape() };
        foreach (int d in _shape) proto.Shape.Dim.Add(d);
        proto.Data.Add(Data.ToArray());
        if (writeDiff) proto.Diff.Add(Diff.ToArray());
        return proto;
    }

    private void CopyPayload(Google.Protobuf.Collections.RepeatedField<double> doubles,
                             Google.Protobuf.Collections.RepeatedField<float> floats, Span<float> target, string what)
    {
        if (doubles.Count > 0)
        {
            if (doubles.Count != Count)
                throw new ArgumentException(
                    $"BlobProto has {doubles.Count} double {what} values but its shape {ShapeString} needs {Count}.");
            for (int i = 0; i < Count; i++) target[i] = (float)doubles[i];
        }
        else if (floats.Count > 0)
        {
            if (floats.Count != Count)
                throw new ArgumentException(
                    $"BlobProto has {floats.Count} {what} values but its shape {ShapeString} needs {Count}.");
            for (int i = 0; i < Count; i++) target[i] = floats[i];
        }
    }
}
