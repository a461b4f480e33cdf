using System.Diagnostics;
using System.Globalization;

namespace Caffe.Bench;

/// <summary>
/// CaffeNet and GoogLeNet (batch 10, random weights from their fillers) timed as <c>caffe time</c> times them,
/// beside the SGEMM rate of the same BLAS backend in the same run: the GFLOP/s a whole net reaches, as a
/// fraction of what the GEMM library alone reaches on 1024³.
/// </summary>
internal static class NetBenchmark
{
    public const string Help = "CaffeNet and GoogLeNet batch 10 forward and forward+backward vs. SGEMM 1024^3  [--iterations N] [--backend KIND] [--net caffenet|googlenet]";

    public static int Run(string[] args)
    {
        int iterations = 10;
        BlasBackendKind? backend = null;
        string? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--iterations": iterations = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--backend": backend = Enum.Parse<BlasBackendKind>(value, ignoreCase: true); i++; break;
                case "--net": only = value; i++; break;
                default:
                    Console.Error.WriteLine($"nets: unknown option '{args[i]}'\n  {Help}");
                    return 2;
            }
        }
        if (backend is BlasBackendKind kind) Blas.Use(kind);
        string models = Path.Combine(RepoRoot(), "tests", "data", "models", "bvlc");
        (string Name, string Prototxt)[] nets =
        [
            ("CaffeNet", Path.Combine(models, "bvlc_reference_caffenet", "deploy.prototxt")),
            ("GoogLeNet", Path.Combine(models, "bvlc_googlenet", "deploy.prototxt")),
        ];

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Cpu()}; .NET {Environment.Version}");
        Console.WriteLine($"BLAS: {Blas.Active.Name}, {Blas.Active.Threads} threads");
        Console.WriteLine($"{iterations} rounds per net, each an SGEMM 1024^3 rate (median of 3 calls) then one forward+backward;");
        Console.WriteLine("ms and GFLOP/s are medians over the rounds, 'vs SGEMM' the median of the per-round ratios.");
        Console.WriteLine();
        Console.WriteLine("| net | batch | SGEMM GFLOP/s | forward GFLOP | forward ms | forward GFLOP/s | vs SGEMM | fwd+bwd GFLOP | fwd+bwd ms | fwd+bwd GFLOP/s | vs SGEMM |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        var sgemm = new SgemmProbe();
        foreach ((string name, string prototxt) in nets)
        {
            if (only != null && !name.Equals(only, StringComparison.OrdinalIgnoreCase)) continue;
            Rng.SetRandomSeed(1701);
            // force_backward: a deploy net has no loss, and without it backward would skip every data gradient,
            // doing a third of the work the 3x FLOP count assumes.
            NetParameter param = ProtoIO.ReadNetParamsFromTextFile(prototxt);
            param.ForceBackward = true;
            param.State = new NetState { Phase = Phase.Train };
            var net = new Net(param);
            double forwardFlops = ForwardFlops(net);
            // Backward of a convolution or inner product costs two GEMMs of the forward's size (data and weight gradients).
            double totalFlops = 3 * forwardFlops;
            Rounds r = TimeInRounds(net, forwardFlops, sgemm, iterations);
            double forwardRate = forwardFlops / r.ForwardMs / 1e6, totalRate = totalFlops / r.TotalMs / 1e6;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {net.Blobs["data"].Num} | {r.Sgemm:F0} | {forwardFlops / 1e9:F1} | {r.ForwardMs:F0} | {forwardRate:F0} " +
                $"| {r.ForwardRatio:F2} | {totalFlops / 1e9:F1} | {r.TotalMs:F0} | {totalRate:F0} | {r.TotalRatio:F2} |"));
        }
        return 0;
    }

    private sealed record Rounds(double Sgemm, double ForwardMs, double TotalMs, double ForwardRatio, double TotalRatio);

    // The SGEMM rate and the net take turns, so that a slow phase of a shared machine slows both alike and the
    // ratio (the net's GFLOP/s over the SGEMM's, forward+backward counted as 3x the forward FLOPs) stays meaningful.
    private static Rounds TimeInRounds(Net net, double forwardFlops, SgemmProbe sgemm, int rounds)
    {
        var rates = new List<double>();
        var forward = new List<double>();
        var total = new List<double>();
        var forwardRatios = new List<double>();
        var totalRatios = new List<double>();
        sgemm.Rate();
        NetTimer.Time(net, 1);
        for (int i = 0; i < rounds; i++)
        {
            double rate = sgemm.Rate();
            NetTiming t = NetTimer.Time(net, 1);
            rates.Add(rate);
            forward.Add(t.ForwardMs);
            total.Add(t.ForwardMs + t.BackwardMs);
            forwardRatios.Add(forwardFlops / t.ForwardMs / 1e6 / rate);
            totalRatios.Add(3 * forwardFlops / (t.ForwardMs + t.BackwardMs) / 1e6 / rate);
        }
        return new Rounds(Median(rates), Median(forward), Median(total), Median(forwardRatios), Median(totalRatios));
    }

    // 2 · multiply-adds of every Convolution, Deconvolution and InnerProduct at the net's current shapes.
    private static double ForwardFlops(Net net)
    {
        double macs = 0;
        for (int i = 0; i < net.Layers.Count; i++)
        {
            Layer layer = net.Layers[i];
            Blob weights = layer.Blobs.Count > 0 ? layer.Blobs[0] : new Blob();
            macs += layer.Type switch
            {
                // Every top element of a convolution is a dot product over one weight row (Cin/group · kh · kw).
                "Convolution" => (double)net.TopVecs[i][0].Count * weights.Count / weights.ShapeAt(0),
                // Every bottom element of a deconvolution is spread over one weight row (Cout/group · kh · kw).
                "Deconvolution" => (double)net.BottomVecs[i][0].Count * weights.Count / weights.ShapeAt(0),
                // Every top element of an inner product is a dot product of length K = weights / num_output.
                "InnerProduct" => (double)net.TopVecs[i][0].Count * weights.Count / layer.Param.InnerProductParam.NumOutput,
                _ => 0,
            };
        }
        return 2 * macs;
    }

    /// <summary>C = A·B on 1024 x 1024 matrices with the active backend; its rate is the median of three calls.</summary>
    private sealed class SgemmProbe
    {
        private const int N = 1024;
        private readonly float[] _a = new float[N * N], _b = new float[N * N], _c = new float[N * N];

        public SgemmProbe()
        {
            var rng = new Random(1701);
            for (int i = 0; i < _a.Length; i++) (_a[i], _b[i]) = ((float)rng.NextDouble(), (float)rng.NextDouble());
        }

        public double Rate()
        {
            var rates = new List<double>();
            for (int i = 0; i < 3; i++)
            {
                long start = Stopwatch.GetTimestamp();
                Blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, N, N, N, 1f, _a, _b, 0f, _c);
                rates.Add(2.0 * N * N * N / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
            }
            return Median(rates);
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string Cpu()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?[(line.IndexOf(':') + 1)..].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Caffe.Net.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
