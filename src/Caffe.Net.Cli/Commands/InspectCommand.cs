using System.CommandLine;
using System.Text;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe inspect FILE</c>: lists a net's layers. A prototxt (upgraded as it is read) shows each layer's name,
/// type, bottoms and tops; a .caffemodel shows each layer's blob shapes and parameter count, with totals; an
/// HDF5 weights file (.caffemodel.h5) shows the same from its <c>data</c> group. V1 files that are not upgraded
/// are listed from their V1 <c>layers</c>.
/// </summary>
public static class InspectCommand
{
    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    /// <summary>The <c>inspect</c> subcommand, for the tool's command tree.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "a .prototxt, .caffemodel or .caffemodel.h5 file" };
        var command = new Command("inspect", "List the layers of a net definition or a weights file.") { file };
        command.SetAction(result => Run(result.GetValue(file)!, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Inspects <paramref name="file"/>; returns the exit code (0, or 1 after one <c>caffe: error: …</c> line).</summary>
    public static int Run(string file, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (!File.Exists(file)) throw new FileNotFoundException($"{file}: no such file.", file);
            switch (Sniff(file))
            {
                case FileKind.Hdf5:
                    PrintHdf5(file, stdout);
                    break;
                case FileKind.Text:
                    PrintDefinition(file, ProtoIO.ReadNetParamsFromTextFile(file), stdout);
                    break;
                default:
                    PrintWeights(file, ProtoIO.ReadNetParamsFromBinaryFile(file), stdout);
                    break;
            }
            return 0;
        }
        catch (Exception e) when (e is CaffeException or IOException or UnauthorizedAccessException or FormatException)
        {
            // Our exceptions already name the file; keep the report to one line.
            string message = e.Message.ReplaceLineEndings(" ");
            stderr.WriteLine($"caffe: error: {message}");
            return 1;
        }
    }

    private enum FileKind { Text, Binary, Hdf5 }

    private static FileKind Sniff(string file)
    {
        var head = new byte[4096];
        int read;
        using (FileStream stream = File.OpenRead(file)) read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        ReadOnlySpan<byte> bytes = head.AsSpan(0, read);
        if (bytes.StartsWith(Hdf5Signature)) return FileKind.Hdf5;
        string extension = Path.GetExtension(file).ToLowerInvariant();
        if (extension is ".prototxt" or ".pbtxt" or ".pt") return FileKind.Text;
        if (extension is ".caffemodel" or ".binaryproto") return FileKind.Binary;
        // Otherwise decide by content: text nets are printable UTF-8, binary protobuf is not.
        foreach (byte b in bytes)
        {
            if (b < 0x20 && b is not ((byte)'\n' or (byte)'\r' or (byte)'\t')) return FileKind.Binary;
        }
        return read == 0 ? FileKind.Binary : FileKind.Text;
    }

    private static void PrintDefinition(string file, NetParameter net, TextWriter stdout)
    {
        // Until V1 'layers' are upgraded they sit beside 'layer' (which may hold an upgraded Input layer): list both.
        var layers = net.Layer.Select(l => (l.Name, l.Type, l.Bottom, l.Top))
            .Concat(net.Layers.Select(l => (l.Name, Type: V1TypeName(l), l.Bottom, l.Top)))
            .ToList();
        var table = new List<string[]> { new[] { "#", "name", "type", "bottoms", "tops" } };
        for (int i = 0; i < layers.Count; i++)
        {
            table.Add([$"{i}", layers[i].Name, layers[i].Type, string.Join(", ", layers[i].Bottom), string.Join(", ", layers[i].Top)]);
        }
        stdout.WriteLine($"{file}: net '{net.Name}', {layers.Count} layer(s){V1Note(net)}");
        WriteTable(stdout, table);
    }

    private static void PrintWeights(string file, NetParameter net, TextWriter stdout)
    {
        var layers = net.Layer.Select(l => (l.Name, l.Type, Blobs: (IReadOnlyList<BlobProto>)l.Blobs))
            .Concat(net.Layers.Select(l => (l.Name, Type: V1TypeName(l), Blobs: (IReadOnlyList<BlobProto>)l.Blobs)))
            .ToList();
        var table = new List<string[]> { new[] { "#", "name", "type", "blobs", "params" } };
        long totalParams = 0;
        int totalBlobs = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            IReadOnlyList<BlobProto> blobs = layers[i].Blobs;
            long parameters = 0;
            var shapes = new List<string>();
            foreach (BlobProto blob in blobs)
            {
                int[] shape = Blob.ShapeOf(blob);
                parameters += shape.Aggregate(1L, (a, d) => a * d);
                shapes.Add(shape.Length == 0 ? "scalar" : string.Join("x", shape));
            }
            totalParams += parameters;
            totalBlobs += blobs.Count;
            table.Add([$"{i}", layers[i].Name, layers[i].Type, shapes.Count == 0 ? "-" : string.Join(", ", shapes), $"{parameters}"]);
        }
        int withWeights = layers.Count(l => l.Blobs.Count > 0);
        stdout.WriteLine($"{file}: net '{net.Name}', {layers.Count} layer(s), {withWeights} with weights{V1Note(net)}");
        WriteTable(stdout, table);
        stdout.WriteLine($"total: {totalBlobs} blob(s), {totalParams} parameters ({totalParams * sizeof(float) / 1e6:F2} MB as float32)");
    }

