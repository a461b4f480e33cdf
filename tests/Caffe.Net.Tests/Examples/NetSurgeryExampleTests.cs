using Caffe.Examples.Classification;
using Caffe.Examples.NetSurgery;

namespace Caffe.Tests.Examples;

/// <summary>
/// examples/NetSurgery (the net_surgery notebook): hand-made filters computing what they should, and CIFAR-10 quick
/// cast into a fully convolutional net whose score map is the classifier's output, position by position.
/// </summary>
[TestClass]
public sealed class NetSurgeryExampleTests
{
    private static string Cifar(string file) => Path.Combine(TestData.RepoRoot, "models", "cifar10", file);

    private static string ConvPrototxt => Path.Combine(TestData.RepoRoot, "examples", "NetSurgery", "conv.prototxt");

    private static (Net Net, Net FullConv) CastCifar()
    {
        string weights = Cifar("cifar10_quick_iter_5000.caffemodel");
        var net = new Net(Cifar("cifar10_quick.prototxt"), Phase.Test, weights: weights);
        var fullConv = new Net(Cifar("cifar10_quick_full_conv.prototxt"), Phase.Test, weights: weights);
        FullyConvolutional.Transplant(net, fullConv, FullyConvolutional.CifarPairs, TextWriter.Null);
        return (net, fullConv);
    }

    private static NdArray PreprocessedMosaic(Net fullConv)
    {
        var transformer = new Transformer(fullConv);
        transformer.SetTranspose("data", 2, 0, 1);
        transformer.SetMean("data", Caffe.IO.LoadMean(Cifar("mean_pixel.npy")));
        transformer.SetRawScale("data", 255);
        NdArray mosaic = FullyConvolutional.Mosaic([.. new[] { "airplane", "frog", "automobile", "ship" }.Select(SyntheticImages.Draw)], 32);
        return transformer.Preprocess("data", mosaic);
    }

    [TestMethod]
    public void ScoreMapEqualsTheClassifierAtEveryPosition()
    {
        (Net net, Net fullConv) = CastCifar();
        // conv_params[pr_conv][0].flat = fc_params[pr][0].flat
        CollectionAssert.AreEqual(new[] { 64, 64, 4, 4 }, fullConv.Params["ip1-conv"][0].Shape.ToArray());
        CollectionAssert.AreEqual(net.Params["ip1"][0].Data.ToArray(), fullConv.Params["ip1-conv"][0].Data.ToArray());
        CollectionAssert.AreEqual(net.Params["ip2"][1].Data.ToArray(), fullConv.Params["ip2-conv"][1].Data.ToArray());

        NdArray preprocessed = PreprocessedMosaic(fullConv);
        NdArray scores = FullyConvolutional.ScoreMap(fullConv, preprocessed);
        CollectionAssert.AreEqual(new[] { 10, 5, 5 }, scores.Shape.ToArray());
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
                Assert.AreEqual(1f, Enumerable.Range(0, 10).Sum(c => scores[c, y, x]), 1e-5f);

        float window = FullyConvolutional.WindowDifference(net, fullConv, "ip1", scores);
        Assert.IsLessThan(1e-4f, window, "every position against ip1, ip2, prob of the original net on the features under it");
        float same = FullyConvolutional.SameSizeDifference(net, fullConv, FullyConvolutional.Crop(preprocessed, 32, 0, 32, 32));
        Assert.IsLessThan(1e-4f, same, "the fully convolutional net at 32×32 against the original net");
        // SameSizeDifference put the 64×64 input shape back.
        CollectionAssert.AreEqual(new[] { 1, 3, 64, 64 }, fullConv.Blobs["data"].Shape.ToArray());

        // The crop comparison runs on input pixels; it is exact where the crop is the whole picture.
        NdArray tile = FullyConvolutional.Crop(preprocessed, 0, 32, 32, 32);
        (float difference, int cropClass, int mapClass) = FullyConvolutional.CropComparison(net, tile, FullyConvolutional.ScoreMap(SmallFullConv(), tile), 0, 0);
        Assert.IsLessThan(1e-4f, difference);
        Assert.AreEqual(cropClass, mapClass);
    }

    // The fully convolutional net at the classifier's input size: 1×1 maps.
    private static Net SmallFullConv()
    {
        (_, Net fullConv) = CastCifar();
        fullConv.Blobs["data"].Reshape(1, 3, 32, 32);
        fullConv.Reshape();
        return fullConv;
    }

