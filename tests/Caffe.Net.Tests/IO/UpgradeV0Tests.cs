using static Caffe.Tests.IO.UpgradeGoldenNets;

namespace Caffe.Tests.IO;

/// <summary>
/// V0 → V1 (BVLC test_upgrade_proto.cpp: PaddingLayerUpgradeTest and NetUpgradeTest's V0 halves, plus the
/// failures Caffe only logs and Caffe.Net refuses).
/// </summary>
[TestClass]
public sealed class UpgradeV0Tests
{
    private const string Data = "layers { layer { name: 'data' type: 'data' source: '/home/jiayq/Data/ILSVRC12/train-leveldb' " +
                                "meanfile: '/home/jiayq/Data/ILSVRC12/image_mean.binaryproto' batchsize: 256 cropsize: 227 mirror: true } " +
                                "top: 'data' top: 'label' }";
    private const string Learning = "blobs_lr: 1. blobs_lr: 2. weight_decay: 1. weight_decay: 0.";
    private const string ConvSettings = "num_output: 96 kernelsize: 11 stride: 4 weight_filler { type: 'gaussian' std: 0.01 } " +
                                        "bias_filler { type: 'constant' value: 0. }";
    private const string Fc8 = "layers { layer { name: 'fc8' type: 'innerproduct' num_output: 1000 weight_filler { type: 'gaussian' std: 0.01 } " +
                               $"bias_filler {{ type: 'constant' value: 0 }} {Learning} }} bottom: 'conv1' top: 'fc8' }}";
    private const string Loss = "layers { layer { name: 'loss' type: 'softmax_loss' } bottom: 'fc8' bottom: 'label' }";

    private const string SimpleV0 = $$"""
        name: 'CaffeNet'
        {{Data}}
        layers { layer { name: 'pad1' type: 'padding' pad: 2 } bottom: 'data' top: 'pad1' }
        layers { layer { name: 'conv1' type: 'conv' {{ConvSettings}} {{Learning}} } bottom: 'pad1' top: 'conv1' }
        {{Fc8}}
        {{Loss}}
        """;

    private const string SimpleV1 = """
        name: 'CaffeNet'
        layers { name: 'data' type: DATA data_param { source: '/home/jiayq/Data/ILSVRC12/train-leveldb' batch_size: 256 }
                 transform_param { crop_size: 227 mirror: true mean_file: '/home/jiayq/Data/ILSVRC12/image_mean.binaryproto' }
                 top: 'data' top: 'label' }
        layers { name: 'conv1' type: CONVOLUTION
                 convolution_param { num_output: 96 kernel_size: 11 stride: 4 pad: 2
                                     weight_filler { type: 'gaussian' std: 0.01 } bias_filler { type: 'constant' value: 0. } }
                 blobs_lr: 1. blobs_lr: 2. weight_decay: 1. weight_decay: 0. bottom: 'data' top: 'conv1' }
        layers { name: 'fc8' type: INNER_PRODUCT
                 inner_product_param { num_output: 1000 weight_filler { type: 'gaussian' std: 0.01 } bias_filler { type: 'constant' value: 0 } }
                 blobs_lr: 1. blobs_lr: 2. weight_decay: 1. weight_decay: 0. bottom: 'conv1' top: 'fc8' }
        layers { name: 'loss' type: SOFTMAX_LOSS bottom: 'fc8' bottom: 'label' }
        """;

