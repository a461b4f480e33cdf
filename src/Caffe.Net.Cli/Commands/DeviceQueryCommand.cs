using System.CommandLine;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe device_query</c>: Caffe's action shows a GPU's properties; Caffe.Net runs on the CPU, so this shows what
/// its speed depends on — the processor and cores, the BLAS backend in use and its threads, the widest hardware
/// SIMD vector, the .NET runtime — one <c>name: value</c> line each on standard output.
/// </summary>
internal static class DeviceQueryCommand
{
    public static Command Create()
    {
        var command = new Command("device_query", "Show the compute device: CPU, cores, BLAS backend and threads, SIMD width, .NET version.");
        command.SetAction(result => Run(result.InvocationConfiguration.Output));
        return command;
    }

    public static int Run(TextWriter stdout)
    {
        IBlasBackend blas = Blas.Active;
        (string Name, string Value)[] lines =
        [
            ("Device", "CPU"),
            ("Processor", ProcessorName() ?? RuntimeInformation.ProcessArchitecture.ToString()),
            ("Cores", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("BLAS", blas.Name),
            ("BLAS threads", blas.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("SIMD", SimdWidth()),
            ("Vector512 accelerated", YesNo(Vector512.IsHardwareAccelerated)),
            ("Vector256 accelerated", YesNo(Vector256.IsHardwareAccelerated)),
            ("Vector128 accelerated", YesNo(Vector128.IsHardwareAccelerated)),
            (".NET", RuntimeInformation.FrameworkDescription),
            ("OS", RuntimeInformation.OSDescription),
        ];
        int width = lines.Max(l => l.Name.Length) + 1;
        foreach ((string name, string value) in lines) stdout.WriteLine($"{(name + ":").PadRight(width)} {value}");
        return 0;
    }

    private static string SimdWidth()
    {
        int bits = Vector512.IsHardwareAccelerated ? 512
            : Vector256.IsHardwareAccelerated ? 256
            : Vector128.IsHardwareAccelerated ? 128
            : 0;
        return bits == 0 ? "none (scalar code)" : $"Vector{bits} ({bits} bits, {bits / 32} floats)";
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    // Linux names the processor in /proc/cpuinfo; elsewhere the architecture is all we show.
    private static string? ProcessorName()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return null;
        foreach (string line in File.ReadLines(cpuinfo))
        {
            if (!line.StartsWith("model name", StringComparison.Ordinal)) continue;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0) return line[(colon + 1)..].Trim();
        }
        return null;
    }
}
