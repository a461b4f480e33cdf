using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Caffe.Examples.Siamese;

namespace Caffe.Tests.Examples;

/// <summary>
/// examples/Siamese (BVLC's examples/siamese and its mnist_siamese notebook) without the Fashion-MNIST download: the
/// three definitions against BVLC's own prototxt files, the two branches sharing their parameter blobs, a short
/// training on synthetic pairs, the deploy net's 2-D features, the embedding's numbers and the missing dataset.
/// </summary>
[TestClass]
public sealed class SiameseExampleTests
{
    private TempDir _dir = null!;

    [TestInitialize]
    public void Init() => _dir = new TempDir("caffe-siamese-");

    [TestCleanup]
    public void Cleanup() => _dir.Dispose();

    [TestMethod]
    public void TrainTestNetIsBvlcsNetOnceUpgraded()
    {
        // BVLC's file is in the V1 format (layers, blobs_lr, param: "conv1_w", data_param.scale); the upgrade
        // turns it into the current one. It reads LevelDB at BVLC's paths; ours points at the LMDBs it gets.
        NetParameter bvlc = ProtoIO.ReadNetParamsFromTextFile(TestData.Path("notebooks/mnist_siamese_train_test.prototxt"));
        Assert.AreEqual("examples/siamese/mnist_siamese_train_leveldb", bvlc.Layer[0].DataParam.Source);
        Assert.AreEqual(DataParameter.Types.DB.Leveldb, bvlc.Layer[0].DataParam.Backend);
        NetParameter ours = SiameseDefinition.TrainTest("examples/siamese/mnist_siamese_train_leveldb",
                                                        "examples/siamese/mnist_siamese_test_leveldb", DataParameter.Types.DB.Leveldb);
        foreach (LayerParameter layer in bvlc.Layer.Where(l => l.Type == "Data")) layer.DataParam.Backend = DataParameter.Types.DB.Leveldb;
        Assert.AreEqual(bvlc, ours);
        // Printed and parsed again, the net is the same.
        Assert.AreEqual(ours, TextFormat.Parse<NetParameter>(TextFormat.Print(ours)));
    }

    [TestMethod]
    public void DeployNetIsBvlcsDeployNetOnceUpgraded()
    {
        NetParameter bvlc = ProtoIO.ReadNetParamsFromTextFile(TestData.Path("notebooks/mnist_siamese.prototxt"));
        // The upgrade names the Input layer made from `input: "data"` "input"; BVLC's later file calls it "data".
        Assert.AreEqual("input", bvlc.Layer[0].Name);
        bvlc.Layer[0].Name = "data";
        Assert.AreEqual(bvlc, SiameseDefinition.Deploy(10000));
        CollectionAssert.AreEqual(SiameseDefinition.BranchLayers.ToArray(), SiameseDefinition.Deploy(1).Layer.Skip(1).Select(l => l.Name).ToArray());
    }

    [TestMethod]
    public void SolverKeepsBvlcsSettingsExceptTheLength()
    {
        SolverParameter bvlc = ProtoIO.ReadSolverParamsFromTextFile(TestData.Path("notebooks/mnist_siamese_solver.prototxt"));
        SolverParameter ours = SiameseDefinition.Solver(bvlc.Net, bvlc.SnapshotPrefix, maxIter: 3000);
        Assert.AreEqual(50000, bvlc.MaxIter);
        Assert.AreEqual(5000, bvlc.Snapshot);
        Assert.AreEqual(SolverParameter.Types.SolverMode.Gpu, bvlc.SolverMode);
        bvlc.MaxIter = 3000;
        bvlc.ClearSnapshot();
        bvlc.SolverMode = SolverParameter.Types.SolverMode.Cpu;
        Assert.AreEqual(bvlc, ours);
    }

    // The example's files over small synthetic pair databases, and a solver on them that does not test.
    private (Solver Solver, SiameseFiles Files) SyntheticSolver(int maxIter)
    {
        (IdxImages train, byte[] trainLabels) = ShapeDigits.Make(90, seed: 1);
        (IdxImages test, byte[] testLabels) = ShapeDigits.Make(30, seed: 2);
        string trainDb = _dir.File("train_lmdb"), testDb = _dir.File("test_lmdb");
        SiamesePairs.Write(trainDb, "lmdb", train, trainLabels, pairCount: 256, seed: 3);
        SiamesePairs.Write(testDb, "lmdb", test, testLabels, pairCount: 100, seed: 4);
        SiameseFiles files = SiameseFiles.Write(_dir.File("siamese"), trainDb, testDb, maxIter, deployBatch: 4);
        SolverParameter param = ProtoIO.ReadSolverParamsFromTextFile(files.Solver);
        param.TestInitialization = false;  // and test_interval 500 is beyond max_iter: the test net never runs
        param.Display = 0;
        File.WriteAllText(files.Solver, TextFormat.Print(param));
        return (Solver.Create(files.Solver), files);
    }

