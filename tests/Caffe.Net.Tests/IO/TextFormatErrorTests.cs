using Google.Protobuf;

namespace Caffe.Tests.IO;

/// <summary>
/// Malformed prototxts: each error kind several times, as edits of a real Caffe file
/// (bvlc/mnist/lenet_train_test.prototxt and lenet_solver.prototxt), checking the exception
/// type, line:column, field path and the key phrase of the message.
/// </summary>
[TestClass]
public sealed class TextFormatErrorTests
{
    private const string NetFile = "lenet_train_test.prototxt";
    private const string SolverFile = "lenet_solver.prototxt";
    private static readonly string[] NetLines = File.ReadAllLines(TestData.Model("bvlc/mnist/lenet_train_test.prototxt"));
    private static readonly string[] SolverLines = File.ReadAllLines(TestData.Model("bvlc/mnist/lenet_solver.prototxt"));

    // ---- unknown field ----

    [TestMethod]
    public void UnknownFieldInNestedMessageSuggestsTheClosestName() =>
        NetError(Replace(NetLines, 48, "    num_outptu: 20"), 48, 5, "layer[2].convolution_param.num_outptu",
            "unknown field 'num_outptu' in caffe.ConvolutionParameter (did you mean 'num_output'?)");

    [TestMethod]
    public void UnknownTopLevelField() =>
        NetError(Insert(NetLines, 1, "input_dims: 1"), 1, 1, "input_dims",
            "unknown field 'input_dims' in caffe.NetParameter (did you mean 'input_dim'?)");

    [TestMethod]
    public void UnknownFieldWithoutCloseNameHasNoSuggestion()
    {
        var error = NetError(Replace(NetLines, 16, "    storage_engine: LMDB"), 16, 5, "layer[0].data_param.storage_engine",
            "unknown field 'storage_engine' in caffe.DataParameter");
        Assert.IsFalse(error.Problem.Contains("did you mean"), error.Message);
    }

    [TestMethod]
    public void UnknownSolverField() =>
        SolverError(Replace(SolverLines, 14, "lr_polcy: \"inv\""), 14, 1, "lr_polcy",
            "unknown field 'lr_polcy' in caffe.SolverParameter (did you mean 'lr_policy'?)");

    // ---- non-repeated field given twice ----

    [TestMethod]
    public void ScalarFieldTwice() =>
        NetError(Insert(NetLines, 38, "  name: \"conv1b\""), 38, 3, "layer[2].name",
            "non-repeated field 'name' is specified multiple times (first at 37:3)");

    [TestMethod]
    public void MessageFieldTwice() =>
        NetError(Insert(NetLines, 58, "  convolution_param { num_output: 5 }"), 58, 3, "layer[2].convolution_param",
            "non-repeated field 'convolution_param' is specified multiple times (first at 47:3)");

    [TestMethod]
    public void EnumFieldTwiceOnOneLine() =>
        NetError(Replace(NetLines, 65, "    pool: MAX pool: AVE"), 65, 15, "layer[3].pooling_param.pool",
            "non-repeated field 'pool' is specified multiple times (first at 65:5)");

    [TestMethod]
    public void SolverScalarTwice() =>
        SolverError(Insert(SolverLines, 21, "base_lr: 0.1"), 21, 1, "base_lr",
            "non-repeated field 'base_lr' is specified multiple times (first at 10:1)");

    // ---- wrong value type ----

    [TestMethod]
    public void IdentifierForInteger() =>
        NetError(Replace(NetLines, 48, "    num_output: twenty"), 48, 17, "layer[2].convolution_param.num_output",
            "expected integer, got identifier 'twenty'");

    [TestMethod]
    public void FloatForInteger() =>
        NetError(Replace(NetLines, 49, "    kernel_size: 2.5"), 49, 18, "layer[2].convolution_param.kernel_size[0]",
            "expected integer, got number '2.5'");

    [TestMethod]
    public void StringForFloat() =>
        NetError(Replace(NetLines, 11, "    scale: \"0.0039\""), 11, 12, "layer[0].transform_param.scale",
            "expected number, got string \"0.0039\"");

    [TestMethod]
    public void UnquotedString() =>
        NetError(Replace(NetLines, 37, "  name: conv1"), 37, 9, "layer[2].name",
            "expected string, got identifier 'conv1' (strings must be quoted)");

    [TestMethod]
    public void QuotedEnum() =>
        NetError(Replace(NetLines, 8, "    phase: \"TRAIN\""), 8, 12, "layer[0].include[0].phase",
            "expected an enum value name (TRAIN, TEST), got string \"TRAIN\"");

