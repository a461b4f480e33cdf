using Caffe.Tests.Reference;

namespace Caffe.Tests.Visualization;

/// <summary>
/// Every method on nets with in-place rectifiers and automatic splits — MTCNN det1 (in-place PReLUs, a split to two
/// outputs, no force_backward) and a small Convolution → BatchNorm → Scale → ReLU net (all in place on one blob,
/// with a side branch) — checked against the thread's layer-by-layer loop on a force_backward copy, hand-made
/// Grad-CAM maps, finite differences and the completeness of integrated gradients.
/// </summary>
[TestClass]
public sealed class InPlaceNetTests
{
    private static (Net Net, Net Copy, float[] Input) Det1(string inputFile = "input_data.npy")
    {
        var c = new ReferenceCase("mtcnn_det1");
        var net = new Net(c.Prototxt, Phase.Test, weights: c.Weights);
        Net copy = ThreadLoop.ForceBackwardCopy(ProtoIO.ReadNetParamsFromTextFile(c.Prototxt), net);
        NdArray input = c.Array(inputFile);
        foreach (Net n in new[] { net, copy })
        {
            n.Blobs["data"].Reshape(input.Shape);
            n.Reshape();
            input.Data.CopyTo(n.Blobs["data"].Data);
        }
        return (net, copy, input.Data);
    }

    private const string BatchNormNet = """
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 2 dim: 6 dim: 6 } } }
        layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
                convolution_param { num_output: 3 kernel_size: 3 pad: 1
                  weight_filler { type: "gaussian" std: 0.5 } bias_filler { type: "gaussian" std: 0.1 } } }
        layer { name: "bn" type: "BatchNorm" bottom: "conv" top: "conv" batch_norm_param { use_global_stats: true } }
        layer { name: "scale" type: "Scale" bottom: "conv" top: "conv" scale_param { bias_term: true } }
        layer { name: "relu" type: "ReLU" bottom: "conv" top: "conv" }
        layer { name: "side" type: "Pooling" bottom: "conv" top: "side" pooling_param { pool: AVE global_pooling: true } }
        layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
        layer { name: "fc" type: "InnerProduct" bottom: "pool" top: "fc"
                inner_product_param { num_output: 4 weight_filler { type: "gaussian" std: 0.5 } } }
        layer { name: "prob" type: "Softmax" bottom: "fc" top: "prob" }
        """;

    private static readonly int[] BnTargets = [3, 1];

    private static (Net Net, Net Copy, float[] Input) BatchNorm()
    {
        Rng.SetRandomSeed(1701);
        var param = TextFormat.Parse<NetParameter>(BatchNormNet);
        var net = new Net(param);
        new float[] { 0.1f, -0.2f, 0.3f }.CopyTo(net.Params["bn"][0].Data);
        new float[] { 1.5f, 0.5f, 2f }.CopyTo(net.Params["bn"][1].Data);
        net.Params["bn"][2].Data[0] = 1;
        new float[] { 1.2f, 0.8f, -0.5f }.CopyTo(net.Params["scale"][0].Data);
        new float[] { 0.1f, 0f, -0.1f }.CopyTo(net.Params["scale"][1].Data);
        Net copy = ThreadLoop.ForceBackwardCopy(param, net);
        float[] input = new float[net.Blobs["data"].Count];
        for (int i = 0; i < input.Length; i++) input[i] = MathF.Sin(0.37f * i + 0.2f);
        input.CopyTo(net.Blobs["data"].Data);
        CollectionAssert.AreEqual(new[] { "prob", "side" }, net.Outputs.ToArray(), "two outputs through an automatic split");
        return (net, copy, input);
    }

