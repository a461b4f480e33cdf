namespace Caffe.Tests.IO;

/// <summary>
/// Every model under tests/data/models, read through <see cref="ProtoIO"/>, equals what BVLC Caffe's
/// upgrade tools wrote for it (tests/data/reference/upgrades/{text,solver,binary}/&lt;folder&gt;_&lt;file&gt;);
/// and each old-format detector says what each file needs.
/// </summary>
[TestClass]
public sealed class UpgradeReferenceTests
{
    /// <summary>Model files (relative to tests/data/models) → the upgrades they need; every other file needs none.</summary>
    private static readonly Dictionary<string, string> Needs = new()
    {
        ["cifar10_v1/cifar10_full.prototxt"] = "V1 Input",
        ["cifar10_v1/cifar10_quick.prototxt"] = "V1 Input",
        ["cifar10_v1/cifar10_full_train_test.prototxt"] = "V1",
        ["cifar10_v1/cifar10_quick_train_test.prototxt"] = "V1",
        ["lenet_v1/lenet.prototxt"] = "V1 Input",
        ["lenet_v1/lenet_train_test.prototxt"] = "V1",
        ["resnet/ResNet-50-deploy.prototxt"] = "Input",
        ["resnet/ResNet-101-deploy.prototxt"] = "Input",
        ["resnet/ResNet-152-deploy.prototxt"] = "Input",
        ["mtcnn/det1.prototxt"] = "Input",
        ["mtcnn/det2.prototxt"] = "Input",
        ["mtcnn/det3.prototxt"] = "Input",
        ["mtcnn/det4.prototxt"] = "Input",
        ["bvlc/cifar10/cifar10_full_sigmoid_train_test_bn.prototxt"] = "BatchNorm",
        ["cifar10_v1/cifar10_full_iter_70000.caffemodel"] = "V1",
        ["cifar10_v1/cifar10_quick_iter_5000.caffemodel"] = "V1",
        ["lenet_v1/lenet_iter_10000.caffemodel"] = "V1",
    };

    public static IEnumerable<object[]> NetTexts => Cases("*.prototxt", "text").Where(c => !IsSolver((string)c[0]));

    public static IEnumerable<object[]> SolverTexts => Cases("*.prototxt", "solver").Where(c => IsSolver((string)c[0]));

    public static IEnumerable<object[]> Binaries => Cases("*.caffemodel", "binary");

    public static IEnumerable<object[]> AllNetFiles =>
        Directory.GetFiles(TestData.Path("models"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".caffemodel", StringComparison.Ordinal) || (f.EndsWith(".prototxt", StringComparison.Ordinal) && !IsSolver(f)))
            .Select(f => new object[] { ModelName(f) })
            .Order(Comparer<object[]>.Create((a, b) => string.CompareOrdinal((string)a[0], (string)b[0])));

    [TestMethod]
    public void EveryModelHasAReference()
    {
        string[] prototxts = Directory.GetFiles(TestData.Path("models"), "*.prototxt", SearchOption.AllDirectories);
        foreach (string file in prototxts)
        {
            string kind = IsSolver(file) ? "solver" : "text";
            Assert.IsTrue(File.Exists(ReferenceFor(ModelName(file), kind)), $"{ModelName(file)} has no reference in upgrades/{kind}");
        }
        Assert.AreEqual(prototxts.Length, NetTexts.Count() + SolverTexts.Count());
        Assert.HasCount(28, NetTexts.ToArray());
        Assert.HasCount(14, SolverTexts.ToArray());
        Assert.HasCount(3, Binaries.ToArray());
    }

    [TestMethod]
    [DynamicData(nameof(NetTexts))]
    public void NetTextEqualsCaffesUpgrade(string model)
    {
        using var log = new LogCapture();
        NetParameter ours = ProtoIO.ReadNetParamsFromTextFile(TestData.Model(model));
        ProtoAssert.AreEqual(TextFormat.ParseFile<NetParameter>(ReferenceFor(model, "text")), ours, model);
    }

