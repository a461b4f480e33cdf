using Caffe.Examples.LogReg;

namespace Caffe.Tests.Examples;

/// <summary>
/// examples/LogReg (the brewing-logreg notebook): our data generator, the HDF5 files an HDF5Data layer reads back, the
/// NetSpec nets printed as the notebook's prototxts, and training that beats chance (the nonlinear net at least as
/// well as logistic regression).
/// </summary>
[TestClass]
public sealed class LogRegExampleTests
{
    private const string NotebookSource = "examples/hdf5_classification/data/train.txt";

    private string _dir = null!;

    [TestInitialize]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("caffe-logreg-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private static string Expected(string file) => File.ReadAllText(TestData.Path(Path.Combine("hdf5_classification", file)));

    [TestMethod]
    public void GeneratorIsDeterministicWithTheRequestedShapeAndBalance()
    {
        var settings = new ClassificationSettings(Samples: 2000, Seed: 5);
        LabelledData a = SyntheticClassification.Make(settings), b = SyntheticClassification.Make(settings);
        CollectionAssert.AreEqual(new[] { 2000, 4 }, a.Features.Shape.ToArray());
        CollectionAssert.AreEqual(a.Features.Data, b.Features.Data);
        CollectionAssert.AreEqual(a.Labels, b.Labels);
        CollectionAssert.AreNotEqual(a.Features.Data, SyntheticClassification.Make(settings with { Seed = 6 }).Features.Data);

        int[] counts = a.ClassCounts(2);
        Assert.AreEqual(2000, counts.Sum(), "labels are 0 or 1");
        Assert.AreEqual(1000, counts[0], 15, "two clusters per class of 500 rows; 1 % of the labels are redrawn");

        // The two noise columns are standard normal and independent of the class.
        for (int column = 2; column < 4; column++)
        {
            double[] v = [.. Enumerable.Range(0, a.Count).Select(i => (double)a.Row(i)[column])];
            Assert.AreEqual(0, v.Average(), 0.1);
            Assert.AreEqual(1, v.Select(x => x * x).Average(), 0.1);
        }

        (LabelledData train, LabelledData test) = a.Split();
        Assert.AreEqual(1500, train.Count);
        Assert.AreEqual(500, test.Count);
        CollectionAssert.AreEqual(a.Row(1500).ToArray(), test.Row(0).ToArray());
        CollectionAssert.AreEqual(a.Labels[1500..], test.Labels);
    }

    [TestMethod]
    public void RedundantColumnsAreLinearCombinationsOfTheInformativeOnes()
    {
        LabelledData d = SyntheticClassification.Make(new ClassificationSettings(Samples: 300, Features: 5, Informative: 2, Redundant: 2, Hypercube: true, Seed: 1));
        for (int column = 2; column < 4; column++)
        {
            // Solve column = p·x0 + q·x1 on two rows, then check every row.
            ReadOnlySpan<float> r0 = d.Row(0), r1 = d.Row(1);
            double det = (double)r0[0] * r1[1] - (double)r0[1] * r1[0];
            double p = ((double)r0[column] * r1[1] - (double)r0[1] * r1[column]) / det;
            double q = ((double)r0[0] * r1[column] - (double)r0[column] * r1[0]) / det;
            for (int i = 0; i < d.Count; i++)
                Assert.AreEqual(p * d.Row(i)[0] + q * d.Row(i)[1], d.Row(i)[column], 1e-4, $"row {i}, column {column}");
        }
        Assert.ThrowsExactly<ArgumentException>(() => SyntheticClassification.Make(new ClassificationSettings(Features: 3, Informative: 2, Redundant: 2)));
        Assert.ThrowsExactly<ArgumentException>(() => SyntheticClassification.Make(new ClassificationSettings(Informative: 1, ClustersPerClass: 2)));
    }

    [TestMethod]
    public void HdfFilesRoundTripThroughAnHdf5DataLayer()
    {
        LabelledData all = SyntheticClassification.Make(new ClassificationSettings(Samples: 120, Seed: 2));
        (LabelledData train, LabelledData test) = all.Split();
        DataFilePaths files = DataFiles.Write(Path.Combine(_dir, "data"), train, test);
        CollectionAssert.AreEqual(new[] { files.TrainHdf5, files.TrainHdf5 }, File.ReadAllLines(files.TrainList), "the notebook lists train.h5 twice");
        CollectionAssert.AreEqual(new[] { files.TestHdf5 }, File.ReadAllLines(files.TestList));

        // The notebook's test net, batch 10, read through once: 30 rows in 3 batches.
        NetParameter param = LogRegNets.LogReg(files.TestList, 10);
        param.State = new NetState { Phase = Phase.Test };
        var net = new Net(param);
        for (int batch = 0; batch < 3; batch++)
        {
            net.Forward();
            CollectionAssert.AreEqual(new[] { 10, 4 }, net.Blobs["data"].Shape.ToArray());
            CollectionAssert.AreEqual(test.Features.Data.AsSpan(batch * 40, 40).ToArray(), net.Blobs["data"].Data.ToArray());
            CollectionAssert.AreEqual(test.Labels.AsSpan(batch * 10, 10).ToArray().Select(l => (float)l).ToArray(), net.Blobs["label"].Data.ToArray());
        }
    }

    [TestMethod]
    public void NetSpecNetsPrintAsTheNotebooksPrototxts()
    {
        Assert.AreEqual(Expected("nonlinear_auto_train.prototxt"), TextFormat.Print(LogRegNets.Nonlinear(NotebookSource, 10)));
        Assert.AreEqual(Expected("logreg_auto_train.prototxt"), TextFormat.Print(LogRegNets.LogReg(NotebookSource, 10)));

        SolverParameter solver = LogRegNets.Solver("train.prototxt", "test.prototxt", "snap");
        Assert.AreEqual(250, solver.TestIter.Single());
        Assert.AreEqual(0.01f, solver.BaseLr);
        Assert.AreEqual("step", solver.LrPolicy);
        Assert.AreEqual(5000, solver.Stepsize);
        Assert.AreEqual(10000, solver.MaxIter);
        Assert.AreEqual(5e-4f, solver.WeightDecay);
    }

    [TestMethod]
    public void TrainingReachesHighAccuracyAndTheHiddenLayerDoesNoWorse()
    {
        // Easy: one well separated cluster per class.
        var easy = new ClassificationSettings(Samples: 1000, ClustersPerClass: 1, ClassSeparation: 2, Hypercube: true, Seed: 4);
        (double baseline, double logreg, _) = TrainBoth(easy, "easy", 2000);
        Assert.IsGreaterThanOrEqualTo(0.8, baseline);
        Assert.IsGreaterThanOrEqualTo(0.8, logreg);

        // The notebook's kind of data: two clusters per class, which a straight line cannot separate well.
        (_, double linear, double nonlinear) = TrainBoth(new ClassificationSettings(Samples: 2000, Seed: 0), "notebook", 4000);
        Assert.IsGreaterThanOrEqualTo(linear, nonlinear);
    }

    [TestMethod]
    public void PredictionsFollowTheTestFileAndMatchTheAccuracy()
    {
        LabelledData all = SyntheticClassification.Make(new ClassificationSettings(Samples: 400, Seed: 3));
        (LabelledData train, LabelledData test) = all.Split();
        DataFilePaths data = DataFiles.Write(Path.Combine(_dir, "data"), train, test);
        ExperimentFiles files = Experiment.Write(_dir, "logreg", LogRegNets.LogReg, data, test.Count, s => s.MaxIter = 500);
        Solver solver = Training.Train(files.Solver);
        Assert.AreEqual(500, solver.Iter);
        Assert.IsTrue(File.Exists(Path.Combine(_dir, "logreg_iter_500.caffemodel")), "the solver's snapshot prefix is in the folder");

        double accuracy = Training.TestAccuracy(solver.TestNets[0], test.Count);
        TestPredictions predictions = Training.Predict(solver.TestNets[0], test.Count, "ip1");
        CollectionAssert.AreEqual(test.Features.Data, predictions.Features.Data);
        CollectionAssert.AreEqual(test.Labels, predictions.Labels);
        double right = Enumerable.Range(0, test.Count).Count(i => predictions.Predicted[i] == test.Labels[i]);
        Assert.AreEqual(right / test.Count, accuracy, 1e-6);

        string png = Path.Combine(_dir, "p.png");
        Plots.Predictions(png, [("logreg", predictions)]);
        Assert.IsGreaterThan(1000L, new FileInfo(png).Length);
    }

    private (double Baseline, double LogReg, double Nonlinear) TrainBoth(ClassificationSettings settings, string name, int iterations)
    {
        (LabelledData train, LabelledData test) = SyntheticClassification.Make(settings).Split();
        DataFilePaths data = DataFiles.Write(Path.Combine(_dir, name), train, test);
        double baseline = SgdLogisticRegression.Fit(train).Accuracy(test);
        double Run(string model, Func<string, int, NetParameter> net)
        {
            ExperimentFiles files = Experiment.Write(Path.Combine(_dir, name), model, net, data, test.Count, s =>
            {
                s.MaxIter = iterations;
                s.Stepsize = iterations / 2;
                s.TestInterval = iterations;
            });
            return Training.TestAccuracy(Training.Train(files.Solver).TestNets[0], test.Count);
        }
        return (baseline, Run("logreg", LogRegNets.LogReg), Run("nonlinear", LogRegNets.Nonlinear));
    }
}
