// BVLC's net_surgery notebook in C#, in two parts, writing PNG files and the edited weights into --out:
//  1. designer filters: a one-convolution net (conv.prototxt beside this file) whose filters are set by hand —
//     a bias raised, a Gaussian blur and two Sobel edge filters — applied to a gray picture;
//  2. casting a classifier to a fully convolutional net: CIFAR-10 quick's inner products ip1/ip2 become the
//     convolutions of models/cifar10/cifar10_quick_full_conv.prototxt, the weights are transplanted, the net maps a
//     64×64 mosaic of four pictures to a 5×5 map of class probabilities, and three checks print how far the map is
//     from the original classifier.
//
// Usage: NetSurgery [--out folder] [--image gray.png] [--seed N]
//          [--model deploy.prototxt --weights w.caffemodel --full-conv full_conv.prototxt --pairs fc6:fc6-conv,fc7:fc7-conv,...]
//          [--scene photo.jpg] [--mean file.npy|v1,v2,v3|none] [--channel-swap 2,1,0|none] [--raw-scale 255] [--labels labels.txt]
// With --model (e.g. CaffeNet and the notebook's bvlc_caffenet_full_conv.prototxt) the notebook's BGR swap is the
// default and no mean unless --mean is given; without it the CIFAR-10 defaults of the Classification example apply.
using System.Globalization;
using Caffe;
using Caffe.Examples.NetSurgery;
using Caffe.Examples;

string root = ExampleArgs.RepoRoot();
string outDir = Arg("--out", Path.Combine("out", "net_surgery"));
bool custom = args.Contains("--model");

try
{
    Directory.CreateDirectory(outDir);
    DesignerFilterPart();
    FullyConvolutionalPart();
    return 0;
}
catch (Exception e) when (e is CaffeException or ArgumentException or KeyNotFoundException or IOException or FormatException or InvalidOperationException)
{
    Console.Error.WriteLine($"NetSurgery: error: {e.Message}");
    return 1;
}

void DesignerFilterPart()
{
    Console.WriteLine("== designer filters");
    // The notebook does not seed; a seed makes the random filters, and so the pictures, the same on every run.
    Rng.SetRandomSeed(int.Parse(Arg("--seed", "1701"), CultureInfo.InvariantCulture));
    // net = caffe.Net('net_surgery/conv.prototxt', caffe.TEST); print net.blobs.keys(), net.params.keys()
    var net = new Net(Path.Combine(root, "examples/NetSurgery/conv.prototxt"), Phase.Test);
    Console.WriteLine($"blobs [{string.Join(", ", net.Blobs.Keys)}]  params [{string.Join(", ", net.Params.Keys)}]");

    NdArray image = ArgOrNull("--image") is string path ? GrayPixels(path) : DesignerFilters.DrawScene();
    Blob conv = DesignerFilters.Filter(net, image);
    Save("designer_random.png", DesignerFilters.Figure(image, conv));

    // conv0 = net.blobs['conv'].data[0, 0]; net.params['conv'][1].data[0] = 1.; net.forward()
    int plane = conv.Height * conv.Width;
    Console.WriteLine($"pre-surgery output mean {Mean(conv.Data[..plane]):F2}");
    net.Params["conv"][1].Data[0] = 1f;
    net.Forward();
    Console.WriteLine($"post-surgery output mean {Mean(conv.Data[..plane]):F2}");

    DesignerFilters.SetGaussianAndSobel(net);
    net.Forward();
    Save("designer_filters.png", Visualization.Upscale(Visualization.FilterGrid(net.Params["conv"][0]), 16));
    Save("designer_gaussian_sobel.png", DesignerFilters.Figure(image, conv));

    // net.save('conv.caffemodel'): the hand-made filters as a weights file any Caffe reads.
    string saved = Path.Combine(outDir, "conv.caffemodel");
    net.Save(saved);
    Console.WriteLine($"wrote {saved}");
}

