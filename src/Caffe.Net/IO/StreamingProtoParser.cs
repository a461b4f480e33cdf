using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;

namespace Caffe;

/// <summary>
/// Parses a binary protobuf file as <see cref="MessageParser{T}.ParseFrom(Stream)"/> does, but reads the float
/// and double payloads of blobs straight from the file into arrays of exactly their declared size.
/// </summary>
/// <remarks>
/// Google.Protobuf, reading from a stream, cannot tell how many bytes remain, so it fills a packed repeated
/// field value by value and grows the array by doubling: loading a 575 MB caffemodel allocated 1.5 GB and
/// peaked at twice the file on top of the net (docs/benchmarks.md). Here the messages that lead to blobs
/// (NetParameter → LayerParameter / V1LayerParameter / V0LayerParameter → BlobProto, SolverState → BlobProto)
/// are walked field by field; every other field is collected as raw bytes and merged with Google.Protobuf, so the
/// result is the message Google.Protobuf would build. Every length is checked against the bytes that remain in
/// the enclosing message before anything is allocated, and errors name the byte offset and the layer.
/// </remarks>
internal sealed class StreamingProtoParser
{
    // Google.Protobuf's default recursion limit; crafted nesting must fail, not overflow the stack.
    private const int MaxDepth = 100;
    private const int WireVarint = 0, WireFixed64 = 1, WireLengthDelimited = 2, WireStartGroup = 3, WireEndGroup = 4, WireFixed32 = 5;

    private static readonly ConcurrentDictionary<MessageDescriptor, bool> LeadsToBlobs = new();

    private readonly Stream _stream;
    private readonly string _path;
    private readonly long _length;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _bufferPos;
    private int _bufferEnd;
    private long _bufferStart;
    private readonly List<string> _context = [];
    private readonly string _typeName;

    private StreamingProtoParser(Stream stream, string path, string typeName)
    {
        _stream = stream;
        _path = path;
        _length = stream.Length;
        _typeName = typeName;
    }

    private long Position => _bufferStart + _bufferPos;

    /// <summary>Parses the whole of <paramref name="stream"/> (seekable, positioned at 0) as a <typeparamref name="T"/>.</summary>
    public static T Parse<T>(MessageParser<T> parser, Stream stream, string path) where T : IMessage<T>
    {
        T message = parser.ParseFrom(Array.Empty<byte>());
        var reader = new StreamingProtoParser(stream, path, message.Descriptor.Name);
        reader.ReadMessage(message, reader._length);
        return message;
    }

    private void ReadMessage(IMessage message, long end)
    {
        if (_context.Count > MaxDepth) throw Error($"messages nested more than {MaxDepth} deep");
        MessageDescriptor descriptor = message.Descriptor;
        MemoryStream? rest = null;
        while (Position < end)
        {
            uint tag = (uint)ReadVarint(end, "field tag");
            int number = (int)(tag >> 3);
            int wireType = (int)(tag & 7);
            if (number == 0) throw Error($"invalid field tag {tag} (field number 0)");
            FieldDescriptor? field = descriptor.FindFieldByNumber(number);
            if (field != null && TryReadDirect(message, field, wireType, end)) continue;
            rest ??= new MemoryStream();
            WriteVarint(rest, tag);
            long valueStart = rest.Length;
            CopyValue(number, wireType, end, rest, depth: 0);
            if (field is { Name: "name", FieldType: FieldType.String } && wireType == WireLengthDelimited) NameContext(rest, valueStart);
        }
        if (Position != end) throw Error($"a field runs {Position - end} byte(s) past the end of its message");
        if (rest == null) return;
        try
        {
            message.MergeFrom(rest.GetBuffer(), 0, (int)rest.Length);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Error($"invalid {descriptor.Name} content: {e.Message}", e);
        }
    }

