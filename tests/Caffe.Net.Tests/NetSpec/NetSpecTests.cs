namespace Caffe.Tests.NetSpecs;

/// <summary>pycaffe's test_net_spec.py ported case by case, plus NetSpec's keyword routing and errors.</summary>
[TestClass]
public sealed class NetSpecTests
{
    private static NetParameter Lenet(int batchSize)
    {
        var n = new NetSpec();
        (n["data"], n["label"]) = L.DummyData(new
        {
            shape = new[] { new { dim = new[] { batchSize, 1, 28, 28 } }, new { dim = new[] { batchSize, 1, 1, 1 } } },
            transform_param = new { scale = 1.0 / 255 },
            ntop = 2,
        });
        n["conv1"] = L.Convolution(n["data"], new { kernel_size = 5, num_output = 20, weight_filler = new { type = "xavier" } });
        n["pool1"] = L.Pooling(n["conv1"], new { kernel_size = 2, stride = 2, pool = P.Pooling.MAX });
        n["conv2"] = L.Convolution(n["pool1"], new { kernel_size = 5, num_output = 50, weight_filler = new { type = "xavier" } });
        n["pool2"] = L.Pooling(n["conv2"], new { kernel_size = 2, stride = 2, pool = P.Pooling.MAX });
        n["ip1"] = L.InnerProduct(n["pool2"], new { num_output = 500, weight_filler = new { type = "xavier" } });
        n["relu1"] = L.ReLU(n["ip1"], new { in_place = true });
        n["ip2"] = L.InnerProduct(n["relu1"], new { num_output = 10, weight_filler = new { type = "xavier" } });
        n["loss"] = L.SoftmaxWithLoss(n["ip2"], n["label"]);
        return n.ToProto();
    }

    private static NetParameter AnonLenet(int batchSize)
    {
        var (data, label) = L.DummyData(new
        {
            shape = new[] { new { dim = new[] { batchSize, 1, 28, 28 } }, new { dim = new[] { batchSize, 1, 1, 1 } } },
            transform_param = new { scale = 1.0 / 255 },
            ntop = 2,
        });
        var conv1 = L.Convolution(data, new { kernel_size = 5, num_output = 20, weight_filler = new { type = "xavier" } });
        var pool1 = L.Pooling(conv1, new { kernel_size = 2, stride = 2, pool = P.Pooling.MAX });
        var conv2 = L.Convolution(pool1, new { kernel_size = 5, num_output = 50, weight_filler = new { type = "xavier" } });
        var pool2 = L.Pooling(conv2, new { kernel_size = 2, stride = 2, pool = P.Pooling.MAX });
        var ip1 = L.InnerProduct(pool2, new { num_output = 500, weight_filler = new { type = "xavier" } });
        var relu1 = L.ReLU(ip1, new { in_place = true });
        var ip2 = L.InnerProduct(relu1, new { num_output = 10, weight_filler = new { type = "xavier" } });
        var loss = L.SoftmaxWithLoss(ip2, label);
        return loss.ToProto();
    }

    private static NetParameter SilentNet()
    {
        var n = new NetSpec();
        (n["data"], n["data2"]) = L.DummyData(new { shape = new { dim = 3 }, ntop = 2 });
        n["silence_data"] = L.Silence(n["data"], new { ntop = 0 });
        n["silence_data2"] = L.Silence(n["data2"], new { ntop = 0 });
        return n.ToProto();
    }

    private const string ExpectedLenet = """
        layer { name: "data" type: "DummyData" top: "data" top: "label"
          transform_param { scale: 0.00392156862745098 }
          dummy_data_param { shape { dim: 50 dim: 1 dim: 28 dim: 28 } shape { dim: 50 dim: 1 dim: 1 dim: 1 } } }
        layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
          convolution_param { num_output: 20 kernel_size: 5 weight_filler { type: "xavier" } } }
        layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
        layer { name: "conv2" type: "Convolution" bottom: "pool1" top: "conv2"
          convolution_param { num_output: 50 kernel_size: 5 weight_filler { type: "xavier" } } }
        layer { name: "pool2" type: "Pooling" bottom: "conv2" top: "pool2" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
        layer { name: "ip1" type: "InnerProduct" bottom: "pool2" top: "ip1"
          inner_product_param { num_output: 500 weight_filler { type: "xavier" } } }
        layer { name: "relu1" type: "ReLU" bottom: "ip1" top: "ip1" }
        layer { name: "ip2" type: "InnerProduct" bottom: "ip1" top: "ip2"
          inner_product_param { num_output: 10 weight_filler { type: "xavier" } } }
        layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip2" bottom: "label" top: "loss" }
        """;

