using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Caffe;

/// <summary>Reflection helpers shared by the text-format parser and printer.</summary>
internal static class ProtoFields
{
    public static bool IsMessage(FieldDescriptor field) => field.FieldType is FieldType.Message or FieldType.Group;

    /// <summary>
    /// C++ <c>HasField</c> semantics: repeated and map fields when non-empty, message fields when
    /// set, proto2/optional scalars by their has-bit, proto3 plain scalars when not the default.
    /// </summary>
    public static bool IsPresent(IMessage message, FieldDescriptor field)
    {
        object? value = field.Accessor.GetValue(message);
        if (field.IsMap) return ((IDictionary)value!).Count > 0;
        if (field.IsRepeated) return ((IList)value!).Count > 0;
        if (IsMessage(field)) return value != null;
        if (field.HasPresence) return field.Accessor.HasValue(message);
        return value switch
        {
            float f => BitConverter.SingleToInt32Bits(f) != 0,
            double d => BitConverter.DoubleToInt64Bits(d) != 0,
            string s => s.Length != 0,
            ByteString b => !b.IsEmpty,
            bool b => b,
            Enum e => Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture) != 0,
            IConvertible c => c.ToInt64(System.Globalization.CultureInfo.InvariantCulture) != 0,
            _ => value != null,
        };
    }

    /// <summary>Number of elements of a repeated or map field.</summary>
    public static int Count(IMessage message, FieldDescriptor field) =>
        field.IsMap ? ((IDictionary)field.Accessor.GetValue(message)).Count : ((IList)field.Accessor.GetValue(message)).Count;

    /// <summary>A new, empty instance of the message type of <paramref name="field"/>.</summary>
    public static IMessage NewMessage(FieldDescriptor field) =>
        (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;

    /// <summary>The value an unset field of a map entry takes.</summary>
    public static object DefaultValue(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => 0,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => 0L,
        FieldType.UInt32 or FieldType.Fixed32 => 0u,
        FieldType.UInt64 or FieldType.Fixed64 => 0ul,
        FieldType.Float => 0f,
        FieldType.Double => 0d,
        FieldType.Bool => false,
        FieldType.String => "",
        FieldType.Bytes => ByteString.Empty,
        FieldType.Enum => EnumValue(field.EnumType, 0),
        _ => NewMessage(field),
    };

    /// <summary>A boxed value of the generated C# enum type (what the field accessors expect).</summary>
    public static object EnumValue(EnumDescriptor type, int number) =>
        type.ClrType != null ? Enum.ToObject(type.ClrType, number) : number;

    /// <summary>The .proto spelling of a field's type, for error messages.</summary>
    public static string TypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Int32 => "int32",
        FieldType.Int64 => "int64",
        FieldType.UInt32 => "uint32",
        FieldType.UInt64 => "uint64",
        FieldType.SInt32 => "sint32",
        FieldType.SInt64 => "sint64",
        FieldType.Fixed32 => "fixed32",
        FieldType.Fixed64 => "fixed64",
        FieldType.SFixed32 => "sfixed32",
        FieldType.SFixed64 => "sfixed64",
        FieldType.Float => "float",
        FieldType.Double => "double",
        FieldType.Bool => "bool",
        FieldType.String => "string",
        FieldType.Bytes => "bytes",
        FieldType.Enum => field.EnumType.FullName,
        _ => field.MessageType.FullName,
    };

    /// <summary>
    /// Paths of required fields that are missing, like C++ <c>FindInitializationErrors</c>
    /// (e.g. <c>part[0].name_part</c>).
    /// </summary>
    public static List<string> MissingRequiredFields(IMessage message)
    {
        var missing = new List<string>();
        CollectMissing(message, "", missing);
        return missing;
    }

    private static void CollectMissing(IMessage message, string prefix, List<string> missing)
    {
        foreach (FieldDescriptor field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.IsRequired && !IsPresent(message, field)) missing.Add(prefix + field.Name);
            if (!IsMessage(field) || field.IsMap) continue;
            object? value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                var list = (IList)value!;
                for (int i = 0; i < list.Count; i++)
                    CollectMissing((IMessage)list[i]!, $"{prefix}{field.Name}[{i}].", missing);
            }
            else if (value is IMessage child)
            {
                CollectMissing(child, $"{prefix}{field.Name}.", missing);
            }
        }
    }
}
