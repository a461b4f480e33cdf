using System.Text;

namespace Caffe;

/// <summary>
/// A LevelDB database (Caffe's <c>db::LevelDB</c>, the default <c>data_param.backend</c>) through Debian's
/// LevelDB C library, opened with Caffe's options (64 KB blocks, 256 MB write buffer, 100 open files).
/// Reads verify checksums, so a damaged table is reported rather than read as garbage.
/// </summary>
internal sealed unsafe class LevelDbDatabase : IDatabase
{
    private readonly LevelDbNative.Api _api;
    private readonly List<Cursor> _cursors = [];
    private readonly bool _readOnly;
    private IntPtr _db;

    public LevelDbDatabase(string path, DbMode mode)
    {
        Path = path;
        _readOnly = mode == DbMode.Read;
        try
        {
            _api = LevelDbNative.Get();
        }
        catch (DllNotFoundException e)
        {
            throw new DatabaseException(path, null, LevelDbNative.MissingLibraryMessage, e);
        }
        if (mode == DbMode.Read && !Directory.Exists(path))
            throw new DatabaseException(path, null, "LevelDB database not found (expected a folder holding CURRENT and *.ldb files).");

        IntPtr options = _api.OptionsCreate();
        try
        {
            _api.OptionsSetBlockSize(options, 65536);
            _api.OptionsSetWriteBufferSize(options, 268435456);
            _api.OptionsSetMaxOpenFiles(options, 100);
            _api.OptionsSetErrorIfExists(options, mode == DbMode.New ? (byte)1 : (byte)0);
            _api.OptionsSetCreateIfMissing(options, mode != DbMode.Read ? (byte)1 : (byte)0);
            byte[] name = Encoding.UTF8.GetBytes(path + "\0");
            IntPtr error = IntPtr.Zero;
            fixed (byte* p = name) _db = _api.Open(options, p, &error);
            string? message = _api.TakeError(error);
            if (message != null || _db == IntPtr.Zero)
                throw new DatabaseException(path, null, $"failed to open leveldb: {message ?? "unknown error"}");
        }
        finally
        {
            _api.OptionsDestroy(options);
        }
        CaffeLog.Info($"Opened leveldb {path}");
    }

    public string Path { get; }

    public IDbCursor NewCursor()
    {
        CheckOpen();
        var cursor = new Cursor(this);
        lock (_cursors) _cursors.Add(cursor);
        return cursor;
    }

    public IDbTransaction NewTransaction()
    {
        CheckOpen();
        if (_readOnly) throw new DatabaseException(Path, null, "the database was opened for reading; it cannot be written.");
        return new Transaction(this);
    }

    public void Dispose()
    {
        if (_db == IntPtr.Zero) return;
        // LevelDB aborts the process when a database is closed under a live iterator.
        Cursor[] live;
        lock (_cursors) live = [.. _cursors];
        foreach (Cursor cursor in live) cursor.Dispose();
        _api.Close(_db);
        _db = IntPtr.Zero;
    }

    private void CheckOpen()
    {
        if (_db == IntPtr.Zero) throw new ObjectDisposedException(nameof(LevelDbDatabase), $"LevelDB database {Path} is closed.");
    }

    private sealed class Cursor : IDbCursor
    {
        private readonly LevelDbDatabase _owner;
        private IntPtr _iterator;

        public Cursor(LevelDbDatabase owner)
        {
            _owner = owner;
            LevelDbNative.Api api = owner._api;
            IntPtr readOptions = api.ReadOptionsCreate();
            api.ReadOptionsSetVerifyChecksums(readOptions, 1);
            api.ReadOptionsSetFillCache(readOptions, 0);
            _iterator = api.CreateIterator(owner._db, readOptions);
            api.ReadOptionsDestroy(readOptions);
            SeekToFirst();
        }

        public bool Valid => _iterator != IntPtr.Zero && _owner._api.IterValid(_iterator) != 0;

        public string Key
        {
            get
            {
                CheckValid();
                nuint length;
                byte* key = _owner._api.IterKey(_iterator, &length);
                return Encoding.UTF8.GetString(key, checked((int)length));
            }
        }

        public byte[] Value
        {
            get
            {
                CheckValid();
                nuint length;
                byte* value = _owner._api.IterValue(_iterator, &length);
                return new ReadOnlySpan<byte>(value, checked((int)length)).ToArray();
            }
        }

        public void SeekToFirst()
        {
            CheckOpen();
            _owner._api.IterSeekToFirst(_iterator);
            CheckStatus("the first record");
        }

        public void Next()
        {
            CheckValid();
            string previous = Key;
            _owner._api.IterNext(_iterator);
            CheckStatus($"the record after '{previous}'");
        }

        public void Dispose()
        {
            if (_iterator == IntPtr.Zero) return;
            _owner._api.IterDestroy(_iterator);
            _iterator = IntPtr.Zero;
            lock (_owner._cursors) _owner._cursors.Remove(this);
        }

        private void CheckStatus(string what)
        {
            IntPtr error = IntPtr.Zero;
            _owner._api.IterGetError(_iterator, &error);
            string? message = _owner._api.TakeError(error);
            if (message != null) throw new DatabaseException(_owner.Path, null, $"cannot read {what}: {message}");
        }

        private void CheckOpen()
        {
            if (_iterator == IntPtr.Zero) throw new ObjectDisposedException(nameof(Cursor), $"The cursor on {_owner.Path} is closed.");
        }

        private void CheckValid()
        {
            CheckOpen();
            if (!Valid) throw new InvalidOperationException("The cursor is past the last record.");
        }
    }

    private sealed class Transaction : IDbTransaction
    {
        private readonly LevelDbDatabase _owner;
        private IntPtr _batch;

        public Transaction(LevelDbDatabase owner)
        {
            _owner = owner;
            _batch = owner._api.WriteBatchCreate();
        }

        public void Put(string key, ReadOnlySpan<byte> value)
        {
            byte[] keyBytes = Encoding.UTF8.GetBytes(key);
            fixed (byte* k = keyBytes)
            fixed (byte* v = value)
                _owner._api.WriteBatchPut(_batch, k, (nuint)keyBytes.Length, v, (nuint)value.Length);
        }

        public void Commit()
        {
            _owner.CheckOpen();
            IntPtr options = _owner._api.WriteOptionsCreate();
            IntPtr error = IntPtr.Zero;
            _owner._api.Write(_owner._db, options, _batch, &error);
            _owner._api.WriteOptionsDestroy(options);
            string? message = _owner._api.TakeError(error);
            if (message != null) throw new DatabaseException(_owner.Path, null, $"failed to write batch to leveldb: {message}");
            _owner._api.WriteBatchClear(_batch);
        }

        public void Dispose()
        {
            if (_batch == IntPtr.Zero) return;
            _owner._api.WriteBatchDestroy(_batch);
            _batch = IntPtr.Zero;
        }
    }
}