    // Reads the fields that must not go through Google.Protobuf's stream parser: messages that lead to blobs, and
    // repeated float/double payloads inside them.
    private bool TryReadDirect(IMessage message, FieldDescriptor field, int wireType, long end)
    {
        if (field.FieldType == FieldType.Message && wireType == WireLengthDelimited && Leads(field.MessageType))
        {
            // Not checked against the file's size: a truncated message is entered, so that the error names the
            // layer and blob where the file ends.
            long length = ReadLength(end, field.Name, payload: false);
            long childEnd = Position + length;
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                IMessage child = field.MessageType.Parser.ParseFrom(Array.Empty<byte>());
                _context.Add($"{field.Name}[{list.Count}]");
                ReadMessage(child, childEnd);
                _context.RemoveAt(_context.Count - 1);
                list.Add(child);
            }
            else
            {
                // A singular message given twice is merged, as protobuf does.
                var child = (IMessage?)field.Accessor.GetValue(message) ?? field.MessageType.Parser.ParseFrom(Array.Empty<byte>());
                _context.Add(field.Name);
                ReadMessage(child, childEnd);
                _context.RemoveAt(_context.Count - 1);
                field.Accessor.SetValue(message, child);
            }
            return true;
        }
        if (!field.IsRepeated || !BitConverter.IsLittleEndian) return false;
        if (field.FieldType == FieldType.Float)
            return ReadValues((RepeatedField<float>)field.Accessor.GetValue(message), field.Name, wireType, WireFixed32, end);
        if (field.FieldType == FieldType.Double)
            return ReadValues((RepeatedField<double>)field.Accessor.GetValue(message), field.Name, wireType, WireFixed64, end);
        return false;
    }

    private unsafe bool ReadValues<T>(RepeatedField<T> values, string name, int wireType, int unpackedWireType, long end)
        where T : unmanaged
    {
        if (wireType == unpackedWireType)
        {
            T value = default;
            ReadExactly(MemoryMarshal.AsBytes(new Span<T>(ref value)), end, name);
            values.Add(value);
            return true;
        }
        if (wireType != WireLengthDelimited) return false;
        long length = ReadLength(end, name, payload: true);
        if (length % sizeof(T) != 0)
            throw Error($"packed field '{name}' is {length} bytes long, not a multiple of {sizeof(T)}");
        // AddRange sizes the array once from Count and lets the collection copy itself in.
        values.AddRange(new PackedValues<T>(this, (int)(length / sizeof(T)), end, name));
        return true;
    }

    private static bool Leads(MessageDescriptor descriptor) =>
        LeadsToBlobs.GetOrAdd(descriptor, d => SearchBlobs(d, new HashSet<MessageDescriptor>()));

    private static bool SearchBlobs(MessageDescriptor descriptor, HashSet<MessageDescriptor> visited)
    {
        if (descriptor.ClrType == typeof(BlobProto)) return true;
        if (!visited.Add(descriptor)) return false;
        return descriptor.Fields.InFieldNumberOrder()
            .Any(f => f.FieldType == FieldType.Message && SearchBlobs(f.MessageType, visited));
    }

    private void NameContext(MemoryStream rest, long valueStart)
    {
        if (_context.Count == 0) return;
        byte[] bytes = rest.GetBuffer();
        int pos = (int)valueStart;
        ulong length = 0;
        for (int shift = 0; pos < rest.Length && shift < 64; shift += 7)
        {
            byte b = bytes[pos++];
            length |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) break;
        }
        if ((long)length > rest.Length - pos) return;
        string name = System.Text.Encoding.UTF8.GetString(bytes, pos, (int)length);
        int top = _context.Count - 1;
        _context[top] = $"{_context[top].Split(' ')[0]} '{name}'";
    }

    private void CopyValue(int number, int wireType, long end, MemoryStream rest, int depth)
    {
        if (depth > MaxDepth) throw Error($"groups nested more than {MaxDepth} deep");
        switch (wireType)
        {
            case WireVarint:
                WriteVarint(rest, ReadVarint(end, "varint"));
                break;
            case WireFixed64:
                CopyBytes(8, end, rest);
                break;
            case WireFixed32:
                CopyBytes(4, end, rest);
                break;
            case WireLengthDelimited:
                long length = ReadLength(end, $"field {number}", payload: true);
                WriteVarint(rest, (ulong)length);
                CopyBytes(length, end, rest);
                break;
            case WireStartGroup:
                while (true)
                {
                    uint tag = (uint)ReadVarint(end, "group field tag");
                    WriteVarint(rest, tag);
                    if ((tag & 7) == WireEndGroup)
                    {
                        if ((tag >> 3) != (uint)number) throw Error($"group {number} closed by end-group tag of field {tag >> 3}");
                        break;
                    }
                    CopyValue((int)(tag >> 3), (int)(tag & 7), end, rest, depth + 1);
                }
                break;
            default:
                throw Error($"invalid wire type {wireType} for field {number}");
        }
    }

    private void CopyBytes(long count, long end, MemoryStream rest)
    {
        Span<byte> chunk = stackalloc byte[4096];
        while (count > 0)
        {
            int n = (int)Math.Min(count, chunk.Length);
            ReadExactly(chunk[..n], end, "field");
            rest.Write(chunk[..n]);
            count -= n;
        }
    }

    // A payload (bytes to be allocated and read) must fit in what remains of the file. A message only has to
    // fit in its enclosing message: at the top level that is the file, whose end is where a truncation shows.
    private long ReadLength(long end, string what, bool payload)
    {
        long start = Position;
        ulong length = ReadVarint(end, $"length of '{what}'");
        if (payload && length > (ulong)(_length - Position))
            throw Error($"field '{what}' at byte {start} declares {length} bytes, but only {_length - Position} remain in the file (truncated?)");
        if (end != _length && length > (ulong)(end - Position))
            throw Error($"field '{what}' at byte {start} declares {length} bytes, but only {end - Position} remain in its enclosing message");
        return (long)length;
    }

    private ulong ReadVarint(long end, string what)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (Position >= end) throw Error($"{what} cut off by the end of its message");
            if (Position >= _length) throw Error($"{what} cut off by the end of the file (truncated?)");
            byte b = NextByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw Error($"malformed varint in {what}");
    }

    private byte NextByte()
    {
        if (_bufferPos == _bufferEnd) Fill();
        return _buffer[_bufferPos++];
    }

    private void Fill()
    {
        _bufferStart += _bufferEnd;
        _bufferPos = 0;
        _bufferEnd = _stream.Read(_buffer, 0, (int)Math.Min(_buffer.Length, _length - _bufferStart));
        if (_bufferEnd <= 0) throw Error("unexpected end of file (truncated?)");
    }

    private void ReadExactly(Span<byte> target, long end, string what)
    {
        if (target.Length > end - Position) throw Error($"'{what}' cut off by the end of its message");
        if (target.Length > _length - Position) throw Error($"'{what}' cut off by the end of the file (truncated?)");
        int buffered = Math.Min(target.Length, _bufferEnd - _bufferPos);
        _buffer.AsSpan(_bufferPos, buffered).CopyTo(target);
        _bufferPos += buffered;
        if (buffered == target.Length) return;
        // Large payloads bypass the buffer: the stream writes straight into the destination array.
        Span<byte> remaining = target[buffered..];
        try
        {
            _stream.ReadExactly(remaining);
        }
        catch (EndOfStreamException e)
        {
            throw Error("unexpected end of file (truncated?)", e);
        }
        _bufferStart += _bufferEnd + remaining.Length;
        _bufferPos = _bufferEnd = 0;
    }

    private static void WriteVarint(MemoryStream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }

    private ModelFormatException Error(string message, Exception? inner = null)
    {
        string where = _context.Count == 0 ? "" : $" in {string.Join(" > ", _context)}";
        return new ModelFormatException(_path,
            $"not a valid binary {_typeName} ({_length} bytes): {message}, at byte {Position}{where}.", inner);
    }

    /// <summary>
    /// A packed payload still in the file, exposed as a fixed-size collection: RepeatedField's AddRange allocates
    /// once from <see cref="Count"/> and calls <see cref="CopyTo"/>, which reads the bytes into the new array.
    /// </summary>
    private sealed class PackedValues<T>(StreamingProtoParser reader, int count, long end, string name)
        : ICollection, IEnumerable<T> where T : unmanaged
    {
        public int Count => count;

        public bool IsSynchronized => false;

        public object SyncRoot => this;

        public void CopyTo(Array array, int index) =>
            reader.ReadExactly(MemoryMarshal.AsBytes(((T[])array).AsSpan(index, count)), end, name);

        public IEnumerator<T> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                T value = default;
                ReadOne(ref value);
                yield return value;
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private void ReadOne(ref T value) => reader.ReadExactly(MemoryMarshal.AsBytes(new Span<T>(ref value)), end, name);
    }
}
