// Guided backpropagation, ported line by line from the Caffe-users thread that asked for a layer-wise
// backward: run forward, seed the class score's diff, then call Backward one layer at a time from the top and,
// after every ReLU, keep only the positive gradients that flow into positive activations.
// Usage: GuidedBackprop [--model P] [--weights W] [--image I] [--class C] [--out O.png]
using Caffe;

string root = FindRepoRoot();
string model = Arg("--model", Path.Combine(root, "models/lenet/lenet.prototxt"));
string weights = Arg("--weights", Path.Combine(root, "models/lenet/lenet_iter_10000.caffemodel"));
string imagePath = Arg("--image", Path.Combine(root, "examples/GuidedBackprop/digit7.png"));
string output = Arg("--out", "guided_backprop.png");

// pycaffe: net = caffe.Net(deploy, weights, caffe.TEST) with "force_backward: true" added to the prototxt,
// because a deploy net has no loss and Caffe would otherwise skip every layer's backward.
NetParameter param = ProtoIO.ReadNetParamsFromTextFile(model);
param.ForceBackward = true;
param.State = new NetState { Phase = Phase.Test };
var net = new Net(param);
net.CopyFrom(weights);

// net.blobs['data'].reshape(1, C, H, W); net.reshape(); net.blobs['data'].data[0] = image.transpose(2, 0, 1)
Blob data = net.Blobs[net.Inputs[0]];
int channels = data.Channels;
NdArray image = Caffe.IO.LoadImage(imagePath, color: channels == 3);
data.Reshape(1, channels, image.Shape[0], image.Shape[1]);
net.Reshape();
for (int c = 0; c < channels; c++)
    for (int p = 0; p < image.Shape[0] * image.Shape[1]; p++)
        data.Data[c * image.Shape[0] * image.Shape[1] + p] = image.Data[p * channels + c];

// out = net.forward(); target = out['prob'][0].argmax()
string probName = net.Outputs[^1];
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
Caffe.IO.SaveImage(output, GradientImage(input, scale: 8));
Console.WriteLine($"wrote {output} (input gradient of class {target}, {input.Height}x{input.Width}, shown x8)");
return 0;

// Maps the input gradient of image 0 to gray (0.5 = zero, white = most positive), upscaled by nearest neighbour.
static NdArray GradientImage(Blob blob, int scale)
{
    int h = blob.Height, w = blob.Width, channels = blob.Channels;
    ReadOnlySpan<float> diff = blob.Diff;
    float max = 1e-12f;
    for (int k = 0; k < channels * h * w; k++) max = MathF.Max(max, MathF.Abs(diff[k]));
    var picture = new NdArray(h * scale, w * scale, 1);
    for (int y = 0; y < h * scale; y++)
        for (int x = 0; x < w * scale; x++)
        {
            float g = 0;
            for (int c = 0; c < channels; c++) g += diff[(c * h + y / scale) * w + x / scale];
            picture.Data[y * w * scale + x] = 0.5f + 0.5f * g / (max * channels);
        }
    return picture;
}

static int IndexOfMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
    return best;
}

string Arg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Caffe.Net.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