    [TestMethod]
    public void InvalidBool() =>
        NetError(Insert(NetLines, 49, "    bias_term: yes"), 49, 16, "layer[2].convolution_param.bias_term",
            "invalid value 'yes' for bool field 'bias_term'");

    [TestMethod]
    public void ScalarFieldWrittenAsMessage() =>
        NetError(Replace(NetLines, 48, "    num_output { }"), 48, 16, "layer[2].convolution_param.num_output",
            "expected ':' after field name 'num_output', got '{' ('num_output' is of type uint32, not a message)");

    [TestMethod]
    public void MessageFieldGivenAScalar() =>
        NetError(Replace(NetLines, 51, "    weight_filler: \"xavier\""), 51, 20, "layer[2].convolution_param.weight_filler",
            "expected '{' to start 'weight_filler' (caffe.FillerParameter), got string \"xavier\"");

    // ---- unknown enum value ----

    [TestMethod]
    public void UnknownEnumNameListsTheValidNames() =>
        NetError(Replace(NetLines, 65, "    pool: MAXIMUM"), 65, 11, "layer[3].pooling_param.pool",
            "unknown value 'MAXIMUM' for enum caffe.PoolingParameter.PoolMethod; valid values: MAX, AVE, STOCHASTIC");

    [TestMethod]
    public void MisspelledBackend() =>
        NetError(Replace(NetLines, 33, "    backend: LMBD"), 33, 14, "layer[1].data_param.backend",
            "unknown value 'LMBD' for enum caffe.DataParameter.DB; valid values: LEVELDB, LMDB");

    [TestMethod]
    public void UnknownEnumNumber() =>
        NetError(Replace(NetLines, 25, "    phase: 2"), 25, 12, "layer[1].include[0].phase",
            "unknown value 2 for enum caffe.Phase; valid values: TRAIN, TEST");

    [TestMethod]
    public void UnknownSolverMode() =>
        SolverError(Replace(SolverLines, 25, "solver_mode: TPU"), 25, 14, "solver_mode",
            "unknown value 'TPU' for enum caffe.SolverParameter.SolverMode; valid values: CPU, GPU");

    // ---- strings ----

    [TestMethod]
    public void StringMissingItsClosingQuote() =>
        NetError(Replace(NetLines, 14, "    source: \"examples/mnist/mnist_train_lmdb"), 14, 13, "layer[0].data_param.source",
            "unterminated string: a string literal cannot span lines");

    [TestMethod]
    public void StringCutByEndOfInput() =>
        NetError(string.Join('\n', NetLines[..166]) + "\n  top: \"lo", 167, 8, "layer[10].top[0]",
            "unterminated string: end of input before the closing quote");

    [TestMethod]
    public void InvalidEscape() =>
        NetError(Replace(NetLines, 52, "      type: \"xav\\ier\""), 52, 17, "layer[2].convolution_param.weight_filler.type",
            "invalid escape sequence '\\i' in string");

    // ---- braces ----

    [TestMethod]
    public void MissingLastBrace() =>
        NetError(string.Join('\n', NetLines[..167]) + "\n", 168, 1, "layer[10]",
            "reached end of input: expected '}' to close 'layer[10]' opened at 162:7");

    [TestMethod]
    public void TruncatedInsideNestedMessage() =>
        NetError(string.Join('\n', NetLines[..50]), 50, 14, "layer[2].convolution_param",
            "reached end of input: expected '}' to close 'layer[2].convolution_param' opened at 47:21");

    [TestMethod]
    public void ExtraClosingBrace() =>
        NetError(Insert(NetLines, 19, "}"), 19, 1, "",
            "unexpected '}': no message is open here");

    [TestMethod]
    public void MismatchedDelimiters() =>
        NetError(Replace(NetLines, 7, "  include <"), 9, 3, "layer[0].include[0]",
            "expected '>' to close 'layer[0].include[0]' opened at 7:11, got '}'");

    // ---- integer range ----

    [TestMethod]
    public void Uint32TooLarge() =>
        NetError(Replace(NetLines, 15, "    batch_size: 4294967296"), 15, 17, "layer[0].data_param.batch_size",
            "integer 4294967296 is out of range for uint32 field 'batch_size' (0 to 4294967295)");

    [TestMethod]
    public void NegativeUnsigned() =>
        NetError(Replace(NetLines, 67, "    stride: -2"), 67, 13, "layer[3].pooling_param.stride",
            "integer -2 is out of range for uint32 field 'stride' (0 to 4294967295)");

    [TestMethod]
    public void Int32TooLarge() =>
        SolverError(Replace(SolverLines, 20, "max_iter: 0x80000000"), 20, 11, "max_iter",
            "integer 0x80000000 is out of range for int32 field 'max_iter' (-2147483648 to 2147483647)");

