using Caffe.Examples.FineTuning;

namespace Caffe.Tests.Examples;

/// <summary>
/// examples/FineTuning (the 02-fine-tuning notebook) without the Fashion-MNIST dataset: the shipped LeNet's weights
/// copied into the NetSpec net with its renamed classifier, frozen against learned layers under the solver,
/// pretrained-vs-scratch runs on tiny synthetic databases, the domain shift, and the data preparation's errors.
/// </summary>
[TestClass]
public sealed class FineTuningExampleTests
{
    private static readonly string Pretrained = Path.Combine(TestData.RepoRoot, "examples", "fashion_mnist", "lenet_fashion.caffemodel");
    private static readonly string Deploy = Path.Combine(TestData.RepoRoot, "examples", "fashion_mnist", "deploy.prototxt");
    private TempDir _dir = null!;
    private readonly List<Net> _nets = [];

    [TestInitialize]
    public void Init() => _dir = new TempDir("caffe-fine-tuning-");

    [TestCleanup]
    public void Cleanup()
    {
        // The data layers read ahead on their own threads, which hold the databases open.
        foreach (Net net in _nets)
            foreach (Layer layer in net.Layers) (layer as DataLayer)?.Close();
        _dir.Dispose();
    }

    private string ShapeLmdb(string name, int count, int seed)
    {
        (IdxImages images, byte[] labels) = ShapeDigits.Make(count, seed);
        string path = _dir.File(name);
        MnistIdx.Write(path, "lmdb", images, labels);
        return path;
    }

    private string WriteNet(string name, NetParameter net)
    {
        string path = _dir.File(name);
        File.WriteAllText(path, TextFormat.Print(net));
        return path;
    }

    private Solver NewSolver(string trainNet, bool pretrained)
    {
        Solver solver = FineTuningSolver.Create(trainNet, baseLr: 0.01f);
        if (pretrained) solver.Net.CopyFrom(Pretrained);
        _nets.Add(solver.Net);
        return solver;
    }

    private static float[] Weights(Net net, string layer, int blob = 0) => net.Params[layer][blob].Data.ToArray();

    [TestMethod]
    public void CopyFromFillsEveryLayerButTheRenamedClassifier()
    {
        Rng.SetRandomSeed(1701);
        string lmdb = ShapeLmdb("test_lmdb", 8, seed: 1);
        var net = new Net(WriteNet("test.prototxt", ShiftedNet.Define(lmdb, 8, train: false)), Pretrained, Phase.Test);
        _nets.Add(net);
        var shipped = new Net(Deploy, Pretrained, Phase.Test);

        CollectionAssert.AreEqual(new[] { "conv1", "conv2", "ip1", ShiftedNet.Classifier }, net.Params.Keys.ToArray());
        foreach (string layer in ShiftedNet.FeatureLayers)
        {
            for (int blob = 0; blob < 2; blob++)
                CollectionAssert.AreEqual(Weights(shipped, layer, blob), Weights(net, layer, blob), $"{layer} blob {blob}");
        }
        // The classifier kept its filler (none, so zeros, as the notebook's fc8_flickr) although the file has an ip2.
        Assert.IsTrue(Weights(net, ShiftedNet.Classifier).All(v => v == 0));
        Assert.IsTrue(Weights(net, ShiftedNet.Classifier, 1).All(v => v == 0));
        Assert.IsTrue(Weights(shipped, "ip2").Any(v => v != 0));

        // The notebook's checks: the features below the classifier are the pretrained net's, and the zero
        // classifier gives every class the same probability.
        net.Forward();
        shipped.Blobs["data"].Reshape(net.Blobs["data"].Shape);
        shipped.Reshape();
        net.Blobs["data"].Data.CopyTo(shipped.Blobs["data"].Data);
        shipped.Forward();
        float[] ours = net.Blobs["ip1"].Data.ToArray(), theirs = shipped.Blobs["ip1"].Data.ToArray();
        for (int i = 0; i < ours.Length; i++) Assert.AreEqual(theirs[i], ours[i], 1e-5f, $"ip1[{i}]");
        Assert.IsTrue(net.Blobs["probs"].Data.ToArray().All(p => Math.Abs(p - 0.1f) < 1e-6f));
    }

