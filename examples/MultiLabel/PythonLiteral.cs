using System.Globalization;
using System.Text;

namespace Caffe.Examples.MultiLabel;

/// <summary>
/// Reads and writes the small subset of Python literal syntax that a data layer's <c>param_str</c> holds: the text
/// of <c>str(dict(batch_size=128, im_shape=[227, 227], split='train'))</c>, which a Python layer turns back into a
/// dict with <c>eval(self.param_str)</c>. Supported: a dict with string keys; values that are strings (single or
/// double quotes, optional <c>u</c>/<c>b</c> prefix, backslash escapes), integers, floats, <c>True</c>,
/// <c>False</c>, <c>None</c>, lists and tuples of those. Nothing is evaluated: anything else is a
/// <see cref="FormatException"/> naming the column.
/// </summary>
public static class PythonLiteral
{
    /// <summary>
    /// Parses a dict literal. Values come back as <see cref="string"/>, <see cref="long"/>, <see cref="double"/>,
    /// <see cref="bool"/>, null, or <see cref="IReadOnlyList{T}"/> of those (lists and tuples alike). Keys keep the
    /// order of the text; a repeated key keeps its last value, as in Python.
    /// </summary>
    /// <exception cref="FormatException">The text is not such a dict literal; the message gives the 1-based column.</exception>
    public static IReadOnlyDictionary<string, object?> ParseDict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new Reader(text);
        reader.SkipSpace();
        if (reader.AtEnd) throw reader.Error("expected a dict literal such as {'batch_size': 32}, got an empty string");
        if (reader.Peek != '{') throw reader.Error($"expected '{{' to open a dict, got {reader.Describe()}");
        Dictionary<string, object?> dict = reader.ReadDict();
        reader.SkipSpace();
        if (!reader.AtEnd) throw reader.Error($"unexpected {reader.Describe()} after the closing '}}'");
        return dict;
    }

    /// <summary>
    /// Writes entries as Python's <c>str(dict)</c> would: <c>{'key': value, ...}</c> with strings in single quotes,
    /// lists in brackets, <c>True</c>/<c>False</c>/<c>None</c>. Accepts strings, integers, floats, booleans, null and
    /// sequences of them.
    /// </summary>
    public static string FormatDict(IEnumerable<KeyValuePair<string, object?>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return "{" + string.Join(", ", entries.Select(e => $"{Quote(e.Key)}: {Format(e.Value)}")) + "}";
    }

    private static string Format(object? value) => value switch
    {
        null => "None",
        string s => Quote(s),
        bool b => b ? "True" : "False",
        int or long or short or byte => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        float or double => FormatFloat(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Format)) + "]",
        _ => throw new ArgumentException($"{value.GetType().Name} has no Python literal form here."),
    };

    private static string FormatFloat(double v)
    {
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') || s.Contains("Infinity") || s.Contains("NaN") ? s : s + ".0";
    }

    private static string Quote(string s)
    {
        var b = new StringBuilder("'");
        foreach (char c in s)
        {
            b.Append(c switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }
        return b.Append('\'').ToString();
    }

    private sealed class Reader(string text)
    {
        private int _pos;

        public bool AtEnd => _pos >= text.Length;

        public char Peek => text[_pos];

        public void SkipSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(Peek)) _pos++;
        }

        public FormatException Error(string message) =>
            new($"param_str is not a Python dict literal: {message} at column {Math.Min(_pos, text.Length) + 1} of \"{text}\".");

        public string Describe() => AtEnd ? "the end of the text" : $"'{Peek}'";

        public Dictionary<string, object?> ReadDict()
        {
            Expect('{');
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            SkipSpace();
            while (!AtEnd && Peek != '}')
            {
                if (!IsQuote()) throw Error($"expected a quoted key, got {Describe()}");
                string key = ReadString();
                SkipSpace();
                Expect(':');
                SkipSpace();
                // Remove first so that a repeated key moves to its last position, as the last value wins in Python.
                dict.Remove(key);
                dict[key] = ReadValue();
                if (!SkipComma('}')) break;
            }
            Expect('}');
            return dict;
        }

        private object? ReadValue()
        {
            if (AtEnd) throw Error("expected a value, got the end of the text");
            char c = Peek;
            if (IsQuote()) return ReadString();
            if (c == '[') return ReadSequence('[', ']');
            if (c == '(') return ReadSequence('(', ')');
            if (c == '{') throw Error("nested dicts are not supported");
            if (char.IsDigit(c) || c is '-' or '+' or '.') return ReadNumber();
            if (char.IsLetter(c) || c == '_') return ReadName();
            throw Error($"expected a value, got {Describe()}");
        }

        private IReadOnlyList<object?> ReadSequence(char open, char close)
        {
            Expect(open);
            var items = new List<object?>();
            SkipSpace();
            while (!AtEnd && Peek != close)
            {
                items.Add(ReadValue());
                if (!SkipComma(close)) break;
            }
            Expect(close);
            return items;
        }

        // After an item: true when a comma followed (more items may come), false when the closing bracket is next.
        private bool SkipComma(char close)
        {
            SkipSpace();
            if (!AtEnd && Peek == ',')
            {
                _pos++;
                SkipSpace();
                return true;
            }
            if (AtEnd || Peek != close) throw Error($"expected ',' or '{close}', got {Describe()}");
            return false;
        }

        private bool IsQuote()
        {
            if (AtEnd) return false;
            if (Peek is '\'' or '"') return true;
            // u'...' (Python 2 unicode) and b'...' read as plain strings.
            return Peek is ('u' or 'U' or 'b' or 'B') && _pos + 1 < text.Length && text[_pos + 1] is ('\'' or '"');
        }

        private string ReadString()
        {
            if (Peek is not ('\'' or '"')) _pos++;
            char quote = text[_pos++];
            int start = _pos - 1;
            var b = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    _pos = start;
                    throw Error($"the string opened by {quote} is not closed");
                }
                char c = text[_pos++];
                if (c == quote) return b.ToString();
                if (c != '\\')
                {
                    b.Append(c);
                    continue;
                }
                if (AtEnd) continue;
                char e = text[_pos++];
                b.Append(e switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    '\\' or '\'' or '"' => e,
                    _ => throw Error($"unsupported escape \\{e}"),
                });
            }
        }

        private object ReadNumber()
        {
            int start = _pos;
            if (Peek is '-' or '+') _pos++;
            while (!AtEnd && (char.IsLetterOrDigit(Peek) || Peek is '.' or '_' || (Peek is ('-' or '+') && text[_pos - 1] is ('e' or 'E')))) _pos++;
            string token = text[start.._pos].Replace("_", "", StringComparison.Ordinal);
            bool isFloat = token.Contains('.') || token.Contains('e') || token.Contains('E');
            if (!isFloat && long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer)) return integer;
            if (isFloat && double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double real)) return real;
            _pos = start;
            throw Error($"'{token}' is not a number");
        }

        private object? ReadName()
        {
            int start = _pos;
            while (!AtEnd && (char.IsLetterOrDigit(Peek) || Peek == '_')) _pos++;
            string name = text[start.._pos];
            switch (name)
            {
                case "True": return true;
                case "False": return false;
                case "None": return null;
                default:
                    _pos = start;
                    throw Error($"'{name}' is not a literal (only strings, numbers, lists, True, False and None are read; nothing is evaluated)");
            }
        }

        private void Expect(char c)
        {
            if (AtEnd || Peek != c) throw Error($"expected '{c}', got {Describe()}");
            _pos++;
        }
    }
}
