// Seeing inside a net: guided backpropagation and its relatives on any Caffe model, writing a PNG.
// With no arguments: guided backprop on our Fashion-MNIST LeNet (examples/fashion_mnist, trained by its train.sh)
// and the test-set sneaker beside this file. `--model models/lenet/lenet.prototxt --weights
// models/lenet/lenet_iter_10000.caffemodel --image examples/GuidedBackprop/digit7.png` runs BVLC's MNIST LeNet.
//
// Usage: GuidedBackprop [--model deploy.prototxt] [--weights w.caffemodel] [--image photo.png]
//          [--method guided|deconvnet|saliency|gradcam|integrated|smoothgrad|thread-loop|filters|activations]
//          [--class C] [--layer L] [--output BLOB] [--out result.png]
//          [--raw-scale S] [--mean B,G,R] [--rgb] [--steps N] [--samples N] [--noise F] [--seed N]
// --layer: the blob or layer for gradcam, filters and activations. Colour models get the image as pycaffe's
// classification example prepares it: resized to the input, scaled by --raw-scale (255), RGB turned to BGR
// (unless --rgb) and --mean subtracted per channel (e.g. --mean 104,117,123 for the BVLC ImageNet models).
using System.Globalization;
using Caffe;
using Caffe.Examples;

string root = ExampleArgs.RepoRoot();
string method = Arg("--method", "guided");
string model = Arg("--model", Path.Combine(root, "examples/fashion_mnist/deploy.prototxt"));
string weights = Arg("--weights", Path.Combine(root, "examples/fashion_mnist/lenet_fashion.caffemodel"));
string imagePath = Arg("--image", Path.Combine(root, "examples/GuidedBackprop/fashion_sneaker.png"));
string output = Arg("--out", method == "guided" ? "guided_backprop.png" : $"{method}.png");
string[] methods = ["guided", "deconvnet", "saliency", "gradcam", "integrated", "smoothgrad", "thread-loop", "filters", "activations"];
if (!methods.Contains(method))
{
    Console.Error.WriteLine($"GuidedBackprop: unknown --method '{method}' (one of: {string.Join(", ", methods)})");
    return 1;
}

try
{
    return method == "thread-loop" ? ThreadLoop() : Explain();
}
catch (Exception e) when (e is CaffeException or ArgumentException or KeyNotFoundException or IOException)
{
    Console.Error.WriteLine($"GuidedBackprop: error: {e.Message}");
    return 1;
}

// The one-call methods, on a deploy prototxt as it is: they need no force_backward.
int Explain()
{
    var net = new Net(model, Phase.Test, weights: weights);
    string inputName = net.Inputs[0];
    string scoreName = Arg("--output", net.Outputs[^1]);
    Blob data = net.Blobs[inputName];
    NdArray photo = Caffe.IO.LoadImage(imagePath, color: data.Channels == 3);
    data.Reshape([1, .. data.Shape.Skip(1)]);
    net.Reshape();
    NdArray input = Preprocess(photo, inputName, net);
    var inputs = new Dictionary<string, NdArray> { [inputName] = input };
    Span<float> scores = net.Forward(blobs: [scoreName], inputs: inputs)[scoreName].Data;
    int predicted = IndexOfMax(scores);
    int target = int.TryParse(Arg("--class", ""), out int requested) ? requested : predicted;
    Console.WriteLine($"predicted class {predicted} (score {scores[predicted]:F4}); explaining class {target}");

    NdArray picture;
    switch (method)
    {
        case "guided":
            picture = Visualization.GradientImage(Visualization.GuidedBackprop(net, target, output: scoreName));
            break;
        case "deconvnet":
            picture = Visualization.GradientImage(Visualization.Deconvnet(net, target, output: scoreName));
            break;
        case "saliency":
            picture = Heat(Visualization.Saliency(net, target, output: scoreName));
            break;
        case "integrated":
            int steps = int.Parse(Arg("--steps", "50"), CultureInfo.InvariantCulture);
            picture = Heat(Visualization.MaxAbsOverChannels(Visualization.IntegratedGradients(net, target, steps: steps, output: scoreName)));
            break;
        case "smoothgrad":
            float noise = float.Parse(Arg("--noise", "0.15"), CultureInfo.InvariantCulture);
            int samples = int.Parse(Arg("--samples", "50"), CultureInfo.InvariantCulture);
            int seed = int.Parse(Arg("--seed", "0"), CultureInfo.InvariantCulture);
            picture = Heat(Visualization.MaxAbsOverChannels(Visualization.SmoothGrad(net, target, noise, samples, seed, output: scoreName)));
            break;
        case "gradcam":
            string camLayer = Arg("--layer", LastSpatialBlob(net));
            NdArray cam = Visualization.GradCam(net, target, camLayer, output: scoreName);
            picture = Visualization.Overlay(photo, Visualization.ImageOf(cam, 0), alpha: 0.5f);
            Console.WriteLine($"Grad-CAM at '{camLayer}'");
            break;
        case "filters":
            string filterLayer = Arg("--layer", net.Params.Keys.First());
            picture = Visualization.FilterGrid(net.Params[filterLayer][0]);
            break;
        default:
            string activationLayer = Arg("--layer", LastSpatialBlob(net));
            picture = Visualization.ActivationGrid(net.Blobs[activationLayer], maxChannels: 64);
            break;
    }
    WritePicture(picture);
    return 0;
}

