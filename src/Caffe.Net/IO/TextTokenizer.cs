using System.Text;

namespace Caffe;

/// <summary>Kinds of tokens in protobuf text format.</summary>
internal enum TokenKind
{
    Identifier,
    Integer,
    Float,
    String,
    Symbol,
    End,
    /// <summary>Malformed input; <see cref="Token.Text"/> holds the description.</summary>
    Error,
}

/// <summary>
/// One token. <see cref="Text"/> is the source text (a string literal keeps its quotes);
/// <see cref="Bytes"/> holds the decoded bytes of a string literal. Line and column are 1-based.
/// </summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column, byte[]? Bytes = null)
{
    public bool Is(char symbol) => Kind == TokenKind.Symbol && Text.Length == 1 && Text[0] == symbol;
}

/// <summary>
/// Splits text into tokens the way protobuf's C++ <c>io::Tokenizer</c> does for TextFormat:
/// <c>#</c> comments, identifiers, decimal/hex/octal integers, floats (with an optional
/// <c>f</c> suffix), single- or double-quoted strings with C escapes, and one-character symbols.
/// A malformed token comes back as <see cref="TokenKind.Error"/> so the parser can report it
/// with the field it was reading.
/// </summary>
internal sealed class TextTokenizer(string text)
{
    private readonly string _text = text;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public Token Next()
    {
        SkipWhitespaceAndComments();
        int line = _line, column = _pos - _lineStart + 1;
        if (_pos >= _text.Length) return new Token(TokenKind.End, "", line, column);

        char c = _text[_pos];
        if (IsLetter(c)) return ReadIdentifier(line, column);
        if (IsDigit(c) || (c == '.' && _pos + 1 < _text.Length && IsDigit(_text[_pos + 1])))
            return ReadNumber(line, column);
        if (c == '"' || c == '\'') return ReadString(line, column);
        if (char.IsControl(c))
            return new Token(TokenKind.Error, $"invalid control character U+{(int)c:X4} in text", line, column);

        int length = char.IsHighSurrogate(c) && _pos + 1 < _text.Length && char.IsLowSurrogate(_text[_pos + 1]) ? 2 : 1;
        string symbol = _text.Substring(_pos, length);
        _pos += length;
        return new Token(TokenKind.Symbol, symbol, line, column);
    }

