using Google.Protobuf;

namespace Caffe;

/// <summary>
/// Reading and writing Caffe's protobuf files (Caffe's <c>util/io</c> and <c>upgrade_proto</c> entry points):
/// prototxts and caffemodels are upgraded from old formats as they are read; writes are atomic.
/// </summary>
public static class ProtoIO
{
    /// <summary>Reads a net prototxt and upgrades it to the current format (Caffe's <c>ReadNetParamsFromTextFileOrDie</c>).</summary>
    public static NetParameter ReadNetParamsFromTextFile(string path) =>
        NetUpgrader.UpgradeNetAsNeeded(TextFormat.ParseFile<NetParameter>(path), path);

    /// <summary>
    /// Reads and upgrades a net prototxt like <see cref="ReadNetParamsFromTextFile(string)"/>, and gives for each
    /// layer of the result the <c>file:line</c> of its <c>layer {</c> (or V1 <c>layers {</c>) block, so that
    /// errors can point at it. Layers an upgrade created (the Input layer of <c>input:</c> fields) and layers of
    /// V0 nets, which the upgrade rebuilds, have no location (null).
    /// </summary>
    public static NetParameter ReadNetParamsFromTextFile(string path, out IReadOnlyList<SourceLocation?> layerLocations)
    {
        NetParameter raw = TextFormat.ParseFile<NetParameter>(path, out SourceMap map);
        var written = new List<(string Name, SourceLocation? Location)>();
        if (!NetUpgrader.NetNeedsV0ToV1Upgrade(raw))
        {
            for (int i = 0; i < raw.Layer.Count; i++) written.Add((raw.Layer[i].Name, map.Find($"layer[{i}]")));
            for (int i = 0; i < raw.Layers.Count; i++) written.Add((raw.Layers[i].Name, map.Find($"layers[{i}]")));
        }
        NetParameter param = NetUpgrader.UpgradeNetAsNeeded(raw, path);
        // The input upgrade puts one Input layer first; the other upgrades keep the layers in order. The names
        // must agree as well, so an upgrade that changed the layer list leaves locations out rather than wrong.
        int shift = param.Layer.Count - written.Count;
        var locations = new SourceLocation?[param.Layer.Count];
        for (int j = 0; j < locations.Length; j++)
        {
            int k = j - shift;
            if (k >= 0 && k < written.Count && written[k].Name == param.Layer[j].Name) locations[j] = written[k].Location;
        }
        layerLocations = locations;
        return param;
    }

    /// <summary>
    /// The size limit of a binary protobuf message, 2 GB - 1 byte: protobuf's own, which Caffe applies too
    /// (<c>kProtoReadBytesLimit</c>). Larger weights need HDF5.
    /// </summary>
    public const long MaxBinaryProtoBytes = int.MaxValue;

    /// <summary>
    /// Reads a binary net (a .caffemodel) and upgrades it (Caffe's <c>ReadNetParamsFromBinaryFileOrDie</c>).
    /// An empty file, or one that parses to no layers at all, is rejected rather than read as an empty net.
    /// </summary>
    public static NetParameter ReadNetParamsFromBinaryFile(string path)
    {
        NetParameter param = ReadProtoFromBinaryFile(NetParameter.Parser, path);
        if (param.Layer.Count == 0 && param.Layers.Count == 0)
        {
            long length = new FileInfo(path).Length;
            throw new ModelFormatException(path, length == 0
                ? "is empty (0 bytes); a .caffemodel holds a binary NetParameter."
                : $"parses as a binary NetParameter with no layers ({length} bytes of unknown fields); it is not a .caffemodel.");
        }
        return NetUpgrader.UpgradeNetAsNeeded(param, path);
    }

    /// <summary>Reads a binary <see cref="BlobProto"/> such as a mean file (<c>.binaryproto</c>).</summary>
    public static BlobProto ReadBlobProtoFromBinaryFile(string path) => ReadProtoFromBinaryFile(BlobProto.Parser, path);

    /// <summary>
    /// Reads a solver prototxt and upgrades it to the current format (Caffe's <c>ReadSolverParamsFromTextFileOrDie</c>):
    /// a deprecated <c>solver_type</c> enum becomes the <c>type</c> string, and <c>snapshot_prefix</c> gets Caffe's
    /// default (see <see cref="SolverUpgrader.UpgradeSnapshotPrefixProperty"/>).
    /// </summary>
    public static SolverParameter ReadSolverParamsFromTextFile(string path)
    {
        SolverParameter param = SolverUpgrader.UpgradeSolverAsNeeded(TextFormat.ParseFile<SolverParameter>(path), path);
        SolverUpgrader.UpgradeSnapshotPrefixProperty(path, param);
        return param;
    }

    /// <summary>
    /// Parses a binary protobuf file, streaming from disk (no whole-file buffer). Blob payloads are read straight
    /// into arrays of their exact size, so a caffemodel costs one parsed copy of its weights. Files over 2 GB,
    /// truncated or corrupt content raise <see cref="ModelFormatException"/> naming the file (and the byte offset
    /// and layer where the problem lies).
    /// </summary>
    public static T ReadProtoFromBinaryFile<T>(MessageParser<T> parser, string path) where T : IMessage<T>
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"File not found: {path}", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        CheckBinaryProtoSize(stream.Length, path, write: false);
        try
        {
            return StreamingProtoParser.Parse(parser, stream, path);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException(path,
                $"not a valid binary {typeof(T).Name} (truncated or corrupt protobuf, {stream.Length} bytes): {e.Message}", e);
        }
    }

    /// <summary>Fails with a clear message when <paramref name="bytes"/> exceed what one binary protobuf message can hold.</summary>
    internal static void CheckBinaryProtoSize(long bytes, string path, bool write)
    {
        if (bytes <= MaxBinaryProtoBytes) return;
        string message =
            $"cannot {(write ? "write" : "read")} {bytes} bytes ({bytes / (double)(1L << 30):F2} GiB) as one binary protobuf message: the format " +
            $"is limited to {MaxBinaryProtoBytes} bytes (2 GB), in Caffe too. Store weights this large as HDF5 " +
            "(Net.SaveHdf5 / Net.LoadHdf5, a .caffemodel.h5 file).";
        if (write) throw new CaffeException($"{path}: {message}");
        throw new ModelFormatException(path, message);
    }

    /// <summary>Writes a message as binary protobuf; the file appears complete under its name or not at all.</summary>
    public static void WriteProtoToBinaryFile(IMessage message, string path)
    {
        // CalculateSize is an int; a negative size means the message overflowed it.
        if (message.CalculateSize() < 0) CheckBinaryProtoSize(MaxBinaryProtoBytes + 1, path, write: true);
        AtomicFile.Write(path, stream =>
        {
            using var output = new CodedOutputStream(stream, leaveOpen: true);
            message.WriteTo(output);
            output.Flush();
        });
    }

    /// <summary>Writes a message in protobuf text format (Caffe's style), atomically.</summary>
    public static void WriteProtoToTextFile(IMessage message, string path) => TextFormat.WriteFile(path, message);
}