    [TestMethod]
    [DynamicData(nameof(SolverTexts))]
    public void SolverTextEqualsCaffesUpgrade(string model)
    {
        using var log = new LogCapture();
        SolverParameter ours = ProtoIO.ReadSolverParamsFromTextFile(TestData.Model(model));
        ProtoAssert.AreEqual(TextFormat.ParseFile<SolverParameter>(ReferenceFor(model, "solver")), ours, model);
        Assert.IsFalse(SolverUpgrader.SolverNeedsTypeUpgrade(TextFormat.ParseFile<SolverParameter>(TestData.Model(model))),
            "no model solver uses solver_type");
    }

    [TestMethod]
    [DynamicData(nameof(Binaries))]
    public void CaffemodelEqualsCaffesUpgrade(string model)
    {
        using var log = new LogCapture();
        NetParameter ours = ProtoIO.ReadNetParamsFromBinaryFile(TestData.Model(model));
        ProtoAssert.AreEqual(ProtoIO.ReadProtoFromBinaryFile(NetParameter.Parser, ReferenceFor(model, "binary")), ours, model);
        Assert.Contains($"Successfully upgraded file specified using deprecated V1LayerParameter", log.Messages);
    }

    [TestMethod]
    [DynamicData(nameof(AllNetFiles))]
    public void DetectionPredicates(string model)
    {
        string path = TestData.Model(model);
        NetParameter net = model.EndsWith(".caffemodel", StringComparison.Ordinal)
            ? ProtoIO.ReadProtoFromBinaryFile(NetParameter.Parser, path)
            : TextFormat.ParseFile<NetParameter>(path);
        string[] needs = Needs.TryGetValue(model, out string? list) ? list.Split(' ') : [];
        Assert.AreEqual(needs.Contains("V0"), NetUpgrader.NetNeedsV0ToV1Upgrade(net), "V0");
        Assert.AreEqual(needs.Contains("V1"), NetUpgrader.NetNeedsV1ToV2Upgrade(net), "V1");
        Assert.AreEqual(needs.Contains("Data"), NetUpgrader.NetNeedsDataUpgrade(net), "Data");
        Assert.AreEqual(needs.Contains("Input"), NetUpgrader.NetNeedsInputUpgrade(net), "Input");
        Assert.AreEqual(needs.Contains("BatchNorm"), NetUpgrader.NetNeedsBatchNormUpgrade(net), "BatchNorm");
        Assert.AreEqual(needs.Length > 0, NetUpgrader.NetNeedsUpgrade(net), "any");
    }

    [TestMethod]
    public void EveryDetectorIsExercised()
    {
        string[] used = Needs.Values.SelectMany(v => v.Split(' ')).Distinct().Order().ToArray();
        CollectionAssert.AreEqual(new[] { "BatchNorm", "Input", "V1" }, used, "V0 and Data upgrades have no real model; golden tests cover them");
        foreach (string model in Needs.Keys) Assert.IsTrue(File.Exists(TestData.Model(model)), model);
    }

    private static IEnumerable<object[]> Cases(string pattern, string kind) =>
        Directory.GetFiles(TestData.Path("models"), pattern, SearchOption.AllDirectories)
            .Select(ModelName)
            .Where(m => File.Exists(ReferenceFor(m, kind)))
            .Order(StringComparer.Ordinal)
            .Select(m => new object[] { m });

    private static string ModelName(string path) =>
        Path.GetRelativePath(TestData.Path("models"), path).Replace(Path.DirectorySeparatorChar, '/');

    private static string ReferenceFor(string model, string kind)
    {
        string name = model.Replace('/', '_');
        return TestData.Reference($"upgrades/{kind}/{name}");
    }

    private static bool IsSolver(string path) => Path.GetFileName(path).Contains("solver", StringComparison.Ordinal);
}
