using Google.Protobuf;

namespace Caffe.Tests.Data;

/// <summary>Temporary folders and small databases for the data tests.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"caffe-data-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

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
}
