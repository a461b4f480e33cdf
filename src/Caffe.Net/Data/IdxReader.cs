using System.Buffers.Binary;
using System.IO.Compression;

namespace Caffe;

/// <summary>
/// Reads one IDX file (the MNIST format): a big-endian magic number, one big-endian int per dimension, then the
/// items as raw bytes. Plain and gzip-compressed files are both accepted (gzip is recognised by its first two bytes).
/// Every failure names the file and what was being read.
/// </summary>
internal sealed class IdxReader : IDisposable
{
    private readonly Stream _stream;

    private IdxReader(string path, Stream stream, int[] dims)
    {
        Path = path;
        _stream = stream;
        Dims = dims;
    }

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>The dimensions from the header: the item count first.</summary>
    public int[] Dims { get; }

    /// <summary>
    /// Opens <paramref name="path"/>, checks its magic number against <paramref name="expectedMagic"/> and reads
    /// <paramref name="dimensionCount"/> dimensions. <paramref name="kind"/> ("image", "label") words the errors.
    /// </summary>
    public static IdxReader Open(string path, int expectedMagic, int dimensionCount, string kind)
    {
        Stream stream = OpenStream(path);
        try
        {
            int magic = ReadInt(stream, path, "magic number");
            if (magic != expectedMagic)
                throw new ModelFormatException(path, $"incorrect {kind} file magic {magic} (expected {expectedMagic}).");
            var dims = new int[dimensionCount];
            for (int i = 0; i < dimensionCount; i++)
            {
                dims[i] = ReadInt(stream, path, i == 0 ? "number of items" : $"dimension {i}");
                bool valid = i == 0 ? dims[i] >= 0 : dims[i] > 0;
                if (!valid) throw new ModelFormatException(path, $"invalid header: dimension {i} is {dims[i]}.");
            }
            return new IdxReader(path, stream, dims);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Fills <paramref name="buffer"/> with the next bytes; <paramref name="what"/> names them in errors.</summary>
    public void ReadExactly(Span<byte> buffer, string what) => ReadExactly(_stream, buffer, Path, what);

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

    private static Stream OpenStream(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Unable to open file {path}", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int b0 = file.ReadByte(), b1 = file.ReadByte();
        file.Position = 0;
        if (b0 == 0x1f && b1 == 0x8b) return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        return file;
    }

    private static int ReadInt(Stream stream, string path, string what)
    {
        Span<byte> buffer = stackalloc byte[4];
        ReadExactly(stream, buffer, path, what);
        return BinaryPrimitives.ReadInt32BigEndian(buffer);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, string what)
    {
        int read = 0;
        try
        {
            while (read < buffer.Length)
            {
                int n = stream.Read(buffer[read..]);
                if (n == 0) break;
                read += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException(path, $"corrupt gzip data while reading {what}: {e.Message}", e);
        }
        if (read != buffer.Length)
            throw new ModelFormatException(path, $"the file is truncated: {what} is incomplete ({read} of {buffer.Length} bytes).");
    }
}
