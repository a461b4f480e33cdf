using System.Diagnostics;
using System.Globalization;

namespace Caffe.Examples.Classification;

/// <summary>What to classify and how to prepare it (the settings the notebook hard-codes for CaffeNet).</summary>
public sealed record ClassificationOptions
{
    /// <summary>The deploy prototxt.</summary>
    public required string Model { get; init; }

    /// <summary>The trained weights (.caffemodel or .caffemodel.h5).</summary>
    public required string Weights { get; init; }

    /// <summary>The mean pixel to subtract, one value per net channel in the net's channel order; null for none.</summary>
    public NdArray? MeanPixel { get; init; }

    /// <summary>Class names, one per output (synset_words.txt lines for ImageNet); null prints class numbers.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>The images by name (H×W×3 RGB in [0, 1], as <see cref="IO.LoadImage"/> gives).</summary>
    public required IReadOnlyList<(string Name, NdArray Image)> Images { get; init; }

    /// <summary>Multiplier for [0, 1] images (pycaffe <c>set_raw_scale</c>): 255 for nets trained on 0–255 pixels.</summary>
    public float RawScale { get; init; } = 255;

    /// <summary>pycaffe <c>set_channel_swap</c>: (2, 1, 0) for BGR nets such as CaffeNet; null keeps RGB.</summary>
    public int[]? ChannelSwap { get; init; }

    /// <summary>The batch the input blob is reshaped to (the notebook uses 50); at least the number of images.</summary>
    public int Batch { get; init; } = 50;

    /// <summary>How many of the best classes to print per image.</summary>
    public int Top { get; init; } = 5;

    /// <summary>Where the PNGs go; null writes none.</summary>
    public string? OutDir { get; init; }

    /// <summary>Time a few forward passes, as the notebook's <c>%timeit net.forward()</c>.</summary>
    public bool Timing { get; init; }
}

/// <summary>One class of a prediction: its index, its label and its probability.</summary>
public sealed record ClassScore(int Index, string Label, float Probability);

/// <summary>What the net said about one image: the best classes first, and the whole output.</summary>
public sealed record ImageClassification(string Name, IReadOnlyList<ClassScore> Top, NdArray Probabilities);

/// <summary>
/// BVLC's 00-classification notebook as plain steps: load the net, set up a <see cref="Transformer"/>, reshape
/// the input to a batch, preprocess, forward, read the top classes, then look inside the net (filters,
/// activations, the output plot). Program.cs calls <see cref="Run"/>; the tests call the steps.
/// </summary>
public static class ClassificationTutorial
{
    /// <summary>Runs the whole notebook on <paramref name="options"/>, printing as it goes, and returns each image's classes.</summary>
    public static IReadOnlyList<ImageClassification> Run(ClassificationOptions options, TextWriter log)
    {
        // net = caffe.Net(model_def, model_weights, caffe.TEST)
        var net = new Net(options.Model, Phase.Test, weights: options.Weights);
        string input = net.Inputs[0];
        Transformer transformer = ConfigureTransformer(net, options.MeanPixel, options.RawScale, options.ChannelSwap);

        IReadOnlyList<ImageClassification> results = Classify(net, transformer, options.Images, options.Labels, options.Batch, options.Top);
        log.WriteLine($"net '{net.Name}', input '{input}' reshaped to ({string.Join(", ", net.Blobs[input].Shape)})");
        foreach (ImageClassification result in results)
        {
            ClassScore best = result.Top[0];
            log.WriteLine($"{result.Name}: predicted class #{best.Index} ({best.Label})");
            foreach (ClassScore score in result.Top)
                log.WriteLine($"  {score.Probability.ToString("F4", CultureInfo.InvariantCulture)}  #{score.Index} {score.Label}");
        }

        // [(k, v.data.shape) for k, v in net.blobs.items()] and the same for net.params
        log.WriteLine("blobs:  " + string.Join("  ", net.Blobs.Select(b => $"{b.Key} ({string.Join(", ", b.Value.Shape)})")));
        log.WriteLine("params: " + string.Join("  ", net.Params.Select(p => $"{p.Key} ({string.Join(", ", p.Value[0].Shape)})")));

        if (options.Timing)
        {
            // net.forward() once for allocation, then %timeit net.forward()
            net.Forward();
            const int runs = 5;
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < runs; i++) net.Forward();
            log.WriteLine($"forward of a batch of {net.Blobs[input].Num}: {watch.Elapsed.TotalMilliseconds / runs:F1} ms (mean of {runs})");
        }

