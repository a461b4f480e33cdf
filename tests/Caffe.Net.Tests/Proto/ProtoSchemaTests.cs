using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Caffe.Tests.Proto;

/// <summary>
/// caffe.proto against BVLC Caffe: real binary files survive a parse/serialize round trip byte for
/// byte, and the schema's names, numbers, order and defaults match tables taken from BVLC's file.
/// </summary>
[TestClass]
public sealed class ProtoSchemaTests
{
    // ---------------------------------------------------------------- wire compatibility

    /// <summary>Every .caffemodel in the test data (trained models, BVLC-upgraded weights, reference inits).</summary>
    public static IEnumerable<object[]> CaffeModels() =>
        Directory.EnumerateFiles(TestData.Path(""), "*.caffemodel", SearchOption.AllDirectories)
            .Select(path => System.IO.Path.GetRelativePath(TestData.Path(""), path))
            .Order(StringComparer.Ordinal)
            .Select(relative => new object[] { relative });

    [TestMethod]
    public void CaffeModelsAreFound()
    {
        // Guards the data-driven test below against silently running on nothing.
        var files = CaffeModels().Select(row => (string)row[0]).ToList();
        CollectionAssert.IsSubsetOf(
            new[]
            {
                "models/lenet_v1/lenet_iter_10000.caffemodel",
                "models/lenet_v2/lenet_iter_10000.caffemodel",
                "models/cifar10_v1/cifar10_full_iter_70000.caffemodel",
                "models/mtcnn/det4.caffemodel",
                "reference/upgrades/binary/lenet_v1_lenet_iter_10000.caffemodel",
            },
            files);
    }

    /// <summary>
    /// Fields that files hold but BVLC's caffe.proto does not declare. The MTCNN models were saved by
    /// the Caffe fork they were trained with, whose SoftmaxParameter has a float field 3 (det1, on its
    /// SoftmaxWithLoss layer) and whose LossParameter has a varint field 4 (det2, det3). BVLC Caffe
    /// (C++ protobuf) keeps them as unknown fields and ignores them; so do we, and our schema must not
    /// declare them.
    /// </summary>
    private static readonly Dictionary<string, string[]> ForeignFields = new()
    {
        ["models/mtcnn/det1.caffemodel"] = ["layer.softmax_param.#3"],
        ["models/mtcnn/det2.caffemodel"] = ["layer.loss_param.#4"],
        ["models/mtcnn/det3.caffemodel"] = ["layer.loss_param.#4"],
    };

    [TestMethod]
    [DynamicData(nameof(CaffeModels))]
    public void CaffeModelRoundTripsByteForByte(string relativePath)
    {
        byte[] original = File.ReadAllBytes(TestData.Path(relativePath));
        string[] foreign = ForeignFields.GetValueOrDefault(relativePath, []);

        // Every field in the file is declared by our schema with the wire type and packing it is
        // written with, apart from the listed foreign ones.
        Assert.AreEqual(string.Join(", ", foreign),
            string.Join(", ", WireScanner.Differences(NetParameter.Descriptor, original)),
            $"{relativePath}: undeclared or differently encoded fields");

        // Unknown fields kept (as Caffe's C++ protobuf does): the file comes back unchanged.
        var kept = NetParameter.Parser.ParseFrom(original);
        AssertLoaded(kept, relativePath);
        AssertSameBytes(original, kept.ToByteArray(), relativePath + " (unknown fields kept)");

        // Unknown fields dropped: only the schema's own fields are written back. For a file without
        // foreign fields, equal bytes alone prove that the schema covers it.
        var discarded = NetParameter.Parser.WithDiscardUnknownFields(true).ParseFrom(original);
        byte[] rewritten = discarded.ToByteArray();
        if (foreign.Length == 0)
        {
            AssertSameBytes(original, rewritten, relativePath + " (unknown fields dropped)");
        }
        else
        {
            // The bytes differ by the foreign fields only: every declared field has the same value
            // (the JSON form shows declared fields only) and nothing undeclared is left.
            Assert.AreEqual(JsonFormatter.Default.Format(kept), JsonFormatter.Default.Format(discarded));
            Assert.IsLessThan(original.Length, rewritten.Length);
            Assert.AreEqual("", string.Join(", ", WireScanner.Differences(NetParameter.Descriptor, rewritten)));
        }
    }