    private static Net LoadNet(NetParameter proto)
    {
        // As test_net_spec's load_net: through a prototxt file, in the TEST phase.
        string path = Path.Combine(Path.GetTempPath(), $"caffe-netspec-{Guid.NewGuid():N}.prototxt");
        File.WriteAllText(path, TextFormat.Print(proto));
        try
        {
            return new Net(path, Phase.Test);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void LenetEqualsTheExpectedPrototxt()
    {
        NetParameter proto = Lenet(50);
        NetParameter expected = TextFormat.Parse<NetParameter>(ExpectedLenet);
        Assert.AreEqual(TextFormat.Print(expected), TextFormat.Print(proto));
        Assert.AreEqual(expected, proto);
        CollectionAssert.AreEqual(proto.Layer[6].Bottom.ToArray(), proto.Layer[6].Top.ToArray(), "relu is in-place");
    }

    [TestMethod]
    public void AnonymousLenetGetsPycaffesAutomaticNames()
    {
        NetParameter proto = AnonLenet(50);
        CollectionAssert.AreEqual(
            new[] { "DummyData1", "Convolution1", "Pooling1", "Convolution2", "Pooling2", "InnerProduct1", "ReLU1", "InnerProduct2", "SoftmaxWithLoss1" },
            proto.Layer.Select(l => l.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "DummyData1", "DummyData2" }, proto.Layer[0].Top.ToArray());
        CollectionAssert.AreEqual(proto.Layer[6].Bottom.ToArray(), proto.Layer[6].Top.ToArray(), "relu is in-place");
        CollectionAssert.AreEqual(new[] { "InnerProduct1" }, proto.Layer[6].Top.ToArray());
        CollectionAssert.AreEqual(new[] { "InnerProduct2", "DummyData2" }, proto.Layer[8].Bottom.ToArray());
        // Apart from names the anonymous net is the named one.
        NetParameter named = Lenet(50);
        for (int i = 0; i < named.Layer.Count; i++)
        {
            LayerParameter a = named.Layer[i].Clone(), b = proto.Layer[i].Clone();
            foreach (LayerParameter l in new[] { a, b })
            {
                l.ClearName();
                l.Bottom.Clear();
                l.Top.Clear();
            }
            Assert.AreEqual(a, b, $"layer {i}");
        }
    }

    [TestMethod]
    public void LenetLoadsWithAllNineLayers()
    {
        Assert.HasCount(9, LoadNet(Lenet(50)).Layers);
        Assert.HasCount(9, LoadNet(AnonLenet(50)).Layers);
    }

    [TestMethod]
    public void ZeroTopLayersAreNamedByTheirKey()
    {
        NetParameter proto = SilentNet();
        NetParameter expected = TextFormat.Parse<NetParameter>("""
            layer { name: "data" type: "DummyData" top: "data" top: "data2" dummy_data_param { shape { dim: 3 } } }
            layer { name: "silence_data" type: "Silence" bottom: "data" }
            layer { name: "silence_data2" type: "Silence" bottom: "data2" }
            """);
        Assert.AreEqual(expected, proto);
    }

    [TestMethod]
    public void ZeroTopNetForwardReturnsNothing()
    {
        Assert.IsEmpty(LoadNet(SilentNet()).Forward());
    }

    [TestMethod]
    public void TypeError()
    {
        LayerFunction data = L.DummyData(new { ntop = 2 });
        var error = Assert.ThrowsExactly<ArgumentException>(() => L.Silence(data, new { ntop = 0 }));
        StringAssert.StartsWith(error.Message, "Silence input 0 is not a Top");
        var notTop = Assert.ThrowsExactly<ArgumentException>(() => L.Silence(data[0], 42, new { ntop = 0 }));
        StringAssert.StartsWith(notTop.Message, "Silence input 1 is not a Top (type is Int32)");
        LayerFunction silence = L.Silence(data.Tops, new { ntop = 0 });
        Assert.HasCount(2, silence.Inputs);
        Assert.IsEmpty(silence.Tops);
    }

    [TestMethod]
    public void NtopGivesSeveralTopsAndNamesThemByAssignment()
    {
        var n = new NetSpec();
        n["data"] = L.Input(new { shape = new { dim = new[] { 2, 6 } } });
        (n["a"], n["b"], n["c"]) = L.Slice(n["data"], new { ntop = 3, slice_point = new[] { 1, 3 }, axis = 1 });
        NetParameter proto = n.ToProto();
        Assert.AreEqual("a", proto.Layer[1].Name);
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, proto.Layer[1].Top.ToArray());
        CollectionAssert.AreEqual(new uint[] { 1, 3 }, proto.Layer[1].SliceParam.SlicePoint.ToArray());
        var slice = L.Slice(n["data"], new { ntop = 3 });
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => n["x"] = slice).Message, "deconstruct");
        Assert.ThrowsExactly<InvalidOperationException>(() => { var (p, q) = slice; });

