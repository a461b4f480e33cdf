using System.Diagnostics;

namespace Caffe.Tests.Cli;

/// <summary>
/// <c>CAFFE_LAYER_ASSEMBLIES</c>: the <c>caffe</c> tool, run as its own process, finds C# Python layers in the
/// assemblies the variable names (here this test assembly, which holds test_python_layer.SimpleLayer), and says
/// what to do when a layer or a named file is missing.
/// </summary>
[TestClass]
public sealed class LayerAssembliesTests
{
    private const string Prototxt = """
        name: "python_layers"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
        layer { name: "ten" type: "Python" bottom: "data" top: "out"
                python_param { module: "test_python_layer" layer: "SimpleLayer" } }
        """;

    private static (int Code, string Output) RunCaffe(string? assemblies, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "caffe.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove(LayerRegistry.AssembliesVariable);
        if (assemblies != null) start.Environment[LayerRegistry.AssembliesVariable] = assemblies;
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("caffe did not finish within 2 minutes");
        }
        return (process.ExitCode, stdout.Result + stderr);
    }

    [TestMethod]
    public void ToolFindsPythonLayersInTheNamedAssemblies()
    {
        using var model = new TempPrototxt(Prototxt);
        string tests = typeof(LayerAssembliesTests).Assembly.Location;

        (int code, string output) = RunCaffe(tests, "time", "-model", model.Path, "-iterations", "1");
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, $"Loaded layer assembly Caffe.Net.Tests from {tests} ({LayerRegistry.AssembliesVariable}).");
        StringAssert.Matches(output, new System.Text.RegularExpressions.Regex(@"\sten\tforward: [0-9.]+ ms\."));
    }

    [TestMethod]
    public void WithoutTheAssemblyTheErrorSaysHowToNameIt()
    {
        using var model = new TempPrototxt(Prototxt);
        (int code, string output) = RunCaffe(null, "time", "-model", model.Path, "-iterations", "1");
        Assert.AreEqual(1, code, output);
        StringAssert.Contains(output, "no C# layer is registered for Python module 'test_python_layer' layer 'SimpleLayer'");
        StringAssert.Contains(output, LayerRegistry.AssembliesVariable);
    }

    [TestMethod]
    public void MissingOrInvalidAssemblyIsAClearError()
    {
        using var model = new TempPrototxt(Prototxt);
        string missing = Path.Combine(Path.GetTempPath(), "no_such_layers.dll");
        (int code, string output) = RunCaffe(missing, "time", "-model", model.Path, "-iterations", "1");
        Assert.AreEqual(1, code, output);
        StringAssert.Contains(output, $"caffe: error: {LayerRegistry.AssembliesVariable}: {missing}: layer assembly not found.");

        (code, output) = RunCaffe(model.Path, "time", "-model", model.Path, "-iterations", "1");
        Assert.AreEqual(1, code, output);
        StringAssert.Contains(output, $"{LayerRegistry.AssembliesVariable}: {model.Path}: not a .NET assembly");
    }
}
