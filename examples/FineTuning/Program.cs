// BVLC's 02-fine-tuning notebook in C#: a pretrained net (here the repository's Fashion-MNIST LeNet instead of
// ImageNet CaffeNet) is fine-tuned on a small new task (2000 Fashion-MNIST pictures rotated a quarter turn and
// colour-inverted, instead of 2000 Flickr Style pictures): first the renamed classifier alone, next to the same net
// trained from random weights; then end-to-end, every layer learning, from the first phase's weights.
//
// Usage: FineTuning [--out out/fine_tuning] [--data /usr/share/datasets/fashion-mnist]
//          [--weights examples/fashion_mnist/lenet_fashion.caffemodel] [--train-count 2000] [--niter 200]
//          [--base-lr 0.001] [--test-iters 100] [--seed 1701]
using System.Diagnostics;
using System.Globalization;
using Caffe;
using Caffe.Examples.FineTuning;
using Caffe.Examples;

string outDir = Arg("--out", "out/fine_tuning");
string dataDir = Arg("--data", ShiftedFashionMnist.DefaultFolder);
string pretrained = Arg("--weights", "examples/fashion_mnist/lenet_fashion.caffemodel");
int trainCount = IntArg("--train-count", 2000);
int niter = IntArg("--niter", 200);
float baseLr = float.Parse(Arg("--base-lr", "0.001"), CultureInfo.InvariantCulture);
int testIters = IntArg("--test-iters", 100);
int seed = IntArg("--seed", 1701);
const int TrainBatch = 50, TestBatch = 100;

