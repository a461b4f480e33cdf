namespace Caffe.Tests.Visualization;

/// <summary>
/// Saliency, integrated gradients, SmoothGrad and Grad-CAM on tiny nets whose answers are computed by hand.
/// </summary>
[TestClass]
public sealed class AttributionTests
{
    // score = W·x + b, W 3×4.
    private static readonly float[] W = [1, -2, 3, 0.5f, -1, 0.25f, 2, -3, 0, 1, -1, 4];

    private static Net LinearNet()
    {
        var net = new Net(TextFormat.Parse<NetParameter>("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 4 } } }
            layer { name: "score" type: "InnerProduct" bottom: "data" top: "score" inner_product_param { num_output: 3 } }
            """));
        W.CopyTo(net.Params["score"][0].Data);
        new float[] { 0.1f, -0.2f, 0.3f }.CopyTo(net.Params["score"][1].Data);
        new float[] { 1, 2, -1, 0.5f, -3, 0.25f, 2, 1 }.CopyTo(net.Blobs["data"].Data);
        return net;
    }

    [TestMethod]
    public void SaliencyOfALinearNetIsTheWeightRow()
    {
        Net net = LinearNet();
        NdArray g = Caffe.Visualization.Saliency(net, new[] { 2, 0 }, SaliencyMode.Gradient);
        CollectionAssert.AreEqual(new[] { 2, 4 }, g.Shape.ToArray());
        CollectionAssert.AreEqual(W[8..12].Concat(W[0..4]).ToArray(), g.Data);
        NdArray maxAbs = Caffe.Visualization.Saliency(net, 1);
        CollectionAssert.AreEqual(new[] { 2 }, maxAbs.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 3f, 3f }, maxAbs.Data, "max over axis 1 of |W[1]|");
        NdArray abs = Caffe.Visualization.Saliency(net, 1, SaliencyMode.Abs);
        CollectionAssert.AreEqual(W[4..8].Concat(W[4..8]).Select(MathF.Abs).ToArray(), abs.Data);
    }

    [TestMethod]
    public void IntegratedGradientsOfALinearNetAreInputMinusBaselineTimesWeights()
    {
        Net net = LinearNet();
        float[] x = net.Blobs["data"].Data.ToArray();
        NdArray ig = Caffe.Visualization.IntegratedGradients(net, new[] { 0, 2 }, steps: 7);
        for (int i = 0; i < 4; i++)
        {
            Assert.AreEqual(x[i] * W[i], ig.Data[i], 1e-5f, $"image 0, input {i}");
            Assert.AreEqual(x[4 + i] * W[8 + i], ig.Data[4 + i], 1e-5f, $"image 1, input {i}");
        }
        var baseline = new NdArray([0.5f, 0.5f, -1, 2], [4]);
        NdArray shifted = Caffe.Visualization.IntegratedGradients(net, 1, baseline: baseline, steps: 5);
        for (int i = 0; i < 8; i++)
            Assert.AreEqual((x[i] - baseline.Data[i % 4]) * W[4 + i % 4], shifted.Data[i], 1e-5f, $"element {i}");
        // Completeness: the attributions add up to F(x) − F(x′).
        float fx = net.Forward()["score"].Data[1];
        Assert.AreEqual(fx - (Dot(W[4..8], baseline.Data) - 0.2f), shifted.Data[..4].Sum(), 1e-5f);
        CollectionAssert.AreEqual(x, net.Blobs["data"].Data.ToArray(), "input restored");
    }

    [TestMethod]
    public void SmoothGradOfALinearNetIsTheWeightRowAtAnyNoise()
    {
        Net net = LinearNet();
        NdArray noisy = Caffe.Visualization.SmoothGrad(net, 1, noiseLevel: 0.5f, samples: 4, seed: 3);
        for (int i = 0; i < 8; i++) Assert.AreEqual(W[4 + i % 4], noisy.Data[i], 1e-6f, $"element {i}");
    }

    [TestMethod]
    public void SmoothGradIsSeededAndWithoutNoiseEqualsTheGradient()
    {
        Net net = SoftmaxNet();
        NdArray gradient = Caffe.Visualization.Saliency(net, 1, SaliencyMode.Gradient);
        NdArray noiseless = Caffe.Visualization.SmoothGrad(net, 1, noiseLevel: 0, samples: 3);
        for (int i = 0; i < gradient.Count; i++)
            Assert.AreEqual(gradient.Data[i], noiseless.Data[i], 1e-6f * MathF.Abs(gradient.Data[i]), $"element {i}");
        NdArray a = Caffe.Visualization.SmoothGrad(net, 1, noiseLevel: 0.2f, samples: 3, seed: 7);
        NdArray b = Caffe.Visualization.SmoothGrad(net, 1, noiseLevel: 0.2f, samples: 3, seed: 7);
        NdArray other = Caffe.Visualization.SmoothGrad(net, 1, noiseLevel: 0.2f, samples: 3, seed: 8);
        CollectionAssert.AreEqual(a.Data, b.Data, "same seed, same noise");
        CollectionAssert.AreNotEqual(a.Data, other.Data);
        CollectionAssert.AreNotEqual(a.Data, gradient.Data, "the noise changes the gradient of a non-linear net");
    }

    // softmax(W·x): gradients depend on x.
    private static Net SoftmaxNet()
    {
        Net net = LinearNet();
        var param = TextFormat.Parse<NetParameter>("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 4 } } }
            layer { name: "score" type: "InnerProduct" bottom: "data" top: "score" inner_product_param { num_output: 3 } }
            layer { name: "prob" type: "Softmax" bottom: "score" top: "prob" }
            """);
        var softmax = new Net(param);
        softmax.CopyFrom(net.ToProto());
        net.Blobs["data"].Data.CopyTo(softmax.Blobs["data"].Data);
        return softmax;
    }

    // data (1, 1, 2, 2) → 1×1 convolution to 2 channels: A0 = x, A1 = −x + 0.5 → [ReLU] → score = V·A (2 classes).
    private static Net CamNet(string relu)
    {
        var net = new Net(TextFormat.Parse<NetParameter>($$"""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 2 dim: 2 } } }
            layer { name: "conv_layer" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 2 kernel_size: 1 } }
            {{relu}}
            layer { name: "score" type: "InnerProduct" bottom: "conv" top: "score" inner_product_param { num_output: 2 } }
            """));
        new float[] { 1, -1 }.CopyTo(net.Params["conv_layer"][0].Data);
        new float[] { 0, 0.5f }.CopyTo(net.Params["conv_layer"][1].Data);
        new float[] { 1, 2, 3, 4, 0, 0, 0, -4, /* class 1: */ 1, 1, 1, 1, 1, 1, 1, 1 }.CopyTo(net.Params["score"][0].Data);
        new float[] { 1, 2, 3, -1 }.CopyTo(net.Blobs["data"].Data);
        return net;
    }

    [TestMethod]
    public void GradCamByHand()
    {
        // α0 = mean(1, 2, 3, 4) = 2.5, α1 = mean(0, 0, 0, −4) = −1; map = ReLU(2.5x − (−x + 0.5)) = ReLU(3.5x − 0.5).
        Net net = CamNet("");
        NdArray cam = Caffe.Visualization.GradCam(net, 0, "conv");
        CollectionAssert.AreEqual(new[] { 1, 2, 2 }, cam.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 3f, 6.5f, 10f, 0f }, cam.Data);
        CollectionAssert.AreEqual(cam.Data, Caffe.Visualization.GradCam(net, 0, "conv_layer").Data, "the layer's top is the same blob");
    }