    private const string SimpleV2 = """
        name: 'CaffeNet'
        layer { name: 'data' type: 'Data' data_param { source: '/home/jiayq/Data/ILSVRC12/train-leveldb' batch_size: 256 }
                transform_param { crop_size: 227 mirror: true mean_file: '/home/jiayq/Data/ILSVRC12/image_mean.binaryproto' }
                top: 'data' top: 'label' }
        layer { name: 'conv1' type: 'Convolution'
                convolution_param { num_output: 96 kernel_size: 11 stride: 4 pad: 2
                                    weight_filler { type: 'gaussian' std: 0.01 } bias_filler { type: 'constant' value: 0. } }
                param { lr_mult: 1 decay_mult: 1 } param { lr_mult: 2 decay_mult: 0 } bottom: 'data' top: 'conv1' }
        layer { name: 'fc8' type: 'InnerProduct'
                inner_product_param { num_output: 1000 weight_filler { type: 'gaussian' std: 0.01 } bias_filler { type: 'constant' value: 0 } }
                param { lr_mult: 1 decay_mult: 1 } param { lr_mult: 2 decay_mult: 0 } bottom: 'conv1' top: 'fc8' }
        layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'fc8' bottom: 'label' }
        """;

    private static NetParameter Net(string text) => TextFormat.Parse<NetParameter>(text);

    /// <summary>UpgradeV0PaddingLayers gives <paramref name="expected"/>, and running it again changes nothing.</summary>
    private static void AssertPaddingUpgrade(string input, string expected)
    {
        NetParameter original = Net(input);
        NetParameter upgraded = NetUpgrader.UpgradeV0PaddingLayers(original);
        ProtoAssert.AreEqual(Net(expected), upgraded, "padding upgrade");
        ProtoAssert.AreEqual(upgraded, NetUpgrader.UpgradeV0PaddingLayers(upgraded), "second padding upgrade");
        ProtoAssert.AreEqual(Net(input), original, "the input net is left alone");
    }

    [TestMethod]
    public void PaddingSimple() => AssertPaddingUpgrade(SimpleV0, $$"""
        name: 'CaffeNet'
        {{Data}}
        layers { layer { name: 'conv1' type: 'conv' {{ConvSettings}} pad: 2 {{Learning}} } bottom: 'data' top: 'conv1' }
        {{Fc8}}
        {{Loss}}
        """);

    [TestMethod]
    public void PaddingFeedingTwoConvolutions() => AssertPaddingUpgrade($$"""
        name: 'CaffeNet'
        {{Data}}
        layers { layer { name: 'pad1' type: 'padding' pad: 2 } bottom: 'data' top: 'pad1' }
        layers { layer { name: 'conv1' type: 'conv' {{ConvSettings}} {{Learning}} } bottom: 'pad1' top: 'conv1' }
        {{Fc8}}
        layers { layer { name: 'conv2' type: 'conv' {{ConvSettings}} {{Learning}} } bottom: 'pad1' top: 'conv2' }
        {{Loss}}
        """, $$"""
        name: 'CaffeNet'
        {{Data}}
        layers { layer { name: 'conv1' type: 'conv' {{ConvSettings}} pad: 2 {{Learning}} } bottom: 'data' top: 'conv1' }
        {{Fc8}}
        layers { layer { name: 'conv2' type: 'conv' {{ConvSettings}} pad: 2 {{Learning}} } bottom: 'data' top: 'conv2' }
        {{Loss}}
        """);

    [TestMethod]
    public void PaddingImageNet() => AssertPaddingUpgrade(ImageNetV0, ImageNetV0Unpadded);

    [TestMethod]
    public void PaddingIntoPoolingAndFromNetInput()
    {
        NetParameter upgraded = NetUpgrader.UpgradeV0PaddingLayers(Net("""
            input: 'image' input_dim: 1 input_dim: 3 input_dim: 8 input_dim: 8
            layers { layer { name: 'pad' type: 'padding' pad: 1 } bottom: 'image' top: 'padded' }
            layers { layer { name: 'pool' type: 'pool' kernelsize: 3 } bottom: 'padded' top: 'pooled' }
            """));
        ProtoAssert.AreEqual(Net("""
            input: 'image' input_dim: 1 input_dim: 3 input_dim: 8 input_dim: 8
            layers { layer { name: 'pool' type: 'pool' kernelsize: 3 pad: 1 } bottom: 'image' top: 'pooled' }
            """), upgraded);
    }

