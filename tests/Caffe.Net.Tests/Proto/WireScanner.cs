using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Caffe.Tests.Proto;

/// <summary>
/// Walks serialized protobuf bytes against a schema without building messages, to say which fields a
/// file holds that the schema does not declare, and whether declared fields arrive with the wire type
/// (including packed or not) that the schema would write.
/// </summary>
internal static class WireScanner
{
    /// <summary>
    /// Distinct, sorted findings: <c>layer.softmax_param.#3</c> for an undeclared field number 3 inside
    /// <c>layer.softmax_param</c>; <c>layer.blobs.data: wire type Fixed32, schema writes LengthDelimited</c>
    /// for a declared field encoded differently from how the schema encodes it.
    /// </summary>
    public static IReadOnlyList<string> Differences(MessageDescriptor descriptor, byte[] data)
    {
        var findings = new SortedSet<string>(StringComparer.Ordinal);
        Scan(descriptor, data, "", findings);
        return findings.ToList();
    }

    private static void Scan(MessageDescriptor descriptor, byte[] data, string path, SortedSet<string> findings)
    {
        var input = new CodedInputStream(data);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int number = WireFormat.GetTagFieldNumber(tag);
            var wireType = WireFormat.GetTagWireType(tag);
            FieldDescriptor? field = descriptor.FindFieldByNumber(number);
            if (field == null)
            {
                findings.Add($"{path}#{number}");
                input.SkipLastField();
                continue;
            }

            string fieldPath = path + field.Name;
            var expected = ExpectedWireType(field);
            if (wireType != expected)
            {
                findings.Add($"{fieldPath}: wire type {wireType}, schema writes {expected}");
                input.SkipLastField();
            }
            else if (field.FieldType == FieldType.Message)
            {
                Scan(field.MessageType, input.ReadBytes().ToByteArray(), fieldPath + ".", findings);
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    private static WireFormat.WireType ExpectedWireType(FieldDescriptor field)
    {
        if (field.IsPacked)
            return WireFormat.WireType.LengthDelimited;
        return field.FieldType switch
        {
            FieldType.Message or FieldType.String or FieldType.Bytes => WireFormat.WireType.LengthDelimited,
            FieldType.Group => WireFormat.WireType.StartGroup,
            FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => WireFormat.WireType.Fixed32,
            FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => WireFormat.WireType.Fixed64,
            _ => WireFormat.WireType.Varint,
        };
    }
}
