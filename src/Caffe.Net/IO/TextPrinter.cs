using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Caffe;

/// <summary>
/// Prints a message the way C++ <c>TextFormat::Printer</c> does with its defaults (what BVLC
/// Caffe's <c>WriteProtoToTextFile</c> writes): present fields in field-number order, two-space
/// indent, <c>name: value</c> and <c>name {</c> ... <c>}</c>, strings C-escaped (bytes ≥ 0x80
/// as octal), enums by name, floats via <see cref="CFloatFormat"/>. Unknown fields are not printed.
/// </summary>
internal sealed class TextPrinter
{
    private readonly StringBuilder _out = new();
    private int _indent;

    public static string Print(IMessage message)
    {
        var printer = new TextPrinter();
        printer.PrintFields(message);
        return printer._out.ToString();
    }

    private void PrintFields(IMessage message)
    {
        foreach (FieldDescriptor field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            object value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                PrintMap(field, (IDictionary)value);
            }
            else if (field.IsRepeated)
            {
                foreach (object element in (IList)value) PrintField(field, element);
            }
            else if (ProtoFields.IsPresent(message, field))
            {
                PrintField(field, value);
            }
        }
    }

    private void PrintField(FieldDescriptor field, object value)
    {
        // Groups print with their type's (capitalized) name, as in C++.
        string name = field.FieldType == FieldType.Group ? field.MessageType.Name : field.Name;
        if (ProtoFields.IsMessage(field))
        {
            Line(name + " {");
            _indent++;
            PrintFields((IMessage)value);
            _indent--;
            Line("}");
        }
        else
        {
            Line(name + ": " + FormatScalar(field, value));
        }
    }

    // C++ prints map entries sorted by key, each with both key and value.
    private void PrintMap(FieldDescriptor field, IDictionary map)
    {
        FieldDescriptor keyField = field.MessageType.FindFieldByNumber(1);
        FieldDescriptor valueField = field.MessageType.FindFieldByNumber(2);
        var keys = map.Keys.Cast<object>().ToList();
        keys.Sort(CompareKeys);
        foreach (object key in keys)
        {
            Line(field.Name + " {");
            _indent++;
            PrintField(keyField, key);
            PrintField(valueField, map[key]!);
            _indent--;
            Line("}");
        }
    }

    private static int CompareKeys(object a, object b) => a is string sa && b is string sb
        ? CompareUtf8(sa, sb)
        : Comparer<object>.Default.Compare(a, b);

    private static int CompareUtf8(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    private void Line(string text) => _out.Append(' ', 2 * _indent).Append(text).Append('\n');

    private static string FormatScalar(FieldDescriptor field, object value) => field.FieldType switch
    {
        FieldType.Float => CFloatFormat.SimpleFtoa((float)value),
        FieldType.Double => CFloatFormat.SimpleDtoa((double)value),
        FieldType.Bool => (bool)value ? "true" : "false",
        FieldType.String => Quote(Encoding.UTF8.GetBytes((string)value)),
        FieldType.Bytes => Quote(((ByteString)value).Span),
        FieldType.Enum => EnumName(field.EnumType, Convert.ToInt32(value, CultureInfo.InvariantCulture)),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    // A number without a name (possible in C#, where enums are open) prints as the number, as C++ does.
    private static string EnumName(EnumDescriptor type, int number) =>
        type.FindValueByNumber(number)?.Name ?? number.ToString(CultureInfo.InvariantCulture);

    /// <summary>C++ <c>CEscape</c> in double quotes: \n \r \t \" \' \\ by name, other non-printable bytes as 3-digit octal.</summary>
    internal static string Quote(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 2);
        text.Append('"');
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case (byte)'"': text.Append("\\\""); break;
                case (byte)'\'': text.Append("\\'"); break;
                case (byte)'\\': text.Append("\\\\"); break;
                default:
                    if (b is >= 0x20 and < 0x7F) text.Append((char)b);
                    else text.Append('\\').Append((char)('0' + (b >> 6))).Append((char)('0' + ((b >> 3) & 7))).Append((char)('0' + (b & 7)));
                    break;
            }
        }
        return text.Append('"').ToString();
    }
}