        if (options.OutDir != null)
        {
            foreach (string file in WriteFigures(net, transformer, options.Labels, options.OutDir, options.Images[0].Name))
                log.WriteLine($"wrote {file}");
        }
        return results;
    }

    /// <summary>
    /// The notebook's transformer: <c>set_transpose('data', (2,0,1))</c>, <c>set_mean</c> with the mean pixel,
    /// <c>set_raw_scale</c> and <c>set_channel_swap</c>, for the net's first input.
    /// </summary>
    public static Transformer ConfigureTransformer(Net net, NdArray? meanPixel, float rawScale, int[]? channelSwap)
    {
        string input = net.Inputs[0];
        var transformer = new Transformer(net);
        transformer.SetTranspose(input, 2, 0, 1);
        if (meanPixel != null) transformer.SetMean(input, meanPixel);
        transformer.SetRawScale(input, rawScale);
        if (channelSwap != null) transformer.SetChannelSwap(input, channelSwap);
        return transformer;
    }

    /// <summary>
    /// numpy's <c>mu = np.load(mean_file).mean(1).mean(1)</c>: a K×H×W mean image (from <see cref="IO.LoadMean"/>)
    /// averaged over its pixels to one value per channel. A mean that is already K values comes back as is.
    /// </summary>
    public static NdArray MeanPixel(NdArray mean)
    {
        if (mean.NumAxes == 1) return mean;
        if (mean.NumAxes != 3)
            throw new ArgumentException($"A mean image is K×H×W (or K values); got ({string.Join(", ", mean.Shape)}).", nameof(mean));
        int channels = mean.Shape[0], area = mean.Shape[1] * mean.Shape[2];
        var pixel = new NdArray(channels);
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int p = 0; p < area; p++) sum += mean.Data[c * area + p];
            pixel.Data[c] = (float)(sum / area);
        }
        return pixel;
    }

    /// <summary>
    /// <c>np.loadtxt(labels_file, str, delimiter='\t')</c>: one label per non-empty line (synset_words.txt lines keep
    /// their WordNet id, as the notebook prints them).
    /// </summary>
    public static IReadOnlyList<string> LoadLabels(string path) =>
        File.ReadLines(path).Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0).ToList();

    /// <summary>
    /// Reshapes the input to a batch of <paramref name="batch"/> (at least one slot per image), preprocesses each image
    /// into its slot — the remaining slots repeat the images, as the notebook's <c>data[...] = image</c> broadcasts one
    /// image into all 50 — runs forward once, and returns each image's <paramref name="top"/> best classes.
    /// </summary>
    public static IReadOnlyList<ImageClassification> Classify(Net net, Transformer transformer,
        IReadOnlyList<(string Name, NdArray Image)> images, IReadOnlyList<string>? labels, int batch = 50, int top = 5)
    {
        if (images.Count == 0) throw new ArgumentException("Classify needs at least one image.", nameof(images));
        string input = net.Inputs[0];
        Blob data = net.Blobs[input];
        // net.blobs['data'].reshape(50, 3, 227, 227)
        data.Reshape([Math.Max(batch, images.Count), .. data.Shape.Skip(1)]);
        net.Reshape();
        NdArray[] prepared = images.Select(im => transformer.Preprocess(input, im.Image)).ToArray();
        int size = prepared[0].Count;
        for (int n = 0; n < data.Num; n++) prepared[n % prepared.Length].Data.CopyTo(data.Data.Slice(n * size, size));

        // output = net.forward(); output_prob = output['prob'][0]
        string probName = net.Outputs[^1];
        Blob prob = net.Forward()[probName];
        int classes = prob.Count / prob.Num;
        if (labels != null && labels.Count != classes)
            throw new ArgumentException($"{labels.Count} labels for an output '{probName}' of {classes} classes.", nameof(labels));

        var results = new List<ImageClassification>(images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            var probabilities = new NdArray(prob.Data.Slice(i * classes, classes).ToArray(), [classes]);
            ClassScore[] best = TopK(probabilities.Data, top)
                .Select(k => new ClassScore(k, labels?[k] ?? k.ToString(CultureInfo.InvariantCulture), probabilities.Data[k]))
                .ToArray();
            results.Add(new ImageClassification(images[i].Name, best, probabilities));
        }
        return results;
    }

    /// <summary>numpy's <c>values.argsort()[::-1][:k]</c>: the indices of the <paramref name="k"/> largest values, largest first (equal values: lower index first).</summary>
    public static int[] TopK(ReadOnlySpan<float> values, int k)
    {
        float[] copy = values.ToArray();
        return Enumerable.Range(0, copy.Length).OrderByDescending(i => copy[i]).ThenBy(i => i).Take(k).ToArray();
    }

    /// <summary>
    /// The notebook's figures for batch item 0, as PNG files: the input as the net saw it (<c>deprocess</c>), the
    /// first convolution's filters, the activations of every convolution and of the last pooling layer
    /// (<c>vis_square</c>), the first fully connected output with the histogram of its positive values, and the
    /// output probabilities. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> WriteFigures(Net net, Transformer transformer, IReadOnlyList<string>? labels, string outDir, string imageName)
    {
        Directory.CreateDirectory(outDir);
        var written = new List<string>();
        string input = net.Inputs[0];
        string Save(string name, NdArray picture)
        {
            string path = Path.Combine(outDir, name);
            IO.SaveImage(path, Enlarge(picture));
            written.Add(path);
            return path;
        }

        // plt.imshow(transformer.deprocess('data', net.blobs['data'].data[0]))
        Save("input.png", transformer.Deprocess(input, Visualization.ImageOf(net.Blobs[input].DataArray(), 0)));

        // vis_square(net.params['conv1'][0].data.transpose(0, 2, 3, 1))
        string? firstConv = net.Layers.Select((layer, i) => (layer, name: net.LayerNames[i]))
            .FirstOrDefault(l => l.layer.Type == "Convolution" && net.Params.ContainsKey(l.name)).name;
        if (firstConv != null) Save($"{firstConv}_filters.png", Visualization.FilterGrid(net.Params[firstConv][0]));

        // vis_square(net.blobs['conv1'].data[0, :36]) ... vis_square(net.blobs['pool5'].data[0])
        int shown = 0;
        foreach (string blob in ActivationBlobs(net))
        {
            int maxChannels = shown++ < 2 ? 36 : int.MaxValue;  // the notebook shows 36 channels of conv1 and conv2, all of the rest
            Save($"{blob}_activations.png", Visualization.ActivationGrid(net.Blobs[blob], image: 0, maxChannels: maxChannels));
        }

        // feat = net.blobs['fc6'].data[0]; plt.plot(feat.flat); plt.hist(feat.flat[feat.flat > 0], bins=100)
        int fc = net.Layers.Select(l => l.Type).ToList().IndexOf("InnerProduct");
        if (fc >= 0)
        {
            string fcBlob = net.TopNames[net.LayerNames[fc]][0];
            string path = Path.Combine(outDir, $"{fcBlob}_values.png");
            Plots.ValuesAndHistogram(path, fcBlob, Visualization.ImageOf(net.Blobs[fcBlob].DataArray(), 0).Data);
            written.Add(path);
        }

        // plt.plot(output_prob)
        string probName = net.Outputs[^1];
        string probPath = Path.Combine(outDir, $"{probName}.png");
        Plots.Probabilities(probPath, $"{probName} for '{imageName}'", Visualization.ImageOf(net.Blobs[probName].DataArray(), 0).Data, labels);
        written.Add(probPath);
        return written;
    }

    /// <summary>The blobs the notebook looks at: every convolution's output, then the last pooling output.</summary>
    public static IReadOnlyList<string> ActivationBlobs(Net net)
    {
        var blobs = new List<string>();
        string? lastPool = null;
        for (int i = 0; i < net.Layers.Count; i++)
        {
            string top = net.TopNames[net.LayerNames[i]][0];
            if (net.Layers[i].Type == "Convolution" && !blobs.Contains(top)) blobs.Add(top);
            if (net.Layers[i].Type == "Pooling") lastPool = top;
        }
        if (lastPool != null && !blobs.Contains(lastPool)) blobs.Add(lastPool);
        return blobs.Where(b => net.Blobs[b].NumAxes == 4).ToList();
    }

    // Small pictures (CIFAR's 32×32 input, its 5×5 filters) are enlarged by repeating pixels so they can be seen.
    private static NdArray Enlarge(NdArray picture)
    {
        int side = Math.Max(picture.Shape[0], picture.Shape[1]);
        return side >= 256 ? picture : Visualization.Upscale(picture, (int)Math.Ceiling(256.0 / side));
    }
}
