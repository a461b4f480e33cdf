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

    /// <summary>Reads a binary net (a .caffemodel) and upgrades it (Caffe's <c>ReadNetParamsFromBinaryFileOrDie</c>).</summary>
    public static NetParameter ReadNetParamsFromBinaryFile(string path) =>
        NetUpgrader.UpgradeNetAsNeeded(ReadProtoFromBinaryFile(NetParameter.Parser, path), path);

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
    /// Parses a binary protobuf file, streaming from disk (no size limit, no whole-file buffer). Truncated or
    /// corrupt content raises <see cref="ModelFormatException"/> naming the file.
    /// </summary>
    public static T ReadProtoFromBinaryFile<T>(MessageParser<T> parser, string path) where T : IMessage<T>
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"File not found: {path}", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        try
        {
            using var input = new CodedInputStream(stream);
            return parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException(path,
                $"not a valid binary {typeof(T).Name} (truncated or corrupt protobuf): {e.Message}", e);
        }
    }

    /// <summary>Writes a message as binary protobuf; the file appears complete under its name or not at all.</summary>
    public static void WriteProtoToBinaryFile(IMessage message, string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var output = new CodedOutputStream(stream, leaveOpen: true);
            message.WriteTo(output);
            output.Flush();
        });

    /// <summary>Writes a message in protobuf text format (Caffe's style), atomically.</summary>
    public static void WriteProtoToTextFile(IMessage message, string path) => TextFormat.WriteFile(path, message);
}
