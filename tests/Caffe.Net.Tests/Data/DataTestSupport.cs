using System.Buffers.Binary;
using Google.Protobuf;

namespace Caffe.Tests.Data;

/// <summary>Small databases, datums and IDX files for the data tests.</summary>
internal static class DataTestSupport
{
    public static readonly DataParameter.Types.DB[] Backends = [DataParameter.Types.DB.Leveldb, DataParameter.Types.DB.Lmdb];

    /// <summary>A raw datum of the given shape whose bytes are <paramref name="value"/>(index).</summary>
    public static Datum RawDatum(int label, int channels, int height, int width, Func<int, int> value)
    {
        var bytes = new byte[channels * height * width];
        for (int j = 0; j < bytes.Length; j++) bytes[j] = (byte)value(j);
        return new Datum { Label = label, Channels = channels, Height = height, Width = width, Data = ByteString.CopyFrom(bytes) };
    }

    /// <summary>Writes records to a new database.</summary>
    public static void Write(string path, DataParameter.Types.DB backend, IEnumerable<(string Key, byte[] Value)> records)
    {
        using IDatabase db = Db.Open(path, backend, DbMode.New);
        using IDbTransaction txn = db.NewTransaction();
        foreach ((string key, byte[] value) in records) txn.Put(key, value);
        txn.Commit();
    }

    /// <summary>Writes datums under the keys "0", "1", ... to a new database.</summary>
    public static void WriteDatums(string path, DataParameter.Types.DB backend, IEnumerable<Datum> datums) =>
        Write(path, backend, datums.Select((d, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), d.ToByteArray())));

    /// <summary>Every record of a database in cursor order.</summary>
    public static List<(string Key, byte[] Value)> ReadAll(string path, DataParameter.Types.DB backend)
    {
        using IDatabase db = Db.Open(path, backend, DbMode.Read);
        using IDbCursor cursor = db.NewCursor();
        var records = new List<(string, byte[])>();
        for (; cursor.Valid; cursor.Next()) records.Add((cursor.Key, cursor.Value));
        return records;
    }

    /// <summary>An IDX file (MNIST's format): big-endian magic and dimensions, then the payload.</summary>
    public static byte[] Idx(int magic, int[] dims, byte[] payload)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }
}