    [TestMethod]
    public void GradCamAtAnInPlaceReLUUsesTheRectifiedMapAndItsOwnGradient()
    {
        // A1 = −x + 0.5 = [−0.5, −1.5, −2.5, 1.5]: the ReLU keeps only the last; A0 = x keeps all but the last.
        Net net = CamNet("""layer { name: "relu" type: "ReLU" bottom: "conv" top: "conv" }""");
        float[] x = [1, 2, 3, -1];
        float[] a0 = x.Select(v => MathF.Max(v, 0)).ToArray(), a1 = x.Select(v => MathF.Max(-v + 0.5f, 0)).ToArray();

        // The blob "conv" (its final value, after relu): gradient with respect to the ReLU's output is V itself.
        float[] post = a0.Zip(a1, (p, q) => MathF.Max(2.5f * p - 1 * q, 0)).ToArray();
        CollectionAssert.AreEqual(post, Caffe.Visualization.GradCam(net, 0, "conv").Data);
        CollectionAssert.AreEqual(post, Caffe.Visualization.GradCam(net, 0, "relu").Data, "the ReLU layer's top");

        // The convolution layer's own output: pre-ReLU A, gradient V masked by A > 0.
        float alpha0 = (1 + 2 + 3 + 0) / 4f, alpha1 = (0 + 0 + 0 - 4) / 4f;
        float[] pre = x.Select(v => MathF.Max(alpha0 * v + alpha1 * (-v + 0.5f), 0)).ToArray();
        CollectionAssert.AreEqual(pre, Caffe.Visualization.GradCam(net, 0, "conv_layer").Data);
        Assert.AreEqual(0, net.ForwardHookCount + net.BackwardHookCount);
    }

    [TestMethod]
    public void GradCamIsUpsampledBilinearlyToTheInput()
    {
        // data (1, 1, 4, 4) → 2×2 average pooling → A (1, 1, 2, 2) → score = Σ A: α = 1, map = A.
        var net = new Net(TextFormat.Parse<NetParameter>("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 4 dim: 4 } } }
            layer { name: "pool" type: "Pooling" bottom: "data" top: "pool" pooling_param { pool: AVE kernel_size: 2 stride: 2 } }
            layer { name: "score" type: "InnerProduct" bottom: "pool" top: "score"
                    inner_product_param { num_output: 1 weight_filler { type: "constant" value: 1 } } }
            """));
        float[] data = [0, 0, 4, 4, 0, 0, 4, 4, 8, 8, 12, 12, 8, 8, 12, 12];
        data.CopyTo(net.Blobs["data"].Data);
        NdArray cam = Caffe.Visualization.GradCam(net, 0, "pool");
        // A = [[0, 4], [8, 12]]; pixel centres: rows/columns sample at 0, 0.25, 0.75, 1 of the 2×2 map.
        float[] axis = [0, 0.25f, 0.75f, 1];
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
                Assert.AreEqual(8 * axis[y] + 4 * axis[x], cam.Data[y * 4 + x], 1e-6f, $"({y}, {x})");
    }

    private static float Dot(float[] a, float[] b) => a.Zip(b, (p, q) => p * q).Sum();
}
