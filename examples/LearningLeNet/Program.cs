// BVLC's 01-learning-lenet notebook in C#: define LeNet with NetSpec, load an SGD solver, look at the data and the
// first gradients, then train with a hand-written loop that records the train loss, the test accuracy and the scores
// of a few test pictures, and draw them. The data is Fashion-MNIST (Debian's dataset-fashion-mnist) instead of MNIST.
//
// Usage: LearningLeNet [--out out/learning_lenet] [--data /usr/share/datasets/fashion-mnist] [--niter 200]
//          [--test-interval 25] [--test-iters 100] [--seed 1701]
using System.Diagnostics;
using System.Globalization;
using Caffe;
using Caffe.Examples.LearningLeNet;
using Caffe.Examples;

string outDir = Arg("--out", "out/learning_lenet");
string dataDir = Arg("--data", FashionMnist.DefaultFolder);
int niter = IntArg("--niter", 200);
int testInterval = IntArg("--test-interval", 25);
int testIters = IntArg("--test-iters", 100);

try
{
    var total = Stopwatch.StartNew();
    // The notebook does not seed; a seed makes the Xavier fillers, and so the run, repeatable.
    Rng.SetRandomSeed(IntArg("--seed", 1701));
    Directory.CreateDirectory(outDir);

    // !data/mnist/get_mnist.sh; !examples/mnist/create_mnist.sh
    (string trainLmdb, string testLmdb) = FashionMnist.PrepareLmdb(dataDir, outDir, Console.Out);

    // with open('lenet_auto_train.prototxt', 'w') as f: f.write(str(lenet('mnist_train_lmdb', 64))) — and the test net
    string trainNet = Path.Combine(outDir, "lenet_auto_train.prototxt");
    string testNet = Path.Combine(outDir, "lenet_auto_test.prototxt");
    File.WriteAllText(trainNet, TextFormat.Print(LenetDefinition.Lenet(trainLmdb, 64)));
    File.WriteAllText(testNet, TextFormat.Print(LenetDefinition.Lenet(testLmdb, 100)));
    string solverFile = Path.Combine(outDir, "lenet_auto_solver.prototxt");
    File.WriteAllText(solverFile, TextFormat.Print(LenetDefinition.Solver(trainNet, testNet, Path.Combine(outDir, "lenet"))));
    Console.WriteLine($"== {trainNet}");
    Console.Write(File.ReadAllText(trainNet));
    Console.WriteLine($"== {solverFile}");
    Console.Write(File.ReadAllText(solverFile));

    // solver = caffe.SGDSolver('lenet_auto_solver.prototxt')
    var solver = new SgdSolver(solverFile);

    // [(k, v.data.shape) for k, v in solver.net.blobs.items()] and [(k, v[0].data.shape) for k, v in solver.net.params.items()]
    Console.WriteLine("== blobs");
    foreach ((string name, Blob blob) in solver.Net.Blobs) Console.WriteLine($"  {name,-6} ({string.Join(", ", blob.Shape)})");
    Console.WriteLine("== weights (not biases)");
    foreach ((string name, IReadOnlyList<Blob> blobs) in solver.Net.Params) Console.WriteLine($"  {name,-6} ({string.Join(", ", blobs[0].Shape)})");

    // solver.net.forward(); solver.test_nets[0].forward()
    solver.Net.Forward();
    Net test = solver.TestNets[0];
    test.Forward();
    SaveBatch("train_batch.png", "train", solver.Net);
    SaveBatch("test_batch.png", "test", test);

    // solver.step(1); imshow(solver.net.params['conv1'][0].diff[:, 0].reshape(4, 5, 5, 5).transpose(0, 2, 1, 3).reshape(4*5, 5*5))
    solver.Step(1);
    Save("conv1_gradient.png", Visualization.Upscale(Figures.FilterGradients(solver.Net.Params["conv1"][0]), 8));

    // The custom loop: niter = 200, test_interval = 25, 100 test batches.
    Console.WriteLine($"== training {niter} iterations, testing every {testInterval} on {testIters} batches");
    var timer = Stopwatch.StartNew();
    TrainingRecord record = TrainingLoop.Run(solver, niter, testInterval, testIters, Console.Out);
    timer.Stop();
    for (int i = 0; i < record.TestAccuracy.Length; i++)
        Console.WriteLine($"  iteration {record.TestIterations[i],3}: train loss {record.TrainLoss[record.TestIterations[i]]:F4}, test accuracy {record.TestAccuracy[i]:F4}");
    Console.WriteLine($"training loop: {timer.Elapsed.TotalSeconds:F1} s; final train loss {record.TrainLoss[^1]:F4}");
    float finalAccuracy = TrainingLoop.TestAccuracy(test, testIters);
    Console.WriteLine($"test accuracy after {solver.Iter} iterations: {finalAccuracy:F4}");

    Plots.LossAndAccuracy(Path.Combine(outDir, "loss_accuracy.png"), record);
    Console.WriteLine($"wrote {Path.Combine(outDir, "loss_accuracy.png")}");
    // for i in range(8): imshow(data[i, 0]); imshow(output[:50, i].T) — and the softmax of the scores
    Save("scores_over_time.png", Figures.PredictionsOverTime(test.Blobs["data"], record.Output, 50, softmax: false));
    Save("softmax_over_time.png", Figures.PredictionsOverTime(test.Blobs["data"], record.Output, 50, softmax: true));
    Console.WriteLine($"tracked test items: {LabelList(test.Blobs["label"], TrainingLoop.TrackedItems)}");
    Console.WriteLine($"total time {total.Elapsed.TotalSeconds:F1} s");
    return 0;
}
catch (Exception e) when (e is CaffeException or ArgumentException or IOException or FormatException or KeyNotFoundException)
{
    Console.Error.WriteLine($"LearningLeNet: error: {e.Message}");
    return 1;
}

// imshow(net.blobs['data'].data[:8, 0].transpose(1, 0, 2).reshape(28, 8*28)); print net.blobs['label'].data[:8]
void SaveBatch(string name, string which, Net net)
{
    Save(name, Visualization.Upscale(Figures.FirstImages(net.Blobs["data"], 8), 2));
    Console.WriteLine($"{which} labels: {LabelList(net.Blobs["label"], 8)}");
}

static string LabelList(Blob labels, int count) =>
    string.Join(", ", labels.Data[..count].ToArray().Select(l => $"{(int)l} {FashionMnist.ClassNames[(int)l]}"));

void Save(string name, NdArray picture)
{
    string path = Path.Combine(outDir, name);
    Caffe.IO.SaveImage(path, picture);
    Console.WriteLine($"wrote {path}");
}

string Arg(string name, string fallback) => ExampleArgs.Get(args, name, fallback);

int IntArg(string name, int fallback) => ExampleArgs.Int(args, name, fallback);
