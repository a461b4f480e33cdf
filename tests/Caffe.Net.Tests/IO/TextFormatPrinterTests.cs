using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using FileOptions = Google.Protobuf.Reflection.FileOptions;

namespace Caffe.Tests.IO;

/// <summary>
/// The printer against the exact text C++ TextFormat::Printer writes. Float strings are C
/// <c>printf("%.6g")</c>/<c>("%.9g")</c> results (SimpleFtoa), doubles <c>%.15g</c>/<c>%.17g</c> (SimpleDtoa).
/// </summary>
[TestClass]
public sealed class TextFormatPrinterTests
{
    [TestMethod]
    [DataRow(0.1f, "0.1")]
    [DataRow(1e-5f, "1e-05")]
    [DataRow(1e-6f, "1e-06")]
    [DataRow(3e-5f, "3e-05")]
    [DataRow(1.5e-7f, "1.5e-07")]
    [DataRow(0.0001f, "0.0001")]
    [DataRow(0.0005f, "0.0005")]
    [DataRow(0.9f, "0.9")]
    [DataRow(0.7f, "0.7")]
    [DataRow(0.5f, "0.5")]
    [DataRow(2.5f, "2.5")]
    [DataRow(-1.5f, "-1.5")]
    [DataRow(100f, "100")]
    [DataRow(100000f, "100000")]
    [DataRow(1e6f, "1e+06")]
    [DataRow(1e10f, "1e+10")]
    [DataRow(123456f, "123456")]
    [DataRow(1234567f, "1234567")]       // %.6g gives 1.23457e+06, which is another float
    [DataRow(16777216f, "16777216")]
    [DataRow(999999.9f, "999999.875")]
    [DataRow(0.3333333f, "0.333333313")]
    [DataRow(0.00392156839f, "0.00392156839")] // Caffe's 1/255 scale
    [DataRow(3.4028235e38f, "3.40282347e+38")]
    [DataRow(1.17549435e-38f, "1.17549435e-38")]
    [DataRow(6e-39f, "5.99999989e-39")]   // subnormal: glibc strtof reports ERANGE, so 9 digits
    [DataRow(float.Epsilon, "1.40129846e-45")]
    [DataRow(0f, "0")]
    [DataRow(-0f, "-0")]
    [DataRow(float.PositiveInfinity, "inf")]
    [DataRow(float.NegativeInfinity, "-inf")]
    [DataRow(float.NaN, "nan")]
    public void FloatsPrintLikeSimpleFtoa(float value, string expected)
    {
        Assert.AreEqual(expected, CFloatFormat.SimpleFtoa(value));
        if (BitConverter.SingleToInt32Bits(value) != 0) // proto3 FloatValue omits +0
            Assert.AreEqual($"value: {expected}\n", TextFormat.Print(new FloatValue { Value = value }));
    }

    [TestMethod]
    [DataRow(0.1, "0.1")]
    [DataRow(1.0 / 3, "0.33333333333333331")]
    [DataRow(0.30000000000000004, "0.30000000000000004")]
    [DataRow(1e-5, "1e-05")]
    [DataRow(0.0001, "0.0001")]
    [DataRow(100.0, "100")]
    [DataRow(1e15, "1e+15")]
    [DataRow(1e16, "1e+16")]
    [DataRow(1e100, "1e+100")]
    [DataRow(123456789012345678.0, "1.2345678901234568e+17")]
    [DataRow(2.2250738585072014e-308, "2.2250738585072014e-308")]
    [DataRow(double.Epsilon, "4.94065645841247e-324")]
    [DataRow(-0.0, "-0")]
    [DataRow(double.NegativeInfinity, "-inf")]
    [DataRow(double.NaN, "nan")]
    public void DoublesPrintLikeSimpleDtoa(double value, string expected)
    {
        Assert.AreEqual(expected, CFloatFormat.SimpleDtoa(value));
        Assert.AreEqual($"double_value: {expected}\n", TextFormat.Print(new UninterpretedOption { DoubleValue = value }));
    }

    [TestMethod]
    [DataRow(2.5, 1, "2")]            // exact ties round to even, as glibc printf
    [DataRow(3.5, 1, "4")]
    [DataRow(0.125, 2, "0.12")]
    [DataRow(0.375, 2, "0.38")]
    [DataRow(9.9999999, 6, "10")]     // rounding carries into a new digit
    [DataRow(999999.5, 6, "1e+06")]
    [DataRow(0.0001234, 3, "0.000123")]
    [DataRow(0.00001234, 3, "1.23e-05")]
    [DataRow(1e-300, 6, "1e-300")]
    [DataRow(123.456, 0, "1e+02")]    // precision 0 means 1
    [DataRow(1.5, 17, "1.5")]
    public void FormatGFollowsPrintf(double value, int precision, string expected) =>
        Assert.AreEqual(expected, CFloatFormat.FormatG(value, precision));

    [TestMethod]
    public void FieldsPrintInFieldNumberOrderWithTwoSpaceIndent()
    {
        // descriptor.proto declares number, label, type, type_name before extendee (2) and
        // options (8) before oneof_index (9)... the printer must follow the numbers.
        var field = new FieldDescriptorProto
        {
            JsonName = "j",
            OneofIndex = 0,
            Options = new FieldOptions { Deprecated = true, Packed = false },
            Extendee = ".caffe.X",
            Type = FieldDescriptorProto.Types.Type.Float,
            Label = FieldDescriptorProto.Types.Label.Repeated,
            Number = 7,
            Name = "blobs_lr",
            Proto3Optional = true,
        };
        Assert.AreEqual("""
            name: "blobs_lr"
            extendee: ".caffe.X"
            number: 7
            label: LABEL_REPEATED
            type: TYPE_FLOAT
            options {
              packed: false
              deprecated: true
            }
            oneof_index: 0
            json_name: "j"
            proto3_optional: true

            """, TextFormat.Print(field));
    }