    [TestMethod]
    public void SimpleNetToV1ThenV2()
    {
        NetParameter v1 = NetUpgrader.UpgradeV0Net(Net(SimpleV0));
        ProtoAssert.AreEqual(Net(SimpleV1), v1, "V0 → V1");
        ProtoAssert.AreEqual(Net(SimpleV2), NetUpgrader.UpgradeV1Net(v1), "V1 → V2");
    }

    [TestMethod]
    public void AllParams() => ProtoAssert.AreEqual(Net(AllParamsV1), NetUpgrader.UpgradeV0Net(Net(AllParamsV0)));

    [TestMethod]
    public void ImageNetToV1ThenV2()
    {
        NetParameter v1 = NetUpgrader.UpgradeV0Net(Net(ImageNetV0));
        ProtoAssert.AreEqual(Net(ImageNetV1), v1, "V0 → V1");
        ProtoAssert.AreEqual(Net(ImageNetV2), NetUpgrader.UpgradeV1Net(v1), "V1 → V2");
    }

    [TestMethod]
    public void OnlyNameInputsAndForceBackwardSurviveTheNetUpgrade()
    {
        NetParameter v1 = NetUpgrader.UpgradeV0Net(Net("""
            name: 'n' force_backward: true debug_info: true state { phase: TEST }
            input: 'x' input_dim: 1 input_dim: 1 input_dim: 2 input_dim: 2
            layers { layer { name: 'r' type: 'relu' } bottom: 'x' top: 'x' }
            """));
        ProtoAssert.AreEqual(Net("""
            name: 'n' force_backward: true
            input: 'x' input_dim: 1 input_dim: 1 input_dim: 2 input_dim: 2
            layers { name: 'r' type: RELU bottom: 'x' top: 'x' }
            """), v1);
    }

    [TestMethod]
    public void LayerParameterKeepsBlobsAndTransformFieldsOfAnyType()
    {
        V1LayerParameter upgraded = NetUpgrader.UpgradeV0LayerParameter(TextFormat.Parse<V1LayerParameter>("""
            layer { name: 'ip' type: 'innerproduct' num_output: 2 blobs { num: 1 channels: 1 height: 2 width: 3 data: [1, 2, 3, 4, 5, 6] } }
            bottom: 'a' top: 'b' name: 'ignored outer name'
            """));
        ProtoAssert.AreEqual(TextFormat.Parse<V1LayerParameter>("""
            name: 'ip' type: INNER_PRODUCT inner_product_param { num_output: 2 }
            blobs { num: 1 channels: 1 height: 2 width: 3 data: [1, 2, 3, 4, 5, 6] } bottom: 'a' top: 'b'
            """), upgraded);

        V1LayerParameter lrn = NetUpgrader.UpgradeV0LayerParameter(TextFormat.Parse<V1LayerParameter>(
            "layer { name: 'n' type: 'lrn' k: 2 scale: 0.5 meanfile: 'm' cropsize: 3 mirror: false }"));
        ProtoAssert.AreEqual(TextFormat.Parse<V1LayerParameter>(
            "name: 'n' type: LRN lrn_param { k: 2 } transform_param { scale: 0.5 mean_file: 'm' crop_size: 3 mirror: false }"), lrn);
    }