void FullyConvolutionalPart()
{
    Console.WriteLine("== casting a classifier into a fully convolutional net");
    string model = Arg("--model", Path.Combine(root, "models/cifar10/cifar10_quick.prototxt"));
    string weights = custom ? ArgOrNull("--weights") ?? throw new ArgumentException("--model needs --weights.")
                            : Path.Combine(root, "models/cifar10/cifar10_quick_iter_5000.caffemodel");
    string fullConvModel = custom ? ArgOrNull("--full-conv") ?? throw new ArgumentException("--model needs --full-conv (the fully convolutional prototxt).")
                                  : Path.Combine(root, "models/cifar10/cifar10_quick_full_conv.prototxt");
    IReadOnlyList<(string Fc, string Conv)> pairs = ArgOrNull("--pairs") is string list
        ? list.Split(',').Select(p => p.Split(':') is [string fc, string cv] ? (fc, cv) : throw new FormatException($"--pairs: '{p}' is not fc:conv.")).ToList()
        : FullyConvolutional.CifarPairs;

    // net = caffe.Net(deploy, weights, TEST); net_full_conv = caffe.Net(full_conv_deploy, weights, TEST)
    var net = new Net(model, Phase.Test, weights: weights);
    var fullConv = new Net(fullConvModel, Phase.Test, weights: weights);
    FullyConvolutional.Transplant(net, fullConv, pairs, Console.Out);
    string saved = Path.Combine(outDir, Path.GetFileNameWithoutExtension(fullConvModel) + ".caffemodel");
    fullConv.Save(saved);
    Console.WriteLine($"wrote {saved}");

    // transformer = caffe.io.Transformer({'data': net_full_conv.blobs['data'].data.shape}) + mean, transpose, swap, raw scale
    string input = fullConv.Inputs[0];
    var transformer = new Transformer(fullConv);
    transformer.SetTranspose(input, 2, 0, 1);
    string meanSpec = Arg("--mean", custom ? "none" : Path.Combine(root, "models/cifar10/mean_pixel.npy"));
    if (meanSpec != "none") transformer.SetMean(input, MeanPixelOf(meanSpec));
    string swap = Arg("--channel-swap", custom ? "2,1,0" : "none");
    if (swap != "none") transformer.SetChannelSwap(input, Numbers(swap).Select(v => (int)v).ToArray());
    transformer.SetRawScale(input, float.Parse(Arg("--raw-scale", "255"), CultureInfo.InvariantCulture));

    int tile = net.Blobs[net.Inputs[0]].Height;
    NdArray scene = ArgOrNull("--scene") is string scenePath
        ? Caffe.IO.LoadImage(scenePath)
        : FullyConvolutional.Mosaic(new[] { "airplane", "frog", "automobile", "ship" }
            .Select(n => Caffe.IO.LoadImage(Path.Combine(root, "examples/images", n + ".png"))).ToList(), tile);
    NdArray preprocessed = transformer.Preprocess(input, scene);
    NdArray scores = FullyConvolutional.ScoreMap(fullConv, preprocessed);
    IReadOnlyList<string> labels = LoadLabels(scores.Shape[0]);

    // print out['prob'][0].argmax(axis=0)
    int[,] best = FullyConvolutional.ArgmaxMap(scores);
    int[] present = best.Cast<int>().Distinct().Order().ToArray();
    int digits = (scores.Shape[0] - 1).ToString(CultureInfo.InvariantCulture).Length;
    Console.WriteLine($"best class at each of the {scores.Shape[1]}×{scores.Shape[2]} positions:");
    for (int y = 0; y < best.GetLength(0); y++)
        Console.WriteLine("  " + string.Join(" ", Enumerable.Range(0, best.GetLength(1)).Select(x => best[y, x].ToString(CultureInfo.InvariantCulture).PadLeft(digits))));
    Console.WriteLine("  " + string.Join(", ", present.Select(c => $"{c} = {Short(labels[c])}")));

    // The checks. The window check must run while the fully convolutional net still holds the large input's features.
    string firstFc = pairs[0].Fc;
    float window = FullyConvolutional.WindowDifference(net, fullConv, firstFc, scores);
    Console.WriteLine($"check 1, every position vs the original net from '{firstFc}' on the features under it: max |difference| {window:G3}");
    int h = net.Blobs[net.Inputs[0]].Height, w = net.Blobs[net.Inputs[0]].Width;
    NdArray corner = FullyConvolutional.Crop(preprocessed, 0, 0, h, w);
    float same = FullyConvolutional.SameSizeDifference(net, fullConv, corner);
    Console.WriteLine($"check 2, a {h}×{w} input through both nets: max |difference| {same:G3}");
    int lastY = scores.Shape[1] - 1, lastX = scores.Shape[2] - 1;
    foreach ((int i, int j) in new[] { (0, 0), (0, lastX), (lastY, 0), (lastY, lastX) }.Distinct())
    {
        (float diff, int cropClass, int mapClass) = FullyConvolutional.CropComparison(net, preprocessed, scores, i, j);
        Console.WriteLine($"check 3, position ({i}, {j}) vs the original net on its {h}×{w} input crop (not exact at the crop's edges): max |difference| {diff:F4}, " +
                          $"best class {mapClass} ({Short(labels[mapClass])}) / {cropClass} ({Short(labels[cropClass])})");
    }

    // plt.imshow(transformer.deprocess('data', net_full_conv.blobs['data'].data[0])); plt.imshow(out['prob'][0, c])
    Save("scoremap_input.png", Visualization.Upscale(scene, Math.Max(1, 256 / Math.Max(scene.Shape[0], scene.Shape[1]))));
    foreach (int c in present)
    {
        NdArray map = Visualization.ImageOf(scores, c);
        Save($"scoremap_{c}_{Safe(Short(labels[c]))}.png", Visualization.Upscale(Visualization.Heatmap(map), Math.Max(1, 256 / Math.Max(map.Shape[0], map.Shape[1]))));
    }
}

