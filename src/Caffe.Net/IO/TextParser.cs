using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Caffe;

/// <summary>
/// Descriptor-driven protobuf text-format parser with the grammar and checks of C++
/// <c>TextFormat::Parser</c>. It stops at the first error with a <see cref="TextFormatException"/>
/// naming line:column, the field path being read and what was expected. This file holds the
/// message structure (fields, nesting, lists, maps); TextParser.Values.cs reads scalar values.
/// </summary>
internal sealed partial class TextParser
{
    // C++ has no default limit; we keep one so hostile input cannot overflow the stack.
    private const int MaxDepth = 100;

    private readonly TextTokenizer _tokenizer;
    private readonly string? _fileName;
    private readonly bool _forbidOverwrites;
    private readonly List<string> _path = [];
    private readonly Dictionary<string, SourceLocation>? _locations;
    private Token _current;
    private int _depth;

    /// <param name="text">The text to parse.</param>
    /// <param name="fileName">Shown in errors; may be null.</param>
    /// <param name="forbidOverwrites">
    /// True for Parse (a non-repeated field given twice is an error), false for Merge (the last
    /// value wins), as in C++.
    /// </param>
    /// <param name="locations">When given, receives the start of every element of a repeated message field (see <see cref="SourceMap"/>).</param>
    public TextParser(string text, string? fileName, bool forbidOverwrites, Dictionary<string, SourceLocation>? locations = null)
    {
        _tokenizer = new TextTokenizer(text);
        _fileName = fileName;
        _forbidOverwrites = forbidOverwrites;
        _locations = locations;
        _current = _tokenizer.Next();
    }

    /// <summary>Reads every field of the text into <paramref name="message"/>.</summary>
    public void ParseInto(IMessage message)
    {
        var seen = new Dictionary<int, Token>();
        while (Current.Kind != TokenKind.End)
        {
            if (Current.Is('}') || Current.Is('>'))
                throw Error(Current, $"unexpected '{Current.Text}': no message is open here");
            ConsumeField(message, seen);
        }

        List<string> missing = ProtoFields.MissingRequiredFields(message);
        if (missing.Count > 0)
            throw new TextFormatException(_fileName, Current.Line, Current.Column, missing[0],
                $"message {message.Descriptor.FullName} is missing required fields: {string.Join(", ", missing)}");
    }

    // A malformed token is reported when the parser first looks at it, so the error names the
    // field being read at that moment.
    private Token Current => _current.Kind == TokenKind.Error ? throw Error(_current, _current.Text) : _current;

    private void Advance() => _current = _tokenizer.Next();

    // Looks at the raw token: a malformed token is left for the next read that needs a value,
    // so its error names the element being read (e.g. top[0], not top).
    private bool TryConsume(char symbol)
    {
        if (!_current.Is(symbol)) return false;
        Advance();
        return true;
    }

    private void ConsumeField(IMessage message, Dictionary<int, Token> seen)
    {
        Token nameToken = Current;
        if (nameToken.Kind != TokenKind.Identifier)
        {
            if (nameToken.Is('['))
                throw Error(nameToken, "extension and Any type names ('[...]') are not supported");
            throw Error(nameToken, $"expected a field name, got {Describe(nameToken)}");
        }

        _path.Add(nameToken.Text);
        FieldDescriptor field = FindField(message.Descriptor, nameToken);
        Advance();
        if (_forbidOverwrites) CheckFirstAssignment(message, field, nameToken, seen);

        if (ProtoFields.IsMessage(field))
        {
            TryConsume(':');
        }
        else if (!TryConsume(':'))
        {
            string hint = Current.Is('{') || Current.Is('<') ? $" ('{field.Name}' is of type {ProtoFields.TypeName(field)}, not a message)" : "";
            throw Error(Current, $"expected ':' after field name '{field.Name}', got {Describe(Current)}{hint}");
        }

        if (field.IsRepeated && TryConsume('['))
        {
            // List syntax: "dim: [1, 3, 224, 224]", "layer [{...}, {...}]", "top: []".
            if (!TryConsume(']'))
            {
                while (true)
                {
                    ConsumeValue(message, field, _current);
                    if (TryConsume(']')) break;
                    if (!TryConsume(','))
                        throw Error(Current, $"expected ',' or ']' in the list of '{field.Name}' values, got {Describe(Current)}");
                }
            }
        }
        else
        {
            ConsumeValue(message, field, nameToken);
        }

        _path.RemoveAt(_path.Count - 1);
        // Fields may be followed by ';' or ',' (C++ accepts both for historical reasons).
        if (!TryConsume(';')) TryConsume(',');
    }