        // A net built from the NetSpec runs (Input and Slice are in every build).
        Net net = new(proto);
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, net.Outputs.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 2 }, net.Blobs["b"].Shape.ToArray());
    }

    [TestMethod]
    public void InPlaceTopsTakeTheBottomNames()
    {
        var n = new NetSpec();
        n["data"] = L.Input(new { shape = new { dim = new[] { 1, 3 } } });
        n["sm"] = L.Softmax(n["data"]);
        n["scaled"] = L.Power(n["sm"], new { in_place = true, scale = 2.0 });
        n["out"] = L.Flatten(n["scaled"]);
        NetParameter proto = n.ToProto();
        LayerParameter power = proto.Layer[2];
        Assert.AreEqual("scaled", power.Name);
        CollectionAssert.AreEqual(new[] { "sm" }, power.Top.ToArray());
        CollectionAssert.AreEqual(new[] { "sm" }, proto.Layer[3].Bottom.ToArray());
        Assert.AreEqual(2f, power.PowerParam.Scale);
    }

    [TestMethod]
    public void KeywordsAreRoutedAsPycaffeDoes()
    {
        var data = L.Input(new { shape = new { dim = new[] { 1, 3, 8, 8 } } });
        LayerParameter conv = L.Convolution(data, new
        {
            num_output = 4,
            kernel_size = 3,
            pad = new[] { 1 },
            param = new object[] { new { lr_mult = 1 }, new { lr_mult = 2, decay_mult = 0 } },
            include = new { phase = Phase.Train },
            loss_weight = 0.5,
            bias_filler = new FillerParameter { Type = "constant", Value = 0.1f },
            engine = "CAFFE",
            propagate_down = true,
        }).ToLayerParameter();
        Assert.AreEqual(4u, conv.ConvolutionParam.NumOutput);
        CollectionAssert.AreEqual(new uint[] { 3 }, conv.ConvolutionParam.KernelSize.ToArray(), "a single value on a repeated field");
        CollectionAssert.AreEqual(new uint[] { 1 }, conv.ConvolutionParam.Pad.ToArray());
        Assert.HasCount(2, conv.Param);
        Assert.AreEqual(2f, conv.Param[1].LrMult);
        Assert.AreEqual(0f, conv.Param[1].DecayMult);
        Assert.AreEqual(Phase.Train, conv.Include.Single().Phase, "include is a LayerParameter field");
        CollectionAssert.AreEqual(new[] { 0.5f }, conv.LossWeight.ToArray());
        Assert.AreEqual("constant", conv.ConvolutionParam.BiasFiller.Type);
        Assert.AreEqual(ConvolutionParameter.Types.Engine.Caffe, conv.ConvolutionParam.Engine, "enum by proto name");
        CollectionAssert.AreEqual(new[] { true }, conv.PropagateDown.ToArray());

        LayerParameter deconv = L.Deconvolution(data, new { num_output = 2, kernel_size = 4, stride = 2 }).ToLayerParameter();
        Assert.AreEqual(2u, deconv.ConvolutionParam.NumOutput, "Deconvolution reads convolution_param");

        LayerParameter dict = L.Pooling(data, new Dictionary<string, object?> { ["pool"] = 1, ["kernel_size"] = 2 }).ToLayerParameter();
        Assert.AreEqual(P.Pooling.AVE, dict.PoolingParam.Pool, "enum by number, keywords from a dictionary");
        LayerParameter custom = L.Layer("MyLayer", data, new { python_param = new { module = "m", layer = "L" } }).ToLayerParameter();
        Assert.AreEqual("MyLayer", custom.Type);
        Assert.AreEqual("m", custom.PythonParam.Module);
    }

    [TestMethod]
    public void UnknownKeywordsNameTheLayerTypeAndSuggest()
    {
        var data = L.Input(new { shape = new { dim = new[] { 1, 3 } } });
        string message = Assert.ThrowsExactly<ArgumentException>(() => L.Convolution(data, new { kernal_size = 3 })).Message;
        StringAssert.Contains(message, "Convolution layer: unknown keyword 'kernal_size'");
        StringAssert.Contains(message, "did you mean 'kernel_size'");
        string nested = Assert.ThrowsExactly<ArgumentException>(() => L.InnerProduct(data, new { weight_filler = new { tpye = "xavier" } })).Message;
        StringAssert.Contains(nested, "FillerParameter has no field 'tpye'");
        StringAssert.Contains(nested, "did you mean 'type'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => L.Pooling(data, new { pool = "MAXIMUM" })).Message, "MAX, AVE, STOCHASTIC");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => L.Pooling(data, new { kernel_size = 2.5 })).Message, "integer field");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => L.Pooling(data, new { pool = Phase.Test })).Message, "PoolMethod");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => L.Pooling(data, new { stride = new[] { 1, 2 } })).Message, "not a repeated field");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => L.ReLU(new { in_place = true })).Message, "in_place needs a bottom");
    }

    [TestMethod]
    public void PrintsAsPrototxt()
    {
        var n = new NetSpec();
        n["data"] = L.Input(new { shape = new { dim = new[] { 1, 2 } } });
        n["prob"] = L.Softmax(n["data"]);
        Assert.AreEqual(TextFormat.Print(n.ToProto()), n.ToString());
        StringAssert.Contains(n.ToString(), "name: \"prob\"");
        CollectionAssert.AreEqual(new[] { "data", "prob" }, n.Keys.ToArray());
        Assert.IsTrue(n.Remove("prob"));
        Assert.HasCount(1, n.ToProto().Layer);
        StringAssert.Contains(Assert.ThrowsExactly<KeyNotFoundException>(() => n["prob"]).Message, "no top named 'prob'");
    }
}