    [TestMethod]
    public void Det1GuidedDeconvnetAndSaliencyEqualTheThreadLoop()
    {
        (Net net, Net copy, float[] input) = Det1();
        float[] plain = ThreadLoop.Run(copy, input, [1], "prob1", "data", ThreadLoop.Mode.Plain);
        float[] guided = ThreadLoop.Run(copy, input, [1], "prob1", "data", ThreadLoop.Mode.Guided);
        float[] deconvnet = ThreadLoop.Run(copy, input, [1], "prob1", "data", ThreadLoop.Mode.Deconvnet);
        CollectionAssert.AreNotEqual(plain, guided, "the rule changes something on this net");
        ThreadLoop.AssertClose(plain, Caffe.Visualization.Saliency(net, 1, SaliencyMode.Gradient, output: "prob1").Data, "saliency");
        ThreadLoop.AssertClose(guided, Caffe.Visualization.GuidedBackprop(net, 1, output: "prob1").Data, "guided");
        ThreadLoop.AssertClose(deconvnet, Caffe.Visualization.Deconvnet(net, 1, output: "prob1").Data, "deconvnet");

        // Saliency is Backward from a one-hot top diff (pycaffe's net.backward(prob1=onehot, conv4-2=zeros)).
        copy.Forward();
        var onehot = new NdArray(1, 2, 1, 1);
        onehot[0, 1, 0, 0] = 1;
        var topDiffs = new Dictionary<string, NdArray> { ["prob1"] = onehot, ["conv4-2"] = new NdArray(1, 4, 1, 1) };
        float[] backward = copy.Backward(topDiffs: topDiffs)["data"].Diff.ToArray();
        CollectionAssert.AreEqual(plain, backward, "the thread loop is Backward() bit for bit");
        var e = Assert.ThrowsExactly<ArgumentException>(() => Caffe.Visualization.GuidedBackprop(net, 1));
        StringAssert.Contains(e.Message, "2 outputs (conv4-2, prob1)");
    }

    [TestMethod]
    public void Det1GradCamOnAFullyConvolutionalOutputByHand()
    {
        // 48×64 input: conv3 is 19×27 and prob1 (1, 2, 19, 27); class 0 is seeded at every position.
        (Net net, Net copy, float[] input) = Det1("input_data_48x64.npy");
        NdArray cam = Caffe.Visualization.GradCam(net, 0, "conv3", image: new NdArray(input, [1, 3, 48, 64]), output: "prob1");

        copy.Forward();
        copy.Blobs["conv4-2"].Diff.Clear();
        Blob prob = copy.Blobs["prob1"];
        prob.Diff.Clear();
        prob.Diff.Slice(0, prob.CountFrom(2)).Fill(1);
        copy.Backward(start: "prob1", end: "conv3_PReLU3_0_split");
        float[] map = ExpectedCam(copy.Blobs["conv3"], 0);
        var expected = new float[48 * 64];
        ImageResize.Bilinear(map, 19, 27, expected, 48, 64);
        CollectionAssert.AreEqual(new[] { 1, 48, 64 }, cam.Shape.ToArray());
        ThreadLoop.AssertClose(expected, cam.Data, "Grad-CAM at conv3 (after the in-place PReLU3)");
    }

    [TestMethod]
    public void Det1IntegratedGradientsAddUpToTheScoreDifference()
    {
        // The class score before the softmax (prob1 is saturated at this input).
        (Net net, _, float[] input) = Det1();
        // PReLU and max-pooling kinks make the Riemann sum converge slowly (25 steps: 43 % off, 200: 2 %, 800: 0.4 %).
        NdArray ig = Caffe.Visualization.IntegratedGradients(net, 1, steps: 800, output: "conv4-1");
        float fx = net.Blobs["conv4-1"].Data[1];
        net.Blobs["data"].Data.Clear();
        net.Forward();
        float fBaseline = net.Blobs["conv4-1"].Data[1];
        float delta = fx - fBaseline;
        Assert.IsGreaterThan(0.05f, MathF.Abs(delta), "a score difference worth attributing");
        Assert.AreEqual(delta, ig.Data.Sum(), 0.01f * MathF.Abs(delta), "completeness: Σ IG ≈ F(x) − F(0)");
        input.CopyTo(net.Blobs["data"].Data);
    }

    [TestMethod]
    public void Det1SmoothGradWithoutNoiseIsTheGradientAndRestoresTheNet()
    {
        (Net net, Net copy, float[] input) = Det1();
        float[] plain = ThreadLoop.Run(copy, input, [1], "prob1", "data", ThreadLoop.Mode.Plain);
        ThreadLoop.AssertClose(plain, Caffe.Visualization.SmoothGrad(net, 1, noiseLevel: 0, samples: 2, output: "prob1").Data, "noise 0");
        float[] prob = net.Forward()["prob1"].Data.ToArray();
        NdArray noisy = Caffe.Visualization.SmoothGrad(net, 1, noiseLevel: 0.3f, samples: 5, seed: 11, output: "prob1");
        CollectionAssert.AreNotEqual(plain, noisy.Data);
        CollectionAssert.AreEqual(input, net.Blobs["data"].Data.ToArray());
        CollectionAssert.AreEqual(prob, net.Blobs["prob1"].Data.ToArray());
    }

