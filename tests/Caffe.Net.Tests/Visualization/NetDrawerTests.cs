using Caffe.Cli;

namespace Caffe.Tests.Visualization;

/// <summary>pycaffe's test_draw.py (every model prototxt draws) plus the DOT content draw.py produces.</summary>
[TestClass]
public sealed class NetDrawerTests
{
    private static bool DotInstalled { get; } = File.Exists("/usr/bin/dot") || (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, "dot")));

    private static IEnumerable<string> NetPrototxts() =>
        Directory.GetFiles(TestData.Path("models"), "*.prototxt", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).Contains("solver", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string Lenet => TestData.Model("bvlc/mnist/lenet_train_test.prototxt");

    [TestMethod]
    public void EveryModelDrawsWithEveryLayer()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"caffe-draw-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        int count = 0;
        try
        {
            foreach (string file in NetPrototxts())
            {
                NetParameter net = ProtoIO.ReadNetParamsFromTextFile(file);
                string dot = NetDrawer.ToDot(net, "LR");
                foreach (LayerParameter layer in net.Layer)
                    StringAssert.Contains(dot, $"\"{layer.Name}_{layer.Type}\" [", $"{file}: layer {layer.Name}");
                if (DotInstalled)
                {
                    string png = Path.Combine(dir, $"{count}.png");
                    NetDrawer.DrawNetToFile(net, png);
                    byte[] bytes = File.ReadAllBytes(png);
                    Assert.IsGreaterThan(100, bytes.Length, file);
                    CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes.Take(4).ToArray(), file);
                }
                count++;
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Assert.IsGreaterThan(15, count, "the models under tests/data/models");
        if (!DotInstalled) Assert.Inconclusive($"{count} nets drawn as DOT; rendering skipped: Graphviz 'dot' is not installed (scripts/setup installs it)");
    }

    [TestMethod]
    public void NodesAndEdgesFollowDrawPy()
    {
        NetParameter net = ProtoIO.ReadNetParamsFromTextFile(TestData.Model("bvlc/mnist/lenet.prototxt"));
        string dot = NetDrawer.ToDot(net, "LR");
        StringAssert.StartsWith(dot, "digraph \"LeNet\" {\n  rankdir=\"LR\";");
        StringAssert.Contains(dot, "\"conv1_Convolution\" [label=\"conv1\\n(Convolution)\\nkernel size: 5\\nstride: 1\\npad: 0\", shape=record, style=filled, fillcolor=\"#FF5050\"]");
        StringAssert.Contains(dot, "\"pool1_Pooling\" [label=\"pool1\\n(Pooling MAX)\\nkernel size: 2\\nstride: 2\\npad: 0\", shape=record, style=filled, fillcolor=\"#FF9900\"]");
        StringAssert.Contains(dot, "fillcolor=\"#CC33FF\"");
        StringAssert.Contains(dot, "\"relu1_ReLU\" [label=\"relu1\\n(ReLU)\", shape=record, style=filled, fillcolor=\"#90EE90\"]", "in-place layers are green");
        StringAssert.Contains(dot, "\"data_blob\" [label=\"data\", shape=octagon, style=filled, fillcolor=\"#E0E0E0\"]");
        StringAssert.Contains(dot, "\"prob_blob\" [label=\"prob\"]", "an output blob keeps Graphviz's default look, as in pycaffe");
        StringAssert.Contains(dot, "\"conv1_Convolution\" -> \"conv1_blob\" [label=\"20\"]");
        StringAssert.Contains(dot, "\"ip1_InnerProduct\" -> \"ip1_blob\" [label=\"500\"]");
        StringAssert.Contains(dot, "\"data_blob\" -> \"conv1_Convolution\" [label=\"\"]");

        string vertical = NetDrawer.ToDot(net, "TB");
        StringAssert.Contains(vertical, "label=\"conv1 (Convolution) kernel size: 5 stride: 1 pad: 0\"");
    }

    [TestMethod]
    public void PhaseFilterAndLearningRateMultipliers()
    {
        NetParameter net = ProtoIO.ReadNetParamsFromTextFile(Lenet);
        string all = NetDrawer.ToDot(net);
        string train = NetDrawer.ToDot(net, phase: Phase.Train);
        string test = NetDrawer.ToDot(net, phase: Phase.Test);
        StringAssert.Contains(all, "accuracy_Accuracy");
        Assert.DoesNotContain("accuracy_Accuracy", train);
        StringAssert.Contains(test, "accuracy_Accuracy");
        StringAssert.Contains(train, "\"mnist_Data\" -> \"data_blob\" [label=\"Batch 64\"]");
        StringAssert.Contains(test, "\"mnist_Data\" -> \"data_blob\" [label=\"Batch 100\"]");
        Assert.DoesNotContain("lr mult", all);
        StringAssert.Contains(NetDrawer.ToDot(net, displayLrm: true), "pad: 0\\nlr mult: 1.0, 2.0\"");

        var both = TextFormat.Parse<NetParameter>(
            "layer { name: 'x' type: 'Input' top: 'x' include { phase: TRAIN } exclude { phase: TEST } }");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => NetDrawer.ToDot(both, phase: Phase.Train)).Message,
            "both include and exclude");
    }

    [TestMethod]
    public void EdgesCarryBlobShapesWhenANetIsGiven()
    {
        NetParameter param = ProtoIO.ReadNetParamsFromTextFile(TestData.Model("bvlc/mnist/lenet.prototxt"));
        var net = new Net(param);
        string dot = NetDrawer.ToDot(param, net: net);
        StringAssert.Contains(dot, "\"conv1_Convolution\" -> \"conv1_blob\" [label=\"64x20x24x24\"]");
    }

    [TestMethod]
    public void DotFilesNeedNoGraphvizAndNamesAreEscaped()
    {
        var net = TextFormat.Parse<NetParameter>(
            "name: 'odd \"net\"' layer { name: 'a|b{c}' type: 'Input' top: 'x' input_param { shape { dim: 1 } } }");
        string path = Path.Combine(Path.GetTempPath(), $"caffe-{Guid.NewGuid():N}.dot");
        NetDrawer.DrawNetToFile(net, path);
        string text = File.ReadAllText(path);
        File.Delete(path);
        StringAssert.StartsWith(text, "digraph \"odd \\\"net\\\"\" {");
        StringAssert.Contains(text, "label=\"a\\|b\\{c\\}\\n(Input)\"");
        Assert.ThrowsExactly<ArgumentException>(() => NetDrawer.DrawNetToFile(net, Path.Combine(Path.GetTempPath(), "noextension")));
        if (DotInstalled)
            StringAssert.Contains(Assert.ThrowsExactly<CaffeException>(() => NetDrawer.DrawNet(net, format: "nosuchformat")).Message, "dot -Tnosuchformat");
    }

    [TestMethod]
    public void DrawNetCommandWritesTheImage()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"caffe-drawcli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string output = Path.Combine(dir, DotInstalled ? "lenet.svg" : "lenet.dot");
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = Program.Run(["draw_net", Lenet, output, "--rankdir", "TB", "--phase", "TEST", "--display_lrm"], stdout, stderr);
            Assert.AreEqual(0, code, stderr.ToString());
            StringAssert.Contains(stdout.ToString(), $"Drawing net to {output}");
            string content = File.ReadAllText(output);
            StringAssert.Contains(content, DotInstalled ? "<svg" : "rankdir=\"TB\"");
            StringAssert.Contains(content, "accuracy");

            string v1 = Path.Combine(dir, "v1.dot");
            Assert.AreEqual(0, Program.Run(["draw_net", TestData.Model("lenet_v1/lenet.prototxt"), v1], stdout, stderr), stderr.ToString());
            StringAssert.Contains(File.ReadAllText(v1), "conv1_Convolution", "V1 nets are upgraded before drawing");

            var err = new StringWriter();
            Assert.AreEqual(1, Program.Run(["draw_net", Lenet, output, "--phase", "VAL"], stdout, err));
            StringAssert.Contains(err.ToString(), "--phase must be TRAIN, TEST or ALL");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
