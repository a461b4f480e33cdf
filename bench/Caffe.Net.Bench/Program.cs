using Caffe.Bench;

// Benchmark harness: `caffe-bench <benchmark> [options]`. Run it in Release:
//   dotnet run -c Release --project bench/Caffe.Net.Bench -- sgemm
var benchmarks = new Dictionary<string, (string Help, Func<string[], int> Run)>
{
    ["sgemm"] = (SgemmBenchmark.Help, SgemmBenchmark.Run),
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine(args.Length == 0 ? "usage: caffe-bench <benchmark> [options]" : $"unknown benchmark '{args[0]}'");
    foreach (var (name, entry) in benchmarks) Console.Error.WriteLine($"  {name,-8} {entry.Help}");
    return 2;
}
return benchmark.Run(args[1..]);
