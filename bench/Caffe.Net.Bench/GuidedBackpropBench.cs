using System.Diagnostics;
using System.Globalization;

namespace Caffe.Bench;

/// <summary>
/// What one guided-backprop map costs on CaffeNet (batch 1) next to the plain passes it is made of: the BVLC deploy
/// prototxt, weights drawn from the fillers of its train_val.prototxt (seeded), a random image. Each measurement
/// is the median of N runs after warm-up, the passes taking turns:
/// forward; forward + backward of a force_backward copy as pycaffe runs it (parameter gradients included); the
/// plain input gradient (<see cref="Visualization.Saliency"/>: forward + <see cref="Net.BackwardPath"/>, no hooks);
/// <see cref="Visualization.GuidedBackprop"/> (the same plus backward hooks on the ReLUs); and the thread's
/// layer-by-layer pycaffe loop on the force_backward copy.
/// </summary>
internal static class GuidedBackpropBench
{
    public static int Run(string[] args)
    {
        int runs = 20;
        string root = FindRepoRoot();
        string folder = Path.Combine(root, "tests/data/models/bvlc/bvlc_reference_caffenet");
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs" && i + 1 < args.Length) runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--model-dir" && i + 1 < args.Length) folder = args[++i];
            else
            {
                Console.Error.WriteLine("usage: caffe-bench guided-backprop [--runs N] [--model-dir DIR with deploy.prototxt and train_val.prototxt]");
                return 1;
            }
        }

        Net net = Build(folder, forceBackward: false);
        Net forceBackward = Build(folder, forceBackward: true);
        forceBackward.CopyFrom(net.ToProto());
        const int target = 281;
        Console.WriteLine($"CaffeNet batch 1, {runs} rounds (median; 3 warm-up runs each); BLAS: {Blas.Active.Name}, " +
                          $"{Environment.ProcessorCount} cores, {CpuName()}, .NET {Environment.Version}");

        (string Name, Action Pass)[] passes =
        [
            ("forward", () => net.Forward()),
            ("forward + backward, force_backward copy (pycaffe `net.forward(); net.backward()`)", () =>
            {
                forceBackward.Forward();
                Seed(forceBackward, target);
                forceBackward.Backward();
            }),
            ("input gradient, `Visualization.Saliency(net, c, SaliencyMode.Gradient)`",
                () => Visualization.Saliency(net, target, SaliencyMode.Gradient)),
            ("guided backprop, `Visualization.GuidedBackprop(net, c)`", () => Visualization.GuidedBackprop(net, target)),
            ("guided backprop, the thread's layer-by-layer loop on the force_backward copy", () => ThreadLoop(forceBackward, target)),
        ];
        // Round robin, so that a slow phase of the machine slows every pass alike; the overhead is the median of
        // the per-round ratios.
        foreach ((_, Action pass) in passes)
        {
            for (int i = 0; i < 3; i++) pass();
        }
        var times = new double[passes.Length][];
        for (int p = 0; p < passes.Length; p++) times[p] = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            for (int p = 0; p < passes.Length; p++)
            {
                long start = Stopwatch.GetTimestamp();
                passes[p].Pass();
                times[p][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        const int gradient = 2, guided = 3, forwardBackward = 1;
        double Ratio(int a, int b) => Median(Enumerable.Range(0, runs).Select(r => times[a][r] / times[b][r]).ToArray());

        Console.WriteLine();
        Console.WriteLine("| pass | median ms | min ms | median ratio to the input gradient |");
        Console.WriteLine("|---|---|---|---|");
        for (int p = 0; p < passes.Length; p++)
            Console.WriteLine($"| {passes[p].Name} | {Median(times[p]):F1} | {times[p].Min():F1} | {Ratio(p, gradient):F3} |");
        Console.WriteLine();
        Console.WriteLine($"guided backprop overhead over the plain input gradient: {100 * (Ratio(guided, gradient) - 1):F1} %; " +
                          $"over pycaffe's forward + backward: {100 * (Ratio(guided, forwardBackward) - 1):F1} %");
        return 0;
    }

    // The deploy net at batch 1, with the weight and bias fillers of the same layers in train_val.prototxt.
    private static Net Build(string folder, bool forceBackward)
    {
        NetParameter deploy = ProtoIO.ReadNetParamsFromTextFile(Path.Combine(folder, "deploy.prototxt"));
        deploy.ForceBackward = forceBackward;
        deploy.State = new NetState { Phase = Phase.Test };
        deploy.Layer[0].InputParam.Shape[0].Dim[0] = 1;
        var net = new Net(deploy);
        NetParameter trainVal = ProtoIO.ReadNetParamsFromTextFile(Path.Combine(folder, "train_val.prototxt"));
        Rng.SetRandomSeed(1701);
        foreach (LayerParameter layer in trainVal.Layer)
        {
            if (!net.Params.TryGetValue(layer.Name, out IReadOnlyList<Blob>? blobs)) continue;
            FillerParameter? weights = layer.ConvolutionParam?.WeightFiller ?? layer.InnerProductParam?.WeightFiller;
            FillerParameter? bias = layer.ConvolutionParam?.BiasFiller ?? layer.InnerProductParam?.BiasFiller;
            if (weights != null) Filler.Fill(weights, blobs[0]);
            if (bias != null && blobs.Count > 1) Filler.Fill(bias, blobs[1]);
        }
        Rng.FillUniform(net.Blobs["data"].Data, -128, 128);
        return net;
    }

    private static void Seed(Net net, int target)
    {
        Span<float> diff = net.Blobs["prob"].Diff;
        diff.Clear();
        diff[target] = 1;
    }

    private static void ThreadLoop(Net net, int target)
    {
        net.Forward();
        Seed(net, target);
        for (int i = net.Layers.Count - 1; i >= 0; i--)
        {
            string name = net.LayerNames[i];
            float[]? topDiff = net.Layers[i].Type == "ReLU" ? net.Blobs[net.TopNames[name][0]].Diff.ToArray() : null;
            net.Backward(start: name, end: name);
            if (topDiff == null) continue;
            Span<float> bottomDiff = net.Blobs[net.BottomNames[name][0]].Diff;
            for (int k = 0; k < bottomDiff.Length; k++)
                if (topDiff[k] <= 0) bottomDiff[k] = 0;
        }
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static string CpuName()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Caffe.Net.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
