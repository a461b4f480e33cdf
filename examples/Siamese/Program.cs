// BVLC's siamese example in C#: pair databases from the IDX files (convert_mnist_siamese_data), the siamese net with
// two weight-sharing LeNet branches and a contrastive loss trained by the solver (train_mnist_siamese.sh), then the
// mnist_siamese notebook: the deploy net maps the 10000 test pictures to 2-D features, plotted by class. The data is
// Fashion-MNIST (Debian's dataset-fashion-mnist) instead of MNIST, and training is cut from 50000 iterations.
//
// Usage: Siamese [--out out/siamese] [--data /usr/share/datasets/fashion-mnist] [--iters 3000] [--seed 1701]
using System.Diagnostics;
using System.Globalization;
using Caffe;
using Caffe.Examples.Siamese;
using Caffe.Examples;

string outDir = Arg("--out", "out/siamese");
string dataDir = Arg("--data", FashionMnistPairs.DefaultFolder);
int iterations = IntArg("--iters", 3000);
int seed = IntArg("--seed", 1701);
const int DeployBatch = 1000;

try
{
    var total = Stopwatch.StartNew();
    // BVLC seeds nothing; a seed makes the pairs, the Xavier fillers and so the whole run repeatable.
    Rng.SetRandomSeed(seed);
    Directory.CreateDirectory(outDir);

    // ./examples/siamese/create_mnist_siamese.sh (the notebook reads the test IDX files too, so they must be there)
    FashionMnistPairs.CheckPresent(dataDir);
    (string trainLmdb, string testLmdb) = FashionMnistPairs.PrepareLmdb(dataDir, outDir, Console.Out, seed);

    // The example's three prototxt files, written for our databases and iteration count.
    SiameseFiles files = SiameseFiles.Write(outDir, trainLmdb, testLmdb, iterations, DeployBatch);
    Console.WriteLine($"wrote {files.TrainTest}, {files.Solver}, {files.Deploy}");

    // ./examples/siamese/train_mnist_siamese.sh: caffe train --solver=examples/siamese/mnist_siamese_solver.prototxt
    Solver solver = Solver.Create(files.Solver);
    Console.WriteLine($"== training {iterations} iterations (BVLC: 50000), batch 64 pairs, testing every 500 on 100 batches of 100 pairs");
    var timer = Stopwatch.StartNew();
    // The solver's progress and test lines, as train_mnist_siamese.sh shows them (the rest of its log is left out).
    using (CaffeLog.Redirect(ShowProgress, LogSeverity.Info)) solver.Solve();
    timer.Stop();
    string weights = solver.SnapshotFilename(".caffemodel");
    float testLoss = solver.Test(0).Single(s => s.OutputName == "loss").Value;
    Console.WriteLine($"training: {timer.Elapsed.TotalSeconds:F1} s ({timer.Elapsed.TotalMilliseconds / iterations:F0} ms per iteration); " +
                      $"test contrastive loss {testLoss:F4}; weights {weights}");

    // net = caffe.Net(MODEL_FILE, PRETRAINED_FILE, caffe.TEST)
    var net = new Net(files.Deploy, weights, Phase.Test);
    // raw_data, labels = the t10k IDX files
    var dataset = FashionMnistPairs.Files(dataDir);
    IdxImages images = MnistIdx.ReadImages(dataset.TestImages);
    byte[] labels = MnistIdx.ReadLabels(dataset.TestLabels);
    // caffe_in = raw_data.reshape(n, 1, 28, 28) * 0.00390625; out = net.forward_all(data=caffe_in); feat = out['feat']
    NdArray features = Embedding.Features(net, images);
    Console.WriteLine($"features: ({string.Join(", ", features.Shape)})");

    float accuracy = Embedding.CentroidAccuracy(features, labels, fitCount: images.Count / 2);
    (double same, double different) = Embedding.MeanDistances(features, labels);
    Console.WriteLine($"nearest class centroid (centroids from test pictures 0-{images.Count / 2 - 1}, scored on the rest): accuracy {accuracy:F4} (chance 0.1)");
    Console.WriteLine($"mean feature distance: same class {same:F4}, different classes {different:F4} (margin 1)");

    // plt.plot(feat[labels==i,0], feat[labels==i,1], '.', c=c[i]) for each class; plt.legend; plt.grid
    string figure = Path.Combine(outDir, "siamese_features.png");
    Plots.Features(figure, features, labels, FashionMnistPairs.ClassNames);
    Console.WriteLine($"wrote {figure}");
    Console.WriteLine($"total time {total.Elapsed.TotalSeconds:F1} s");
    return 0;
}
catch (Exception e) when (e is CaffeException or ArgumentException or IOException or FormatException or KeyNotFoundException)
{
    Console.Error.WriteLine($"Siamese: error: {e.Message}");
    return 1;
}

static void ShowProgress(LogSeverity severity, string message)
{
    if (severity >= LogSeverity.Warning || message.Contains(", loss = ", StringComparison.Ordinal) || message.Contains("Test net output", StringComparison.Ordinal))
        Console.WriteLine(message);
}

string Arg(string name, string fallback) => ExampleArgs.Get(args, name, fallback);

int IntArg(string name, int fallback) => ExampleArgs.Int(args, name, fallback);
