namespace Caffe.Bench;

/// <summary>The benchmark harness: one subcommand per measurement (not part of the test run).</summary>
internal static class Program
{
    private static readonly (string Name, string Summary, Func<string[], int> Run)[] Commands =
    [
        ("weights-memory", "peak memory and time of loading a generated ~575 MB caffemodel (and its .h5) into a net",
            WeightsMemoryBench.Run),
        ("sgemm", SgemmBenchmark.Help, SgemmBenchmark.Run),
        ("nets", NetBenchmark.Help, NetBenchmark.Run),
        ("guided-backprop", "one guided-backprop map on CaffeNet batch 1 against plain forward and backward (median of N runs)",
            GuidedBackpropBench.Run),
    ];

    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine("usage: caffe-bench <command> [options]");
            foreach ((string name, string summary, _) in Commands) Console.WriteLine($"  {name,-16} {summary}");
            return args.Length == 0 ? 1 : 0;
        }
        foreach ((string name, _, Func<string[], int> run) in Commands)
        {
            if (name == args[0]) return run(args[1..]);
        }
        Console.Error.WriteLine($"caffe-bench: error: unknown command '{args[0]}' (known: {string.Join(", ", Commands.Select(c => c.Name))})");
        return 1;
    }
}