    private static void AssertLoaded(NetParameter net, string relativePath)
    {
        Assert.IsTrue(net.Layer.Count + net.Layers.Count > 0, $"{relativePath}: no layers parsed");
        Assert.IsTrue(net.Layer.Any(l => l.Blobs.Count > 0) || net.Layers.Any(l => l.Blobs.Count > 0),
            $"{relativePath}: no weights parsed");
    }

    [TestMethod]
    public void SolverStateRoundTripsByteForByte()
    {
        const string relativePath = "models/lenet_v1/lenet_iter_10000.solverstate";
        byte[] original = File.ReadAllBytes(TestData.Path(relativePath));
        Assert.AreEqual("", string.Join(", ", WireScanner.Differences(SolverState.Descriptor, original)));
        var state = SolverState.Parser.WithDiscardUnknownFields(true).ParseFrom(original);

        Assert.AreEqual(10000, state.Iter);
        Assert.AreEqual(8, state.History.Count); // SGD momentum: weight and bias of conv1, conv2, ip1, ip2
        AssertSameBytes(original, state.ToByteArray(), relativePath);
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual, string what)
    {
        int firstDifference = 0;
        int common = Math.Min(expected.Length, actual.Length);
        while (firstDifference < common && expected[firstDifference] == actual[firstDifference])
            firstDifference++;
        if (firstDifference == common && expected.Length == actual.Length)
            return;
        Assert.Fail($"{what}: re-serialized {actual.Length} bytes differ from the original {expected.Length} "
                    + $"bytes at offset {firstDifference}");
    }

    [TestMethod]
    public void WireScannerReportsUndeclaredAndDifferentlyEncodedFields()
    {
        // BlobShape.dim is packed: written unpacked it is a difference; field 9 is not declared.
        var output = new MemoryStream();
        var stream = new CodedOutputStream(output);
        stream.WriteTag(1, WireFormat.WireType.Varint);
        stream.WriteInt64(7);
        stream.WriteTag(9, WireFormat.WireType.Fixed32);
        stream.WriteFloat(1f);
        stream.Flush();

        CollectionAssert.AreEqual(
            new[] { "#9", "dim: wire type Varint, schema writes LengthDelimited" },
            WireScanner.Differences(BlobShape.Descriptor, output.ToArray()).ToArray());
        Assert.AreEqual(0, WireScanner.Differences(BlobShape.Descriptor, new BlobShape { Dim = { 1, 2 } }.ToByteArray()).Count);
    }

    // ---------------------------------------------------------------- schema against BVLC's tables

    [TestMethod]
    public void FileHasBvlcPackageMessagesAndOrder()
    {
        var file = CaffeReflection.Descriptor;
        Assert.AreEqual("caffe", file.Package);
        Assert.AreEqual("Caffe", typeof(LayerParameter).Namespace);
        CollectionAssert.AreEqual(new[] { "Phase" }, file.EnumTypes.Select(e => e.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "TRAIN = 0", "TEST = 1" }, EnumValues(file.EnumTypes[0]));
        CollectionAssert.AreEqual(BvlcTables.Messages, file.MessageTypes.Select(m => m.Name).ToArray());
    }

    [TestMethod]
    public void LayerParameterMatchesBvlc()
    {
        AssertFields(LayerParameter.Descriptor, BvlcTables.LayerParameter);
        // Each *_param field holds the message named after it.
        foreach (var field in LayerParameter.Descriptor.Fields.InDeclarationOrder().Where(f => f.Name.EndsWith("_param")))
            StringAssert.EndsWith(field.MessageType.Name, "Parameter", field.Name);
    }

    [TestMethod]
    public void SolverParameterMatchesBvlc()
    {
        AssertFields(SolverParameter.Descriptor, BvlcTables.SolverParameter);
        // Numbers 1..42 are all in use, each once (BVLC's "next available ID: 43").
        CollectionAssert.AreEquivalent(Enumerable.Range(1, 42).ToArray(),
            SolverParameter.Descriptor.Fields.InFieldNumberOrder().Select(f => f.FieldNumber).ToArray());
        CollectionAssert.AreEqual(new[] { "SnapshotFormat", "SolverMode", "SolverType" },
            SolverParameter.Descriptor.EnumTypes.Select(e => e.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "SGD = 0", "NESTEROV = 1", "ADAGRAD = 2", "RMSPROP = 3", "ADADELTA = 4", "ADAM = 5" },
            EnumValues(SolverParameter.Descriptor.FindDescriptor<EnumDescriptor>("SolverType")));
    }

