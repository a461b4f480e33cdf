// BVLC's pascal-multilabel-with-datalayer notebook in C#: a multilabel image set (our synthetic shapes in place of
// PASCAL VOC 2012), read by the notebook's Python data layer ported to C# (PascalMultilabelDataLayerSync, found
// through type: "Python" and python_param), a small CaffeNet-like net defined with NetSpec and trained from
// scratch with SigmoidCrossEntropyLoss by a solver stepped from code, and the notebook's hamming accuracy on the
// val split against the all-zeros baseline.
//
// Usage: MultiLabel [--out folder] [--seed N] [--train N] [--val N] [--chunks N] [--chunk-size N] [--batch N] [--lr X]
// Everything it writes (images, lists, prototxts, PNG figures) goes into --out (default out/multilabel).
using System.Diagnostics;
using System.Globalization;
using Caffe;
using Caffe.Examples.MultiLabel;
using Caffe.Examples;

string outDir = Path.GetFullPath(Arg("--out", Path.Combine("out", "multilabel")));
try
{
    Run();
    return 0;
}
catch (Exception e) when (e is CaffeException or ArgumentException or IOException or FormatException)
{
    Console.Error.WriteLine($"MultiLabel: error: {e.Message}");
    return 1;
}

void Run()
{
    var total = Stopwatch.StartNew();
    int seed = Int("--seed", 0), batch = Int("--batch", 32), chunks = Int("--chunks", 20), chunkSize = Int("--chunk-size", 100);
    var settings = new ShapeSetSettings(Train: Int("--train", 2048), Val: Int("--val", 512), Seed: seed);

    // Stands in for downloading PASCAL VOC 2012: pascal_root = osp.join(caffe_root, 'data/pascal/VOC2012')
    var watch = Stopwatch.StartNew();
    string root = SyntheticShapes.Write(Path.Combine(outDir, "shapes"), settings);
    IReadOnlyList<string> classes = DatasetLayout.ReadClasses(root);
    Console.WriteLine($"data: {settings.Train} train + {settings.Val} val images of {settings.Size}×{settings.Size}, " +
                      $"classes {string.Join(", ", classes)}, in {root}  ({watch.ElapsedMilliseconds} ms)");

    // solverprototxt = tools.CaffeSolver(...); write trainnet.prototxt and valnet.prototxt with caffenet_multilabel(...)
    float? lr = args.Contains("--lr") ? float.Parse(Arg("--lr", "0"), CultureInfo.InvariantCulture) : null;
    ExperimentFiles files = Experiment.Write(outDir, root, batch, settings.Size, seed, adjust: s => s.BaseLr = lr ?? s.BaseLr);
    Console.WriteLine($"wrote {files.TrainNet}, {Path.GetFileName(files.ValNet)}, {Path.GetFileName(files.Solver)}");

    // solver = caffe.SGDSolver(osp.join(workdir, 'solver.prototxt')) — no copy_from: the net trains from scratch
    watch.Restart();
    Solver solver = Solver.Create(files.Solver);
    Net testNet = solver.TestNets[0];
    int testBatches = Experiment.TestBatches(settings.Val, batch);

    // solver.test_nets[0].share_with(solver.net); solver.step(1); for itt in range(6): solver.step(100); print ...
    TrainingRecord record = TrainingRun.Run(solver, chunks, chunkSize, testBatches, Console.Out);
    double trainSeconds = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"trained {solver.Iter} iterations of batch {batch} in {trainSeconds:F1} s " +
                      $"({1000 * trainSeconds / solver.Iter:F0} ms per iteration, test passes included)");

    // print 'Baseline accuracy:{0:.4f}'.format(check_baseline_accuracy(solver.test_nets[0], 5823/128))
    double baseline = MultilabelAccuracy.CheckBaselineAccuracy(testNet, testBatches);
    Console.WriteLine($"Baseline accuracy:{baseline:F4}   (all zeros; the trained net: {record.TestAccuracy[^1]:F4})");

    // The notebook's last cell: a few test images with GT and EST class lists.
    testNet.Forward();
    var layer = (PascalMultilabelDataLayerSync)testNet.LayerDict["data"];
    var panels = new List<PredictionPanel>();
    Blob data = testNet.Blobs["data"], label = testNet.Blobs["label"], score = testNet.Blobs["score"];
    int k = classes.Count, pixels = data.Count / data.Num;
    for (int i = 0; i < Math.Min(8, data.Num); i++)
    {
        NdArray image = layer.Loader.Transformer.Deprocess(data.Data.Slice(i * pixels, pixels), data.Height, data.Width);
        string[] truth = [.. Enumerable.Range(0, k).Where(c => label.Data[i * k + c] == 1).Select(c => classes[c])];
        string[] estimate = [.. Enumerable.Range(0, k).Where(c => score.Data[i * k + c] > 0).Select(c => classes[c])];
        panels.Add(new PredictionPanel(image, truth, estimate));
        Console.WriteLine($"  {layer.BatchIds[i]}  GT: [{string.Join(", ", truth)}]  EST: [{string.Join(", ", estimate)}]");
    }
    string predictions = Path.Combine(outDir, "multilabel_predictions.png");
    Figures.Predictions(predictions, panels);
    string training = Path.Combine(outDir, "multilabel_training.png");
    Figures.Training(training, record.Iterations, record.TestAccuracy, record.TrainLoss, baseline);
    Console.WriteLine($"wrote {predictions} and {training}");
    Console.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s");
}

int Int(string name, int fallback) => ExampleArgs.Int(args, name, fallback);

string Arg(string name, string fallback) => ExampleArgs.Get(args, name, fallback);
