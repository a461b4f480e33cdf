using static Caffe.Tests.Cli.CliRunner;

namespace Caffe.Tests.Cli;

/// <summary><c>caffe test</c>: Caffe's per-batch and mean lines, checked against the same net run here, and its errors.</summary>
[TestClass]
public sealed class TestCommandTests
{
    private TinyTrainingSetup _setup = null!;
    private string _weights = null!;

    [TestInitialize]
    public void SetUp()
    {
        _setup = new TinyTrainingSetup();
        var net = new Net(_setup.NetPath, Phase.Test);
        for (int i = 0; i < net.Params["ip"][0].Count; i++) net.Params["ip"][0].Data[i] = 0.02f * ((i * 5) % 11) - 0.1f;
        net.Params["ip"][1].Data.Fill(0.1f);
        _weights = _setup.File("w.caffemodel");
        net.Save(_weights);
    }

    [TestCleanup]
    public void TearDown() => _setup.Dispose();

    [TestMethod]
    public void TestPrintsEveryBatchThenTheMeansAsCaffe()
    {
        (int code, string stdout, string stderr) = Run("test", "-model", _setup.NetPath, "-weights", _weights, "-iterations", "3");
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual("", stdout);

        // The same net, run here for the expected numbers: Caffe sums in float and prints %g with 6 digits.
        var net = new Net(_setup.NetPath, Phase.Test, weights: _weights);
        var expected = new List<string> { "Running for 3 iterations." };
        float accuracySum = 0, lossSum = 0, totalLoss = 0;
        for (int i = 0; i < 3; i++)
        {
            totalLoss += net.ForwardLoss();
            float accuracy = net.Blobs["accuracy"].Data[0], loss = net.Blobs["loss"].Data[0];
            accuracySum += accuracy;
            lossSum += loss;
            expected.Add($"Batch {i}, accuracy = {Solver.G(accuracy)}");
            expected.Add($"Batch {i}, loss = {Solver.G(loss)}");
        }
        expected.Add($"Loss: {Solver.G(totalLoss / 3)}");
        expected.Add($"accuracy = {Solver.G(accuracySum / 3)}");
        expected.Add($"loss = {Solver.G(lossSum / 3)} (* 1 = {Solver.G(lossSum / 3)} loss)");

        string[] messages = Messages(stderr);
        int start = Array.IndexOf(messages, "Running for 3 iterations.");
        Assert.IsGreaterThanOrEqualTo(0, start, stderr);
        CollectionAssert.AreEqual(expected, messages[start..]);
        Assert.Contains("Use CPU.", messages);
    }

    [TestMethod]
    public void LossWeightIsPrintedAsCaffe()
    {
        string text = File.ReadAllText(_setup.NetPath).Replace("top: \"loss\" }", "top: \"loss\" loss_weight: 0.5 }", StringComparison.Ordinal);
        File.WriteAllText(_setup.NetPath, text);
        (int code, _, string stderr) = Run("test", "--model", _setup.NetPath, "--weights", _weights, "-iterations=1");
        Assert.AreEqual(0, code, stderr);
        var net = new Net(_setup.NetPath, Phase.Test, weights: _weights);
        float weighted = net.ForwardLoss();
        float loss = net.Blobs["loss"].Data[0];
        Assert.AreEqual(0.5f * loss, weighted, 1e-6f);
        string[] messages = Messages(stderr);
        Assert.AreEqual($"Loss: {Solver.G(weighted)}", messages[^3]);
        Assert.AreEqual($"loss = {Solver.G(loss)} (* 0.5 = {Solver.G(0.5f * loss)} loss)", messages[^1]);
    }

    [TestMethod]
    public void MissingModelOrWeightsAreCaffesErrors()
    {
        (int code, _, string stderr) = Run("test", "-weights", _weights);
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "Need a model definition to score");
        (code, _, stderr) = Run("test", "-model", _setup.NetPath);
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "Need model weights to score");
        string missing = _setup.File("missing.caffemodel");
        (code, _, stderr) = Run("test", "-model", _setup.NetPath, "-weights", missing);
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, missing);
        (code, _, stderr) = Run("test", "-model", _setup.NetPath, "-weights", _weights, "-phase", "TRAIN");
        Assert.AreEqual(1, code, "test always runs the TEST phase, as Caffe");
    }
}
