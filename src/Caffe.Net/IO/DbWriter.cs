using System.Runtime.InteropServices;
using LightningDB;

namespace Caffe;

/// <summary>
/// A key/value database being written, as Caffe's <c>db::DB</c> opened with <c>db::NEW</c> plus its transactions:
/// <see cref="Put"/> buffers records, <see cref="Commit"/> writes them. The database appears under its path only
/// when <see cref="Close"/> succeeds (it is built in a temporary folder next to it), so a failed run leaves nothing
/// half-written behind. Disposing without <see cref="Close"/> discards it.
/// </summary>
public abstract class DbWriter : IDisposable
{
    /// <summary>
    /// Creates a new database of the given backend at <paramref name="path"/> (Caffe's <c>db::GetDB(backend)->Open(path, NEW)</c>).
    /// Backends: "lmdb" and "leveldb".
    /// </summary>
    /// <exception cref="IOException">The path already exists (Caffe refuses to overwrite a database).</exception>
    public static DbWriter Create(string backend, string path)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return backend.ToLowerInvariant() switch
        {
            "lmdb" => new LmdbWriter(path),
            "leveldb" => new LevelDbWriter(path),
            _ => throw new ArgumentException($"Unknown database backend '{backend}' (known: lmdb, leveldb)."),
        };
    }

    /// <summary>The final path of the database.</summary>
    public abstract string Path { get; }

    /// <summary>
    /// Checks that <paramref name="path"/> is free and its folder exists, and names the temporary folder beside it
    /// where the database is built before <see cref="Close"/> moves it into place.
    /// </summary>
    protected static (string FullPath, string Temporary) PrepareTarget(string path)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath) || File.Exists(fullPath))
            throw new IOException($"Cannot create database '{path}': it already exists.");
        string parent = System.IO.Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(parent))
            throw new DirectoryNotFoundException($"Cannot create database '{path}': directory {parent} does not exist.");
        string name = $".{System.IO.Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        return (fullPath, System.IO.Path.Combine(parent, name));
    }

    /// <summary>Buffers one record for the next <see cref="Commit"/> (a later Put of the same key replaces it).</summary>
    public abstract void Put(string key, byte[] value);

    /// <summary>Writes the buffered records (Caffe's <c>Transaction::Commit</c>).</summary>
    public abstract void Commit();

    /// <summary>Commits what is buffered and moves the finished database to <see cref="Path"/>.</summary>
    public abstract void Close();

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the database; an unclosed one is deleted.</summary>
    protected abstract void Dispose(bool disposing);
}

/// <summary>An LMDB database written through LightningDB; the map grows by doubling when full, as Caffe's LMDB transaction does.</summary>
internal sealed class LmdbWriter : DbWriter
{
    private const long InitialMapSize = 64L << 20;
    private readonly string _temporary;
    private readonly List<(byte[] Key, byte[] Value)> _pending = [];
    private LightningEnvironment? _environment;
    private bool _closed;

    public LmdbWriter(string path)
    {
        (Path, _temporary) = PrepareTarget(path);
        LmdbNative.EnsureResolver();
        Directory.CreateDirectory(_temporary);
        try
        {
            _environment = new LightningEnvironment(_temporary, new EnvironmentConfiguration { MapSize = InitialMapSize });
            _environment.Open();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Directory.Delete(_temporary, recursive: true);
            throw new CaffeException(
                "The LMDB library could not be loaded: install Debian's liblmdb0 (scripts/setup does) or liblmdb-dev.", e);
        }
    }

    public override string Path { get; }

    public override void Put(string key, byte[] value)
    {
        ObjectDisposedException.ThrowIf(_environment == null, this);
        _pending.Add((System.Text.Encoding.UTF8.GetBytes(key), value));
    }

    public override void Commit()
    {
        ObjectDisposedException.ThrowIf(_environment == null, this);
        if (_pending.Count == 0) return;
        while (true)
        {
            using LightningTransaction transaction = _environment.BeginTransaction();
            using LightningDatabase database = transaction.OpenDatabase(configuration: new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create });
            MDBResultCode code = MDBResultCode.Success;
            foreach ((byte[] key, byte[] value) in _pending)
            {
                code = transaction.Put(database, key, value);
                if (code != MDBResultCode.Success) break;
            }
            if (code == MDBResultCode.Success)
            {
                // LMDB frees a transaction when its commit fails too: no abort after this.
                code = transaction.Commit();
                if (code == MDBResultCode.Success) break;
            }
            else
            {
                transaction.Abort();
            }
            if (code != MDBResultCode.MapFull)
                throw new CaffeException($"LMDB write to '{Path}' failed: {code}.");
            // Caffe's LMDBTransaction doubles the map and retries the whole batch.
            _environment.MapSize *= 2;
        }
        _pending.Clear();
    }

    public override void Close()
    {
        Commit();
        _environment!.Dispose();
        _environment = null;
        Directory.Move(_temporary, Path);
        _closed = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _environment?.Dispose();
        _environment = null;
        if (!_closed && Directory.Exists(_temporary)) Directory.Delete(_temporary, recursive: true);
    }
}

/// <summary>
/// Finds the native LMDB library for LightningDB: the copy LightningDB ships needs glibc 2.38, so on Debian 12 the
/// system's <c>liblmdb.so.0</c> (package liblmdb0) is used instead.
/// </summary>
internal static class LmdbNative
{
    private static int _installed;

    public static void EnsureResolver()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(LightningEnvironment).Assembly, (name, assembly, searchPath) =>
            {
                if (name != "lmdb") return IntPtr.Zero;
                if (NativeLibrary.TryLoad(name, assembly, searchPath, out IntPtr handle)) return handle;
                foreach (string candidate in new[] { "liblmdb.so.0", "liblmdb.so" })
                    if (NativeLibrary.TryLoad(candidate, out handle)) return handle;
                return IntPtr.Zero;
            });
        }
        catch (InvalidOperationException)
        {
            // Another part of Caffe.Net (the LMDB reader) already installed a resolver for LightningDB.
        }
    }
}