    [TestMethod]
    public void BlobsAndNetsMatchBvlc()
    {
        AssertFields(BlobShape.Descriptor, BvlcTables.BlobShape);
        AssertFields(BlobProto.Descriptor, BvlcTables.BlobProto);
        AssertFields(Datum.Descriptor, BvlcTables.Datum);
        AssertFields(NetParameter.Descriptor, BvlcTables.NetParameter);
        AssertFields(SolverState.Descriptor, BvlcTables.SolverState);
        AssertFields(NetState.Descriptor, BvlcTables.NetState);
        AssertFields(ParamSpec.Descriptor, BvlcTables.ParamSpec);
        AssertFields(FillerParameter.Descriptor, BvlcTables.FillerParameter);
        CollectionAssert.AreEqual(new[] { "FAN_IN = 0", "FAN_OUT = 1", "AVERAGE = 2" },
            EnumValues(FillerParameter.Descriptor.FindDescriptor<EnumDescriptor>("VarianceNorm")));
    }

    [TestMethod]
    public void LayerParametersMatchBvlc()
    {
        AssertFields(ConvolutionParameter.Descriptor, BvlcTables.ConvolutionParameter);
        AssertFields(PoolingParameter.Descriptor, BvlcTables.PoolingParameter);
        AssertFields(LRNParameter.Descriptor, BvlcTables.LRNParameter);
        AssertFields(LossParameter.Descriptor, BvlcTables.LossParameter);
        AssertFields(TransformationParameter.Descriptor, BvlcTables.TransformationParameter);
        AssertFields(ClipParameter.Descriptor, ["required float min = 1", "required float max = 2"]);
        CollectionAssert.AreEqual(new[] { "FULL = 0", "VALID = 1", "BATCH_SIZE = 2", "NONE = 3" },
            EnumValues(LossParameter.Descriptor.FindDescriptor<EnumDescriptor>("NormalizationMode")));
        CollectionAssert.AreEqual(new[] { "MAX = 0", "AVE = 1", "STOCHASTIC = 2" },
            EnumValues(PoolingParameter.Descriptor.FindDescriptor<EnumDescriptor>("PoolMethod")));
        CollectionAssert.AreEqual(new[] { "CEIL = 0", "FLOOR = 1" },
            EnumValues(PoolingParameter.Descriptor.FindDescriptor<EnumDescriptor>("RoundMode")));
        CollectionAssert.AreEqual(new[] { "ACROSS_CHANNELS = 0", "WITHIN_CHANNEL = 1" },
            EnumValues(LRNParameter.Descriptor.FindDescriptor<EnumDescriptor>("NormRegion")));
    }

    [TestMethod]
    public void LegacyLayersMatchBvlc()
    {
        AssertFields(V1LayerParameter.Descriptor, BvlcTables.V1LayerParameter);
        CollectionAssert.AreEqual(BvlcTables.V1LayerTypes,
            EnumValues(V1LayerParameter.Descriptor.FindDescriptor<EnumDescriptor>("LayerType")));
        AssertFields(V0LayerParameter.Descriptor, BvlcTables.V0LayerParameter);
    }

    // ---------------------------------------------------------------- defaults in generated C#