    [TestMethod]
    public void NestingRepeatedAndEmptyMessages()
    {
        var message = new DescriptorProto
        {
            Name = "Net",
            Field = { new FieldDescriptorProto { Name = "a", Options = new FieldOptions() }, new FieldDescriptorProto() },
            NestedType = { new DescriptorProto { Name = "Inner", ReservedName = { "x", "y" } } },
        };
        Assert.AreEqual("""
            name: "Net"
            field {
              name: "a"
              options {
              }
            }
            field {
            }
            nested_type {
              name: "Inner"
              reserved_name: "x"
              reserved_name: "y"
            }

            """, TextFormat.Print(message));
        Assert.AreEqual("", TextFormat.Print(new DescriptorProto()));
    }

    [TestMethod]
    public void OnlyPresentFieldsPrint()
    {
        // proto2: explicitly set defaults print, unset fields do not.
        Assert.AreEqual("number: 0\n", TextFormat.Print(new FieldDescriptorProto { Number = 0 }));
        Assert.AreEqual("name: \"\"\n", TextFormat.Print(new FieldDescriptorProto { Name = "" }));
        // proto3 without presence: zero values are absent.
        Assert.AreEqual("", TextFormat.Print(new FloatValue { Value = 0f }));
        Assert.AreEqual("", TextFormat.Print(new StringValue { Value = "" }));
        Assert.AreEqual("value: -0\n", TextFormat.Print(new FloatValue { Value = -0f }));
    }

    [TestMethod]
    public void StringsAreCEscaped()
    {
        var field = new FieldDescriptorProto { Name = "a\"b'c\\d\n\t\r\u0001\u007f é日" };
        Assert.AreEqual("name: \"a\\\"b\\'c\\\\d\\n\\t\\r\\001\\177 \\303\\251\\346\\227\\245\"\n", TextFormat.Print(field));

        var option = new UninterpretedOption { StringValue = ByteString.CopyFrom(0, 0xFF, (byte)'?', 0x80, 7) };
        Assert.AreEqual("string_value: \"\\000\\377?\\200\\007\"\n", TextFormat.Print(option));
    }

    [TestMethod]
    public void IntegersEnumsAndBools()
    {
        var option = new UninterpretedOption { PositiveIntValue = ulong.MaxValue, NegativeIntValue = long.MinValue };
        Assert.AreEqual("positive_int_value: 18446744073709551615\nnegative_int_value: -9223372036854775808\n", TextFormat.Print(option));
        Assert.AreEqual("number: -2147483648\n", TextFormat.Print(new FieldDescriptorProto { Number = int.MinValue }));
        Assert.AreEqual("value: 4294967295\n", TextFormat.Print(new UInt32Value { Value = uint.MaxValue }));
        Assert.AreEqual("value: true\n", TextFormat.Print(new BoolValue { Value = true }));
        Assert.AreEqual("null_value: 7\n", TextFormat.Print(new Value { NullValue = (NullValue)7 }), "a number without a name prints as the number");
    }

    [TestMethod]
    public void MapsPrintSortedByKeyWithKeyAndValue()
    {
        var data = new Struct
        {
            Fields =
            {
                ["b"] = Value.ForNumber(2),
                ["a"] = Value.ForString("x"),
                ["c"] = new Value(),
            },
        };
        Assert.AreEqual("""
            fields {
              key: "a"
              value {
                string_value: "x"
              }
            }
            fields {
              key: "b"
              value {
                number_value: 2
              }
            }
            fields {
              key: "c"
              value {
              }
            }

            """, TextFormat.Print(data));
        Assert.AreEqual(data, TextFormat.Parse<Struct>(TextFormat.Print(data)));
    }

    [TestMethod]
    public void PrintThenParseIsIdentity()
    {
        var file = new FileDescriptorProto
        {
            Name = "weird \"name\"\n\\",
            Dependency = { "", "é" },
            PublicDependency = { 0, -1, int.MaxValue },
            MessageType =
            {
                new DescriptorProto
                {
                    Name = "M",
                    Field = { new FieldDescriptorProto { Number = 1, Label = FieldDescriptorProto.Types.Label.Required, DefaultValue = "-inf" } },
                    Options = new MessageOptions { Deprecated = false },
                },
            },
            Options = new FileOptions { OptimizeFor = FileOptions.Types.OptimizeMode.CodeSize, JavaMultipleFiles = true },
        };
        Assert.AreEqual(file, TextFormat.Parse<FileDescriptorProto>(TextFormat.Print(file)));

        foreach (float value in new[] { 0.1f, 1e-5f, float.MaxValue, float.Epsilon, 0.3333333f, -0f, float.PositiveInfinity, 6e-39f, 1234567f })
            Assert.AreEqual(value, TextFormat.Parse<FloatValue>(TextFormat.Print(new FloatValue { Value = value })).Value, $"{value:R}");
        foreach (double value in new[] { 0.1, 1.0 / 3, double.MaxValue, double.Epsilon, -0.0, 1e300, double.NegativeInfinity })
            Assert.AreEqual(value, TextFormat.Parse<UninterpretedOption>(TextFormat.Print(new UninterpretedOption { DoubleValue = value })).DoubleValue, $"{value:R}");
    }
}