    [TestMethod]
    public void FrozenLayersKeepTheirWeightsWhileTheClassifierLearns()
    {
        Rng.SetRandomSeed(1701);
        string lmdb = ShapeLmdb("train_lmdb", 40, seed: 1);
        Solver frozen = NewSolver(WriteNet("frozen.prototxt", ShiftedNet.Define(lmdb, 10)), pretrained: true);
        Solver learnAll = NewSolver(WriteNet("learn_all.prototxt", ShiftedNet.Define(lmdb, 10, learnAll: true)), pretrained: true);
        var before = ShiftedNet.FeatureLayers.Append(ShiftedNet.Classifier).ToDictionary(l => l, l => Weights(frozen.Net, l));

        // Three steps: the zero classifier passes no gradient down on the first one.
        frozen.Step(3);
        learnAll.Step(3);

        foreach (string layer in ShiftedNet.FeatureLayers)
        {
            CollectionAssert.AreEqual(before[layer], Weights(frozen.Net, layer), $"frozen {layer} changed");
            CollectionAssert.AreNotEqual(before[layer], Weights(learnAll.Net, layer), $"learn_all {layer} did not change");
        }
        CollectionAssert.AreNotEqual(before[ShiftedNet.Classifier], Weights(frozen.Net, ShiftedNet.Classifier));
        CollectionAssert.AreNotEqual(before[ShiftedNet.Classifier], Weights(learnAll.Net, ShiftedNet.Classifier));

        NetParameter proto = ShiftedNet.Define(lmdb, 10);
        LayerParameter conv1 = proto.Layer.Single(l => l.Name == "conv1");
        Assert.IsTrue(conv1.Param.All(p => p.LrMult == 0 && p.DecayMult == 0));
        LayerParameter classifier = proto.Layer.Single(l => l.Name == ShiftedNet.Classifier);
        Assert.AreEqual((1f, 1f, 2f, 0f), (classifier.Param[0].LrMult, classifier.Param[0].DecayMult, classifier.Param[1].LrMult, classifier.Param[1].DecayMult));
    }

    [TestMethod]
    public void RunSolversTrainsPretrainedAndScratchSideBySide()
    {
        Rng.SetRandomSeed(1701);
        string trainLmdb = ShapeLmdb("train_lmdb", 60, seed: 1), testLmdb = ShapeLmdb("test_lmdb", 30, seed: 2);
        string trainNet = WriteNet("frozen.prototxt", ShiftedNet.Define(trainLmdb, 10));
        string testNet = WriteNet("test.prototxt", ShiftedNet.Define(testLmdb, 10, train: false));
        Solver pretrained = NewSolver(trainNet, pretrained: true), scratch = NewSolver(trainNet, pretrained: false);
        var log = new StringWriter();
        const int niter = 12;

        IReadOnlyList<SolverRecord> records = SolverRun.Run(niter, [("pretrained", pretrained), ("scratch", scratch)], _dir.File("weights"), displayInterval: 5, log: log);

        Assert.AreEqual((niter, niter), (pretrained.Iter, scratch.Iter));
        CollectionAssert.AreEqual(new[] { "pretrained", "scratch" }, records.Select(r => r.Name).ToArray());
        foreach (SolverRecord record in records)
        {
            Assert.HasCount(niter, record.Loss);
            Assert.HasCount(niter, record.Accuracy);
            Assert.IsTrue(record.Accuracy.All(a => a is >= 0 and <= 1), record.Name);
            Assert.IsTrue(File.Exists(record.Weights), record.Weights);
        }
        // The first loss of a zero classifier is ln 10, whatever the features.
        Assert.AreEqual(MathF.Log(10), records[0].Loss[0], 1e-4f);
        Assert.AreEqual(MathF.Log(10), records[1].Loss[0], 1e-4f);
        Assert.AreEqual(records[0].Loss[^1], pretrained.Net.Blobs["loss"].Data[0]);
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        CollectionAssert.AreEqual(new[] { "  0)", "  5)", " 10)", " 11)" }, lines.Select(l => l[..4]).ToArray());
        StringAssert.StartsWith(lines[0], "  0) pretrained: loss=2.303, acc=");
        StringAssert.Contains(lines[0], "; scratch: loss=2.303, acc=");

        // eval_style_net on the saved weights: the frozen layers are still the shipped ones.
        (Net evaluated, float accuracy) = Evaluation.Run(testNet, records[0].Weights, testIters: 3);
        _nets.Add(evaluated);
        Assert.IsTrue(accuracy is >= 0 and <= 1);
        var shipped = new Net(Deploy, Pretrained, Phase.Test);
        CollectionAssert.AreEqual(Weights(shipped, "conv1"), Weights(evaluated, "conv1"));
        CollectionAssert.AreEqual(Weights(pretrained.Net, ShiftedNet.Classifier), Weights(evaluated, ShiftedNet.Classifier));

        // Phase 2 starts end-to-end from phase 1's weights.
        Solver endToEnd = NewSolver(WriteNet("learn_all.prototxt", ShiftedNet.Define(trainLmdb, 10, learnAll: true)), pretrained: false);
        endToEnd.Net.CopyFrom(records[1].Weights);
        CollectionAssert.AreEqual(Weights(scratch.Net, "conv2"), Weights(endToEnd.Net, "conv2"));
        IReadOnlyList<SolverRecord> phase2 = SolverRun.Run(3, [("scratch, end-to-end", endToEnd)], _dir.File("weights2"));
        CollectionAssert.AreNotEqual(Weights(scratch.Net, "conv2"), Weights(endToEnd.Net, "conv2"));

        string plot = _dir.File("loss.png");
        Plots.LossCurves(plot, records, phase2);
        Assert.IsGreaterThan(1000L, new FileInfo(plot).Length);
    }

