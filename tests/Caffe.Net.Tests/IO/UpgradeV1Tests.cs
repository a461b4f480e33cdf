using Google.Protobuf;
using Google.Protobuf.Reflection;
using V1Type = Caffe.V1LayerParameter.Types.LayerType;

namespace Caffe.Tests.IO;

/// <summary>V1 (<c>layers</c>, enum types) → V2 (<c>layer</c>, type strings): BVLC's NetUpgradeTest V1 cases and more.</summary>
[TestClass]
public sealed class UpgradeV1Tests
{
    private static NetParameter Net(string text) => TextFormat.Parse<NetParameter>(text);

    private static LayerParameter Upgrade(string v1Layer) =>
        NetUpgrader.UpgradeV1LayerParameter(TextFormat.Parse<V1LayerParameter>(v1Layer));

    [TestMethod]
    public void EveryV1TypeHasItsV2String()
    {
        var expected = new Dictionary<V1Type, string>
        {
            [V1Type.None] = "", [V1Type.Absval] = "AbsVal", [V1Type.Accuracy] = "Accuracy", [V1Type.Argmax] = "ArgMax",
            [V1Type.Bnll] = "BNLL", [V1Type.Concat] = "Concat", [V1Type.ContrastiveLoss] = "ContrastiveLoss",
            [V1Type.Convolution] = "Convolution", [V1Type.Deconvolution] = "Deconvolution", [V1Type.Data] = "Data",
            [V1Type.Dropout] = "Dropout", [V1Type.DummyData] = "DummyData", [V1Type.EuclideanLoss] = "EuclideanLoss",
            [V1Type.Eltwise] = "Eltwise", [V1Type.Exp] = "Exp", [V1Type.Flatten] = "Flatten", [V1Type.Hdf5Data] = "HDF5Data",
            [V1Type.Hdf5Output] = "HDF5Output", [V1Type.HingeLoss] = "HingeLoss", [V1Type.Im2Col] = "Im2col",
            [V1Type.ImageData] = "ImageData", [V1Type.InfogainLoss] = "InfogainLoss", [V1Type.InnerProduct] = "InnerProduct",
            [V1Type.Lrn] = "LRN", [V1Type.MemoryData] = "MemoryData", [V1Type.MultinomialLogisticLoss] = "MultinomialLogisticLoss",
            [V1Type.Mvn] = "MVN", [V1Type.Pooling] = "Pooling", [V1Type.Power] = "Power", [V1Type.Relu] = "ReLU",
            [V1Type.Sigmoid] = "Sigmoid", [V1Type.SigmoidCrossEntropyLoss] = "SigmoidCrossEntropyLoss",
            [V1Type.Silence] = "Silence", [V1Type.Softmax] = "Softmax", [V1Type.SoftmaxLoss] = "SoftmaxWithLoss",
            [V1Type.Split] = "Split", [V1Type.Slice] = "Slice", [V1Type.Tanh] = "TanH", [V1Type.WindowData] = "WindowData",
            [V1Type.Threshold] = "Threshold",
        };
        V1Type[] all = Enum.GetValues<V1Type>();
        Assert.HasCount(40, all, "caffe.proto's V1 LayerType has 40 values");
        foreach (V1Type type in all)
        {
            string v2 = NetUpgrader.UpgradeV1LayerType(type);
            Assert.AreEqual(expected[type], v2, type.ToString());
            // Caffe's own test creates each layer; here only the types Caffe.Net implements so far can be created.
            if (v2.Length > 0 && LayerRegistry.IsRegistered(v2))
                Assert.AreEqual(v2, LayerRegistry.CreateLayer(new LayerParameter { Name = "l", Type = v2 }).Type);
        }
        var e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeV1LayerType((V1Type)999));
        StringAssert.Contains(e.Message, "unknown V1 layer type 999");
    }

    [TestMethod]
    public void EveryTypedParameterIsCopied()
    {
        FieldDescriptor[] paramFields = V1LayerParameter.Descriptor.Fields.InFieldNumberOrder()
            .Where(f => f.FieldType == FieldType.Message && f.Name.EndsWith("_param", StringComparison.Ordinal))
            .ToArray();
        Assert.HasCount(30, paramFields, "V1LayerParameter has 30 *_param messages");
        foreach (FieldDescriptor v1Field in paramFields)
        {
            FieldDescriptor? v2Field = LayerParameter.Descriptor.FindFieldByName(v1Field.Name);
            Assert.IsNotNull(v2Field, $"LayerParameter has {v1Field.Name}");

            IMessage value = Sample(v1Field.MessageType);
            var v1 = new V1LayerParameter { Name = "l" };
            v1Field.Accessor.SetValue(v1, value);

            LayerParameter v2 = NetUpgrader.UpgradeV1LayerParameter(v1);
            Assert.AreEqual(value, v2Field!.Accessor.GetValue(v2), v1Field.Name);
            Assert.AreEqual(1, LayerParameter.Descriptor.Fields.InFieldNumberOrder()
                .Count(f => f.FieldType == FieldType.Message && !f.IsRepeated && f.Accessor.GetValue(v2) != null), v1Field.Name);
        }
    }

    /// <summary>A message with one field set to a non-default value, so that a copy is told from an empty message.</summary>
    private static IMessage Sample(MessageDescriptor type)
    {
        IMessage message = type.Parser.ParseFrom(ByteString.Empty);
        FieldDescriptor field = type.Fields.InFieldNumberOrder().First();
        object value = field.FieldType switch
        {
            FieldType.Float => 7.5f,
            FieldType.Double => 7.5,
            FieldType.UInt32 => 7u,
            FieldType.Int32 => 7,
            FieldType.UInt64 => 7ul,
            FieldType.Int64 => 7L,
            FieldType.String => "seven",
            FieldType.Bool => !(bool)field.Accessor.GetValue(message),
            FieldType.Enum => field.EnumType.Values.Select(v => v.Number).Max(),
            FieldType.Message => Sample(field.MessageType),
            var other => throw new AssertFailedException($"no sample for {type.Name}.{field.Name} ({other})"),
        };
        if (field.IsRepeated) ((System.Collections.IList)field.Accessor.GetValue(message)).Add(value);
        else field.Accessor.SetValue(message, value);
        return message;
    }

    [TestMethod]
    public void ParamSpecsFromNamesShareModesRatesAndDecays()
    {
        LayerParameter layer = Upgrade("""
            name: 'ip' type: INNER_PRODUCT bottom: 'a' bottom: 'b' top: 'c' loss_weight: 0.5 loss_weight: 2
            param: 'w' param: 'b' blob_share_mode: PERMISSIVE blobs_lr: 1 blobs_lr: 2 blobs_lr: 3 weight_decay: 0
            include { phase: TRAIN stage: 's' } exclude { min_level: 2 } exclude { not_stage: 'x' }
            blobs { shape { dim: 2 } data: [1, 2] }
            """);
        ProtoAssert.AreEqual(TextFormat.Parse<LayerParameter>("""
            name: 'ip' type: 'InnerProduct' bottom: 'a' bottom: 'b' top: 'c' loss_weight: 0.5 loss_weight: 2
            param { name: 'w' share_mode: PERMISSIVE lr_mult: 1 decay_mult: 0 } param { name: 'b' lr_mult: 2 } param { lr_mult: 3 }
            include { phase: TRAIN stage: 's' } exclude { min_level: 2 } exclude { not_stage: 'x' }
            blobs { shape { dim: 2 } data: [1, 2] }
            """), layer);

        ProtoAssert.AreEqual(TextFormat.Parse<LayerParameter>("param { share_mode: STRICT decay_mult: 0 } param { decay_mult: 1 }"),
            Upgrade("blob_share_mode: STRICT weight_decay: 0 weight_decay: 1"));
    }

    [TestMethod]
    public void PresenceIsKept()
    {
        // An explicit NONE type becomes an explicit empty type string; an unnamed layer stays unnamed.
        LayerParameter none = Upgrade("type: NONE");
        Assert.IsTrue(none.HasType);
        Assert.AreEqual("", none.Type);
        Assert.IsFalse(none.HasName);
        Assert.IsFalse(Upgrade("name: 'x'").HasType);
    }

    [TestMethod]
    public void NetFieldsOtherThanLayersAreKept()
    {
        NetParameter v2 = NetUpgrader.UpgradeV1Net(Net("""
            name: 'n' force_backward: true debug_info: true state { phase: TEST level: 3 } input: 'x' input_dim: [1, 2, 3, 4]
            layers { name: 'r' type: RELU bottom: 'x' top: 'x' }
            """));
        ProtoAssert.AreEqual(Net("""
            name: 'n' force_backward: true debug_info: true state { phase: TEST level: 3 } input: 'x' input_dim: [1, 2, 3, 4]
            layer { name: 'r' type: 'ReLU' bottom: 'x' top: 'x' }
            """), v2);
    }

    [TestMethod]
    public void BothLayerAndLayersIsRefused()
    {
        NetParameter net = Net("layer { name: 'new' type: 'ReLU' } layers { name: 'old' type: RELU }");
        Assert.IsTrue(NetUpgrader.NetNeedsV1ToV2Upgrade(net));
        var e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeNetAsNeeded(net, "mixed.prototxt"));
        Assert.AreEqual("mixed.prototxt", e.FileName);
        StringAssert.StartsWith(e.Message, "mixed.prototxt: the net has both current 'layer' entries (1, the first named 'new')");
    }

    [TestMethod]
    public void AV0LayerInsideAV1LayerIsRefused()
    {
        var e = Assert.ThrowsExactly<UpgradeException>(() => Upgrade("name: 'c' type: CONVOLUTION layer { type: 'conv' }"));
        Assert.AreEqual("c", e.LayerName);
        e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeV1Net(Net("layers { type: RELU } layers { layer { type: 'relu' } }")));
        Assert.AreEqual("#1", e.LayerName, "an unnamed layer is named by its index");
    }

    [TestMethod]
    public void UnknownShareModeIsRefused()
    {
        var v1 = new V1LayerParameter { Name = "s" };
        v1.BlobShareMode.Add((V1LayerParameter.Types.DimCheckMode)5);
        var e = Assert.ThrowsExactly<UpgradeException>(() => NetUpgrader.UpgradeV1LayerParameter(v1));
        Assert.AreEqual("layer 's': unknown blob_share_mode 5.", e.Message);
    }

    [TestMethod]
    public void InputIsLeftAlone()
    {
        NetParameter net = Net("layers { name: 'r' type: RELU }");
        NetParameter before = net.Clone();
        NetUpgrader.UpgradeV1Net(net);
        ProtoAssert.AreEqual(before, net);
    }
}
