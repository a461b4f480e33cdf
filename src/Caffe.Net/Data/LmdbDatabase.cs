using System.Text;
using LightningDB;

namespace Caffe;

/// <summary>
/// An LMDB database (Caffe's <c>db::LMDB</c>) through LightningDB: a folder holding <c>data.mdb</c> and
/// <c>lock.mdb</c>. Readers open it read-only without thread-local reader slots, so a cursor may be used
/// by the prefetch thread that did not create it.
/// </summary>
internal sealed class LmdbDatabase : IDatabase
{
    // Caffe's original map size (1 TB): address space only, LMDB grows the file as records arrive.
    private const long WriteMapSize = 1L << 40;
    private const int NotFound = -30798;

    private const string MissingLibraryMessage =
        "the LMDB native library could not be loaded: install Debian's liblmdb0 (scripts/setup does).";

    private readonly LightningEnvironment _environment;
    private readonly bool _readOnly;

    static LmdbDatabase() => LmdbNative.EnsureResolver();

    public LmdbDatabase(string path, DbMode mode)
    {
        Path = path;
        _readOnly = mode == DbMode.Read;
        if (mode == DbMode.New)
        {
            if (Directory.Exists(path) || File.Exists(path))
                throw new DatabaseException(path, null, "cannot create a new LMDB database: the path already exists.");
            Directory.CreateDirectory(path);
        }
        else if (!Directory.Exists(path))
        {
            throw new DatabaseException(path, null, mode == DbMode.Read
                ? "LMDB database not found (expected a folder holding data.mdb)."
                : "LMDB database folder does not exist.");
        }
        else if (mode == DbMode.Read && !File.Exists(System.IO.Path.Combine(path, "data.mdb")))
        {
            throw new DatabaseException(path, null, "not an LMDB database: the folder has no data.mdb.");
        }

        var config = new EnvironmentConfiguration { MaxDatabases = 1 };
        if (!_readOnly) config.MapSize = WriteMapSize;
        try
        {
            _environment = new LightningEnvironment(path, config);
        }
        catch (DllNotFoundException e)
        {
            throw new DatabaseException(path, null, MissingLibraryMessage, e);
        }
        // LightningDB's finalizer throws (and so kills the process) for an environment nobody disposed; an
        // IDatabase that is never disposed leaks its memory map instead.
        GC.SuppressFinalize(_environment);
        try
        {
            _environment.Open(_readOnly
                ? EnvironmentOpenFlags.ReadOnly | EnvironmentOpenFlags.NoThreadLocalStorage
                : EnvironmentOpenFlags.None);
        }
        catch (Exception e) when (e is LightningException or DllNotFoundException)
        {
            _environment.Dispose();
            throw new DatabaseException(path, null, e is LightningException le
                ? $"cannot open the LMDB database ({Describe(le)})."
                : MissingLibraryMessage, e);
        }
        CaffeLog.Info($"Opened lmdb {path}");
    }

    public string Path { get; }

    public IDbCursor NewCursor() => new Cursor(this);

    public IDbTransaction NewTransaction()
    {
        if (_readOnly) throw new DatabaseException(Path, null, "the database was opened for reading; it cannot be written.");
        return new Transaction(this);
    }

    public void Dispose() => _environment.Dispose();

    private static string Describe(LightningException e) => $"{e.Message}, code {e.StatusCode}";

    private sealed class Cursor : IDbCursor
    {
        private readonly LmdbDatabase _owner;
        private readonly LightningTransaction _transaction;
        private readonly LightningDatabase _database;
        private readonly LightningCursor _cursor;
        private byte[] _key = [];
        private byte[] _value = [];

        public Cursor(LmdbDatabase owner)
        {
            _owner = owner;
            try
            {
                _transaction = owner._environment.BeginTransaction(TransactionBeginFlags.ReadOnly);
                _database = _transaction.OpenDatabase(configuration: new DatabaseConfiguration { Flags = DatabaseOpenFlags.None });
                _cursor = _transaction.CreateCursor(_database);
                SeekToFirst();
            }
            catch (Exception e) when (e is LightningException or DatabaseException)
            {
                _cursor?.Dispose();
                _database?.Dispose();
                _transaction?.Dispose();
                if (e is DatabaseException) throw;
                throw new DatabaseException(owner.Path, null, $"cannot read the LMDB database ({Describe((LightningException)e)}).", e);
            }
        }

        public bool Valid { get; private set; }

        public string Key => Valid ? Encoding.UTF8.GetString(_key) : throw new InvalidOperationException("The cursor is past the last record.");

        public byte[] Value => Valid ? (byte[])_value.Clone() : throw new InvalidOperationException("The cursor is past the last record.");

        public void SeekToFirst() => Take(_cursor.First(), "first record");

        public void Next() => Take(_cursor.Next(), "record after " + (Valid ? $"'{Encoding.UTF8.GetString(_key)}'" : "the end"));

        private void Take((MDBResultCode Code, MDBValue Key, MDBValue Value) result, string what)
        {
            if ((int)result.Code == NotFound)
            {
                Valid = false;
                return;
            }
            if (result.Code != MDBResultCode.Success)
                throw new DatabaseException(_owner.Path, null, $"cannot read the {what}: LMDB error {result.Code} ({(int)result.Code}).");
            _key = result.Key.AsSpan().ToArray();
            _value = result.Value.AsSpan().ToArray();
            Valid = true;
        }

        public void Dispose()
        {
            _cursor.Dispose();
            _transaction.Dispose();
            _database.Dispose();
        }
    }

    private sealed class Transaction(LmdbDatabase owner) : IDbTransaction
    {
        private readonly List<(byte[] Key, byte[] Value)> _pending = [];

        public void Put(string key, ReadOnlySpan<byte> value) => _pending.Add((Encoding.UTF8.GetBytes(key), value.ToArray()));

        public void Commit()
        {
            try
            {
                using LightningTransaction transaction = owner._environment.BeginTransaction();
                using LightningDatabase database = transaction.OpenDatabase(configuration: new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create });
                foreach ((byte[] key, byte[] value) in _pending)
                {
                    MDBResultCode code = transaction.Put(database, key, value);
                    if (code != MDBResultCode.Success)
                        throw new DatabaseException(owner.Path, Encoding.UTF8.GetString(key), $"LMDB put failed: {code} ({(int)code}).");
                }
                MDBResultCode commit = transaction.Commit();
                if (commit != MDBResultCode.Success)
                    throw new DatabaseException(owner.Path, null, $"LMDB commit failed: {commit} ({(int)commit}).");
            }
            catch (LightningException e)
            {
                throw new DatabaseException(owner.Path, null, $"cannot write the LMDB database ({Describe(e)}).", e);
            }
            _pending.Clear();
        }

        public void Dispose() => _pending.Clear();
    }
}