    [TestMethod]
    public void UnsetFieldsReadAsBvlcDefaults()
    {
        var lrn = new LRNParameter();
        Assert.AreEqual(5u, lrn.LocalSize);
        Assert.AreEqual(1f, lrn.Alpha);
        Assert.AreEqual(0.75f, lrn.Beta);
        Assert.AreEqual(1f, lrn.K);
        Assert.AreEqual(LRNParameter.Types.NormRegion.AcrossChannels, lrn.NormRegion);
        Assert.IsFalse(lrn.HasAlpha);

        var solver = new SolverParameter();
        Assert.AreEqual("SGD", solver.Type);
        Assert.AreEqual("L2", solver.RegularizationType);
        Assert.AreEqual(1e-8f, solver.Delta);
        Assert.AreEqual(0.999f, solver.Momentum2);
        Assert.AreEqual(0.99f, solver.RmsDecay);
        Assert.AreEqual(-1f, solver.ClipGradients);
        Assert.AreEqual(-1L, solver.RandomSeed);
        Assert.AreEqual(1, solver.AverageLoss);
        Assert.AreEqual(1, solver.IterSize);
        Assert.IsTrue(solver.TestInitialization);
        Assert.IsTrue(solver.SnapshotAfterTrain);
        Assert.AreEqual(SolverParameter.Types.SnapshotFormat.Binaryproto, solver.SnapshotFormat);
        Assert.AreEqual(SolverParameter.Types.SolverMode.Gpu, solver.SolverMode);
        Assert.AreEqual(SolverParameter.Types.SolverType.Sgd, solver.SolverType);
        Assert.AreEqual(0f, solver.BaseLr);
        Assert.AreEqual("", solver.LrPolicy);

        var filler = new FillerParameter();
        Assert.AreEqual("constant", filler.Type);
        Assert.AreEqual(0f, filler.Value);
        Assert.AreEqual(1f, filler.Max);
        Assert.AreEqual(1f, filler.Std);
        Assert.AreEqual(-1, filler.Sparse);
        Assert.AreEqual(FillerParameter.Types.VarianceNorm.FanIn, filler.VarianceNorm);

        var conv = new ConvolutionParameter();
        Assert.IsTrue(conv.BiasTerm);
        Assert.AreEqual(1u, conv.Group);
        Assert.AreEqual(1, conv.Axis);
        Assert.AreEqual(0, conv.KernelSize.Count);

        var pooling = new PoolingParameter();
        Assert.AreEqual(PoolingParameter.Types.PoolMethod.Max, pooling.Pool);
        Assert.AreEqual(1u, pooling.Stride);
        Assert.AreEqual(PoolingParameter.Types.RoundMode.Ceil, pooling.RoundMode);

        Assert.AreEqual(Phase.Test, new NetState().Phase);
        Assert.AreEqual(1f, new ParamSpec().LrMult);
        Assert.AreEqual(1f, new ParamSpec().DecayMult);
        Assert.AreEqual(LossParameter.Types.NormalizationMode.Valid, new LossParameter().Normalization);
        Assert.AreEqual(1, new InnerProductParameter().Axis);
        Assert.AreEqual(4u, new DataParameter().Prefetch);
        Assert.AreEqual(1u, new ImageDataParameter().BatchSize);
        Assert.AreEqual(0.999f, new BatchNormParameter().MovingAverageFraction);
        Assert.AreEqual(1e-5f, new BatchNormParameter().Eps);
        Assert.AreEqual(1e-9f, new MVNParameter().Eps);
        Assert.AreEqual(0.5f, new DropoutParameter().DropoutRatio);
        Assert.AreEqual(-1f, new ExpParameter().Base);
        Assert.AreEqual(-1, new FlattenParameter().EndAxis);
        Assert.AreEqual(2, new CropParameter().Axis);
        Assert.AreEqual(-1, new ReshapeParameter().NumAxes);
        Assert.AreEqual(1f, new SwishParameter().Beta);
        Assert.AreEqual("warp", new WindowDataParameter().CropMode);
        Assert.AreEqual(EltwiseParameter.Types.EltwiseOp.Sum, new EltwiseParameter().Operation);
        Assert.AreEqual(ReductionParameter.Types.ReductionOp.Sum, new ReductionParameter().Operation);
        Assert.AreEqual(HingeLossParameter.Types.Norm.L1, new HingeLossParameter().Norm);
        Assert.IsTrue(new V0LayerParameter().Biasterm);
    }