try
{
    var total = Stopwatch.StartNew();
    // The notebook does not seed; a seed makes the subset, the fillers, dropout and mirroring repeatable.
    Rng.SetRandomSeed(seed);
    if (!File.Exists(pretrained))
        throw new FileNotFoundException($"pretrained weights {pretrained} not found (run from the repository root, or pass --weights).", pretrained);
    Directory.CreateDirectory(outDir);

    // assemble_data.py --images=2000 --seed=1701: here a seeded subset of Fashion-MNIST, rotated and inverted
    (string trainLmdb, string testLmdb) = ShiftedFashionMnist.PrepareLmdb(dataDir, outDir, trainCount, seed, Console.Out);

    // style_net(train=True), style_net(train=True, learn_all=True), style_net(train=False)
    string frozenNet = Write("shifted_train_frozen.prototxt", ShiftedNet.Define(trainLmdb, TrainBatch));
    string learnAllNet = Write("shifted_train_learn_all.prototxt", ShiftedNet.Define(trainLmdb, TrainBatch, learnAll: true));
    string testNet = Write("shifted_test.prototxt", ShiftedNet.Define(testLmdb, TestBatch, train: false));

    // untrained_style_net = caffe.Net(style_net(train=False, subset='train'), weights, caffe.TEST)
    var untrained = new Net(testNet, pretrained, Phase.Test);
    untrained.Forward();
    Console.WriteLine($"untrained net (pretrained features, zero classifier): probabilities of item 0 = " +
                      string.Join(" ", untrained.Blobs["probs"].Data[..10].ToArray().Select(p => p.ToString("F2", CultureInfo.InvariantCulture))));
    Close(untrained);

    // style_solver = caffe.get_solver(solver(style_net(train=True))); style_solver.net.copy_from(weights)
    Solver pretrainedSolver = FineTuningSolver.Create(frozenNet, baseLr);
    pretrainedSolver.Net.CopyFrom(pretrained);
    // scratch_style_solver: the same net, left at its random fillers
    Solver scratchSolver = FineTuningSolver.Create(frozenNet, baseLr);

    Console.WriteLine($"== phase 1: the classifier {ShiftedNet.Classifier} alone, {niter} iterations of batch {TrainBatch}");
    var timer = Stopwatch.StartNew();
    IReadOnlyList<SolverRecord> phase1 = SolverRun.Run(niter, [("pretrained", pretrainedSolver), ("scratch", scratchSolver)],
                                                       Path.Combine(outDir, "phase1"), log: Console.Out);
    Console.WriteLine($"phase 1: {timer.Elapsed.TotalSeconds:F1} s");
    Close(pretrainedSolver.Net, scratchSolver.Net);

    // test_net, accuracy = eval_style_net(style_weights) — and the scratch weights
    float[] accuracy1 = [.. phase1.Select(r => Evaluate(r.Weights))];
    Console.WriteLine($"Accuracy, trained from pretrained initialization: {100 * accuracy1[0]:F1}%");
    Console.WriteLine($"Accuracy, trained from     random initialization: {100 * accuracy1[1]:F1}%");

    // end_to_end_net = style_net(train=True, learn_all=True); both solvers start from phase 1's weights
    Solver pretrainedEndToEnd = FineTuningSolver.Create(learnAllNet, baseLr);
    pretrainedEndToEnd.Net.CopyFrom(phase1[0].Weights);
    Solver scratchEndToEnd = FineTuningSolver.Create(learnAllNet, baseLr);
    scratchEndToEnd.Net.CopyFrom(phase1[1].Weights);

    Console.WriteLine($"== phase 2: end-to-end (learn_all), {niter} iterations from phase 1's weights");
    timer.Restart();
    IReadOnlyList<SolverRecord> phase2 = SolverRun.Run(niter, [("pretrained, end-to-end", pretrainedEndToEnd), ("scratch, end-to-end", scratchEndToEnd)],
                                                       Path.Combine(outDir, "phase2"), log: Console.Out);
    Console.WriteLine($"phase 2: {timer.Elapsed.TotalSeconds:F1} s");
    Close(pretrainedEndToEnd.Net, scratchEndToEnd.Net);

    float[] accuracy2 = [.. phase2.Select(r => Evaluate(r.Weights))];
    Console.WriteLine($"Accuracy, finetuned from pretrained initialization: {100 * accuracy2[0]:F1}%");
    Console.WriteLine($"Accuracy, finetuned from     random initialization: {100 * accuracy2[1]:F1}%");

    Console.WriteLine($"== test accuracy on the {testIters * TestBatch} shifted test pictures");
    Console.WriteLine("| initialization | classifier only | end-to-end |");
    Console.WriteLine("|---|---|---|");
    Console.WriteLine($"| pretrained (lenet_fashion) | {100 * accuracy1[0]:F1}% | {100 * accuracy2[0]:F1}% |");
    Console.WriteLine($"| scratch (random fillers) | {100 * accuracy1[1]:F1}% | {100 * accuracy2[1]:F1}% |");

    string plot = Path.Combine(outDir, "loss.png");
    Plots.LossCurves(plot, phase1, phase2);
    Console.WriteLine($"wrote {plot}");
    Console.WriteLine($"total time {total.Elapsed.TotalSeconds:F1} s");
    return 0;
}
catch (Exception e) when (e is CaffeException or ArgumentException or IOException or FormatException or KeyNotFoundException)
{
    Console.Error.WriteLine($"FineTuning: error: {e.Message}");
    return 1;
}

float Evaluate(string weights)
{
    (Net net, float accuracy) = Evaluation.Run(Path.Combine(outDir, "shifted_test.prototxt"), weights, testIters);
    Close(net);
    return accuracy;
}

// The data layers read ahead on their own threads, which hold the databases open.
static void Close(params Net[] nets)
{
    foreach (Net net in nets)
        foreach (Layer layer in net.Layers) (layer as DataLayer)?.Close();
}

string Write(string name, NetParameter net)
{
    string path = Path.Combine(outDir, name);
    File.WriteAllText(path, TextFormat.Print(net));
    return path;
}

string Arg(string name, string fallback) => ExampleArgs.Get(args, name, fallback);

int IntArg(string name, int fallback) => ExampleArgs.Int(args, name, fallback);
