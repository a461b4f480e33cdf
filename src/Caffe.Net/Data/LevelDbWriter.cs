namespace Caffe;

/// <summary>
/// A LevelDB database written through <see cref="DbWriter"/>: built with <see cref="LevelDbDatabase"/> in a temporary
/// folder next to its path and moved there by <see cref="Close"/>, so a failed run leaves nothing half-written.
/// </summary>
internal sealed class LevelDbWriter : DbWriter
{
    private readonly string _temporary;
    private IDatabase? _db;
    private IDbTransaction? _transaction;
    private bool _closed;

    public LevelDbWriter(string path)
    {
        (Path, _temporary) = PrepareTarget(path);
        _db = new LevelDbDatabase(_temporary, DbMode.New);
        _transaction = _db.NewTransaction();
    }

    public override string Path { get; }

    public override void Put(string key, byte[] value)
    {
        ObjectDisposedException.ThrowIf(_transaction == null, this);
        _transaction.Put(key, value);
    }

    public override void Commit()
    {
        ObjectDisposedException.ThrowIf(_transaction == null, this);
        _transaction.Commit();
    }

    public override void Close()
    {
        Commit();
        Release();
        Directory.Move(_temporary, Path);
        _closed = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        Release();
        if (!_closed && Directory.Exists(_temporary)) Directory.Delete(_temporary, recursive: true);
    }

    private void Release()
    {
        _transaction?.Dispose();
        _transaction = null;
        _db?.Dispose();
        _db = null;
    }
}
