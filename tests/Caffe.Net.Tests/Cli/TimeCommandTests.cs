namespace Caffe.Tests.Cli;

/// <summary><c>caffe time</c>: per-layer lines and BVLC's summary lines, which scripts parse, in every flag spelling.</summary>
[TestClass]
public sealed class TimeCommandTests
{
    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Caffe.Cli.Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [TestMethod]
    [DataRow("-model", "-iterations")]
    [DataRow("--model", "--iterations")]
    public void PrintsPerLayerTimesAndCaffesSummary(string modelFlag, string iterationsFlag)
    {
        (int code, _, string log) = Run("time", modelFlag, TestData.Model("lenet_v2/lenet.prototxt"), iterationsFlag, "2");
        Assert.AreEqual(0, code, log);
        foreach (string layer in new[] { "conv1", "pool1", "ip1", "relu1", "prob" })
        {
            StringAssert.Matches(log, new System.Text.RegularExpressions.Regex($@"\s{layer}\tforward: [0-9.]+ ms\."));
            StringAssert.Matches(log, new System.Text.RegularExpressions.Regex($@"\s{layer}\tbackward: [0-9.]+ ms\."));
        }
        foreach (string summary in new[] { "Average Forward pass: ", "Average Backward pass: ", "Average Forward-Backward: ", "Total Time: " })
            StringAssert.Matches(log, new System.Text.RegularExpressions.Regex(summary.Replace("(", "\\(") + @"[0-9.]+ ms\."));
        StringAssert.Contains(log, "Testing for 2 iterations.");
        StringAssert.Contains(log, "Iteration: 2 forward-backward time:");
    }

    [TestMethod]
    public void WeightsAndPhaseAreAccepted()
    {
        (int code, _, string log) = Run("time", "-model=" + TestData.Model("lenet_v2/lenet.prototxt"),
            "-weights=" + TestData.Model("lenet_v2/lenet_iter_10000.caffemodel"), "-phase=TEST", "-iterations=1");
        Assert.AreEqual(0, code, log);
        StringAssert.Contains(log, "Average Forward pass:");
    }

    [TestMethod]
    public void BadArgumentsAreOneLineErrors()
    {
        (int code, _, string log) = Run("time", "-model", TestData.Model("lenet_v2/lenet.prototxt"), "-phase", "VALIDATE");
        Assert.AreEqual(1, code);
        StringAssert.Contains(log, "caffe: error: phase must be \"TRAIN\" or \"TEST\"");
        (code, _, log) = Run("time", "-model", "missing.prototxt");
        Assert.AreEqual(1, code);
        StringAssert.StartsWith(log.TrimStart(), "caffe: error:");
        (code, _, log) = Run("time", "-model", TestData.Model("lenet_v2/lenet.prototxt"), "-iterations", "0");
        Assert.AreEqual(1, code);
        StringAssert.Contains(log, "iterations");
    }
}