    private void SkipWhitespaceAndComments()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '\n')
            {
                _pos++;
                _line++;
                _lineStart = _pos;
            }
            else if (c is ' ' or '\t' or '\r' or '\v' or '\f')
            {
                _pos++;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] != '\n') _pos++;
            }
            else
            {
                return;
            }
        }
    }

    private Token ReadIdentifier(int line, int column)
    {
        int start = _pos;
        while (_pos < _text.Length && (IsLetter(_text[_pos]) || IsDigit(_text[_pos]))) _pos++;
        return new Token(TokenKind.Identifier, _text[start.._pos], line, column);
    }

    private Token ReadNumber(int line, int column)
    {
        int start = _pos;
        bool isFloat = false;
        string? error = null;

        if (_text[_pos] == '0' && (Peek(1) is 'x' or 'X'))
        {
            _pos += 2;
            if (!IsHexDigit(Peek(0))) error = "'0x' must be followed by hex digits";
            while (IsHexDigit(Peek(0))) _pos++;
        }
        else if (_text[_pos] == '0' && IsDigit(Peek(1)))
        {
            _pos++;
            while (Peek(0) is >= '0' and <= '7') _pos++;
            if (IsDigit(Peek(0)))
            {
                error = "numbers starting with 0 are octal; '8' and '9' are not octal digits";
                while (IsDigit(Peek(0))) _pos++;
            }
        }
        else
        {
            while (IsDigit(Peek(0))) _pos++;
            if (Peek(0) == '.')
            {
                isFloat = true;
                _pos++;
                while (IsDigit(Peek(0))) _pos++;
            }
            if (Peek(0) is 'e' or 'E')
            {
                isFloat = true;
                _pos++;
                if (Peek(0) is '+' or '-') _pos++;
                if (!IsDigit(Peek(0))) error = "exponent 'e' must be followed by digits";
                while (IsDigit(Peek(0))) _pos++;
            }
            if (Peek(0) is 'f' or 'F')
            {
                isFloat = true;
                _pos++;
            }
        }

        if (error == null && IsLetter(Peek(0)))
            error = "a number must be followed by a space or a symbol, not a letter";
        else if (error == null && Peek(0) == '.')
            error = isFloat ? "a number can have only one decimal point or exponent" : "hex and octal numbers must be integers";

        string number = _text[start.._pos];
        if (error != null)
        {
            string shown = IsLetter(Peek(0)) || Peek(0) == '.' ? number + Peek(0) : number;
            return new Token(TokenKind.Error, $"malformed number '{shown}': {error}", line, column);
        }
        return new Token(isFloat ? TokenKind.Float : TokenKind.Integer, number, line, column);
    }

    private Token ReadString(int line, int column)
    {
        char quote = _text[_pos];
        int start = _pos++;
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];

        while (true)
        {
            if (_pos >= _text.Length)
                return new Token(TokenKind.Error, "unterminated string: end of input before the closing quote", line, column);
            char c = _text[_pos];
            if (c == '\n')
                return new Token(TokenKind.Error, "unterminated string: a string literal cannot span lines", line, column);
            if (c == quote)
            {
                _pos++;
                return new Token(TokenKind.String, _text[start.._pos], line, column, bytes.ToArray());
            }
            if (c == '\\')
            {
                int escapeColumn = _pos - _lineStart + 1;
                string? error = ReadEscape(bytes);
                if (error != null) return new Token(TokenKind.Error, error, line, escapeColumn);
                continue;
            }

            int length = char.IsHighSurrogate(c) && _pos + 1 < _text.Length && char.IsLowSurrogate(_text[_pos + 1]) ? 2 : 1;
            int written = Encoding.UTF8.GetBytes(_text.AsSpan(_pos, length), utf8);
            for (int i = 0; i < written; i++) bytes.Add(utf8[i]);
            _pos += length;
        }
    }

    /// <summary>Decodes one backslash escape at the cursor into <paramref name="bytes"/>; returns an error or null.</summary>
    private string? ReadEscape(List<byte> bytes)
    {
        _pos++; // the backslash
        if (_pos >= _text.Length) return "unterminated string: end of input after a backslash";
        char c = _text[_pos++];
        switch (c)
        {
            case 'a': bytes.Add(7); return null;
            case 'b': bytes.Add(8); return null;
            case 'f': bytes.Add(12); return null;
            case 'n': bytes.Add(10); return null;
            case 'r': bytes.Add(13); return null;
            case 't': bytes.Add(9); return null;
            case 'v': bytes.Add(11); return null;
            case '\\' or '?' or '\'' or '"': bytes.Add((byte)c); return null;
        }

        if (c is >= '0' and <= '7')
        {
            int code = c - '0';
            for (int i = 0; i < 2 && Peek(0) is >= '0' and <= '7'; i++) code = code * 8 + (_text[_pos++] - '0');
            bytes.Add((byte)code); // C++ keeps the low 8 bits of \400..\777 too
            return null;
        }
        if (c == 'x')
        {
            if (!IsHexDigit(Peek(0))) return "'\\x' must be followed by hex digits";
            int code = HexValue(_text[_pos++]);
            if (IsHexDigit(Peek(0))) code = code * 16 + HexValue(_text[_pos++]);
            bytes.Add((byte)code);
            return null;
        }
        if (c == 'u')
        {
            if (!TryReadHex(_pos, 4, out int code)) return "'\\u' must be followed by four hex digits";
            _pos += 4;
            // A UTF-16 surrogate pair written as two \u escapes is one code point.
            if (code is >= 0xD800 and <= 0xDBFF && Peek(0) == '\\' && Peek(1) == 'u' &&
                TryReadHex(_pos + 2, 4, out int trail) && trail is >= 0xDC00 and <= 0xDFFF)
            {
                code = 0x10000 + ((code - 0xD800) << 10) + (trail - 0xDC00);
                _pos += 6;
            }
            AppendUtf8(code, bytes);
            return null;
        }
        if (c == 'U')
        {
            if (!TryReadHex(_pos, 8, out int code) || code > 0x10FFFF)
                return "'\\U' must be followed by eight hex digits up to 0010ffff";
            _pos += 8;
            AppendUtf8(code, bytes);
            return null;
        }
        return $"invalid escape sequence '\\{c}' in string";
    }

    private bool TryReadHex(int at, int count, out int value)
    {
        value = 0;
        if (at + count > _text.Length) return false;
        for (int i = 0; i < count; i++)
        {
            if (!IsHexDigit(_text[at + i])) return false;
            value = value * 16 + HexValue(_text[at + i]);
        }
        return true;
    }

    // Encodes like C++'s AppendUTF8: a lone surrogate becomes its 3-byte form (not valid UTF-8,
    // so only a bytes field can hold it).
    private static void AppendUtf8(int code, List<byte> bytes)
    {
        if (code <= 0x7F)
        {
            bytes.Add((byte)code);
        }
        else if (code <= 0x7FF)
        {
            bytes.Add((byte)(0xC0 | (code >> 6)));
            bytes.Add((byte)(0x80 | (code & 0x3F)));
        }
        else if (code <= 0xFFFF)
        {
            bytes.Add((byte)(0xE0 | (code >> 12)));
            bytes.Add((byte)(0x80 | ((code >> 6) & 0x3F)));
            bytes.Add((byte)(0x80 | (code & 0x3F)));
        }
        else
        {
            bytes.Add((byte)(0xF0 | (code >> 18)));
            bytes.Add((byte)(0x80 | ((code >> 12) & 0x3F)));
            bytes.Add((byte)(0x80 | ((code >> 6) & 0x3F)));
            bytes.Add((byte)(0x80 | (code & 0x3F)));
        }
    }

    private char Peek(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private static bool IsLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsHexDigit(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F');

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
