using Google.Protobuf;

namespace Caffe.Tests.IO;

/// <summary>
/// The text format on real Caffe files: every model prototxt survives Print/Parse, and our
/// printer reproduces, byte for byte, the files BVLC Caffe's own C++ printer wrote
/// (tests/data/reference/upgrades/: upgrade_net_proto_text and upgrade_solver_proto_text output).
/// </summary>
[TestClass]
public sealed class TextFormatCaffeTests
{
    [TestMethod]
    public void EveryModelPrototxtRoundTrips()
    {
        string[] files = Directory.GetFiles(TestData.Path("models"), "*.prototxt", SearchOption.AllDirectories);
        Assert.IsGreaterThanOrEqualTo(30, files.Length);
        foreach (string file in files)
        {
            if (Path.GetFileName(file).Contains("solver"))
                AssertRoundTrip(TextFormat.ParseFile<SolverParameter>(file), file);
            else
                AssertRoundTrip(TextFormat.ParseFile<NetParameter>(file), file);
        }
    }

    [TestMethod]
    public void NetsPrintExactlyAsCaffeWroteThem() =>
        AssertPrintedLikeCaffe<NetParameter>(TestData.Reference("upgrades/text"), expectedCount: 28);

    [TestMethod]
    public void SolversPrintExactlyAsCaffeWroteThem() =>
        AssertPrintedLikeCaffe<SolverParameter>(TestData.Reference("upgrades/solver"), expectedCount: 14);

    [TestMethod]
    public void ParsedValuesMatchTheFile()
    {
        var net = TextFormat.ParseFile<NetParameter>(TestData.Model("bvlc/mnist/lenet_train_test.prototxt"));
        Assert.AreEqual("LeNet", net.Name);
        Assert.AreEqual(11, net.Layer.Count);
        LayerParameter data = net.Layer[0];
        Assert.AreEqual(Phase.Train, data.Include[0].Phase);
        Assert.AreEqual(0.00390625f, data.TransformParam.Scale);
        Assert.AreEqual(DataParameter.Types.DB.Lmdb, data.DataParam.Backend);
        Assert.AreEqual(64u, data.DataParam.BatchSize);
        LayerParameter conv1 = net.Layer[2];
        CollectionAssert.AreEqual(new[] { 1f, 2f }, conv1.Param.Select(p => p.LrMult).ToArray());
        Assert.AreEqual(20u, conv1.ConvolutionParam.NumOutput);
        CollectionAssert.AreEqual(new[] { 5u }, conv1.ConvolutionParam.KernelSize.ToArray());
        Assert.AreEqual("xavier", conv1.ConvolutionParam.WeightFiller.Type);
        Assert.AreEqual(PoolingParameter.Types.PoolMethod.Max, net.Layer[3].PoolingParam.Pool);
        CollectionAssert.AreEqual(new[] { "ip2", "label" }, net.Layer[10].Bottom.ToArray());

        // V1 nets ("layers" with enum types) parse as V1LayerParameter.
        var v1 = TextFormat.ParseFile<NetParameter>(TestData.Model("lenet_v1/lenet_train_test.prototxt"));
        Assert.AreEqual(0, v1.Layer.Count);
        Assert.AreEqual(V1LayerParameter.Types.LayerType.Data, v1.Layers[0].Type);
        Assert.AreEqual(Phase.Test, v1.Layers[1].Include[0].Phase);

        var solver = TextFormat.ParseFile<SolverParameter>(TestData.Model("bvlc/mnist/lenet_solver.prototxt"));
        Assert.AreEqual("examples/mnist/lenet_train_test.prototxt", solver.Net);
        CollectionAssert.AreEqual(new[] { 100 }, solver.TestIter.ToArray());
        Assert.AreEqual(0.01f, solver.BaseLr);
        Assert.AreEqual(0.0005f, solver.WeightDecay);
        Assert.AreEqual(SolverParameter.Types.SolverMode.Gpu, solver.SolverMode);
        Assert.IsFalse(solver.HasType, "unset fields stay unset (presence)");
    }

    [TestMethod]
    public void ListSyntaxInACaffeNet()
    {
        var net = TextFormat.Parse<NetParameter>("""
            layer { name: "data" type: "Input" top: ["data", "label"] input_param { shape: { dim: [1, 3, 224, 224] } } }
            layer [{ name: "a" }, { name: "b" }]
            """);
        CollectionAssert.AreEqual(new[] { "data", "label" }, net.Layer[0].Top.ToArray());
        CollectionAssert.AreEqual(new long[] { 1, 3, 224, 224 }, net.Layer[0].InputParam.Shape[0].Dim.ToArray());
        CollectionAssert.AreEqual(new[] { "data", "a", "b" }, net.Layer.Select(l => l.Name).ToArray());
    }

    private static void AssertRoundTrip<T>(T message, string file) where T : IMessage<T>, new()
    {
        string printed = TextFormat.Print(message);
        T reparsed = TextFormat.Parse<T>(printed, file + " (printed)");
        Assert.AreEqual(message, reparsed, file);
        Assert.AreEqual(printed, TextFormat.Print(reparsed), file);
    }

    private static void AssertPrintedLikeCaffe<T>(string folder, int expectedCount) where T : IMessage<T>, new()
    {
        string[] files = Directory.GetFiles(folder, "*.prototxt");
        Assert.HasCount(expectedCount, files);
        foreach (string file in files)
        {
            byte[] caffe = File.ReadAllBytes(file);
            byte[] ours = System.Text.Encoding.UTF8.GetBytes(TextFormat.Print(TextFormat.ParseFile<T>(file)));
            if (!caffe.AsSpan().SequenceEqual(ours))
                Assert.Fail($"{Path.GetFileName(file)}: first difference at byte {FirstDifference(caffe, ours)}");
        }
    }

    private static int FirstDifference(byte[] a, byte[] b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        return i;
    }
}
