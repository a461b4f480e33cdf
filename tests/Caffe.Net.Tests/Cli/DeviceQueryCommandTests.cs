using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static Caffe.Tests.Cli.CliRunner;

namespace Caffe.Tests.Cli;

/// <summary><c>caffe device_query</c> on this machine: each line against what the runtime reports.</summary>
[TestClass]
public sealed class DeviceQueryCommandTests
{
    [TestMethod]
    public void DeviceQueryShowsBlasCoresSimdAndRuntime()
    {
        (int code, string stdout, string stderr) = Run("device_query");
        Assert.AreEqual(0, code, stderr);
        Dictionary<string, string> lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());
        Assert.AreEqual("CPU", lines["Device"]);
        Assert.AreEqual(Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture), lines["Cores"]);
        Assert.AreEqual(Blas.Active.Name, lines["BLAS"]);
        Assert.AreEqual(Blas.Active.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), lines["BLAS threads"]);
        Assert.AreEqual(Vector512.IsHardwareAccelerated ? "yes" : "no", lines["Vector512 accelerated"]);
        Assert.AreEqual(Vector256.IsHardwareAccelerated ? "yes" : "no", lines["Vector256 accelerated"]);
        Assert.AreEqual(Vector128.IsHardwareAccelerated ? "yes" : "no", lines["Vector128 accelerated"]);
        string widest = Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : "Vector128";
        StringAssert.StartsWith(lines["SIMD"], widest);
        Assert.AreEqual(RuntimeInformation.FrameworkDescription, lines[".NET"]);
        Assert.IsFalse(string.IsNullOrWhiteSpace(lines["Processor"]));
    }
}
