namespace Caffe.Tests.IO;

/// <summary>
/// The smaller net upgrades (data-transformation fields, input fields, BatchNorm param specs) and the order and
/// log lines of <see cref="NetUpgrader.UpgradeNetAsNeeded"/>.
/// </summary>
[TestClass]
public sealed class UpgradeNetTests
{
    private static NetParameter Net(string text) => TextFormat.Parse<NetParameter>(text);

    private const string DataFieldsV1 = """
        name: 'data-upgrade'
        layers { name: 'data' type: DATA data_param { source: 'db' batch_size: 2 scale: 0.5 mean_file: 'mean.binaryproto' crop_size: 11 mirror: true } top: 'data' }
        layers { name: 'images' type: IMAGE_DATA image_data_param { source: 'list.txt' mean_file: 'm' mirror: false } transform_param { scale: 3 } top: 'i' }
        layers { name: 'windows' type: WINDOW_DATA window_data_param { source: 'w.txt' crop_size: 5 } top: 'w' }
        layers { name: 'plain' type: DATA top: 'p' }
        layers { name: 'conv' type: CONVOLUTION data_param { scale: 2 } }
        """;

    [TestMethod]
    public void DataTransformationFieldsMoveToTransformParam()
    {
        NetParameter net = Net(DataFieldsV1);
        Assert.IsTrue(NetUpgrader.NetNeedsDataUpgrade(net));
        NetUpgrader.UpgradeNetDataTransformation(net);
        // Like Caffe, every Data/ImageData/WindowData layer ends up with both messages, even empty ones ('plain'),
        // and other layer types are not looked at ('conv').
        ProtoAssert.AreEqual(Net("""
            name: 'data-upgrade'
            layers { name: 'data' type: DATA data_param { source: 'db' batch_size: 2 } transform_param { scale: 0.5 mean_file: 'mean.binaryproto' crop_size: 11 mirror: true } top: 'data' }
            layers { name: 'images' type: IMAGE_DATA image_data_param { source: 'list.txt' } transform_param { scale: 3 mean_file: 'm' mirror: false } top: 'i' }
            layers { name: 'windows' type: WINDOW_DATA window_data_param { source: 'w.txt' } transform_param { crop_size: 5 } top: 'w' }
            layers { name: 'plain' type: DATA data_param { } transform_param { } top: 'p' }
            layers { name: 'conv' type: CONVOLUTION data_param { scale: 2 } }
            """), net);
        Assert.IsFalse(NetUpgrader.NetNeedsDataUpgrade(net));
    }

    [TestMethod]
    public void DataUpgradeDetection()
    {
        foreach (string needs in new[]
                 {
                     "layers { type: DATA data_param { mirror: false } }", "layers { type: DATA data_param { crop_size: 0 } }",
                     "layers { type: IMAGE_DATA image_data_param { scale: 1 } }", "layers { type: WINDOW_DATA window_data_param { mean_file: '' } }",
                 })
            Assert.IsTrue(NetUpgrader.NetNeedsDataUpgrade(Net(needs)), needs);
        foreach (string current in new[]
                 {
                     "layers { type: DATA data_param { source: 's' } transform_param { scale: 2 } }",
                     "layers { type: CONVOLUTION data_param { scale: 2 } }", "layers { type: IMAGE_DATA }",
                     "layer { type: 'Data' data_param { scale: 2 } }",
                 })
            Assert.IsFalse(NetUpgrader.NetNeedsDataUpgrade(Net(current)), current);
    }

    [TestMethod]
    public void StepsRunInCaffesOrderWithCaffesLogLines()
    {
        NetParameter net = Net(DataFieldsV1 + "input: 'x' input_dim: [1, 2, 3, 4]");
        Assert.IsTrue(NetUpgrader.NetNeedsUpgrade(net));
        using var log = new LogCapture();
        NetUpgrader.UpgradeNetAsNeeded(net, "v1.prototxt");
        ProtoAssert.AreEqual(Net("""
            name: 'data-upgrade'
            layer { name: 'input' type: 'Input' top: 'x' input_param { shape { dim: [1, 2, 3, 4] } } }
            layer { name: 'data' type: 'Data' data_param { source: 'db' batch_size: 2 } transform_param { scale: 0.5 mean_file: 'mean.binaryproto' crop_size: 11 mirror: true } top: 'data' }
            layer { name: 'images' type: 'ImageData' image_data_param { source: 'list.txt' } transform_param { scale: 3 mean_file: 'm' mirror: false } top: 'i' }
            layer { name: 'windows' type: 'WindowData' window_data_param { source: 'w.txt' } transform_param { crop_size: 5 } top: 'w' }
            layer { name: 'plain' type: 'Data' data_param { } transform_param { } top: 'p' }
            layer { name: 'conv' type: 'Convolution' data_param { scale: 2 } }
            """), net);
        CollectionAssert.AreEqual(new[]
        {
            (LogSeverity.Info, "Attempting to upgrade input file specified using deprecated transformation parameters: v1.prototxt"),
            (LogSeverity.Info, "Successfully upgraded file specified using deprecated data transformation parameters."),
            (LogSeverity.Warning, "Note that future Caffe releases will only support transform_param messages for transformation fields."),
            (LogSeverity.Info, "Attempting to upgrade input file specified using deprecated V1LayerParameter: v1.prototxt"),
            (LogSeverity.Info, "Successfully upgraded file specified using deprecated V1LayerParameter"),
            (LogSeverity.Info, "Attempting to upgrade input file specified using deprecated input fields: v1.prototxt"),
            (LogSeverity.Info, "Successfully upgraded file specified using deprecated input fields."),
            (LogSeverity.Warning, "Note that future Caffe releases will only support input layers and not input fields."),
        }, log.Lines.ToArray());
        Assert.IsFalse(NetUpgrader.NetNeedsUpgrade(net));
    }