    [TestMethod]
    public void DefaultsAreNotWrittenUnlessSet()
    {
        // proto2 presence: an untouched message is empty on the wire ...
        Assert.AreEqual(0, new LRNParameter().CalculateSize());
        Assert.AreEqual(0, new SolverParameter().CalculateSize());

        // ... while a value set explicitly, even equal to the default, is written and read back as set,
        // as Caffe does (the text printer shows it, upgrades test HasXxx).
        var lrn = new LRNParameter { Alpha = 1f, LocalSize = 3 };
        var read = LRNParameter.Parser.ParseFrom(lrn.ToByteArray());
        Assert.IsTrue(read.HasAlpha);
        Assert.AreEqual(1f, read.Alpha);
        Assert.AreEqual(3u, read.LocalSize);
        Assert.IsFalse(read.HasBeta);
        Assert.AreEqual(0.75f, read.Beta);

        read.ClearLocalSize();
        Assert.IsFalse(read.HasLocalSize);
        Assert.AreEqual(5u, read.LocalSize);

        var solver = SolverParameter.Parser.ParseFrom(new SolverParameter { Type = "SGD", BaseLr = 0.01f }.ToByteArray());
        Assert.IsTrue(solver.HasType);
        Assert.IsFalse(solver.HasSolverType);
        Assert.AreEqual(0.01f, solver.BaseLr);
    }

    /// <summary>"NAME = number" for each value, in declaration order.</summary>
    private static string[] EnumValues(EnumDescriptor descriptor) =>
        descriptor.Values.Select(v => $"{v.Name} = {v.Number}").ToArray();

    /// <summary>
    /// Compares a message's fields, in declaration order, with declarations written as in caffe.proto
    /// (<c>optional float alpha = 2 [default = 1.]</c>): label, type, name, number, default, packing.
    /// </summary>
    private static void AssertFields(MessageDescriptor descriptor, string[] declarations)
    {
        var fields = descriptor.Fields.InDeclarationOrder();
        Assert.AreEqual(declarations.Length, fields.Count, $"{descriptor.Name}: field count");
        for (int i = 0; i < declarations.Length; i++)
        {
            var expected = Declaration.Parse(declarations[i]);
            var field = fields[i];
            var proto = field.ToProto();
            string where = $"{descriptor.Name} field #{i} ({declarations[i]})";

            Assert.AreEqual(expected.Name, field.Name, where);
            Assert.AreEqual(expected.Number, field.FieldNumber, where);
            Assert.AreEqual(expected.Label, field.IsRepeated ? "repeated" : field.IsRequired ? "required" : "optional", where);
            Assert.AreEqual(expected.Type, TypeName(field), where);
            Assert.AreEqual(expected.Packed, field.IsPacked, where + ": packed");
            Assert.AreEqual(expected.Default != null, proto.HasDefaultValue, where + ": has default");
            if (expected.Default != null)
                AssertDefault(field, expected.Default, proto.DefaultValue, where);
        }
    }

    private static void AssertDefault(FieldDescriptor field, string expected, string actual, string where)
    {
        if (field.FieldType is FieldType.Float or FieldType.Double)
        {
            // protoc normalizes the spelling ("1." -> "1", "1e-8" -> "1e-08"); compare the numbers.
            Assert.AreEqual(double.Parse(expected, CultureInfo.InvariantCulture),
                            double.Parse(actual, CultureInfo.InvariantCulture), 0.0, where + ": default");
        }
        else
        {
            Assert.AreEqual(expected.Trim('"', '\''), actual, where + ": default");
        }
    }

    private static string TypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => field.MessageType.Name,
        FieldType.Enum => field.EnumType.Name,
        _ => field.FieldType.ToString().ToLowerInvariant(),
    };

    /// <summary>One declaration line of caffe.proto, taken apart.</summary>
    private sealed record Declaration(string Label, string Type, string Name, int Number, string? Default, bool Packed)
    {
        private static readonly Regex Pattern = new(
            @"^(optional|repeated|required) (\w+) (\w+) = (\d+)(?: \[(?:default = (?<default>[^\]]+)|(?<packed>packed = true))\])?$");

        public static Declaration Parse(string line)
        {
            var match = Pattern.Match(line);
            Assert.IsTrue(match.Success, $"bad table line: {line}");
            var defaultGroup = match.Groups["default"];
            return new Declaration(match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value,
                int.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture),
                defaultGroup.Success ? defaultGroup.Value : null, match.Groups["packed"].Success);
        }
    }
}