    private static void CloseDataLayers(Solver solver)
    {
        // The data layers read ahead on their own threads, which hold the databases open.
        foreach (Layer layer in solver.Net.Layers.Concat(solver.TestNets.SelectMany(n => n.Layers))) (layer as DataLayer)?.Close();
    }

    private static bool SameMemory(Span<float> a, Span<float> b) =>
        a.Length == b.Length && Unsafe.AreSame(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b));

    [TestMethod]
    public void TheTwoBranchesShareTheirParameterBlobs()
    {
        Rng.SetRandomSeed(1701);
        (Solver solver, _) = SyntheticSolver(maxIter: 10);
        try
        {
            Net net = solver.Net;
            string[] learned = ["conv1", "conv2", "ip1", "ip2", "feat"];
            Assert.HasCount(2 * learned.Length, net.LearnableParams, "one learnable blob per shared name");
            float[][] before = [.. learned.SelectMany(name => net.Params[name]).Select(b => b.Data.ToArray())];
            foreach (string name in learned)
            {
                for (int k = 0; k < 2; k++)
                {
                    Blob left = net.Params[name][k], right = net.Params[name + "_p"][k];
                    Assert.IsTrue(SameMemory(left.Data, right.Data), $"{name}[{k}] data is one memory");
                    Assert.IsTrue(SameMemory(left.Diff, right.Diff), $"{name}[{k}] diff is one memory");
                }
            }

            solver.Step(1);
            int i = 0;
            foreach (string name in learned)
            {
                for (int k = 0; k < 2; k++, i++)
                {
                    float[] left = net.Params[name][k].Data.ToArray(), right = net.Params[name + "_p"][k].Data.ToArray();
                    CollectionAssert.AreEqual(left, right, $"{name}[{k}] after a step");
                    if (k == 0) CollectionAssert.AreNotEqual(before[i], left, $"{name} weights changed");
                }
            }
            // Both sides see the same weights, so the same picture gives the same feature on either side.
            Blob pairs = net.Blobs["pair_data"];
            int size = 28 * 28;
            pairs.Data[size..(2 * size)].CopyTo(pairs.Data[..size]);
            net.Forward(start: "slice_pair");
            CollectionAssert.AreEqual(net.Blobs["feat"].Data[..2].ToArray(), net.Blobs["feat_p"].Data[..2].ToArray());
        }
        finally
        {
            CloseDataLayers(solver);
        }
    }

    [TestMethod]
    public void TrainingLowersTheContrastiveLossAndTheDeployNetGivesTwoDFeatures()
    {
        Rng.SetRandomSeed(1701);
        const int iterations = 40;
        (Solver solver, SiameseFiles files) = SyntheticSolver(iterations);
        var losses = new List<float>();
        try
        {
            for (int i = 0; i < iterations; i++)
            {
                solver.Step(1);
                losses.Add(solver.Net.Blobs["loss"].Data[0]);
            }
            float early = losses.Take(5).Average(), late = losses.TakeLast(5).Average();
            Assert.IsLessThan(early * 0.7f, late, $"contrastive loss {early} over the first five iterations, {late} over the last five");
            solver.Snapshot();
        }
        finally
        {
            CloseDataLayers(solver);
        }

        // The notebook: caffe.Net(MODEL_FILE, PRETRAINED_FILE, caffe.TEST); forward_all(data=caffe_in)['feat'].
        var deploy = new Net(files.Deploy, solver.SnapshotFilename(".caffemodel"), Phase.Test);
        CollectionAssert.AreEqual(new[] { 4, 1, 28, 28 }, deploy.Blobs["data"].Shape.ToArray());
        (IdxImages images, byte[] labels) = ShapeDigits.Make(9, seed: 5);
        NdArray features = Embedding.Features(deploy, images);
        CollectionAssert.AreEqual(new[] { 9, 2 }, features.Shape.ToArray());
        // The deploy net is one branch of the trained net: the same picture gives the same feature there.
        solver.Net.Blobs["pair_data"].Reshape(1, 2, 28, 28);
        for (int p = 0; p < 784; p++)
            solver.Net.Blobs["pair_data"].Data[p] = solver.Net.Blobs["pair_data"].Data[784 + p] = images.Pixels[8 * 784 + p] * Embedding.Scale;
        solver.Net.Blobs["sim"].Reshape(1);
        solver.Net.Forward(start: "slice_pair");
        Assert.AreEqual(solver.Net.Blobs["feat"].Data[0], features[8, 0], 1e-5f);
        Assert.AreEqual(solver.Net.Blobs["feat"].Data[1], features[8, 1], 1e-5f);

        string figure = _dir.File("features.png");
        Plots.Features(figure, features, labels, ["bar", "column", "square"]);
        Assert.IsGreaterThan(1000L, new FileInfo(figure).Length);
    }

    [TestMethod]
    public void EmbeddingNumbers()
    {
        // Two tight clusters around (0, 0) and (3, 4); the last row of class 1 sits nearer class 0.
        float[] points = [0, 0, 3, 4, 0, 0, 3, 4, 0, 0, 3, 4, 0.5f, 0.5f, 1, 1];
        var features = new NdArray(points, [8, 2]);
        byte[] labels = [0, 1, 0, 1, 0, 1, 0, 1];
        Assert.AreEqual(3 / 4f, Embedding.CentroidAccuracy(features, labels, fitCount: 4));
        (double same, double different) = Embedding.MeanDistances(features, labels);
        Assert.IsLessThan(different, same);
        // Same-class pairs among the first six rows are at distance 0, different-class ones at 5.
        var six = new NdArray(points[..12], [6, 2]);
        Assert.AreEqual((0.0, 5.0), Embedding.MeanDistances(six, labels[..6]));
        Assert.ThrowsExactly<ArgumentException>(() => Embedding.MeanDistances(six, labels));
    }

    [TestMethod]
    public void AMissingDatasetIsExplainedAndNothingIsCreated()
    {
        string dataset = _dir.File("fashion-mnist"), output = _dir.File("out");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => FashionMnistPairs.PrepareLmdb(dataset, output, TextWriter.Null));
        StringAssert.Contains(e.Message, "apt-get install dataset-fashion-mnist");
        StringAssert.Contains(e.Message, "train-images-idx3-ubyte.gz");
        Assert.IsFalse(Directory.Exists(output));
        Assert.ThrowsExactly<FileNotFoundException>(() => FashionMnistPairs.CheckPresent(dataset));

        Directory.CreateDirectory(dataset);
        var files = FashionMnistPairs.Files(dataset);
        (IdxImages train, byte[] trainLabels) = ShapeDigits.Make(12, seed: 6);
        (IdxImages test, byte[] testLabels) = ShapeDigits.Make(6, seed: 7);
        MnistIdx.WriteImages(files.TrainImages, train, gzip: true);
        MnistIdx.WriteLabels(files.TrainLabels, trainLabels, gzip: true);
        MnistIdx.WriteImages(files.TestImages, test, gzip: true);
        e = Assert.ThrowsExactly<FileNotFoundException>(() => FashionMnistPairs.PrepareLmdb(dataset, output, TextWriter.Null));
        StringAssert.Contains(e.Message, "t10k-labels-idx1-ubyte.gz is missing");
        MnistIdx.WriteLabels(files.TestLabels, testLabels, gzip: true);

        var log = new StringWriter();
        (string trainLmdb, string testLmdb) = FashionMnistPairs.PrepareLmdb(dataset, output, log);
        StringAssert.Contains(log.ToString(), "converted 12 pairs");
        StringAssert.Contains(log.ToString(), "converted 6 pairs");
        Assert.HasCount(12, Data.DataTestSupport.ReadAll(trainLmdb, DataParameter.Types.DB.Lmdb));
        Assert.HasCount(6, Data.DataTestSupport.ReadAll(testLmdb, DataParameter.Types.DB.Lmdb));
        // A second run finds the databases and converts nothing.
        log = new StringWriter();
        Assert.AreEqual((trainLmdb, testLmdb), FashionMnistPairs.PrepareLmdb(dataset, output, log));
        Assert.AreEqual("", log.ToString());
    }
}
