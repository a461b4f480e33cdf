using System.Runtime.InteropServices;

namespace Caffe;

/// <summary>
/// LevelDB's C API (<c>leveldb/c.h</c>) from Debian's <c>libleveldb.so.1d</c> (package <c>libleveldb1d</c>),
/// bound through function pointers so a missing library is a clear error at first use, not at startup.
/// </summary>
internal static unsafe class LevelDbNative
{
    private static readonly Lazy<Api> Library = new(Load);

    public const string MissingLibraryMessage =
        "the LevelDB native library (libleveldb.so.1d) could not be loaded: install Debian's libleveldb1d (scripts/setup does).";

    /// <summary>The bound entry points; throws <see cref="DllNotFoundException"/> when the library is missing.</summary>
    public static Api Get() => Library.Value;

    private static Api Load()
    {
        string[] candidates = ["libleveldb.so.1d", "libleveldb.so.1", "libleveldb.so"];
        foreach (string candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out IntPtr handle)) return new Api(handle, candidate);
        }
        throw new DllNotFoundException(MissingLibraryMessage + $" Tried: {string.Join(", ", candidates)}.");
    }

    /// <summary>The C functions used by <see cref="LevelDbDatabase"/>.</summary>
    internal sealed class Api
    {
        public Api(IntPtr lib, string name)
        {
            IntPtr F(string symbol) => NativeLoader.Export(lib, symbol, name);
            OptionsCreate = (delegate* unmanaged<IntPtr>)F("leveldb_options_create");
            OptionsDestroy = (delegate* unmanaged<IntPtr, void>)F("leveldb_options_destroy");
            OptionsSetCreateIfMissing = (delegate* unmanaged<IntPtr, byte, void>)F("leveldb_options_set_create_if_missing");
            OptionsSetErrorIfExists = (delegate* unmanaged<IntPtr, byte, void>)F("leveldb_options_set_error_if_exists");
            OptionsSetParanoidChecks = (delegate* unmanaged<IntPtr, byte, void>)F("leveldb_options_set_paranoid_checks");
            OptionsSetWriteBufferSize = (delegate* unmanaged<IntPtr, nuint, void>)F("leveldb_options_set_write_buffer_size");
            OptionsSetMaxOpenFiles = (delegate* unmanaged<IntPtr, int, void>)F("leveldb_options_set_max_open_files");
            OptionsSetBlockSize = (delegate* unmanaged<IntPtr, nuint, void>)F("leveldb_options_set_block_size");
            Open = (delegate* unmanaged<IntPtr, byte*, IntPtr*, IntPtr>)F("leveldb_open");
            Close = (delegate* unmanaged<IntPtr, void>)F("leveldb_close");
            Write = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr*, void>)F("leveldb_write");
            ReadOptionsCreate = (delegate* unmanaged<IntPtr>)F("leveldb_readoptions_create");
            ReadOptionsDestroy = (delegate* unmanaged<IntPtr, void>)F("leveldb_readoptions_destroy");
            ReadOptionsSetVerifyChecksums = (delegate* unmanaged<IntPtr, byte, void>)F("leveldb_readoptions_set_verify_checksums");
            ReadOptionsSetFillCache = (delegate* unmanaged<IntPtr, byte, void>)F("leveldb_readoptions_set_fill_cache");
            WriteOptionsCreate = (delegate* unmanaged<IntPtr>)F("leveldb_writeoptions_create");
            WriteOptionsDestroy = (delegate* unmanaged<IntPtr, void>)F("leveldb_writeoptions_destroy");
            CreateIterator = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)F("leveldb_create_iterator");
            IterDestroy = (delegate* unmanaged<IntPtr, void>)F("leveldb_iter_destroy");
            IterValid = (delegate* unmanaged<IntPtr, byte>)F("leveldb_iter_valid");
            IterSeekToFirst = (delegate* unmanaged<IntPtr, void>)F("leveldb_iter_seek_to_first");
            IterNext = (delegate* unmanaged<IntPtr, void>)F("leveldb_iter_next");
            IterKey = (delegate* unmanaged<IntPtr, nuint*, byte*>)F("leveldb_iter_key");
            IterValue = (delegate* unmanaged<IntPtr, nuint*, byte*>)F("leveldb_iter_value");
            IterGetError = (delegate* unmanaged<IntPtr, IntPtr*, void>)F("leveldb_iter_get_error");
            WriteBatchCreate = (delegate* unmanaged<IntPtr>)F("leveldb_writebatch_create");
            WriteBatchDestroy = (delegate* unmanaged<IntPtr, void>)F("leveldb_writebatch_destroy");
            WriteBatchClear = (delegate* unmanaged<IntPtr, void>)F("leveldb_writebatch_clear");
            WriteBatchPut = (delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, void>)F("leveldb_writebatch_put");
            Free = (delegate* unmanaged<IntPtr, void>)F("leveldb_free");
        }

        public readonly delegate* unmanaged<IntPtr> OptionsCreate;
        public readonly delegate* unmanaged<IntPtr, void> OptionsDestroy;
        public readonly delegate* unmanaged<IntPtr, byte, void> OptionsSetCreateIfMissing;
        public readonly delegate* unmanaged<IntPtr, byte, void> OptionsSetErrorIfExists;
        public readonly delegate* unmanaged<IntPtr, byte, void> OptionsSetParanoidChecks;
        public readonly delegate* unmanaged<IntPtr, nuint, void> OptionsSetWriteBufferSize;
        public readonly delegate* unmanaged<IntPtr, int, void> OptionsSetMaxOpenFiles;
        public readonly delegate* unmanaged<IntPtr, nuint, void> OptionsSetBlockSize;
        public readonly delegate* unmanaged<IntPtr, byte*, IntPtr*, IntPtr> Open;
        public readonly delegate* unmanaged<IntPtr, void> Close;
        public readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr*, void> Write;
        public readonly delegate* unmanaged<IntPtr> ReadOptionsCreate;
        public readonly delegate* unmanaged<IntPtr, void> ReadOptionsDestroy;
        public readonly delegate* unmanaged<IntPtr, byte, void> ReadOptionsSetVerifyChecksums;
        public readonly delegate* unmanaged<IntPtr, byte, void> ReadOptionsSetFillCache;
        public readonly delegate* unmanaged<IntPtr> WriteOptionsCreate;
        public readonly delegate* unmanaged<IntPtr, void> WriteOptionsDestroy;
        public readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr> CreateIterator;
        public readonly delegate* unmanaged<IntPtr, void> IterDestroy;
        public readonly delegate* unmanaged<IntPtr, byte> IterValid;
        public readonly delegate* unmanaged<IntPtr, void> IterSeekToFirst;
        public readonly delegate* unmanaged<IntPtr, void> IterNext;
        public readonly delegate* unmanaged<IntPtr, nuint*, byte*> IterKey;
        public readonly delegate* unmanaged<IntPtr, nuint*, byte*> IterValue;
        public readonly delegate* unmanaged<IntPtr, IntPtr*, void> IterGetError;
        public readonly delegate* unmanaged<IntPtr> WriteBatchCreate;
        public readonly delegate* unmanaged<IntPtr, void> WriteBatchDestroy;
        public readonly delegate* unmanaged<IntPtr, void> WriteBatchClear;
        public readonly delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, void> WriteBatchPut;
        public readonly delegate* unmanaged<IntPtr, void> Free;

        /// <summary>Turns a LevelDB error string (allocated by the library) into a message and frees it; null when no error.</summary>
        public string? TakeError(IntPtr error)
        {
            if (error == IntPtr.Zero) return null;
            string message = Marshal.PtrToStringUTF8(error) ?? "unknown error";
            Free(error);
            return message;
        }
    }
}