    private static string V1Note(NetParameter net) =>
        net.Layers.Count == 0 ? "" : $" ({net.Layers.Count} of them V1 'layers', not upgraded)";

    private static void PrintHdf5(string file, TextWriter stdout)
    {
        using Hdf5Reader reader = Hdf5Reader.Open(file);
        if (!reader.GroupExists("data"))
            throw new ModelFormatException(file, "has no group 'data': it is not a Caffe HDF5 weights file.");
        var table = new List<string[]> { new[] { "#", "name", "blobs", "params" } };
        long totalParams = 0;
        int totalBlobs = 0;
        int layers = 0;
        foreach (string layer in LayerGroups(reader, "data", ""))
        {
            var shapes = new List<string>();
            long parameters = 0;
            // Datasets are named by blob index; list them in index order, not name order ("10" after "9").
            foreach (string name in reader.DatasetNames($"data/{layer}").OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal))
            {
                int[] shape = reader.Shape($"data/{layer}/{name}");
                parameters += shape.Aggregate(1L, (a, d) => a * d);
                shapes.Add($"{name}: {(shape.Length == 0 ? "scalar" : string.Join("x", shape))}");
            }
            totalParams += parameters;
            totalBlobs += shapes.Count;
            table.Add([$"{layers++}", layer, shapes.Count == 0 ? "-" : string.Join(", ", shapes), $"{parameters}"]);
        }
        stdout.WriteLine($"{file}: HDF5 weights, {layers} layer(s){(reader.GroupExists("diff") ? ", with diffs" : "")}");
        WriteTable(stdout, table);
        stdout.WriteLine($"total: {totalBlobs} blob(s), {totalParams} parameters ({totalParams * sizeof(float) / 1e6:F2} MB as float32)");
    }

    // A layer is a group under data/; a name with '/' is stored as nested groups, so walk them.
    private static IEnumerable<string> LayerGroups(Hdf5Reader reader, string path, string prefix)
    {
        foreach (string group in reader.GroupNames(path))
        {
            string layer = prefix + group;
            string groupPath = $"{path}/{group}";
            IReadOnlyList<string> nested = reader.GroupNames(groupPath);
            if (reader.DatasetNames(groupPath).Count > 0 || nested.Count == 0) yield return layer;
            foreach (string child in LayerGroups(reader, groupPath, layer + "/")) yield return child;
        }
    }

    private static string V1TypeName(V1LayerParameter layer)
    {
        if (layer.Layer != null && layer.Layer.HasType) return layer.Layer.Type;
        return V1LayerParameter.Descriptor.FindFieldByName("type").EnumType.FindValueByNumber((int)layer.Type)?.Name
            ?? ((int)layer.Type).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    // Columns are left-aligned except the index and the parameter count (the last column of weight listings).
    private static void WriteTable(TextWriter stdout, List<string[]> rows)
    {
        int columns = rows[0].Length;
        bool countsLast = rows[0][^1] == "params";
        var widths = new int[columns];
        foreach (string[] row in rows)
        {
            for (int c = 0; c < columns; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        }
        foreach (string[] row in rows)
        {
            var line = new StringBuilder(" ");
            for (int c = 0; c < columns; c++)
            {
                bool right = c == 0 || (c == columns - 1 && countsLast);
                line.Append(' ').Append(right ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
                if (c < columns - 1) line.Append(' ');
            }
            stdout.WriteLine(line.ToString().TrimEnd());
        }
    }
}
