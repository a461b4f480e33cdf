using System.Diagnostics;
using System.Globalization;

namespace Caffe.Bench;

/// <summary>
/// How much memory loading a large caffemodel costs on top of the net's own weights. The parent generates a net
/// with VGG-19's parameter shapes (143.7 M floats, a 575 MB .caffemodel, one 411 MB blob) and saves it as
/// .caffemodel and .caffemodel.h5; a fresh child process per format builds the net, touches its weights so
/// they are resident, then loads the file and reports its peak resident set (VmHWM) and managed allocations.
/// The extra peak over the resident net is the cost of loading; the goal is at most one parsed copy.
/// </summary>
internal static class WeightsMemoryBench
{
    private const string LayerType = "BenchParams";

    // VGG-19's learnable blobs (weights, bias) per layer.
    private static readonly (string Name, int[] Weight)[] Vgg19 =
    [
        ("conv1_1", [64, 3, 3, 3]), ("conv1_2", [64, 64, 3, 3]),
        ("conv2_1", [128, 64, 3, 3]), ("conv2_2", [128, 128, 3, 3]),
        ("conv3_1", [256, 128, 3, 3]), ("conv3_2", [256, 256, 3, 3]), ("conv3_3", [256, 256, 3, 3]), ("conv3_4", [256, 256, 3, 3]),
        ("conv4_1", [512, 256, 3, 3]), ("conv4_2", [512, 512, 3, 3]), ("conv4_3", [512, 512, 3, 3]), ("conv4_4", [512, 512, 3, 3]),
        ("conv5_1", [512, 512, 3, 3]), ("conv5_2", [512, 512, 3, 3]), ("conv5_3", [512, 512, 3, 3]), ("conv5_4", [512, 512, 3, 3]),
        ("fc6", [4096, 25088]), ("fc7", [4096, 4096]), ("fc8", [1000, 4096]),
    ];

    public static int Run(string[] args)
    {
        LayerRegistry.Register(LayerType, p => new BenchParamsLayer(p));
        if (args.Length == 4 && args[0] == "--measure") return Measure(args[1], args[2], args[3]);

        string? directory = null;
        bool keep = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--dir" && i + 1 < args.Length) directory = args[++i];
            else if (args[i] == "--keep") keep = true;
            else
            {
                Console.Error.WriteLine("usage: caffe-bench weights-memory [--dir DIR] [--keep]");
                return 1;
            }
        }
        directory ??= Path.Combine(Path.GetTempPath(), $"caffe-bench-weights-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        try
        {
            return Generate(directory);
        }
        finally
        {
            if (!keep) Directory.Delete(directory, recursive: true);
        }
    }