    [TestMethod]
    public void ACurrentNetIsLeftAloneSilently()
    {
        NetParameter net = TextFormat.ParseFile<NetParameter>(TestData.Model("lenet_v2/lenet.prototxt"));
        NetParameter before = net.Clone();
        Assert.IsFalse(NetUpgrader.NetNeedsUpgrade(net));
        using var log = new LogCapture(LogSeverity.Debug);
        NetUpgrader.UpgradeNetAsNeeded(net, "lenet.prototxt");
        ProtoAssert.AreEqual(before, net);
        Assert.IsEmpty(log.Lines);
    }

    [TestMethod]
    public void InputDimsBecomeAnInputLayerInFront()
    {
        NetParameter net = Net("""
            name: 'two' input: 'data' input: 'label' input_dim: [10, 3, 28, 28, 10, 1, 1, 1]
            layer { name: 'ip' type: 'InnerProduct' bottom: 'data' top: 'ip' }
            """);
        Assert.IsTrue(NetUpgrader.NetNeedsInputUpgrade(net));
        NetUpgrader.UpgradeNetInput(net);
        ProtoAssert.AreEqual(Net("""
            name: 'two'
            layer { name: 'input' type: 'Input' top: 'data' top: 'label' input_param { shape { dim: [10, 3, 28, 28] } shape { dim: [10, 1, 1, 1] } } }
            layer { name: 'ip' type: 'InnerProduct' bottom: 'data' top: 'ip' }
            """), net);
        Assert.IsFalse(NetUpgrader.NetNeedsInputUpgrade(net));
    }

    [TestMethod]
    public void InputShapesBecomeAnInputLayer()
    {
        NetParameter net = Net("input: 'x' input: 'y' input_shape { dim: [1, 2] } input_shape { dim: 5 } layer { name: 'a' }");
        NetUpgrader.UpgradeNetInput(net);
        ProtoAssert.AreEqual(Net(
            "layer { name: 'input' type: 'Input' top: 'x' top: 'y' input_param { shape { dim: [1, 2] } shape { dim: 5 } } } layer { name: 'a' }"),
            net);
    }

    [TestMethod]
    public void InputsWithoutShapesAreDropped()
    {
        // Old caffemodels list their inputs without dimensions: the fields simply go.
        NetParameter net = Net("input: 'data' layer { name: 'a' bottom: 'data' }");
        NetUpgrader.UpgradeNetInput(net);
        ProtoAssert.AreEqual(Net("layer { name: 'a' bottom: 'data' }"), net);
    }

    [TestMethod]
    public void InputShapeCountsMustMatch()
    {
        foreach (string bad in new[]
                 {
                     "input: 'a' input: 'b' input_dim: [1, 2, 3, 4]", "input: 'a' input_dim: [1, 2, 3]",
                     "input: 'a' input: 'b' input_shape { dim: 1 }",
                 })
        {
            var e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeNetAsNeeded(Net(bad), "deploy.prototxt"), bad);
            StringAssert.StartsWith(e.Message, "deploy.prototxt: the net has ", bad);
            StringAssert.Contains(e.Message, "give one input_shape or four input_dim per input", bad);
        }
    }

    [TestMethod]
    public void OldBatchNormParamsGetZeroRates()
    {
        NetParameter net = Net("""
            layer { name: 'bn1' type: 'BatchNorm' param { lr_mult: 0 } param { lr_mult: 0 } param { lr_mult: 0 } }
            layer { name: 'bn2' type: 'BatchNorm' param { name: 'mean' lr_mult: 1 decay_mult: 1 } param { lr_mult: 2 } param { share_mode: PERMISSIVE } }
            layer { name: 'bn3' type: 'BatchNorm' param { lr_mult: 1 } }
            layer { name: 'bn4' type: 'BatchNorm' }
            layer { name: 'conv' type: 'Convolution' param { lr_mult: 1 } param { lr_mult: 1 } param { lr_mult: 1 } }
            """);
        Assert.IsTrue(NetUpgrader.NetNeedsBatchNormUpgrade(net));
        using var log = new LogCapture();
        NetUpgrader.UpgradeNetAsNeeded(net, "bn.prototxt");
        ProtoAssert.AreEqual(Net("""
            layer { name: 'bn1' type: 'BatchNorm' param { lr_mult: 0 decay_mult: 0 } param { lr_mult: 0 decay_mult: 0 } param { lr_mult: 0 decay_mult: 0 } }
            layer { name: 'bn2' type: 'BatchNorm' param { name: 'mean' lr_mult: 0 decay_mult: 0 } param { lr_mult: 0 decay_mult: 0 } param { share_mode: PERMISSIVE lr_mult: 0 decay_mult: 0 } }
            layer { name: 'bn3' type: 'BatchNorm' param { lr_mult: 1 } }
            layer { name: 'bn4' type: 'BatchNorm' }
            layer { name: 'conv' type: 'Convolution' param { lr_mult: 1 } param { lr_mult: 1 } param { lr_mult: 1 } }
            """), net);
        CollectionAssert.AreEqual(new[]
        {
            "Attempting to upgrade batch norm layers using deprecated params: bn.prototxt",
            "Successfully upgraded batch norm layers using deprecated params.",
        }, log.Messages.ToArray());
        // Caffe keeps reporting three-spec BatchNorm layers as old, even once their rates are zero.
        Assert.IsTrue(NetUpgrader.NetNeedsBatchNormUpgrade(net));
        Assert.IsFalse(NetUpgrader.NetNeedsBatchNormUpgrade(Net("layer { type: 'BatchNorm' param { } param { } } layer { type: 'Scale' param { } param { } param { } }")));
    }
}