    private FieldDescriptor FindField(MessageDescriptor descriptor, Token nameToken)
    {
        string name = nameToken.Text;
        FieldDescriptor? field = descriptor.FindFieldByName(name);
        // Groups are written with their type's name (capitalized), as C++ accepts.
        field ??= descriptor.Fields.InDeclarationOrder().FirstOrDefault(
            f => f.FieldType == FieldType.Group && f.MessageType.Name == name);
        if (field != null) return field;

        string? suggestion = ClosestName(name, descriptor.Fields.InDeclarationOrder().Select(f => f.Name));
        string hint = suggestion != null ? $" (did you mean '{suggestion}'?)" : "";
        throw Error(nameToken, $"unknown field '{name}' in {descriptor.FullName}{hint}");
    }

    private void CheckFirstAssignment(IMessage message, FieldDescriptor field, Token nameToken, Dictionary<int, Token> seen)
    {
        if (!field.IsRepeated && ProtoFields.IsPresent(message, field))
        {
            string first = seen.TryGetValue(field.FieldNumber, out Token at) ? $" (first at {at.Line}:{at.Column})" : "";
            throw Error(nameToken, $"non-repeated field '{field.Name}' is specified multiple times{first}");
        }

        OneofDescriptor? oneof = field.RealContainingOneof;
        FieldDescriptor? other = oneof?.Accessor.GetCaseFieldDescriptor(message);
        if (other != null && other != field)
            throw Error(nameToken, $"field '{field.Name}' is specified along with field '{other.Name}', another member of oneof '{oneof!.Name}'");
        seen.TryAdd(field.FieldNumber, nameToken);
    }

    /// <summary>Reads one value of <paramref name="field"/> (one element if repeated) into the message; <paramref name="start"/> is where the element begins.</summary>
    private void ConsumeValue(IMessage message, FieldDescriptor field, Token start)
    {
        string segment = _path[^1];
        if (field.IsRepeated) _path[^1] = $"{field.Name}[{ProtoFields.Count(message, field)}]";

        if (field.IsMap)
        {
            ConsumeMapEntry(message, field);
        }
        else if (ProtoFields.IsMessage(field))
        {
            IMessage child;
            if (field.IsRepeated)
            {
                child = ProtoFields.NewMessage(field);
                ((IList)field.Accessor.GetValue(message)).Add(child);
                _locations?.TryAdd(PathText, new SourceLocation(_fileName, start.Line, start.Column));
            }
            else
            {
                // An already-set message is merged into, as C++ MutableMessage does.
                child = (IMessage?)field.Accessor.GetValue(message) ?? ProtoFields.NewMessage(field);
                field.Accessor.SetValue(message, child);
            }
            ConsumeMessageBody(child, field);
        }
        else
        {
            object value = ReadScalar(field);
            if (field.IsRepeated) ((IList)field.Accessor.GetValue(message)).Add(value);
            else field.Accessor.SetValue(message, value);
        }

        _path[^1] = segment;
    }

    /// <summary>Reads <c>{ fields }</c> or <c>&lt; fields &gt;</c> into <paramref name="message"/>.</summary>
    private void ConsumeMessageBody(IMessage message, FieldDescriptor field)
    {
        Token open = Current;
        char close = OpenDelimiter(open, field);
        Advance();
        EnterNested(open);

        var seen = new Dictionary<int, Token>();
        while (!AtClose(open, close)) ConsumeField(message, seen);

        Advance();
        _depth--;
    }

