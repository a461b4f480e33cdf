namespace Caffe;

/// <summary>How a database is opened (Caffe's <c>db::Mode</c>).</summary>
public enum DbMode
{
    /// <summary>Read an existing database.</summary>
    Read,
    /// <summary>Open an existing database (or create it) for writing.</summary>
    Write,
    /// <summary>Create a new database; it is an error if it already exists.</summary>
    New,
}

/// <summary>
/// A key-value store of serialized records (Caffe's <c>db::DB</c>): the LMDB and LevelDB databases that
/// <c>convert_imageset</c> writes and the <c>Data</c> layer reads. Open one with <see cref="Db.Open(string, DataParameter.Types.DB, DbMode)"/>.
/// </summary>
public interface IDatabase : IDisposable
{
    /// <summary>The database's folder.</summary>
    string Path { get; }

    /// <summary>A cursor over all records in key order, positioned on the first one.</summary>
    IDbCursor NewCursor();

    /// <summary>A batch of writes, applied together by <see cref="IDbTransaction.Commit"/>.</summary>
    IDbTransaction NewTransaction();
}

/// <summary>Walks a database in key order (Caffe's <c>db::Cursor</c>).</summary>
public interface IDbCursor : IDisposable
{
    /// <summary>Moves to the first record.</summary>
    void SeekToFirst();

    /// <summary>Moves to the next record; <see cref="Valid"/> turns false past the last one.</summary>
    void Next();

    /// <summary>Whether the cursor is on a record.</summary>
    bool Valid { get; }

    /// <summary>The current key, decoded as UTF-8 (Caffe's keys are ASCII such as <c>00000042_cat.jpg</c>).</summary>
    string Key { get; }

    /// <summary>The current value (a copy).</summary>
    byte[] Value { get; }
}

/// <summary>Buffered writes (Caffe's <c>db::Transaction</c>).</summary>
public interface IDbTransaction : IDisposable
{
    /// <summary>Adds or replaces a record; visible after <see cref="Commit"/>.</summary>
    void Put(string key, ReadOnlySpan<byte> value);

    /// <summary>Writes the buffered records; the transaction may be used again afterwards.</summary>
    void Commit();
}

/// <summary>A database that cannot be opened, read or written: missing, corrupt, locked, or a bad record.</summary>
public sealed class DatabaseException : CaffeException
{
    /// <summary>Creates the exception; the message names the database and, when known, the key.</summary>
    public DatabaseException(string path, string? key, string message, Exception? inner = null)
        : base(key == null ? $"{path}: {message}" : $"{path}, key '{key}': {message}", inner)
    {
        DatabasePath = path;
        Key = key;
    }

    /// <summary>The database folder.</summary>
    public string DatabasePath { get; }

    /// <summary>The record's key, or null when the error is not about one record.</summary>
    public string? Key { get; }
}

/// <summary>Opens databases by backend (Caffe's <c>db::GetDB</c>).</summary>
public static class Db
{
    /// <summary>Opens <paramref name="path"/> with the given backend (<c>data_param.backend</c>).</summary>
    public static IDatabase Open(string path, DataParameter.Types.DB backend, DbMode mode) => backend switch
    {
        DataParameter.Types.DB.Lmdb => new LmdbDatabase(path, mode),
        DataParameter.Types.DB.Leveldb => new LevelDbDatabase(path, mode),
        _ => throw new ArgumentException($"Unknown database backend {backend}."),
    };

    /// <summary>Opens <paramref name="path"/> with a backend named as the tools' <c>-backend</c> flag: <c>lmdb</c> or <c>leveldb</c>.</summary>
    public static IDatabase Open(string path, string backend, DbMode mode) => Open(path, ParseBackend(backend), mode);

    /// <summary>Parses a backend name (<c>lmdb</c>, <c>leveldb</c>; any case).</summary>
    public static DataParameter.Types.DB ParseBackend(string backend) => backend.ToLowerInvariant() switch
    {
        "lmdb" => DataParameter.Types.DB.Lmdb,
        "leveldb" => DataParameter.Types.DB.Leveldb,
        _ => throw new ArgumentException($"Unknown database backend '{backend}' (expected lmdb or leveldb)."),
    };
}