    [TestMethod]
    public void Int64TooSmall() =>
        SolverError(Insert(SolverLines, 25, "random_seed: -9223372036854775809"), 25, 14, "random_seed",
            "integer -9223372036854775809 is out of range for int64 field 'random_seed' (-9223372036854775808 to 9223372036854775807)");

    // ---- malformed tokens ----

    [TestMethod]
    public void NumberRunningIntoLetters() =>
        NetError(Replace(NetLines, 49, "    kernel_size: 5x5"), 49, 18, "layer[2].convolution_param.kernel_size[0]",
            "malformed number '5x': a number must be followed by a space or a symbol");

    [TestMethod]
    public void ControlCharacterBetweenFields() =>
        NetError(Replace(NetLines, 40, "  top: \"conv1\" \u0007"), 40, 16, "layer[2]",
            "invalid control character U+0007");

    // ---- structure ----

    [TestMethod]
    public void MissingRequiredFieldIsReportedAtTheEnd()
    {
        // ClipParameter's min and max are proto2 'required', which C++ TextFormat::Parse enforces.
        string text = string.Join('\n', NetLines) + "\nlayer { name: \"clip\" type: \"Clip\" clip_param { min: -1 } }\n";
        NetError(text, 170, 1, "layer[11].clip_param.max",
            "message caffe.NetParameter is missing required fields: layer[11].clip_param.max");
    }

    [TestMethod]
    public void NestingDepthIsLimited()
    {
        string deep = string.Concat(Enumerable.Repeat("nested_type { ", 5000));
        var error = Assert.ThrowsExactly<TextFormatException>(() => TextFormat.Parse<Google.Protobuf.Reflection.DescriptorProto>(deep));
        Assert.AreEqual(14 * 100 + "nested_type ".Length + 1, error.Column, "at the brace opening level 101");
        StringAssert.Contains(error.Problem, "nested more than 100 levels");
    }

    [TestMethod]
    public void SecondMemberOfAOneof()
    {
        var error = Assert.ThrowsExactly<TextFormatException>(
            () => TextFormat.Parse<Google.Protobuf.WellKnownTypes.Value>("number_value: 1\nstring_value: \"x\""));
        Assert.AreEqual((2, 1, "string_value"), (error.Line, error.Column, error.FieldPath));
        StringAssert.Contains(error.Problem, "field 'string_value' is specified along with field 'number_value', another member of oneof 'kind'");
    }

    [TestMethod]
    public void ErrorsAreFormatExceptionsWithTheDocumentedMessage()
    {
        FormatException error = Assert.ThrowsExactly<TextFormatException>(
            () => TextFormat.Parse<NetParameter>(Replace(NetLines, 48, "    num_output: twenty"), NetFile));
        Assert.AreEqual("lenet_train_test.prototxt:48:17: layer[2].convolution_param.num_output: expected integer, got identifier 'twenty'", error.Message);

        var unnamed = Assert.ThrowsExactly<TextFormatException>(() => TextFormat.Parse<NetParameter>("name: 5"));
        Assert.IsNull(unnamed.FileName);
        Assert.AreEqual("<text>:1:7: name: expected string, got integer '5'", unnamed.Message);
    }

    private static string Replace(string[] lines, int lineNumber, string newLine)
    {
        var copy = (string[])lines.Clone();
        copy[lineNumber - 1] = newLine;
        return string.Join('\n', copy) + "\n";
    }

    /// <summary>Inserts <paramref name="line"/> so that it becomes line <paramref name="lineNumber"/>.</summary>
    private static string Insert(string[] lines, int lineNumber, string line)
    {
        var copy = lines.ToList();
        copy.Insert(lineNumber - 1, line);
        return string.Join('\n', copy) + "\n";
    }

    private static TextFormatException NetError(string text, int line, int column, string path, string phrase) =>
        AssertError<NetParameter>(text, NetFile, line, column, path, phrase);

    private static TextFormatException SolverError(string text, int line, int column, string path, string phrase) =>
        AssertError<SolverParameter>(text, SolverFile, line, column, path, phrase);

    private static TextFormatException AssertError<T>(string text, string file, int line, int column, string path, string phrase)
        where T : IMessage<T>, new()
    {
        var error = Assert.ThrowsExactly<TextFormatException>(() => TextFormat.Parse<T>(text, file));
        Assert.AreEqual(file, error.FileName, error.Message);
        Assert.AreEqual(line, error.Line, error.Message);
        Assert.AreEqual(column, error.Column, error.Message);
        Assert.AreEqual(path, error.FieldPath, error.Message);
        StringAssert.Contains(error.Problem, phrase, error.Message);
        StringAssert.StartsWith(error.Message, $"{file}:{line}:{column}: ");
        return error;
    }
}