    /// <summary>A map entry: <c>{ key: k value: v }</c>; a missing key or value takes its default.</summary>
    private void ConsumeMapEntry(IMessage message, FieldDescriptor field)
    {
        FieldDescriptor keyField = field.MessageType.FindFieldByNumber(1);
        FieldDescriptor valueField = field.MessageType.FindFieldByNumber(2);
        Token open = Current;
        char close = OpenDelimiter(open, field);
        Advance();
        EnterNested(open);

        object? key = null, value = null;
        while (!AtClose(open, close))
        {
            Token nameToken = Current;
            FieldDescriptor? part = nameToken.Kind != TokenKind.Identifier ? null
                : nameToken.Text == "key" ? keyField : nameToken.Text == "value" ? valueField : null;
            if (part == null)
                throw Error(nameToken, $"expected 'key' or 'value' in an entry of map '{field.Name}', got {Describe(nameToken)}");
            if ((part == keyField ? key : value) != null && _forbidOverwrites)
                throw Error(nameToken, $"non-repeated field '{part.Name}' is specified multiple times");

            _path.Add(part.Name);
            Advance();
            object partValue;
            if (ProtoFields.IsMessage(part))
            {
                TryConsume(':');
                var child = ProtoFields.NewMessage(part);
                ConsumeMessageBody(child, part);
                partValue = child;
            }
            else
            {
                if (!TryConsume(':')) throw Error(Current, $"expected ':' after field name '{part.Name}', got {Describe(Current)}");
                partValue = ReadScalar(part);
            }
            _path.RemoveAt(_path.Count - 1);
            if (part == keyField) key = partValue;
            else value = partValue;
            if (!TryConsume(';')) TryConsume(',');
        }
        Advance();
        _depth--;

        var map = (IDictionary)field.Accessor.GetValue(message);
        map[key ?? ProtoFields.DefaultValue(keyField)] = value ?? ProtoFields.DefaultValue(valueField);
    }

    private char OpenDelimiter(Token open, FieldDescriptor field)
    {
        if (open.Is('{')) return '}';
        if (open.Is('<')) return '>';
        throw Error(open, $"expected '{{' to start '{field.Name}' ({ProtoFields.TypeName(field)}), got {Describe(open)}");
    }

    private void EnterNested(Token open)
    {
        if (++_depth > MaxDepth)
            throw Error(open, $"messages are nested more than {MaxDepth} levels deep");
    }

    /// <summary>True at the matching closing delimiter; errors at end of input or on the wrong closer.</summary>
    private bool AtClose(Token open, char close)
    {
        Token token = Current;
        if (token.Kind == TokenKind.End)
            throw Error(token, $"reached end of input: expected '{close}' to close '{PathText}' opened at {open.Line}:{open.Column}");
        if (!token.Is('}') && !token.Is('>')) return false;
        if (!token.Is(close))
            throw Error(token, $"expected '{close}' to close '{PathText}' opened at {open.Line}:{open.Column}, got '{token.Text}'");
        return true;
    }

    private string PathText => string.Join('.', _path);

    private TextFormatException Error(Token at, string problem) =>
        new(_fileName, at.Line, at.Column, PathText, problem);

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.Identifier => $"identifier '{token.Text}'",
        TokenKind.Integer => $"integer '{token.Text}'",
        TokenKind.Float => $"number '{token.Text}'",
        TokenKind.String => "string " + (token.Text.Length <= 40 ? token.Text : token.Text[..37] + "..."),
        TokenKind.End => "end of input",
        _ => $"'{token.Text}'",
    };

    /// <summary>The candidate within a small edit distance of <paramref name="name"/>, if any.</summary>
    private static string? ClosestName(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Levenshtein.Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = name.Length <= 4 ? 1 : name.Length <= 12 ? 2 : 3;
        return bestDistance <= allowed ? best : null;
    }
}
