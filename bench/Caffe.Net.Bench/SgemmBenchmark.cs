using System.Diagnostics;

namespace Caffe.Bench;

/// <summary>GFLOP/s of a square SGEMM for every BLAS backend that loads.</summary>
internal static class SgemmBenchmark
{
    public const string Help = "GFLOP/s of C = A B (n x n, default 1024) for each BLAS backend  [--size N] [--runs R] [--warmup W] [--threads T] [--backend KIND]";

    public static int Run(string[] args)
    {
        int size = 1024, runs = 10, warmup = 3, threads = Environment.ProcessorCount;
        BlasBackendKind? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--size": size = int.Parse(value); i++; break;
                case "--runs": runs = int.Parse(value); i++; break;
                case "--warmup": warmup = int.Parse(value); i++; break;
                case "--threads": threads = int.Parse(value); i++; break;
                case "--backend": only = Enum.Parse<BlasBackendKind>(value, ignoreCase: true); i++; break;
                default:
                    Console.Error.WriteLine($"sgemm: unknown option '{args[i]}'\n  {Help}");
                    return 2;
            }
        }
        if (size < 1 || runs < 1 || warmup < 0 || threads < 1)
        {
            Console.Error.WriteLine("sgemm: --size, --runs and --threads must be positive, --warmup not negative");
            return 2;
        }

        var rng = new Random(1701);
        float[] a = Random(rng, size * size), b = Random(rng, size * size), c = new float[size * size];
        double flops = 2.0 * size * size * size;
        Console.WriteLine($"SGEMM {size}x{size}x{size}, {threads} threads, {warmup} warm-up runs, best/median of {runs}");
        Console.WriteLine($"{"backend",-9} {"best",8} {"median",8}  GFLOP/s  library");

        foreach (BlasBackendKind kind in Enum.GetValues<BlasBackendKind>())
        {
            if (only is BlasBackendKind wanted && kind != wanted) continue;
            IBlasBackend? blas = Blas.TryGet(kind);
            if (blas == null)
            {
                Console.WriteLine($"{kind,-9} {"-",8} {"-",8}           not available");
                continue;
            }
            int previousThreads = blas.Threads;
            blas.Threads = threads;
            for (int i = 0; i < warmup; i++) blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, size, size, size, 1f, a, b, 0f, c);
            var seconds = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                long start = Stopwatch.GetTimestamp();
                blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, size, size, size, 1f, a, b, 0f, c);
                seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            blas.Threads = previousThreads;
            Array.Sort(seconds);
            double median = runs % 2 == 1 ? seconds[runs / 2] : (seconds[runs / 2 - 1] + seconds[runs / 2]) / 2;
            Console.WriteLine($"{kind,-9} {flops / seconds[0] / 1e9,8:F1} {flops / median / 1e9,8:F1}           {blas.Name}");
            // Native pools spin for a while after a call; let them go idle before the next library.
            Thread.Sleep(500);
        }
        return 0;
    }

    private static float[] Random(Random rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }
}