    [TestMethod]
    public void BatchNormNetGuidedDeconvnetAndSaliencyEqualTheThreadLoop()
    {
        (Net net, Net copy, float[] input) = BatchNorm();
        float[] plain = ThreadLoop.Run(copy, input, BnTargets, "prob", "data", ThreadLoop.Mode.Plain);
        ThreadLoop.AssertClose(plain, Caffe.Visualization.Saliency(net, BnTargets, SaliencyMode.Gradient, output: "prob").Data, "saliency");
        ThreadLoop.AssertClose(ThreadLoop.Run(copy, input, BnTargets, "prob", "data", ThreadLoop.Mode.Guided),
            Caffe.Visualization.GuidedBackprop(net, BnTargets, output: "prob").Data, "guided");
        ThreadLoop.AssertClose(ThreadLoop.Run(copy, input, BnTargets, "prob", "data", ThreadLoop.Mode.Deconvnet),
            Caffe.Visualization.Deconvnet(net, BnTargets, output: "prob").Data, "deconvnet");
    }

    [TestMethod]
    public void BatchNormNetSaliencyEqualsFiniteDifferences()
    {
        (Net net, _, float[] input) = BatchNorm();
        NdArray gradient = Caffe.Visualization.Saliency(net, BnTargets, SaliencyMode.Gradient, output: "prob");
        // Small enough that no perturbation moves a max-pooling winner or a ReLU across zero at this input.
        const float step = 1e-3f;
        Span<float> data = net.Blobs["data"].Data;
        float Score()
        {
            Span<float> prob = net.Forward()["prob"].Data;
            return prob[BnTargets[0]] + prob[4 + BnTargets[1]];
        }
        float maxGradient = gradient.Data.Max(MathF.Abs);
        for (int i = 0; i < input.Length; i++)
        {
            data[i] = input[i] + step;
            float plus = Score();
            data[i] = input[i] - step;
            float minus = Score();
            data[i] = input[i];
            Assert.AreEqual((plus - minus) / (2 * step), gradient.Data[i], 1e-2f * maxGradient, $"input element {i}");
        }
    }

    [TestMethod]
    public void BatchNormNetGradCamAtTheSharedBlobByHand()
    {
        (Net net, Net copy, float[] input) = BatchNorm();
        NdArray cam = Caffe.Visualization.GradCam(net, BnTargets, "conv", output: "prob");

        input.CopyTo(copy.Blobs["data"].Data);
        copy.Forward();
        copy.Blobs["side"].Diff.Clear();
        Blob prob = copy.Blobs["prob"];
        prob.Diff.Clear();
        prob.Diff[BnTargets[0]] = 1;
        prob.Diff[4 + BnTargets[1]] = 1;
        copy.Backward(start: "prob", end: "conv_relu_0_split");
        var expected = new float[2 * 36];
        for (int n = 0; n < 2; n++) ExpectedCam(copy.Blobs["conv"], n).CopyTo(expected, n * 36);
        CollectionAssert.AreEqual(new[] { 2, 6, 6 }, cam.Shape.ToArray());
        ThreadLoop.AssertClose(expected, cam.Data, "Grad-CAM at conv after BatchNorm, Scale and ReLU in place");
    }

    [TestMethod]
    public void BatchNormNetIntegratedGradientsAddUpPerImage()
    {
        (Net net, _, float[] input) = BatchNorm();
        float[] fx = net.Forward()["prob"].Data.ToArray();
        net.Blobs["data"].Data.Clear();
        float[] f0 = net.Forward()["prob"].Data.ToArray();
        input.CopyTo(net.Blobs["data"].Data);
        NdArray ig = Caffe.Visualization.IntegratedGradients(net, BnTargets, steps: 300, output: "prob");
        for (int n = 0; n < 2; n++)
        {
            float delta = fx[4 * n + BnTargets[n]] - f0[4 * n + BnTargets[n]];
            float sum = ig.Data.Skip(n * 72).Take(72).Sum();
            Assert.AreEqual(delta, sum, 0.02f * MathF.Abs(delta) + 1e-4f, $"image {n}");
        }
    }

    // ReLU(Σ_k mean(G_k) · A_k) for image n of a (N, K, H, W) blob holding A in data and G in diff.
    private static float[] ExpectedCam(Blob blob, int n)
    {
        int channels = blob.ShapeAt(1), area = blob.ShapeAt(2) * blob.ShapeAt(3);
        var map = new float[area];
        for (int k = 0; k < channels; k++)
        {
            int offset = (n * channels + k) * area;
            float alpha = 0;
            for (int p = 0; p < area; p++) alpha += blob.Diff[offset + p];
            alpha /= area;
            for (int p = 0; p < area; p++) map[p] += alpha * blob.Data[offset + p];
        }
        for (int p = 0; p < area; p++) map[p] = MathF.Max(map[p], 0);
        return map;
    }
}
