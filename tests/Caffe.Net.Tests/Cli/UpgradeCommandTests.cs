using static Caffe.Tests.Cli.CliRunner;

namespace Caffe.Tests.Cli;

/// <summary>
/// <c>caffe upgrade_net_proto_text</c>, <c>upgrade_net_proto_binary</c> and <c>upgrade_solver_proto_text</c>, run
/// in-process on the real models: their output must be byte for byte what BVLC Caffe's tools wrote.
/// </summary>
[TestClass]
public sealed class UpgradeCommandTests
{
    private string _dir = "";

    [TestInitialize]
    public void CreateDirectory()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"caffe-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
    }

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<(string Model, string Reference)> Pairs(string pattern, string kind) =>
        Directory.GetFiles(TestData.Path("models"), pattern, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(TestData.Path("models"), f).Replace(Path.DirectorySeparatorChar, '/'))
            .Select(m => (m, TestData.Reference($"upgrades/{kind}/{m.Replace('/', '_')}")))
            .Where(p => File.Exists(p.Item2))
            .OrderBy(p => p.m, StringComparer.Ordinal);

    private void AssertCommandMatchesReference(string command, string pattern, string kind, int expectedCount, string wrote)
    {
        int count = 0;
        foreach ((string model, string reference) in Pairs(pattern, kind))
        {
            string output = Path.Combine(_dir, Path.GetFileName(reference));
            (int code, string stdout, string stderr) = Run(command, TestData.Model(model), output);
            Assert.AreEqual(0, code, $"{model}: {stderr}");
            Assert.AreEqual("", stdout, model);
            CollectionAssert.AreEqual(File.ReadAllBytes(reference), File.ReadAllBytes(output), $"{model}: output differs from BVLC's");
            StringAssert.Contains(stderr, $"{wrote} to {output}", model);
            count++;
        }
        Assert.AreEqual(expectedCount, count);
    }

    [TestMethod]
    public void NetTextMatchesCaffeForEveryModel() =>
        AssertCommandMatchesReference("upgrade_net_proto_text", "*.prototxt", "text", 28, "Wrote upgraded NetParameter text proto");

    [TestMethod]
    public void SolverTextMatchesCaffeForEveryModel() =>
        AssertCommandMatchesReference("upgrade_solver_proto_text", "*.prototxt", "solver", 14, "Wrote upgraded SolverParameter text proto");

    [TestMethod]
    public void NetBinaryMatchesCaffeForEveryV1Caffemodel() =>
        AssertCommandMatchesReference("upgrade_net_proto_binary", "*.caffemodel", "binary", 3, "Wrote upgraded NetParameter binary proto");

    [TestMethod]
    public void LogsWhatWasUpgradedInGlogFormat()
    {
        string output = Path.Combine(_dir, "lenet.prototxt");
        string input = TestData.Model("lenet_v1/lenet.prototxt");
        (int code, _, string stderr) = Run("upgrade_net_proto_text", input, output);
        Assert.AreEqual(0, code);
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        string[] expected =
        [
            $"I Attempting to upgrade input file specified using deprecated V1LayerParameter: {input}",
            "I Successfully upgraded file specified using deprecated V1LayerParameter",
            $"I Attempting to upgrade input file specified using deprecated input fields: {input}",
            "I Successfully upgraded file specified using deprecated input fields.",
            "W Note that future Caffe releases will only support input layers and not input fields.",
            $"I Wrote upgraded NetParameter text proto to {output}",
        ];
        Assert.HasCount(expected.Length, lines, stderr);
        for (int i = 0; i < lines.Length; i++)
        {
            // glog's prefix: severity letter, MMdd HH:mm:ss.ffffff, then the message.
            StringAssert.Matches(lines[i], new System.Text.RegularExpressions.Regex(@"^[IW]\d{4} \d\d:\d\d:\d\d\.\d{6} "));
            Assert.AreEqual(expected[i], $"{lines[i][0]} {lines[i][22..]}");
        }
    }

    [TestMethod]
    public void ACurrentFileIsRewrittenAndSaidToBeCurrent()
    {
        string input = TestData.Model("lenet_v2/lenet.prototxt");
        string output = Path.Combine(_dir, "out.prototxt");
        (int code, _, string stderr) = Run("upgrade_net_proto_text", input, output);
        Assert.AreEqual(0, code);
        StringAssert.Contains(stderr, $"File already in latest proto format: {input}");
        ProtoAssert.AreEqual(TextFormat.ParseFile<NetParameter>(input), TextFormat.ParseFile<NetParameter>(output));
    }

    [TestMethod]
    public void UpgradeInPlace()
    {
        string path = Path.Combine(_dir, "solver.prototxt");
        File.WriteAllText(path, "base_lr: 0.1\nsolver_type: ADADELTA\n");
        (int code, _, string stderr) = Run("upgrade_solver_proto_text", path, path);
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual("base_lr: 0.1\ntype: \"AdaDelta\"\n", File.ReadAllText(path));
        StringAssert.Contains(stderr, "Successfully upgraded file specified using deprecated 'solver_type' field (enum) to 'type' field (string).");
        CollectionAssert.AreEqual(new[] { "solver.prototxt" }, Directory.GetFiles(_dir).Select(Path.GetFileName).ToArray(),
            "no temporary file left behind");
    }

    [TestMethod]
    public void MissingInputFile()
    {
        string missing = Path.Combine(_dir, "missing.prototxt");
        string output = Path.Combine(_dir, "out.prototxt");
        foreach (string command in new[] { "upgrade_net_proto_text", "upgrade_net_proto_binary", "upgrade_solver_proto_text" })
        {
            (int code, string stdout, string stderr) = Run(command, missing, output);
            Assert.AreEqual(1, code, command);
            Assert.AreEqual("", stdout);
            StringAssert.StartsWith(stderr, "caffe: error: ", command);
            StringAssert.Contains(stderr, missing, command);
            Assert.AreEqual(1, stderr.Count(c => c == '\n'), "one line");
            Assert.IsFalse(File.Exists(output));
        }
    }

    [TestMethod]
    public void MalformedPrototxtGivesFileLineColumn()
    {
        string input = Path.Combine(_dir, "bad.prototxt");
        File.WriteAllText(input, "name: 'net'\nlayer {\n  name: 'conv'\n  convolution_param { num_output: twenty }\n}\n");
        string output = Path.Combine(_dir, "out.prototxt");
        (int code, _, string stderr) = Run("upgrade_net_proto_text", input, output);
        Assert.AreEqual(1, code);
        StringAssert.StartsWith(stderr, $"caffe: error: {input}:4:35: layer[0].convolution_param.num_output: ");
        Assert.AreEqual(1, stderr.Count(c => c == '\n'), "one line");
        Assert.IsFalse(File.Exists(output));
    }

    [TestMethod]
    public void ANetThatCannotBeUpgraded()
    {
        string input = Path.Combine(_dir, "mixed.prototxt");
        File.WriteAllText(input, "layer { name: 'a' type: 'ReLU' }\nlayers { name: 'b' type: RELU }\n");
        string output = Path.Combine(_dir, "out.prototxt");
        (int code, _, string stderr) = Run("upgrade_net_proto_text", input, output);
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, $"caffe: error: {input}: the net has both current 'layer' entries");
        Assert.IsFalse(File.Exists(output));

        File.WriteAllText(input, "solver_type: SGD\ntype: 'Adam'\n");
        (code, _, stderr) = Run("upgrade_solver_proto_text", input, output);
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, $"caffe: error: {input}: both the deprecated 'solver_type' (SGD) and 'type' (\"Adam\") are set");
    }

    [TestMethod]
    public void TruncatedCaffemodel()
    {
        byte[] model = File.ReadAllBytes(TestData.Model("lenet_v1/lenet_iter_10000.caffemodel"));
        string input = Path.Combine(_dir, "truncated.caffemodel");
        File.WriteAllBytes(input, model[..(model.Length / 2)]);
        (int code, _, string stderr) = Run("upgrade_net_proto_binary", input, Path.Combine(_dir, "out.caffemodel"));
        Assert.AreEqual(1, code);
        StringAssert.StartsWith(stderr, $"caffe: error: {input}: not a valid binary NetParameter");
    }

    [TestMethod]
    public void OutputDirectoryMustExist()
    {
        string output = Path.Combine(_dir, "no", "such", "dir", "out.prototxt");
        (int code, _, string stderr) = Run("upgrade_net_proto_text", TestData.Model("lenet_v1/lenet.prototxt"), output);
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "caffe: error: Cannot write");
    }

    [TestMethod]
    public void BadArguments()
    {
        (int code, string stdout, string stderr) = Run("upgrade_net_proto_text", "only-one.prototxt");
        Assert.AreEqual(1, code);
        Assert.AreEqual("", stdout);
        StringAssert.StartsWith(stderr, "caffe: error: Required argument 'output' missing");
        StringAssert.Contains(stderr, "see 'caffe upgrade_net_proto_text --help'");

        (code, _, stderr) = Run("upgrade_everything", "a", "b");
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "Unrecognized command or argument 'upgrade_everything'");

        (code, _, stderr) = Run();
        Assert.AreEqual(1, code);
        StringAssert.StartsWith(stderr, "caffe: error: Required command was not provided.");
    }

    [TestMethod]
    public void HelpListsTheCommands()
    {
        (int code, string stdout, string stderr) = Run("--help");
        Assert.AreEqual(0, code, stderr);
        foreach (string command in new[] { "upgrade_net_proto_text", "upgrade_net_proto_binary", "upgrade_solver_proto_text" })
            StringAssert.Contains(stdout, command);
    }
}
