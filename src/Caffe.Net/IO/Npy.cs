using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Caffe;

/// <summary>
/// numpy's <c>.npy</c> format (numpy <c>np.load</c>/<c>np.save</c>) for the arrays pycaffe scripts keep on disk,
/// such as <c>ilsvrc_2012_mean.npy</c>. Reads format versions 1–3, little- or big-endian float32, float64,
/// uint8, int8, int16, int32, int64 and bool, in C or Fortran order, converting to float32 C order. Writes C order as
/// float32 (the default), float64 or uint8, in format version 1 — or 2 when the header needs more than 65535 bytes, as numpy does.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads an .npy file into a float32 C-order array.</summary>
    public static NdArray Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"File not found: {path}", path);
        using FileStream stream = File.OpenRead(path);
        try
        {
            return Read(stream);
        }
        catch (FormatException e)
        {
            throw new ModelFormatException(path, e.Message, e);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException(path, "truncated .npy file: the data is shorter than the header's shape says.", e);
        }
    }

    /// <summary>Reads .npy content from a stream.</summary>
    public static NdArray Read(Stream stream)
    {
        var reader = new BinaryReader(stream);
        byte[] magic = reader.ReadBytes(Magic.Length);
        if (!magic.AsSpan().SequenceEqual(Magic)) throw new FormatException("not an .npy file (bad magic string).");
        int major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major switch
        {
            1 => reader.ReadUInt16(),
            2 or 3 => checked((int)reader.ReadUInt32()),
            _ => throw new FormatException($"unsupported .npy format version {major} (supported: 1, 2, 3)."),
        };
        byte[] headerBytes = reader.ReadBytes(headerLength);
        if (headerBytes.Length != headerLength) throw new EndOfStreamException();
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        (string descr, bool fortran, int[] shape) = ParseHeader(header);
        var result = new NdArray(shape);
        ReadValues(reader, descr, result.Data);
        if (fortran && shape.Length > 1) return ToCOrder(result.Data, shape);
        return result;
    }

    /// <summary>Writes an array as an .npy file (C order, the given dtype; float32 by default), atomically.</summary>
    public static void Save(string path, NdArray array, NpyDType dtype = NpyDType.Float32) =>
        AtomicFile.Write(path, stream => Write(stream, array, dtype));

    /// <summary>
    /// Writes an array as .npy content (numpy <c>np.save</c>). <see cref="NpyDType.UInt8"/> needs integer values in
    /// [0, 255]; <see cref="NpyDType.Float64"/> widens each float32 exactly.
    /// </summary>
    public static void Write(Stream stream, NdArray array, NpyDType dtype = NpyDType.Float32)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (dtype == NpyDType.UInt8)
        {
            for (int i = 0; i < array.Count; i++)
            {
                float v = array.Data[i];
                if (!(v >= 0 && v <= 255 && v == MathF.Floor(v)))
                    throw new ArgumentException($"Value {v} at flat index {i} cannot be saved as uint8 (an integer in [0, 255]).", nameof(array));
            }
        }
        string shape = array.NumAxes switch
        {
            0 => "()",
            1 => $"({array.Shape[0]},)",
            _ => "(" + string.Join(", ", array.Shape) + ")",
        };
        string descr = dtype switch
        {
            NpyDType.Float64 => "<f8",
            NpyDType.UInt8 => "|u1",
            _ => "<f4",
        };
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // Magic (6) + version (2) + length (2 in version 1, 4 in version 2) + header, padded with spaces so the
        // data starts at a multiple of 64, ending in '\n'.
        int major = 10 + dict.Length + 1 > ushort.MaxValue ? 2 : 1;
        int prefix = major == 1 ? 10 : 12;
        int padding = (64 - (prefix + dict.Length + 1) % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";
        var writer = new BinaryWriter(stream, Encoding.Latin1, leaveOpen: true);
        writer.Write(Magic);
        writer.Write((byte)major);
        writer.Write((byte)0);
        if (major == 1) writer.Write((ushort)header.Length);
        else writer.Write((uint)header.Length);
        writer.Write(Encoding.Latin1.GetBytes(header));
        foreach (float v in array.Data)
        {
            switch (dtype)
            {
                case NpyDType.Float64: writer.Write((double)v); break;
                case NpyDType.UInt8: writer.Write((byte)v); break;
                default: writer.Write(v); break;
            }
        }
        writer.Flush();
    }

    private static (string Descr, bool Fortran, int[] Shape) ParseHeader(string header)
    {
        Match descr = DescrPattern().Match(header);
        Match order = FortranPattern().Match(header);
        Match shape = ShapePattern().Match(header);
        if (!descr.Success || !order.Success || !shape.Success)
            throw new FormatException($"malformed .npy header: {header.Trim()}");
        int[] dims = shape.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture))
            .ToArray();
        return (descr.Groups[1].Value, order.Groups[1].Value == "True", dims);
    }

    private static void ReadValues(BinaryReader reader, string descr, float[] values)
    {
        if (descr.Length < 2) throw new FormatException($"unsupported .npy dtype '{descr}'.");
        char endian = descr[0];
        string kind = descr[1..];
        bool bigEndian = endian == '>';
        if (endian is not ('<' or '>' or '|' or '='))
            throw new FormatException($"unsupported .npy byte order in dtype '{descr}'.");
        int size = kind switch
        {
            "f4" or "i4" or "u4" => 4,
            "f8" or "i8" or "u8" => 8,
            "i2" or "u2" => 2,
            "u1" or "i1" or "b1" => 1,
            _ => throw new FormatException(
                $"unsupported .npy dtype '{descr}' (supported: float32, float64, int8/16/32/64, uint8/16/32/64, bool)."),
        };
        byte[] bytes = reader.ReadBytes(checked(values.Length * size));
        if (bytes.Length != values.Length * size) throw new EndOfStreamException();
        for (int i = 0; i < values.Length; i++) values[i] = Convert(bytes.AsSpan(i * size, size), kind, bigEndian);
    }

    private static float Convert(ReadOnlySpan<byte> b, string kind, bool bigEndian) => kind switch
    {
        "f4" => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
        "f8" => (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b)),
        "i4" => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
        "u4" => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
        "i8" => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
        "u8" => bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b),
        "i2" => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
        "u2" => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
        "i1" => (sbyte)b[0],
        _ => b[0],
    };

    private static NdArray ToCOrder(float[] fortran, int[] shape)
    {
        var result = new NdArray(shape);
        int n = shape.Length;
        var index = new int[n];
        for (int c = 0; c < fortran.Length; c++)
        {
            // c walks C order; the Fortran offset has axis 0 varying fastest.
            int f = 0;
            for (int axis = n - 1; axis >= 0; axis--) f = f * shape[axis] + index[axis];
            result.Data[c] = fortran[f];
            for (int axis = n - 1; axis >= 0; axis--)
            {
                if (++index[axis] < shape[axis]) break;
                index[axis] = 0;
            }
        }
        return result;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}

/// <summary>The element types <see cref="Npy.Save"/> writes (numpy dtypes).</summary>
public enum NpyDType
{
    /// <summary><c>float32</c> (<c>'&lt;f4'</c>), the values as they are.</summary>
    Float32,

    /// <summary><c>float64</c> (<c>'&lt;f8'</c>).</summary>
    Float64,

    /// <summary><c>uint8</c> (<c>'|u1'</c>): images and Caffe's pixel data.</summary>
    UInt8,
}
