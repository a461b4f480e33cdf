// BVLC's brewing-logreg notebook in C#: a synthetic two-class problem, a plain C# logistic regression as the
// baseline, the data written to HDF5, then Caffe.Net training two models built with NetSpec — logistic regression
// and a net with one hidden ReLU layer — and each model's test accuracy, as the notebook computes it.
//
// Usage: LogReg [--out folder] [--seed N] [--samples N]
// Everything it writes (HDF5 files, list files, prototxts, snapshots, a PNG figure) goes into --out (default out/logreg).
using System.Diagnostics;
using System.Globalization;
using Caffe;
using Caffe.Examples.LogReg;
using Caffe.Examples;

string outDir = Path.GetFullPath(Arg("--out", Path.Combine("out", "logreg")));
try
{
    Run();
    return 0;
}
catch (Exception e) when (e is CaffeException or ArgumentException or IOException or FormatException)
{
    Console.Error.WriteLine($"LogReg: error: {e.Message}");
    return 1;
}

void Run()
{
    var total = Stopwatch.StartNew();
    Directory.CreateDirectory(outDir);

    // X, y = make_classification(n_samples=10000, n_features=4, n_redundant=0, n_informative=2,
    //                            n_clusters_per_class=2, hypercube=False, random_state=0)
    // X, Xt, y, yt = train_test_split(X, y)
    var settings = new ClassificationSettings(Samples: Int("--samples", 10000), Seed: Int("--seed", 0));
    LabelledData all = SyntheticClassification.Make(settings);
    (LabelledData train, LabelledData test) = all.Split(0.25);
    Console.WriteLine($"data: {all.Count} rows × {all.FeatureCount} features (classes {string.Join(" / ", all.ClassCounts(2))}), " +
                      $"train {train.Count}, test {test.Count}");

    // clf = SGDClassifier(loss='log', penalty='l2', alpha=5e-4, ...); clf.fit(X, y); accuracy_score(yt, clf.predict(Xt))
    var watch = Stopwatch.StartNew();
    SgdLogisticRegression baseline = SgdLogisticRegression.Fit(train);
    double baselineAccuracy = baseline.Accuracy(test);
    Console.WriteLine($"baseline (plain C# SGD logistic regression): accuracy {baselineAccuracy:F3}  ({watch.ElapsedMilliseconds} ms)");

    // h5py.File('train.h5', 'w') ... f['data'] = X; f['label'] = y.astype(np.float32); train.txt, test.txt
    DataFilePaths data = DataFiles.Write(Path.Combine(outDir, "data"), train, test);
    Console.WriteLine($"wrote {data.TrainHdf5}, {data.TestHdf5} and their lists");

    (double logreg, TestPredictions linearPredictions) = TrainAndTest("logreg", LogRegNets.LogReg, "ip1", data, test.Count);
    (double nonlinear, TestPredictions nonlinearPredictions) = TrainAndTest("nonlinear", LogRegNets.Nonlinear, "ip2", data, test.Count);

    // Not in the notebook: the test rows in the plane of the two informative features, coloured by prediction.
    string png = Path.Combine(outDir, "predictions.png");
    Plots.Predictions(png, [($"logistic regression: test accuracy {logreg:F3}", linearPredictions),
                            ($"nonlinear net: test accuracy {nonlinear:F3}", nonlinearPredictions)]);
    Console.WriteLine($"wrote {png}");

    Console.WriteLine();
    Console.WriteLine($"accuracy  baseline {baselineAccuracy:F3}   logreg {logreg:F3}   nonlinear {nonlinear:F3}");
    Console.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s");
}

(double Accuracy, TestPredictions Predictions) TrainAndTest(string name, Func<string, int, NetParameter> net, string scores, DataFilePaths data, int testRows)
{
    // with open(train_net_path, 'w') as f: f.write(str(logreg('.../train.txt', 10))); the same for the test net and the solver
    ExperimentFiles files = Experiment.Write(outDir, name, net, data, testRows);
    Console.WriteLine($"{name}: wrote {Path.GetFileName(files.TrainNet)}, {Path.GetFileName(files.TestNet)}, {Path.GetFileName(files.Solver)}");

    // solver = caffe.get_solver(solver_path); solver.solve(); then the mean of 'accuracy' over the test batches
    var watch = Stopwatch.StartNew();
    Solver solver = Training.Train(files.Solver);
    double accuracy = Training.TestAccuracy(solver.TestNets[0], testRows);
    Console.WriteLine($"{name}: {solver.Iter} iterations, test accuracy {accuracy:F3}  ({watch.Elapsed.TotalSeconds:F1} s)");
    Console.WriteLine($"  the same from the command line: caffe train -solver {files.Solver}");

    return (accuracy, Training.Predict(solver.TestNets[0], testRows, scores));
}

int Int(string name, int fallback) => ExampleArgs.Int(args, name, fallback);

string Arg(string name, string fallback) => ExampleArgs.Get(args, name, fallback);