IReadOnlyList<string> LoadLabels(int classes)
{
    string? path = ArgOrNull("--labels") ?? (custom ? null : Path.Combine(root, "models/cifar10/labels.txt"));
    List<string> labels = path == null ? [] : File.ReadLines(path).Where(l => l.Length > 0).ToList();
    return labels.Count == classes ? labels : Enumerable.Range(0, classes).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToList();
}

// A mean file reduced to its mean pixel (np.load(f).mean(1).mean(1)), or per-channel values.
static NdArray MeanPixelOf(string spec)
{
    if (!File.Exists(spec)) return new NdArray(Numbers(spec), [Numbers(spec).Length]);
    NdArray mean = Caffe.IO.LoadMean(spec);
    if (mean.NumAxes == 1) return mean;
    int channels = mean.Shape[0], area = mean.Count / channels;
    var pixel = new NdArray(channels);
    for (int c = 0; c < channels; c++) pixel.Data[c] = (float)mean.Data.AsSpan(c * area, area).ToArray().Average();
    return pixel;
}

// np.array(Image.open(f)): a gray picture as 0–255 values.
static NdArray GrayPixels(string path)
{
    NdArray gray = Caffe.IO.LoadImage(path, color: false);
    var pixels = new NdArray(gray.Shape[0], gray.Shape[1]);
    for (int i = 0; i < pixels.Count; i++) pixels.Data[i] = gray.Data[i] * 255f;
    return pixels;
}

void Save(string name, NdArray picture)
{
    string path = Path.Combine(outDir, name);
    Caffe.IO.SaveImage(path, picture.NumAxes == 2 ? picture.Reshape(picture.Shape[0], picture.Shape[1], 1) : picture);
    Console.WriteLine($"wrote {path}");
}

static float Mean(ReadOnlySpan<float> values)
{
    double sum = 0;
    foreach (float v in values) sum += v;
    return (float)(sum / values.Length);
}

// "n02123045 tabby, tabby cat" (a synset_words.txt line) → "tabby"; "ship" → "ship".
static string Short(string label)
{
    string[] words = label.Split(' ', 2);
    string name = words.Length == 2 && words[0].Length == 9 && words[0][0] == 'n' && words[0][1..].All(char.IsDigit) ? words[1] : label;
    return name.Split(',')[0].Trim();
}

static string Safe(string label) => new(label.Select(ch => char.IsLetterOrDigit(ch) ? ch : '_').ToArray());

static float[] Numbers(string list) =>
    list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();

string Arg(string name, string fallback) => ExampleArgs.Get(args, name, fallback);

string? ArgOrNull(string name) => ExampleArgs.Find(args, name);
