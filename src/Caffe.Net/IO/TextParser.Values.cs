using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Caffe;

/// <summary>Scalar values: integers, floats, bools, strings, bytes and enums (C++ TextFormat rules).</summary>
internal sealed partial class TextParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // C++ uses a positive quiet NaN; .NET's double.NaN has the sign bit set.
    private static readonly double PositiveNaN = BitConverter.Int64BitsToDouble(0x7FF8000000000000);

    private object ReadScalar(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (int)ReadSigned(field, int.MinValue, int.MaxValue),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => ReadSigned(field, long.MinValue, long.MaxValue),
        FieldType.UInt32 or FieldType.Fixed32 => (uint)ReadUnsigned(field, uint.MaxValue),
        FieldType.UInt64 or FieldType.Fixed64 => ReadUnsigned(field, ulong.MaxValue),
        // Rounds to nearest like C++ SafeDoubleToFloat: FLT_MAX printed as 3.40282347e+38 reads back as FLT_MAX.
        FieldType.Float => (float)ReadDouble(field),
        FieldType.Double => ReadDouble(field),
        FieldType.Bool => ReadBool(field),
        FieldType.String => ReadString(field),
        FieldType.Bytes => ByteString.CopyFrom(ReadStringBytes()),
        FieldType.Enum => ReadEnum(field),
        _ => throw Error(Current, $"field '{field.Name}' has unsupported type {field.FieldType}"),
    };

    private long ReadSigned(FieldDescriptor field, long min, long max)
    {
        Token start = Current;
        bool negative = TryConsume('-');
        Token number = Current;
        if (number.Kind != TokenKind.Integer)
            throw Error(number, $"expected integer, got {Describe(number)}");

        ulong limit = negative ? (ulong)(-(min + 1)) + 1 : (ulong)max;
        if (!TryParseInteger(number.Text, limit, out ulong magnitude))
            throw OutOfRange(start, field, (negative ? "-" : "") + number.Text, $"{min} to {max}");
        Advance();
        if (!negative) return (long)magnitude;
        return magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
    }

    private ulong ReadUnsigned(FieldDescriptor field, ulong max)
    {
        Token start = Current;
        bool negative = TryConsume('-');
        Token number = Current;
        if (number.Kind != TokenKind.Integer)
            throw Error(number, $"expected integer, got {Describe(number)}");
        if (negative || !TryParseInteger(number.Text, max, out ulong value))
            throw OutOfRange(start, field, (negative ? "-" : "") + number.Text, $"0 to {max}");
        Advance();
        return value;
    }

    private TextFormatException OutOfRange(Token at, FieldDescriptor field, string text, string range) =>
        Error(at, $"integer {text} is out of range for {ProtoFields.TypeName(field)} field '{field.Name}' ({range})");

    /// <summary>Decimal, <c>0x</c> hex or leading-zero octal, at most <paramref name="max"/> (C++ Tokenizer::ParseInteger).</summary>
    private static bool TryParseInteger(string text, ulong max, out ulong value)
    {
        value = 0;
        int start = 0;
        uint radix = 10;
        if (text.Length > 1 && text[0] == '0')
        {
            if (text[1] is 'x' or 'X')
            {
                radix = 16;
                start = 2;
            }
            else
            {
                radix = 8;
            }
        }
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            uint digit = c <= '9' ? (uint)(c - '0') : (uint)((c | 0x20) - 'a' + 10);
            if (digit >= radix) return false;
            if (digit > max || value > (max - digit) / radix) return false;
            value = value * radix + digit;
        }
        return true;
    }

    private double ReadDouble(FieldDescriptor field)
    {
        bool negative = TryConsume('-');
        Token token = Current;
        double value;
        switch (token.Kind)
        {
            case TokenKind.Integer:
                // C++ rejects hex and octal spellings for floating-point fields.
                if (token.Text.Length > 1 && token.Text[0] == '0')
                    throw Error(token, $"expected a decimal number for {ProtoFields.TypeName(field)} field '{field.Name}', got '{token.Text}'");
                value = ParseDecimal(token, token.Text);
                break;
            case TokenKind.Float:
                value = ParseDecimal(token, token.Text.TrimEnd('f', 'F'));
                break;
            case TokenKind.Identifier:
                string lower = token.Text.ToLowerInvariant();
                if (lower is "inf" or "infinity") value = double.PositiveInfinity;
                else if (lower == "nan") value = PositiveNaN;
                else throw Error(token, $"expected number, got {Describe(token)}");
                break;
            default:
                throw Error(token, $"expected number, got {Describe(token)}");
        }
        Advance();
        return negative ? -value : value;
    }

    private double ParseDecimal(Token token, string text)
    {
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double value))
            return value;
        throw Error(token, $"malformed number '{token.Text}'");
    }

    private bool ReadBool(FieldDescriptor field)
    {
        Token token = Current;
        bool value;
        if (token.Kind == TokenKind.Integer)
        {
            if (!TryParseInteger(token.Text, 1, out ulong number))
                throw OutOfRange(token, field, token.Text, "0 or 1");
            value = number == 1;
        }
        else if (token.Kind == TokenKind.Identifier)
        {
            value = token.Text switch
            {
                "true" or "True" or "t" => true,
                "false" or "False" or "f" => false,
                _ => throw Error(token, $"invalid value '{token.Text}' for bool field '{field.Name}' (expected true, false, True, False, t, f, 1 or 0)"),
            };
        }
        else
        {
            throw Error(token, $"expected true or false, got {Describe(token)}");
        }
        Advance();
        return value;
    }

    /// <summary>One or more adjacent string literals, concatenated (<c>"a" 'b'</c>).</summary>
    private byte[] ReadStringBytes()
    {
        if (Current.Kind != TokenKind.String)
        {
            string hint = Current.Kind == TokenKind.Identifier ? " (strings must be quoted)" : "";
            throw Error(Current, $"expected string, got {Describe(Current)}{hint}");
        }
        var bytes = new List<byte>();
        // Peeks at the raw token: a malformed token after the last literal belongs to the next field.
        while (_current.Kind == TokenKind.String)
        {
            bytes.AddRange(_current.Bytes!);
            Advance();
        }
        return bytes.ToArray();
    }

    private string ReadString(FieldDescriptor field)
    {
        Token first = Current;
        byte[] bytes = ReadStringBytes();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error(first, $"string field '{field.Name}' must hold valid UTF-8; byte escapes such as \\377 are only for bytes fields");
        }
    }

    private object ReadEnum(FieldDescriptor field)
    {
        EnumDescriptor type = field.EnumType;
        Token token = Current;
        if (token.Kind == TokenKind.Identifier)
        {
            EnumValueDescriptor? named = type.FindValueByName(token.Text);
            if (named == null)
                throw Error(token, $"unknown value '{token.Text}' for enum {type.FullName}; valid values: {ValueNames(type)}");
            Advance();
            return ProtoFields.EnumValue(type, named.Number);
        }
        if (token.Is('-') || token.Kind == TokenKind.Integer)
        {
            int number = (int)ReadSigned(field, int.MinValue, int.MaxValue);
            // proto2 enums are closed: C++ rejects numbers without a name; proto3 enums keep them.
            if (type.FindValueByNumber(number) == null && field.File.ToProto().Syntax != "proto3")
                throw Error(token, $"unknown value {number} for enum {type.FullName}; valid values: {ValueNames(type)}");
            return ProtoFields.EnumValue(type, number);
        }
        throw Error(token, $"expected an enum value name ({ValueNames(type)}), got {Describe(token)}");
    }

    private static string ValueNames(EnumDescriptor type) => string.Join(", ", type.Values.Select(v => v.Name));
}