    [TestMethod]
    public void TransplantChecksCountsAndNames()
    {
        string weights = Cifar("cifar10_quick_iter_5000.caffemodel");
        var net = new Net(Cifar("cifar10_quick.prototxt"), Phase.Test, weights: weights);
        var fullConv = new Net(Cifar("cifar10_quick_full_conv.prototxt"), Phase.Test, weights: weights);
        var log = new StringWriter();
        FullyConvolutional.Transplant(net, fullConv, [("ip2", "ip2-conv")], log);
        StringAssert.Contains(log.ToString(), "ip2 weights are (10, 64) and biases (10); ip2-conv weights are (10, 64, 1, 1) and biases (10)");

        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            FullyConvolutional.Transplant(net, fullConv, [("ip2", "ip1-conv")], TextWriter.Null)).Message, "the counts differ");
        StringAssert.Contains(Assert.ThrowsExactly<KeyNotFoundException>(() =>
            FullyConvolutional.Transplant(net, fullConv, [("fc6", "ip1-conv")], TextWriter.Null)).Message, "no layer 'fc6'");
    }

    [TestMethod]
    public void StrideCropAndArgmax()
    {
        Assert.AreEqual(8, FullyConvolutional.Stride(64, 32, 5));
        Assert.AreEqual(0, FullyConvolutional.Stride(32, 32, 1));
        Assert.ThrowsExactly<ArgumentException>(() => FullyConvolutional.Stride(65, 32, 5));

        var chw = new NdArray([.. Enumerable.Range(0, 2 * 3 * 4).Select(v => (float)v)], [2, 3, 4]);
        CollectionAssert.AreEqual(new[] { 5f, 6f, 9f, 10f, 17f, 18f, 21f, 22f }, FullyConvolutional.Crop(chw, 1, 1, 2, 2).Data);
        Assert.ThrowsExactly<ArgumentException>(() => FullyConvolutional.Crop(chw, 2, 0, 2, 2));

        var scores = new NdArray([0.1f, 0.7f, 0.9f, 0.3f], [2, 1, 2]);
        int[,] best = FullyConvolutional.ArgmaxMap(scores);
        Assert.AreEqual(1, best[0, 0]);
        Assert.AreEqual(0, best[0, 1]);
    }

    [TestMethod]
    public void DesignedFiltersBlurAndFindEdges()
    {
        Rng.SetRandomSeed(1701);
        var net = new Net(ConvPrototxt, Phase.Test);
        DesignerFilters.SetGaussianAndSobel(net);
        ReadOnlySpan<float> w = net.Params["conv"][0].Data;
        Assert.AreEqual(1f, w[..25].ToArray().Sum(), 1e-6f);
        Assert.AreEqual(w[0], w[24]);
        Assert.AreEqual(MathF.Exp(-2), w[2] / w[12], 1e-6f);  // two rows above the centre: exp(-2²/2σ²), σ = 1
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0f, 0f, 0f, 0f, -1f, -2f, -1f, 0f }, w.Slice(25, 10).ToArray());
        CollectionAssert.AreEqual(new[] { 0f, -1f, 0f, 1f, 0f }, w.Slice(55, 5).ToArray());

        // A vertical step from 10 to 50 at column 6 of an 8×12 picture.
        var step = new NdArray(8, 12);
        for (int y = 0; y < 8; y++) for (int x = 6; x < 12; x++) step[y, x] = 40;
        for (int i = 0; i < step.Count; i++) step.Data[i] += 10;
        Blob conv = DesignerFilters.Filter(net, step);
        CollectionAssert.AreEqual(new[] { 1, 3, 4, 8 }, conv.Shape.ToArray());
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 8; x++)
            {
                int centre = x + 2;  // output x sees input columns x..x+4, centred on x+2
                Assert.AreEqual(0f, conv.Data[conv.Offset(0, 1, y, x)], 1e-4f, "no horizontal edge");
                float vertical = centre is 5 or 6 ? 4 * 40 : 0;  // the Sobel kernel straddles the step
                Assert.AreEqual(vertical, conv.Data[conv.Offset(0, 2, y, x)], 1e-3f, $"vertical edge at column {centre}");
            }
        }
        Assert.AreEqual(10f, conv.Data[conv.Offset(0, 0, 0, 0)], 1e-4f, "the blur of a flat region is the region");
        Assert.AreEqual(50f, conv.Data[conv.Offset(0, 0, 3, 7)], 1e-4f);

        // net.params['conv'][1].data[0] = 1 shifts the first output by one.
        float before = conv.Data[conv.Offset(0, 0, 2, 3)];
        net.Params["conv"][1].Data[0] = 1;
        net.Forward();
        Assert.AreEqual(before + 1, conv.Data[conv.Offset(0, 0, 2, 3)], 1e-4f);

        // net.save and a fresh net with the saved weights give the same filtering.
        string saved = Path.Combine(Path.GetTempPath(), $"caffe-conv-{Guid.NewGuid():N}.caffemodel");
        try
        {
            net.Save(saved);
            float[] expected = conv.Data.ToArray();
            var reloaded = new Net(ConvPrototxt, Phase.Test, weights: saved);
            CollectionAssert.AreEqual(expected, DesignerFilters.Filter(reloaded, step).Data.ToArray());
        }
        finally
        {
            File.Delete(saved);
        }
    }

    [TestMethod]
    public void FigureShowsInputAndOutputsOnOneScale()
    {
        Rng.SetRandomSeed(1701);
        var net = new Net(ConvPrototxt, Phase.Test);
        NdArray scene = DesignerFilters.DrawScene();
        CollectionAssert.AreEqual(new[] { 128, 192 }, scene.Shape.ToArray());
        Assert.AreEqual(20f, scene[40, 120], "the dark square");
        Blob conv = DesignerFilters.Filter(net, scene);
        NdArray figure = DesignerFilters.Figure(scene, conv);
        CollectionAssert.AreEqual(new[] { 128, 192 + 3 * (4 + 188), 1 }, figure.Shape.ToArray());
        Assert.AreEqual(0f, figure.Data.Min());
        Assert.AreEqual(1f, figure.Data.Max());
        Assert.AreEqual(1f, figure[0, 192 + 1, 0], "white columns between the panels");
        var twoFilters = new Net(TextFormat.Parse<NetParameter>("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 8 dim: 8 } } }
            layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 2 kernel_size: 3 } }
            """));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => DesignerFilters.SetGaussianAndSobel(twoFilters)).Message, "3 or more");
    }
}
