using Caffe.Examples.LearningLeNet;

namespace Caffe.Tests.Examples;

/// <summary>
/// examples/LearningLeNet (the 01-learning-lenet notebook) without the Fashion-MNIST download: the NetSpec LeNet
/// against the prototxt BVLC's notebook wrote, the training loop on a tiny synthetic dataset of three easy classes,
/// and the data preparation's errors.
/// </summary>
[TestClass]
public sealed class LearningLeNetExampleTests
{
    private TempDir _dir = null!;

    [TestInitialize]
    public void Init() => _dir = new TempDir("caffe-learning-lenet-");

    [TestCleanup]
    public void Cleanup() => _dir.Dispose();

    [TestMethod]
    public void NetSpecLenetPrintsBvlcsLenetAutoTrain()
    {
        string expected = File.ReadAllText(TestData.Path("notebooks/lenet_auto_train.prototxt"));
        string printed = TextFormat.Print(LenetDefinition.Lenet("examples/mnist/mnist_train_lmdb", 64));
        // Python's protobuf printed the double 1/255 with 12 digits; we print the float32 field with the 9 digits
        // that round-trip it (as C++ Caffe does). The value is the same float.
        const string pythonScale = "scale: 0.00392156862745", ourScale = "scale: 0.00392156886";
        Assert.AreEqual(float.Parse("0.00392156862745", System.Globalization.CultureInfo.InvariantCulture),
                        float.Parse("0.00392156886", System.Globalization.CultureInfo.InvariantCulture));
        StringAssert.Contains(expected, pythonScale);
        Assert.AreEqual(expected.Replace(pythonScale, ourScale, StringComparison.Ordinal), printed);
        Assert.AreEqual(TextFormat.Parse<NetParameter>(expected), LenetDefinition.Lenet("examples/mnist/mnist_train_lmdb", 64));
    }

    [TestMethod]
    public void SolverHasTheNotebooksSettings()
    {
        SolverParameter solver = LenetDefinition.Solver("train.prototxt", "test.prototxt", "snap/lenet");
        Assert.AreEqual("train.prototxt", solver.TrainNet);
        CollectionAssert.AreEqual(new[] { "test.prototxt" }, solver.TestNet.ToArray());
        CollectionAssert.AreEqual(new[] { 100 }, solver.TestIter.ToArray());
        Assert.AreEqual((500, 0.01f, 0.9f, 0.0005f), (solver.TestInterval, solver.BaseLr, solver.Momentum, solver.WeightDecay));
        Assert.AreEqual(("inv", 0.0001f, 0.75f), (solver.LrPolicy, solver.Gamma, solver.Power));
        Assert.AreEqual((100, 10000, 5000, "SGD"), (solver.Display, solver.MaxIter, solver.Snapshot, solver.Type));
    }

    private (string Train, string Test) ShapeLmdbs(int trainCount, int testCount)
    {
        (IdxImages trainImages, byte[] trainLabels) = ShapeDigits.Make(trainCount, seed: 1);
        (IdxImages testImages, byte[] testLabels) = ShapeDigits.Make(testCount, seed: 2);
        string train = _dir.File("train_lmdb"), test = _dir.File("test_lmdb");
        MnistIdx.Write(train, "lmdb", trainImages, trainLabels);
        MnistIdx.Write(test, "lmdb", testImages, testLabels);
        return (train, test);
    }