    [TestMethod]
    public void DomainShiftRotatesAQuarterTurnClockwiseAndInverts()
    {
        // 2×2 picture [a b; c d] turned clockwise is [c a; d b].
        var images = new IdxImages(1, 2, 2, [10, 20, 30, 40]);
        CollectionAssert.AreEqual(new byte[] { 225, 245, 215, 235 }, DomainShift.Apply(images).Pixels);
        Assert.ThrowsExactly<ArgumentException>(() => DomainShift.Apply(new IdxImages(1, 2, 3, new byte[6])));

        int[] subset = DomainShift.Subset(100, 20, seed: 1701);
        Assert.HasCount(20, subset);
        Assert.AreEqual(20, subset.Distinct().Count());
        CollectionAssert.AreEqual(subset, DomainShift.Subset(100, 20, seed: 1701));
        CollectionAssert.AreNotEqual(subset, DomainShift.Subset(100, 20, seed: 1702));
    }

    [TestMethod]
    public void PrepareWritesTheShiftedSubsetAndExplainsAMissingDataset()
    {
        string dataset = _dir.File("fashion-mnist");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => ShiftedFashionMnist.PrepareLmdb(dataset, _dir.File("out"), 10, 1701, TextWriter.Null));
        StringAssert.Contains(e.Message, "apt-get install dataset-fashion-mnist");
        StringAssert.Contains(e.Message, "train-images-idx3-ubyte.gz");
        Assert.IsFalse(Directory.Exists(_dir.File("out")), "nothing is created when the dataset is missing");

        Directory.CreateDirectory(dataset);
        var files = ShiftedFashionMnist.Files(dataset);
        (IdxImages train, byte[] trainLabels) = ShapeDigits.Make(30, seed: 3);
        (IdxImages test, byte[] testLabels) = ShapeDigits.Make(6, seed: 4);
        MnistIdx.WriteImages(files.TrainImages, train, gzip: true);
        MnistIdx.WriteLabels(files.TrainLabels, trainLabels, gzip: true);
        MnistIdx.WriteImages(files.TestImages, test, gzip: true);
        MnistIdx.WriteLabels(files.TestLabels, testLabels, gzip: true);

        var log = new StringWriter();
        (string trainLmdb, string testLmdb) = ShiftedFashionMnist.PrepareLmdb(dataset, _dir.File("out"), 10, 1701, log);
        StringAssert.Contains(log.ToString(), "wrote 10 of 30 training pictures");
        StringAssert.Contains(log.ToString(), "wrote 6 test pictures");
        var trainItems = Data.DataTestSupport.ReadAll(trainLmdb, DataParameter.Types.DB.Lmdb);
        var testItems = Data.DataTestSupport.ReadAll(testLmdb, DataParameter.Types.DB.Lmdb);
        Assert.HasCount(10, trainItems);
        Assert.HasCount(6, testItems);
        IdxImages shifted = DomainShift.Apply(test);
        Datum first = Datum.Parser.ParseFrom(testItems[0].Value);
        Assert.IsTrue(shifted.Image(0).SequenceEqual(first.Data.Span), "test picture 0 is stored rotated and inverted");

        // A second run finds the databases and writes nothing, even without the dataset.
        Directory.Delete(dataset, recursive: true);
        log = new StringWriter();
        Assert.AreEqual((trainLmdb, testLmdb), ShiftedFashionMnist.PrepareLmdb(dataset, _dir.File("out"), 10, 1701, log));
        Assert.AreEqual("", log.ToString());
    }
}
