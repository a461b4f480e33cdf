// BVLC's 00-classification notebook in C#: classify images, print the top 5 classes, and write the notebook's
// figures (input, conv filters, activations, fully connected values, output probabilities) as PNG files.
//
// With no arguments it runs on the CIFAR-10 "quick" model shipped in models/cifar10 and on the pictures in
// examples/images (drawn by this program: --draw-images DIR writes them again). With a model of your own it follows the notebook exactly, e.g. for CaffeNet:
//   Classification --model deploy.prototxt --weights bvlc_reference_caffenet.caffemodel
//                  --mean ilsvrc_2012_mean.npy --labels synset_words.txt --image cat.jpg
//
// Usage: Classification [--model deploy.prototxt --weights w.caffemodel] [--mean file.npy|file.binaryproto|v1,v2,v3|none]
//          [--labels labels.txt] [--image photo.jpg]... [--out folder] [--raw-scale 255] [--channel-swap 2,1,0|none]
//          [--batch 50] [--top 5]
//        Classification --draw-images DIR
// Defaults with --model: the notebook's raw scale 255 and RGB→BGR swap, no mean unless --mean is given.
// Defaults without it (CIFAR-10 quick): raw scale 255, no swap (CIFAR's data was stored RGB), the CIFAR-10 training
// set's mean pixel models/cifar10/mean_pixel.npy (see models/cifar10/README.md).
using System.Globalization;
using Caffe;
using Caffe.Examples.Classification;
using Caffe.Examples;

string root = ExampleArgs.RepoRoot();
bool custom = args.Contains("--model");
string model = Arg("--model", Path.Combine(root, "models/cifar10/cifar10_quick.prototxt"));
string? weights = custom ? ArgOrNull("--weights") : Path.Combine(root, "models/cifar10/cifar10_quick_iter_5000.caffemodel");
string? labelsPath = ArgOrNull("--labels") ?? (custom ? null : Path.Combine(root, "models/cifar10/labels.txt"));
string meanSpec = Arg("--mean", custom ? "none" : Path.Combine(root, "models/cifar10/mean_pixel.npy"));
string swapSpec = Arg("--channel-swap", custom ? "2,1,0" : "none");
string outDir = Arg("--out", Path.Combine("out", "classification"));

try
{
    if (weights == null) throw new ArgumentException("--model needs --weights (the notebook classifies with trained weights).");
    if (ArgOrNull("--draw-images") is string drawTo)
    {
        // How examples/images/*.png were made: the scenes of SyntheticImages, drawn and saved.
        Directory.CreateDirectory(drawTo);
        foreach (string name in SyntheticImages.Names)
        {
            Caffe.IO.SaveImage(Path.Combine(drawTo, name + ".png"), SyntheticImages.Draw(name));
            Console.WriteLine($"wrote {Path.Combine(drawTo, name + ".png")}");
        }
        return 0;
    }
    // im = caffe.io.load_image('cat.jpg'); without --image, the pictures drawn into examples/images.
    List<string> imagePaths = ImagePaths().ToList();
    if (imagePaths.Count == 0) imagePaths = SyntheticImages.Names.Select(n => Path.Combine(root, "examples/images", n + ".png")).ToList();
    List<(string Name, NdArray Image)> images = imagePaths.Select(p => (Path.GetFileNameWithoutExtension(p), Caffe.IO.LoadImage(p))).ToList();
    var options = new ClassificationOptions
    {
        Model = model,
        Weights = weights,
        MeanPixel = ParseMean(meanSpec),
        Labels = labelsPath != null ? ClassificationTutorial.LoadLabels(labelsPath) : null,
        Images = images,
        RawScale = float.Parse(Arg("--raw-scale", "255"), CultureInfo.InvariantCulture),
        ChannelSwap = swapSpec == "none" ? null : Numbers(swapSpec).Select(v => (int)v).ToArray(),
        Batch = int.Parse(Arg("--batch", "50"), CultureInfo.InvariantCulture),
        Top = int.Parse(Arg("--top", "5"), CultureInfo.InvariantCulture),
        OutDir = outDir,
        Timing = true,
    };
    ClassificationTutorial.Run(options, Console.Out);
    return 0;
}
catch (Exception e) when (e is CaffeException or ArgumentException or KeyNotFoundException or IOException or FormatException)
{
    Console.Error.WriteLine($"Classification: error: {e.Message}");
    return 1;
}

// "none", per-channel numbers in the net's channel order, or a mean image file reduced to its mean pixel as the
// notebook does with np.load('ilsvrc_2012_mean.npy').mean(1).mean(1).
static NdArray? ParseMean(string spec)
{
    if (spec == "none") return null;
    if (File.Exists(spec)) return ClassificationTutorial.MeanPixel(Caffe.IO.LoadMean(spec));
    if (spec.Contains(',')) return new NdArray(Numbers(spec), [Numbers(spec).Length]);
    throw new FileNotFoundException($"--mean: '{spec}' is neither a mean file, nor comma-separated values, nor 'none'.", spec);
}

static float[] Numbers(string list) =>
    list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();

IEnumerable<string> ImagePaths()
{
    for (int i = 0; i + 1 < args.Length; i++)
        if (args[i] == "--image") yield return args[i + 1];
}

string Arg(string name, string fallback) => ExampleArgs.Get(args, name, fallback);

string? ArgOrNull(string name) => ExampleArgs.Find(args, name);