    [TestMethod]
    public void TrainingLoopLearnsAndCountsAccuracyAsTheAccuracyLayer()
    {
        Rng.SetRandomSeed(1701);
        const int trainBatch = 16, testBatch = 20, testIters = 3, niter = 30, testInterval = 25;
        (string trainLmdb, string testLmdb) = ShapeLmdbs(96, testBatch * testIters);
        string trainNet = _dir.File("train.prototxt"), testNet = _dir.File("test.prototxt");
        File.WriteAllText(trainNet, TextFormat.Print(LenetDefinition.Lenet(trainLmdb, trainBatch)));
        // The test net also gets Caffe's Accuracy layer, to check the hand-counted accuracy against it.
        NetParameter test = LenetDefinition.Lenet(testLmdb, testBatch);
        test.Layer.Add(new LayerParameter { Name = "accuracy", Type = "Accuracy", Bottom = { "ip2", "label" }, Top = { "accuracy" } });
        File.WriteAllText(testNet, TextFormat.Print(test));
        SolverParameter param = LenetDefinition.Solver(trainNet, testNet, _dir.File("lenet"));
        param.TestIter[0] = testIters;
        param.TestInitialization = false;
        Solver solver = Solver.Create(param);
        Net testNetInstance = solver.TestNets[0];
        try
        {
            TrainingRecord record = TrainingLoop.Run(solver, niter, testInterval, testIters);

            Assert.AreEqual(niter, solver.Iter);
            Assert.HasCount(niter, record.TrainLoss);
            Assert.HasCount(2, record.TestAccuracy);
            CollectionAssert.AreEqual(new[] { 0, 25 }, record.TestIterations);
            CollectionAssert.AreEqual(new[] { niter, TrainingLoop.TrackedItems, 10 }, record.Output.Shape.ToArray());
            float early = record.TrainLoss[..5].Average(), late = record.TrainLoss[^5..].Average();
            Assert.IsLessThan(early * 0.5f, late, $"train loss {early} over the first five iterations, {late} over the last five");
            Assert.IsGreaterThan(record.TestAccuracy[0], record.TestAccuracy[1]);

            // The recorded scores of the last iteration are ip2's first rows for the batch held in the data blob.
            testNetInstance.Forward(start: "conv1");
            CollectionAssert.AreEqual(testNetInstance.Blobs["ip2"].Data[..(TrainingLoop.TrackedItems * 10)].ToArray(),
                                      record.Output.Data[^(TrainingLoop.TrackedItems * 10)..]);

            // The test database holds exactly testIters batches, so every test pass sees the same items.
            float layerSum = 0;
            for (int i = 0; i < testIters; i++)
            {
                testNetInstance.Forward();
                int correct = TrainingLoop.CountCorrect(testNetInstance.Blobs["ip2"], testNetInstance.Blobs["label"]);
                float layer = testNetInstance.Blobs["accuracy"].Data[0];
                Assert.AreEqual(layer, correct / (float)testBatch, 1e-6f, $"batch {i}");
                layerSum += layer;
            }
            Assert.AreEqual(layerSum / testIters, TrainingLoop.TestAccuracy(testNetInstance, testIters), 1e-6f);
            Assert.IsGreaterThan(0.75f, layerSum / testIters, "three easy classes after 30 iterations (chance is 1/3)");

            // The notebook's pictures have the notebook's shapes.
            CollectionAssert.AreEqual(new[] { 28, 8 * 28, 1 }, Figures.FirstImages(testNetInstance.Blobs["data"], 8).Shape.ToArray());
            CollectionAssert.AreEqual(new[] { 4 * 5, 5 * 5, 1 }, Figures.FilterGradients(solver.Net.Params["conv1"][0]).Shape.ToArray());
            NdArray softmax = Figures.Predictions(record.Output, 0, 50, softmax: true);
            CollectionAssert.AreEqual(new[] { 10, niter, 1 }, softmax.Shape.ToArray());
            NdArray figure = Figures.PredictionsOverTime(testNetInstance.Blobs["data"], record.Output, 50, softmax: false);
            Assert.AreEqual(1, figure.Shape[2]);
            string plot = _dir.File("loss.png");
            Plots.LossAndAccuracy(plot, record);
            Assert.IsGreaterThan(1000L, new FileInfo(plot).Length);
        }
        finally
        {
            // The data layers read ahead on their own threads, which hold the databases open.
            foreach (Layer layer in solver.Net.Layers.Concat(testNetInstance.Layers)) (layer as DataLayer)?.Close();
        }
    }

    [TestMethod]
    public void CountCorrectTakesTheFirstHighestScore()
    {
        var scores = new Blob(3, 4);
        float[] values = [0, 5, 5, 1, /**/ 2, 0, 0, 0, /**/ 0, 0, 0, 0];
        values.CopyTo(scores.Data);
        var labels = new Blob(3);
        float[] truth = [1, 0, 3];
        truth.CopyTo(labels.Data);
        Assert.AreEqual(2, TrainingLoop.CountCorrect(scores, labels));
        Assert.ThrowsExactly<ArgumentException>(() => TrainingLoop.CountCorrect(scores, new Blob(2)));
    }

    [TestMethod]
    public void PrepareConvertsTheIdxFilesOnceAndExplainsAMissingDataset()
    {
        string dataset = _dir.File("fashion-mnist");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => FashionMnist.PrepareLmdb(dataset, _dir.File("out"), TextWriter.Null));
        StringAssert.Contains(e.Message, "apt-get install dataset-fashion-mnist");
        StringAssert.Contains(e.Message, "train-images-idx3-ubyte.gz");
        Assert.IsFalse(Directory.Exists(_dir.File("out")), "nothing is created when the dataset is missing");

        Directory.CreateDirectory(dataset);
        var files = FashionMnist.Files(dataset);
        (IdxImages train, byte[] trainLabels) = ShapeDigits.Make(12, seed: 3);
        (IdxImages test, byte[] testLabels) = ShapeDigits.Make(6, seed: 4);
        MnistIdx.WriteImages(files.TrainImages, train, gzip: true);
        MnistIdx.WriteLabels(files.TrainLabels, trainLabels, gzip: true);
        MnistIdx.WriteImages(files.TestImages, test, gzip: true);
        e = Assert.ThrowsExactly<FileNotFoundException>(() => FashionMnist.PrepareLmdb(dataset, _dir.File("out"), TextWriter.Null));
        StringAssert.Contains(e.Message, "t10k-labels-idx1-ubyte.gz is missing");
        MnistIdx.WriteLabels(files.TestLabels, testLabels, gzip: true);

        var log = new StringWriter();
        (string trainLmdb, string testLmdb) = FashionMnist.PrepareLmdb(dataset, _dir.File("out"), log);
        StringAssert.Contains(log.ToString(), "converted 12 items");
        StringAssert.Contains(log.ToString(), "converted 6 items");
        Assert.HasCount(12, Data.DataTestSupport.ReadAll(trainLmdb, DataParameter.Types.DB.Lmdb));
        Assert.HasCount(6, Data.DataTestSupport.ReadAll(testLmdb, DataParameter.Types.DB.Lmdb));

        // A second run finds the databases and converts nothing, even without the dataset.
        Directory.Delete(dataset, recursive: true);
        log = new StringWriter();
        Assert.AreEqual((trainLmdb, testLmdb), FashionMnist.PrepareLmdb(dataset, _dir.File("out"), log));
        Assert.AreEqual("", log.ToString());
    }
}