// The Caffe-users thread's loop, line by line (docs/interpretability.md shows it beside the pycaffe script): run
// forward, seed the class score's diff, then call Backward one layer at a time from the top and, after every ReLU,
// keep only the positive gradients that flow into positive activations.
int ThreadLoop()
{
    // pycaffe: net = caffe.Net(deploy, weights, caffe.TEST) with "force_backward: true" added to the prototxt,
    // because a deploy net has no loss and Caffe would otherwise skip every layer's backward.
    NetParameter param = ProtoIO.ReadNetParamsFromTextFile(model);
    param.ForceBackward = true;
    param.State = new NetState { Phase = Phase.Test };
    var net = new Net(param);
    net.CopyFrom(weights);

    // net.blobs['data'].reshape(1, C, H, W); net.reshape(); net.blobs['data'].data[0] = transformer.preprocess('data', image)
    Blob data = net.Blobs[net.Inputs[0]];
    data.Reshape([1, .. data.Shape.Skip(1)]);
    net.Reshape();
    NdArray image = Preprocess(Caffe.IO.LoadImage(imagePath, color: data.Channels == 3), net.Inputs[0], net);
    image.Data.CopyTo(data.Data);

    // out = net.forward(); target = out['prob'][0].argmax()
    string probName = Arg("--output", net.Outputs[^1]);
    Span<float> prob = net.Forward()[probName].Data;
    int target = int.TryParse(Arg("--class", ""), out int requested) ? requested : IndexOfMax(prob);
    Console.WriteLine($"predicted class {IndexOfMax(prob)} (p = {prob[IndexOfMax(prob)]:F4}); explaining class {target}");

    // net.blobs['prob'].diff[...] = 0; net.blobs['prob'].diff[0, target] = 1
    Span<float> seed = net.Blobs[probName].Diff;
    seed.Clear();
    seed[target] = 1;

    // for i in reversed(range(len(net.layers))): net.backward(start=names[i], end=names[i]); fix the ReLU's bottom diff
    for (int i = net.Layers.Count - 1; i >= 0; i--)
    {
        string name = net.LayerNames[i];
        bool isReLU = net.Layers[i].Type == "ReLU";
        // An in-place ReLU writes its bottom diff over its top diff (one blob), so keep the top diff first.
        float[]? topDiff = isReLU ? net.Blobs[net.TopNames[name][0]].Diff.ToArray() : null;
        net.Backward(start: name, end: name);
        if (topDiff == null) continue;
        Span<float> bottomDiff = net.Blobs[net.BottomNames[name][0]].Diff;
        for (int k = 0; k < bottomDiff.Length; k++)
            if (topDiff[k] <= 0) bottomDiff[k] = 0;
    }

    Blob input = net.Blobs[net.Inputs[0]];
    WritePicture(Visualization.GradientImage(new NdArray(input.Diff.ToArray(), input.Shape)));
    return 0;
}

// pycaffe's classification example: transformer = caffe.io.Transformer({'data': net.blobs['data'].data.shape}) with
// set_transpose, set_channel_swap, set_raw_scale and set_mean, then transformer.preprocess('data', image).
NdArray Preprocess(NdArray image, string inputName, Net net)
{
    var transformer = new Transformer(net);
    int k = image.Shape[2];
    transformer.SetTranspose(inputName, 2, 0, 1);
    if (k == 3 && !args.Contains("--rgb")) transformer.SetChannelSwap(inputName, 2, 1, 0);
    transformer.SetRawScale(inputName, float.Parse(Arg("--raw-scale", k == 3 ? "255" : "1"), CultureInfo.InvariantCulture));
    float[] mean = Arg("--mean", "").Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    if (mean.Length > 0) transformer.SetMean(inputName, new NdArray(mean, [mean.Length]));
    NdArray chw = transformer.Preprocess(inputName, image);
    return chw.Reshape([1, .. chw.Shape]);
}

void WritePicture(NdArray picture)
{
    // Small inputs such as MNIST's 28×28 are enlarged so the pixels can be seen.
    int factor = (int)Math.Ceiling(224.0 / Math.Max(picture.Shape[0], picture.Shape[1]));
    Caffe.IO.SaveImage(output, Visualization.Upscale(picture, factor));
    Console.WriteLine($"wrote {output} ({method}, {picture.Shape[0]}x{picture.Shape[1]}{(factor > 1 ? $", shown x{factor}" : "")})");
}

static NdArray Heat(NdArray maps) => Visualization.Heatmap(Visualization.ImageOf(maps, 0));

// The last blob with spatial axes (N, C, H, W) and H, W > 1: the usual Grad-CAM layer.
static string LastSpatialBlob(Net net) =>
    net.Blobs.Last(b => b.Value.NumAxes == 4 && b.Value.Height > 1 && b.Value.Width > 1).Key;

static int IndexOfMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
    return best;
}

string Arg(string name, string fallback) => ExampleArgs.Get(args, name, fallback);