    [TestMethod]
    public void EveryV0TypeString()
    {
        var expected = new Dictionary<string, V1LayerParameter.Types.LayerType>
        {
            ["accuracy"] = V1LayerParameter.Types.LayerType.Accuracy,
            ["bnll"] = V1LayerParameter.Types.LayerType.Bnll,
            ["concat"] = V1LayerParameter.Types.LayerType.Concat,
            ["conv"] = V1LayerParameter.Types.LayerType.Convolution,
            ["data"] = V1LayerParameter.Types.LayerType.Data,
            ["dropout"] = V1LayerParameter.Types.LayerType.Dropout,
            ["euclidean_loss"] = V1LayerParameter.Types.LayerType.EuclideanLoss,
            ["flatten"] = V1LayerParameter.Types.LayerType.Flatten,
            ["hdf5_data"] = V1LayerParameter.Types.LayerType.Hdf5Data,
            ["hdf5_output"] = V1LayerParameter.Types.LayerType.Hdf5Output,
            ["im2col"] = V1LayerParameter.Types.LayerType.Im2Col,
            ["images"] = V1LayerParameter.Types.LayerType.ImageData,
            ["infogain_loss"] = V1LayerParameter.Types.LayerType.InfogainLoss,
            ["innerproduct"] = V1LayerParameter.Types.LayerType.InnerProduct,
            ["lrn"] = V1LayerParameter.Types.LayerType.Lrn,
            ["multinomial_logistic_loss"] = V1LayerParameter.Types.LayerType.MultinomialLogisticLoss,
            ["pool"] = V1LayerParameter.Types.LayerType.Pooling,
            ["relu"] = V1LayerParameter.Types.LayerType.Relu,
            ["sigmoid"] = V1LayerParameter.Types.LayerType.Sigmoid,
            ["softmax"] = V1LayerParameter.Types.LayerType.Softmax,
            ["softmax_loss"] = V1LayerParameter.Types.LayerType.SoftmaxLoss,
            ["split"] = V1LayerParameter.Types.LayerType.Split,
            ["tanh"] = V1LayerParameter.Types.LayerType.Tanh,
            ["window_data"] = V1LayerParameter.Types.LayerType.WindowData,
        };
        foreach ((string v0, V1LayerParameter.Types.LayerType v1) in expected)
            Assert.AreEqual(v1, NetUpgrader.UpgradeV0LayerType(v0), v0);
        var e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeV0LayerType("Convolution"));
        StringAssert.Contains(e.Message, "unknown V0 layer type 'Convolution'");
        StringAssert.Contains(e.Message, "innerproduct");
    }

    [TestMethod]
    public void UnknownTypeNamesTheSourceAndLayer()
    {
        var net = Net("layers { layer { name: 'c1' type: 'convolution' } bottom: 'x' top: 'y' } input: 'x'");
        var e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeNetAsNeeded(net, "old.prototxt"));
        Assert.AreEqual("old.prototxt", e.FileName);
        Assert.AreEqual("c1", e.LayerName);
        StringAssert.StartsWith(e.Message, "old.prototxt: layer 'c1': cannot upgrade this V0 layer: unknown V0 layer type 'convolution'");
    }

    [TestMethod]
    public void FieldsThatDoNotApplyToTheTypeAreRefusedNotDropped()
    {
        var e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeV0LayerParameter(TextFormat.Parse<V1LayerParameter>(
            "layer { name: 'r' type: 'relu' num_output: 3 kernelsize: 2 }")));
        Assert.AreEqual("r", e.LayerName);
        StringAssert.Contains(e.Message, "V0 field 'num_output' does not apply to layer type 'relu'.");
        StringAssert.Contains(e.Message, "V0 field 'kernelsize' does not apply to layer type 'relu'.");

        foreach (string misplaced in new[]
                 {
                     "type: 'pool' group: 2", "type: 'conv' pool: AVE", "type: 'data' dropout_ratio: 0.1", "type: 'conv' local_size: 3",
                     "type: 'relu' source: 's'", "type: 'conv' batchsize: 2", "type: 'images' det_crop_mode: 'warp'",
                     "type: 'data' shuffle_images: true", "type: 'data' new_height: 2", "type: 'pool' concat_dim: 1",
                     "type: 'conv' rand_skip: 1", "type: 'data' hdf5_output_param { file_name: 'f' }",
                     "type: 'lrn' weight_filler { type: 'xavier' }", "type: 'relu' biasterm: false",
                 })
        {
            Assert.ThrowsExactly<UpgradeException>(
                () => NetUpgrader.UpgradeV0LayerParameter(TextFormat.Parse<V1LayerParameter>($"layer {{ name: 'l' {misplaced} }}")),
                misplaced);
        }
    }

    [TestMethod]
    public void PaddingMustFeedASingleInputConvolutionOrPooling()
    {
        const string Pad = "input: 'x' layers { layer { name: 'pad' type: 'padding' pad: 1 } bottom: 'x' top: 'p' } ";
        var e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeV0PaddingLayers(Net(
            Pad + "layers { layer { name: 'r' type: 'relu' } bottom: 'p' top: 'p' }")));
        Assert.AreEqual("r", e.LayerName);
        StringAssert.Contains(e.Message, "padding layer 'pad'");

        e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeV0PaddingLayers(Net(
            Pad + "layers { layer { name: 'c' type: 'conv' } bottom: 'p' bottom: 'x' top: 'y' }")));
        Assert.AreEqual("c", e.LayerName);

        e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeV0PaddingLayers(Net("""
            input: 'x' input: 'z'
            layers { layer { name: 'pad' type: 'padding' pad: 1 } bottom: 'x' bottom: 'z' top: 'p' }
            layers { layer { name: 'c' type: 'conv' } bottom: 'p' top: 'y' }
            """)));
        Assert.AreEqual("pad", e.LayerName);
    }

    [TestMethod]
    public void UnknownBottomBlob()
    {
        var e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeV0PaddingLayers(Net(
            "layers { layer { name: 'r' type: 'relu' } bottom: 'nowhere' top: 'y' }")));
        Assert.AreEqual("r", e.LayerName);
        StringAssert.Contains(e.Message, "bottom 'nowhere'");
    }

    [TestMethod]
    public void MixedV0AndV1LayersAreRefused()
    {
        var e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeV0Net(Net(
            "layers { layer { name: 'a' type: 'relu' } } layers { name: 'b' type: RELU }")));
        Assert.AreEqual("b", e.LayerName);
        StringAssert.Contains(e.Message, "mixes V0 layers");
    }

    [TestMethod]
    public void DetectionAndLogLines()
    {
        Assert.IsTrue(NetUpgrader.NetNeedsV0ToV1Upgrade(Net(SimpleV0)));
        Assert.IsFalse(NetUpgrader.NetNeedsV0ToV1Upgrade(Net(SimpleV1)));
        Assert.IsTrue(NetUpgrader.NetNeedsUpgrade(Net(SimpleV0)));

        NetParameter net = Net(SimpleV0);
        using var log = new LogCapture();
        NetParameter result = NetUpgrader.UpgradeNetAsNeeded(net, "simple.prototxt");
        Assert.AreSame(net, result, "upgraded in place");
        ProtoAssert.AreEqual(Net(SimpleV2), net);
        CollectionAssert.AreEqual(new[]
        {
            "Attempting to upgrade input file specified using deprecated V0LayerParameter: simple.prototxt",
            "Successfully upgraded file specified using deprecated V0LayerParameter",
            "Note that future Caffe releases will not support V0NetParameter; use `caffe upgrade_net_proto_text` for " +
            "prototxt and `caffe upgrade_net_proto_binary` for model weights to upgrade this and any other net protos to the new format.",
            "Attempting to upgrade input file specified using deprecated V1LayerParameter: simple.prototxt",
            "Successfully upgraded file specified using deprecated V1LayerParameter",
        }, log.Messages.ToArray());
        Assert.AreEqual(LogSeverity.Warning, log.Lines[2].Severity);
        Assert.IsFalse(NetUpgrader.NetNeedsUpgrade(net));
    }

    [TestMethod]
    public void AllParamsThroughEveryStep() =>
        ProtoAssert.AreEqual(Net(AllParamsCurrent), NetUpgrader.UpgradeNetAsNeeded(Net(AllParamsV0), "all.prototxt"));
}
