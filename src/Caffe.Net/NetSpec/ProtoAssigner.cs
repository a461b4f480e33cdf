using System.Collections;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Caffe;

/// <summary>
/// pycaffe's <c>assign_proto</c> for C#: writes a keyword value onto a protobuf field by its proto name
/// (snake_case). Anonymous objects and <c>IDictionary&lt;string, object?&gt;</c> become messages (merged into the
/// field), arrays and lists become repeated fields (a single value on a repeated field is a one-element list),
/// enums are given as their C# value, their proto name (<c>"MAX"</c>) or their number, numbers are converted
/// when no precision is lost. Errors name the path of the field and suggest close field names.
/// </summary>
internal static class ProtoAssigner
{
    /// <summary>The keyword arguments of a parameters object: its public properties in declaration order, or a dictionary's entries.</summary>
    public static List<KeyValuePair<string, object?>> Keywords(object parameters, string what)
    {
        if (parameters is IEnumerable<KeyValuePair<string, object?>> pairs) return [.. pairs];
        if (parameters is IDictionary dictionary)
        {
            var list = new List<KeyValuePair<string, object?>>();
            foreach (DictionaryEntry entry in dictionary)
            {
                if (entry.Key is not string key)
                    throw new ArgumentException($"{what}: dictionary keys must be field names (strings), got {entry.Key?.GetType().Name ?? "null"}.");
                list.Add(new(key, entry.Value));
            }
            return list;
        }
        if (!IsKeywordObject(parameters))
            throw new ArgumentException(
                $"{what}: expected the parameters as an anonymous object (new {{ kernel_size = 5 }}) or a dictionary, got a {parameters.GetType().Name}.");
        return parameters.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => new KeyValuePair<string, object?>(p.Name, p.GetValue(parameters)))
            .ToList();
    }

    /// <summary>Assigns <paramref name="value"/> to the field <paramref name="name"/> of <paramref name="message"/>; <paramref name="path"/> names the message in errors.</summary>
    public static void Assign(IMessage message, string name, object? value, string path)
    {
        FieldDescriptor field = FindField(message.Descriptor, name, path);
        string fieldPath = $"{path}.{name}";
        if (value == null) throw new ArgumentException($"{fieldPath}: null is not a value (leave the keyword out to keep the default).");
        if (field.IsRepeated)
        {
            var list = (IList)field.Accessor.GetValue(message);
            IEnumerable items = IsList(value) ? (IEnumerable)value : new[] { value };
            int i = 0;
            foreach (object? item in items)
            {
                string itemPath = $"{fieldPath}[{i++}]";
                if (item == null) throw new ArgumentException($"{itemPath}: null is not a value.");
                if (field.FieldType == FieldType.Message)
                {
                    IMessage child = ProtoFields.NewMessage(field);
                    AssignMessage(child, item, itemPath);
                    list.Add(child);
                }
                else
                {
                    list.Add(ConvertScalar(field, item, itemPath));
                }
            }
            return;
        }
        if (IsList(value))
            throw new ArgumentException($"{fieldPath} is not a repeated field: give one value, not a list.");
        if (field.FieldType == FieldType.Message)
        {
            var child = (IMessage?)field.Accessor.GetValue(message);
            if (child == null)
            {
                child = ProtoFields.NewMessage(field);
                field.Accessor.SetValue(message, child);
            }
            AssignMessage(child, value, fieldPath);
            return;
        }
        field.Accessor.SetValue(message, ConvertScalar(field, value, fieldPath));
    }

    /// <summary>Whether the message type has a field of that proto name.</summary>
    public static bool HasField(MessageDescriptor descriptor, string name) => descriptor.FindFieldByName(name) != null;

    /// <summary>Field names of <paramref name="descriptors"/> close to <paramref name="name"/>, best first.</summary>
    public static IEnumerable<string> Suggestions(string name, params MessageDescriptor[] descriptors) =>
        descriptors.SelectMany(d => d.Fields.InDeclarationOrder().Select(f => f.Name))
            .Distinct()
            .Select(candidate => (candidate, distance: Levenshtein.Distance(name, candidate)))
            .Where(c => c.distance <= Math.Max(2, name.Length / 3) || c.candidate.Contains(name, StringComparison.Ordinal))
            .OrderBy(c => c.distance)
            .Take(3)
            .Select(c => c.candidate);

    /// <summary>" (did you mean 'a' or 'b'?)" or "".</summary>
    public static string DidYouMean(IEnumerable<string> suggestions)
    {
        string[] list = [.. suggestions];
        return list.Length == 0 ? "" : $"; did you mean {string.Join(" or ", list.Select(s => $"'{s}'"))}?";
    }

    private static FieldDescriptor FindField(MessageDescriptor descriptor, string name, string path) =>
        descriptor.FindFieldByName(name)
        ?? throw new ArgumentException($"{path}: {descriptor.Name} has no field '{name}'{DidYouMean(Suggestions(name, descriptor))}");

    private static void AssignMessage(IMessage target, object value, string path)
    {
        if (value is IMessage message)
        {
            if (message.Descriptor != target.Descriptor)
                throw new ArgumentException($"{path}: expected a {target.Descriptor.Name}, got a {message.Descriptor.Name}.");
            target.MergeFrom(message.ToByteString());
            return;
        }
        if (!(value is IDictionary || value is IEnumerable<KeyValuePair<string, object?>> || IsKeywordObject(value)))
            throw new ArgumentException(
                $"{path} is a {target.Descriptor.Name} message: give an anonymous object (new {{ ... }}), a dictionary or a {target.Descriptor.Name}, not {Describe(value)}.");
        foreach ((string key, object? item) in Keywords(value, path)) Assign(target, key, item, path);
    }

    private static object ConvertScalar(FieldDescriptor field, object value, string path)
    {
        switch (field.FieldType)
        {
            case FieldType.Double:
                return ToDouble(value, path);
            case FieldType.Float:
                return (float)ToDouble(value, path);
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                return (int)ToInteger(value, int.MinValue, int.MaxValue, path);
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                return (long)ToInteger(value, long.MinValue, long.MaxValue, path);
            case FieldType.UInt32 or FieldType.Fixed32:
                return (uint)ToInteger(value, 0, uint.MaxValue, path);
            case FieldType.UInt64 or FieldType.Fixed64:
                if (value is ulong u) return u;
                return (ulong)ToInteger(value, 0, long.MaxValue, path);
            case FieldType.Bool:
                return value switch
                {
                    bool b => b,
                    int i and (0 or 1) => i == 1,
                    _ => throw new ArgumentException($"{path} is a bool field; got {Describe(value)}."),
                };
            case FieldType.String:
                return value as string ?? throw new ArgumentException($"{path} is a string field; got {Describe(value)}.");
            case FieldType.Bytes:
                return value switch
                {
                    ByteString bytes => bytes,
                    byte[] array => ByteString.CopyFrom(array),
                    string text => ByteString.CopyFromUtf8(text),
                    _ => throw new ArgumentException($"{path} is a bytes field; got {Describe(value)}."),
                };
            case FieldType.Enum:
                return ToEnum(field.EnumType, value, path);
            default:
                throw new ArgumentException($"{path}: fields of type {field.FieldType} are not supported.");
        }
    }

    private static object ToEnum(EnumDescriptor type, object value, string path)
    {
        string names = string.Join(", ", type.Values.Select(v => v.Name));
        EnumValueDescriptor? found = value switch
        {
            Enum e when e.GetType() == type.ClrType => type.FindValueByNumber(Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture)),
            Enum e => throw new ArgumentException($"{path} is a {type.Name} enum; got a {e.GetType().Name} value ({e}). Values: {names}."),
            string s => type.FindValueByName(s)
                        ?? type.Values.FirstOrDefault(v => string.Equals(Enum.GetName(type.ClrType, v.Number), s, StringComparison.Ordinal)),
            int or long or short or byte => type.FindValueByNumber(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"{path} is a {type.Name} enum; got {Describe(value)}. Values: {names}."),
        };
        if (found == null) throw new ArgumentException($"{path}: {value} is not a {type.Name} value. Values: {names}.");
        return Enum.ToObject(type.ClrType, found.Number);
    }

    private static double ToDouble(object value, string path) => value switch
    {
        double d => d,
        float f => f,
        int or long or short or byte or uint or ulong or ushort or sbyte or decimal => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"{path} is a floating-point field; got {Describe(value)}."),
    };

    private static decimal ToInteger(object value, decimal min, decimal max, string path)
    {
        decimal number = value switch
        {
            int or long or short or byte or uint or ulong or ushort or sbyte => Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new ArgumentException($"{path} is an integer field; got {Describe(value)}."),
        };
        if (number < min || number > max) throw new ArgumentException($"{path}: {number} is out of range [{min}, {max}].");
        return number;
    }

    private static bool IsList(object value) =>
        value is IEnumerable and not string and not IDictionary and not IMessage and not ByteString and not byte[]
        && value is not IEnumerable<KeyValuePair<string, object?>>;

    /// <summary>An object whose properties are keywords: anonymous types and plain classes, not values or collections.</summary>
    private static bool IsKeywordObject(object value)
    {
        Type type = value.GetType();
        return !(type.IsPrimitive || type.IsEnum || value is string or decimal or IEnumerable or IMessage or ByteString);
    }

    private static string Describe(object value) => value switch
    {
        string s => $"the string \"{s}\"",
        _ when value.GetType().IsPrimitive || value is decimal => $"the {value.GetType().Name} {value}",
        _ => $"a {value.GetType().Name}",
    };
}
