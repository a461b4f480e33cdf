using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using FileOptions = Google.Protobuf.Reflection.FileOptions;

namespace Caffe.Tests.IO;

/// <summary>
/// Parser syntax on Google.Protobuf's own messages (descriptor.proto is proto2 with nested
/// messages, enums, repeated strings/ints, bools, int64/uint64/double/bytes; the well-known
/// types are proto3 with floats, oneofs and maps).
/// </summary>
[TestClass]
public sealed class TextFormatParserTests
{
    [TestMethod]
    public void NestedMessagesEnumsRepeatedAndComments()
    {
        var file = TextFormat.Parse<FileDescriptorProto>("""
            # a file descriptor, written by hand
            name: "caffe.proto"   # trailing comment
            package: 'caffe'
            dependency: "a.proto"
            dependency: "b.proto"
            public_dependency: 1
            public_dependency: 0
            message_type {
              name: "BlobShape"
              field {
                name: "dim"
                number: 1
                label: LABEL_REPEATED
                type: TYPE_INT64
                options { packed: true }
              }
            }
            message_type: {
              name: "Datum"
            }
            message_type <
              name: "Old"
            >
            options { java_package: "org.caffe" optimize_for: LITE_RUNTIME }
            syntax: "proto2"
            """);

        Assert.AreEqual("caffe.proto", file.Name);
        Assert.AreEqual("caffe", file.Package);
        CollectionAssert.AreEqual(new[] { "a.proto", "b.proto" }, file.Dependency.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 0 }, file.PublicDependency.ToArray());
        Assert.AreEqual(3, file.MessageType.Count);
        FieldDescriptorProto dim = file.MessageType[0].Field[0];
        Assert.AreEqual("dim", dim.Name);
        Assert.AreEqual(1, dim.Number);
        Assert.AreEqual(FieldDescriptorProto.Types.Label.Repeated, dim.Label);
        Assert.AreEqual(FieldDescriptorProto.Types.Type.Int64, dim.Type);
        Assert.IsTrue(dim.Options.Packed);
        Assert.AreEqual("Datum", file.MessageType[1].Name);
        Assert.AreEqual("Old", file.MessageType[2].Name);
        Assert.AreEqual("org.caffe", file.Options.JavaPackage);
        Assert.AreEqual(FileOptions.Types.OptimizeMode.LiteRuntime, file.Options.OptimizeFor);
        Assert.AreEqual("proto2", file.Syntax);
        Assert.IsFalse(file.HasEdition);
    }

    [TestMethod]
    public void SeparatorsAndLayoutAreFree()
    {
        var message = TextFormat.Parse<DescriptorProto>(
            "name:\"A\";field{name:'x',number:1;}field{name:\"y\" number:2},reserved_name:\"z\"");
        Assert.AreEqual("A", message.Name);
        Assert.AreEqual(2, message.Field.Count);
        Assert.AreEqual("y", message.Field[1].Name);
        Assert.AreEqual(2, message.Field[1].Number);
        CollectionAssert.AreEqual(new[] { "z" }, message.ReservedName.ToArray());

        var spaced = TextFormat.Parse<DescriptorProto>("name\n:\n\"A\"\r\n\tfield\n{\n}\n");
        Assert.AreEqual("A", spaced.Name);
        Assert.AreEqual(1, spaced.Field.Count);
    }

    [TestMethod]
    public void EmptyTextGivesEmptyMessage()
    {
        Assert.AreEqual(new FileDescriptorProto(), TextFormat.Parse<FileDescriptorProto>(""));
        Assert.AreEqual(new FileDescriptorProto(), TextFormat.Parse<FileDescriptorProto>("  # only a comment\n\n"));
    }

    [TestMethod]
    public void ListSyntaxForScalarsMessagesAndEmpty()
    {
        var file = TextFormat.Parse<FileDescriptorProto>("""
            dependency: ["a", 'b', "c"]
            public_dependency: [3, 0x10, 010]
            weak_dependency: []
            message_type [{ name: "M1" }, < name: "M2" >]
            enum_type: [{ name: "E" value [{ name: "ZERO" number: 0 }, { name: "ONE" number: 1 }] }]
            """);
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, file.Dependency.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 16, 8 }, file.PublicDependency.ToArray());
        Assert.AreEqual(0, file.WeakDependency.Count);
        CollectionAssert.AreEqual(new[] { "M1", "M2" }, file.MessageType.Select(m => m.Name).ToArray());
        CollectionAssert.AreEqual(new[] { 0, 1 }, file.EnumType[0].Value.Select(v => v.Number).ToArray());
    }

    [TestMethod]
    public void ListsAndSingleValuesMix()
    {
        var file = TextFormat.Parse<FileDescriptorProto>("public_dependency: 1 public_dependency: [2, 3] public_dependency: 4");
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, file.PublicDependency.ToArray());
    }

    [TestMethod]
    public void StringEscapes()
    {
        var field = TextFormat.Parse<FieldDescriptorProto>(
            """name: "a\nb\tc\rd\\e\'f\"g\a\b\f\v\?" json_name: 'it\'s "quoted"'""");
        Assert.AreEqual("a\nb\tc\rd\\e'f\"g\a\b\f\v?", field.Name);
        Assert.AreEqual("it's \"quoted\"", field.JsonName);

        Assert.AreEqual("ABC", TextFormat.Parse<FieldDescriptorProto>("""name: "\101\x42\103" """).Name);
        Assert.AreEqual("\0" + "7", TextFormat.Parse<FieldDescriptorProto>("""name: "\0007" """).Name);
        Assert.AreEqual("\u0001g", TextFormat.Parse<FieldDescriptorProto>("""name: "\x1g" """).Name);
        Assert.AreEqual("é€", TextFormat.Parse<FieldDescriptorProto>("""name: "\u00e9\u20AC" """).Name);
        Assert.AreEqual("😀", TextFormat.Parse<FieldDescriptorProto>("""name: "\U0001F600" """).Name);
        Assert.AreEqual("😀", TextFormat.Parse<FieldDescriptorProto>("""name: "\ud83d\ude00" """).Name);
        Assert.AreEqual("é", TextFormat.Parse<FieldDescriptorProto>("""name: "\303\251" """).Name);
        Assert.AreEqual("日本", TextFormat.Parse<FieldDescriptorProto>("name: \"日本\"").Name);
    }

    [TestMethod]
    public void AdjacentStringLiteralsConcatenate()
    {
        var field = TextFormat.Parse<FieldDescriptorProto>("name: \"con\" 'cat' \"\"\n  \"enated\" number: 1");
        Assert.AreEqual("concatenated", field.Name);
        Assert.AreEqual(1, field.Number);
    }

    [TestMethod]
    public void BytesTakeRawEscapedBytes()
    {
        var option = TextFormat.Parse<UninterpretedOption>("""string_value: "\377\000a\x80\u00e9" 'z'""");
        CollectionAssert.AreEqual(new byte[] { 0xFF, 0x00, (byte)'a', 0x80, 0xC3, 0xA9, (byte)'z' }, option.StringValue.ToByteArray());
    }

    [TestMethod]
    public void EnumsByNameOrNumber()
    {
        var byName = TextFormat.Parse<FieldDescriptorProto>("label: LABEL_OPTIONAL type: TYPE_STRING");
        var byNumber = TextFormat.Parse<FieldDescriptorProto>("label: 1 type: 9");
        Assert.AreEqual(FieldDescriptorProto.Types.Label.Optional, byNumber.Label);
        Assert.AreEqual(FieldDescriptorProto.Types.Type.String, byNumber.Type);
        Assert.AreEqual(byName, byNumber);
    }

    [TestMethod]
    public void Proto3EnumsKeepUnknownNumbers()
    {
        var value = TextFormat.Parse<Value>("null_value: 7");
        Assert.AreEqual(Value.KindOneofCase.NullValue, value.KindCase);
        Assert.AreEqual(7, (int)value.NullValue);
    }

    [TestMethod]
    public void IntegerFormsAndLimits()
    {
        Assert.AreEqual(-2147483648, TextFormat.Parse<FieldDescriptorProto>("number: -2147483648").Number);
        Assert.AreEqual(2147483647, TextFormat.Parse<FieldDescriptorProto>("number: 0x7fffffff").Number);
        Assert.AreEqual(-8, TextFormat.Parse<FieldDescriptorProto>("number: -010").Number);
        Assert.AreEqual(0, TextFormat.Parse<FieldDescriptorProto>("number: 0").Number);
        Assert.AreEqual(-5, TextFormat.Parse<FieldDescriptorProto>("number: - 5").Number);

        Assert.AreEqual(ulong.MaxValue, TextFormat.Parse<UninterpretedOption>("positive_int_value: 18446744073709551615").PositiveIntValue);
        Assert.AreEqual(ulong.MaxValue, TextFormat.Parse<UninterpretedOption>("positive_int_value: 0xFFFFFFFFFFFFFFFF").PositiveIntValue);
        Assert.AreEqual(long.MinValue, TextFormat.Parse<UninterpretedOption>("negative_int_value: -9223372036854775808").NegativeIntValue);
        Assert.AreEqual(long.MaxValue, TextFormat.Parse<UninterpretedOption>("negative_int_value: 9223372036854775807").NegativeIntValue);
        Assert.AreEqual(uint.MaxValue, TextFormat.Parse<UInt32Value>("value: 4294967295").Value);
    }

    [TestMethod]
    public void FloatingPointForms()
    {
        static double D(string text) => TextFormat.Parse<UninterpretedOption>("double_value: " + text).DoubleValue;
        static float F(string text) => TextFormat.Parse<FloatValue>("value: " + text).Value;

        Assert.AreEqual(1.0, D("1"));
        Assert.AreEqual(1.5, D("1.5"));
        Assert.AreEqual(1e-3, D("1e-3"));
        Assert.AreEqual(2.5e10, D("2.5E+10"));
        Assert.AreEqual(0.5, D(".5"));
        Assert.AreEqual(5.0, D("5."));
        Assert.AreEqual(1.5, D("1.5f"));
        Assert.AreEqual(1.5, D("1.5F"));
        Assert.AreEqual(3.0, D("3f"));
        Assert.AreEqual(-0.25, D("-0.25"));
        Assert.AreEqual(18446744073709551616.0, D("18446744073709551616"));
        Assert.AreEqual(double.PositiveInfinity, D("inf"));
        Assert.AreEqual(double.NegativeInfinity, D("-inf"));
        Assert.AreEqual(double.PositiveInfinity, D("Infinity"));
        Assert.AreEqual(double.NegativeInfinity, D("-INF"));
        Assert.IsTrue(double.IsNaN(D("nan")));
        Assert.IsTrue(double.IsNaN(D("NaN")));
        Assert.IsTrue(double.IsPositiveInfinity(D("1e400")));

        Assert.AreEqual(0.1f, F("0.1"));
        Assert.AreEqual(1e-5f, F("1e-05"));
        Assert.AreEqual(0.00392156839f, F("0.00392156839"));
        Assert.AreEqual(float.MaxValue, F("3.40282347e+38"));
        Assert.AreEqual(float.MaxValue, F("3.4028235e38"));
        Assert.AreEqual(float.PositiveInfinity, F("3.5e38"));
        Assert.AreEqual(float.Epsilon, F("1.40129846e-45"));
        Assert.AreEqual(-2f, F("-2"));
        Assert.AreEqual(float.NegativeInfinity, F("-infinity"));
        Assert.IsTrue(float.IsNaN(F("-nan")));
    }

    [TestMethod]
    public void BoolSpellings()
    {
        foreach (string yes in new[] { "true", "True", "t", "1" })
            Assert.IsTrue(TextFormat.Parse<FieldOptions>("packed: " + yes).Packed, yes);
        foreach (string no in new[] { "false", "False", "f", "0" })
        {
            var options = TextFormat.Parse<FieldOptions>("packed: " + no);
            Assert.IsTrue(options.HasPacked, no);
            Assert.IsFalse(options.Packed, no);
        }
    }

    [TestMethod]
    public void ProtoTwoPresenceIsRecorded()
    {
        var field = TextFormat.Parse<FieldDescriptorProto>("number: 0 name: \"\"");
        Assert.IsTrue(field.HasNumber);
        Assert.IsTrue(field.HasName);
        Assert.IsFalse(field.HasLabel);
        Assert.IsNull(field.Options);
        Assert.IsNotNull(TextFormat.Parse<FieldDescriptorProto>("options {}").Options);
    }

    [TestMethod]
    public void MapsAndOneofs()
    {
        var data = TextFormat.Parse<Struct>("""
            fields { key: "lr" value { number_value: 0.01 } }
            fields { value { string_value: "x" } key: "name" }
            fields { key: "empty" }
            fields [{ key: "flag" value: { bool_value: true } }]
            """);
        Assert.AreEqual(4, data.Fields.Count);
        Assert.AreEqual(0.01, data.Fields["lr"].NumberValue);
        Assert.AreEqual("x", data.Fields["name"].StringValue);
        Assert.AreEqual(Value.KindOneofCase.None, data.Fields["empty"].KindCase);
        Assert.IsTrue(data.Fields["flag"].BoolValue);

        var list = TextFormat.Parse<Value>("list_value { values { number_value: 1 } values { null_value: NULL_VALUE } }");
        Assert.AreEqual(2, list.ListValue.Values.Count);
        Assert.AreEqual(Value.KindOneofCase.NullValue, list.ListValue.Values[1].KindCase);
    }

    [TestMethod]
    public void MergeAppendsMergesAndOverwrites()
    {
        var field = TextFormat.Parse<FieldDescriptorProto>("name: \"a\" options { packed: true }");
        TextFormat.Merge("name: \"b\" options { deprecated: true } name: \"c\"", field);
        Assert.AreEqual("c", field.Name);
        Assert.IsTrue(field.Options.Packed);
        Assert.IsTrue(field.Options.Deprecated);

        var file = TextFormat.Parse<FileDescriptorProto>("dependency: \"a\"");
        TextFormat.Merge("dependency: \"b\"", file);
        CollectionAssert.AreEqual(new[] { "a", "b" }, file.Dependency.ToArray());
    }

    [TestMethod]
    public void ParseFileAndWriteFileRoundTrip()
    {
        string folder = Path.Combine(Path.GetTempPath(), "caffe-textformat-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "descriptor.prototxt");
            var original = TextFormat.Parse<FileDescriptorProto>("name: \"x.proto\" message_type { name: \"M\" field { name: \"f\" number: 3 } }");
            TextFormat.WriteFile(path, original);
            TextFormat.WriteFile(path, original); // overwrites in place
            Assert.AreEqual(TextFormat.Print(original), File.ReadAllText(path));
            Assert.AreEqual(original, TextFormat.ParseFile<FileDescriptorProto>(path));
            CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(folder), "no temporary file is left behind");

            File.WriteAllText(path, "name: \"x\"\nnumber: \"three\"\n");
            var error = Assert.ThrowsExactly<TextFormatException>(() => TextFormat.ParseFile<FieldDescriptorProto>(path));
            Assert.AreEqual(path, error.FileName);
            StringAssert.StartsWith(error.Message, path + ":2:9: number: expected integer");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