    private static int Generate(string directory)
    {
        string prototxt = Path.Combine(directory, "vgg19_params.prototxt");
        string caffemodel = Path.Combine(directory, "vgg19_params.caffemodel");
        string h5 = Path.Combine(directory, "vgg19_params.caffemodel.h5");
        File.WriteAllText(prototxt, TextFormat.Print(NetDefinition()));

        Console.WriteLine($"Generating {caffemodel} and {h5} ...");
        var net = new Net(prototxt, Phase.Test);
        for (int layer = 0; layer < net.Layers.Count; layer++)
        {
            for (int j = 0; j < net.Layers[layer].Blobs.Count; j++) Fill(net.Layers[layer].Blobs[j].Data, layer, j);
        }
        net.Save(caffemodel);
        net.SaveHdf5(h5);
        net = null;
        GC.Collect();

        Console.WriteLine($"runtime {Environment.Version}, {Environment.ProcessorCount} cores, {Environment.OSVersion}");
        Console.WriteLine();
        Console.WriteLine("| format | file size | net weights (resident) | peak extra while loading | extra / file size | managed allocations | time |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach ((string format, string path) in new[] { ("caffemodel", caffemodel), ("hdf5", h5) })
        {
            Dictionary<string, long>? result = RunChild(format, prototxt, path);
            if (result == null) return 1;
            long file = new FileInfo(path).Length;
            long extra = result["peak_kb"] * 1024 - result["net_rss_kb"] * 1024;
            Console.WriteLine(
                $"| {format} | {Mb(file)} | {Mb(result["weights_bytes"])} ({Mb(result["net_rss_kb"] * 1024 - result["base_rss_kb"] * 1024)}) | " +
                $"{Mb(extra)} | {(double)extra / file:F2} | {Mb(result["allocated_bytes"])} | {result["load_ms"] / 1000.0:F2} s |");
        }
        return 0;
    }

    private static Dictionary<string, long>? RunChild(string format, string prototxt, string weights)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        // Under `dotnet caffe-bench.dll` the process is the host; the child needs the assembly path again.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(typeof(WeightsMemoryBench).Assembly.Location);
        foreach (string arg in new[] { "weights-memory", "--measure", format, prototxt, weights }) start.ArgumentList.Add(arg);
        using Process child = Process.Start(start)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            Console.Error.WriteLine($"caffe-bench: error: the {format} measurement failed (exit {child.ExitCode}): {output}");
            return null;
        }
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static int Measure(string format, string prototxt, string weights)
    {
        long baseRss = ProcStatusKb("VmRSS");
        var net = new Net(prototxt, Phase.Test);
        long weightsBytes = 0;
        foreach (Layer layer in net.Layers)
        {
            foreach (Blob blob in layer.Blobs)
            {
                // Touch every page so the net's weights are resident before the load starts.
                blob.Data.Fill(-1f);
                weightsBytes += (long)blob.Count * sizeof(float);
            }
        }
        GC.Collect();
        long netRss = ProcStatusKb("VmRSS");
        ResetPeak();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        if (format == "hdf5") net.LoadHdf5(weights);
        else net.CopyFrom(weights);
        watch.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long peak = ProcStatusKb("VmHWM");
        Verify(net);

        Console.WriteLine($"base_rss_kb {baseRss}");
        Console.WriteLine($"net_rss_kb {netRss}");
        Console.WriteLine($"peak_kb {Math.Max(peak, netRss)}");
        Console.WriteLine($"weights_bytes {weightsBytes}");
        Console.WriteLine($"allocated_bytes {allocated}");
        Console.WriteLine($"load_ms {watch.ElapsedMilliseconds}");
        return 0;
    }

    private static void Verify(Net net)
    {
        for (int layer = 0; layer < net.Layers.Count; layer++)
        {
            for (int j = 0; j < net.Layers[layer].Blobs.Count; j++)
            {
                Span<float> data = net.Layers[layer].Blobs[j].Data;
                for (int i = 0; i < data.Length; i += 997)
                {
                    if (data[i] != Value(layer, j, i))
                        throw new InvalidOperationException($"layer {net.LayerNames[layer]} blob {j} [{i}] = {data[i]}, expected {Value(layer, j, i)}");
                }
            }
        }
    }

    private static void Fill(Span<float> data, int layer, int blob)
    {
        for (int i = 0; i < data.Length; i++) data[i] = Value(layer, blob, i);
    }

    private static float Value(int layer, int blob, int index) => (float)(((index * 7919L + layer * 31 + blob) % 20011) / 20011.0 - 0.5);

    private static NetParameter NetDefinition()
    {
        var param = new NetParameter { Name = "VGG19Params" };
        foreach ((string name, int[] weight) in Vgg19)
        {
            var layer = new LayerParameter { Name = name, Type = LayerType, InputParam = new InputParameter() };
            var weightShape = new BlobShape();
            foreach (int d in weight) weightShape.Dim.Add(d);
            layer.InputParam.Shape.Add(weightShape);
            layer.InputParam.Shape.Add(new BlobShape { Dim = { weight[0] } });
            param.Layer.Add(layer);
        }
        return param;
    }

    private static long ProcStatusKb(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"/proc/self/status has no {field}");
    }

    // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+), so the peak seen is the load's.
    // Without it the peak still covers building the net, which is no higher than the resident net.
    private static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string Mb(long bytes) => $"{bytes / 1e6:F1} MB";

    /// <summary>A layer with parameter blobs only, shaped by <c>input_param.shape</c>: VGG's weights without the compute.</summary>
    private sealed class BenchParamsLayer(LayerParameter param) : Layer(param)
    {
        public override string Type => LayerType;

        public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
        {
            if (Blobs.Count > 0) return;
            foreach (BlobShape shape in Param.InputParam.Shape) Blobs.Add(new Blob(shape.Dim.Select(d => (int)d).ToArray()));
        }

        public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) { }

        protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) { }

        protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) { }
    }
}
