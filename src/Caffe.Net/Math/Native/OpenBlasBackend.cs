namespace Caffe;

/// <summary>OpenBLAS (Debian <c>libopenblas0-pthread</c>).</summary>
internal sealed unsafe class OpenBlasBackend : CblasBackend
{
    private readonly delegate* unmanaged<int, void> _setNumThreads;

    private OpenBlasBackend(IntPtr library, string path) : base(BlasBackendKind.OpenBlas, library, path)
    {
        _setNumThreads = (delegate* unmanaged<int, void>)NativeLoader.Export(library, "openblas_set_num_threads", path);
        // "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64"
        IntPtr config = NativeLoader.OptionalExport(library, "openblas_get_config");
        IntPtr core = NativeLoader.OptionalExport(library, "openblas_get_corename");
        string[] words = config == IntPtr.Zero ? [] : NativeLoader.String(((delegate* unmanaged<IntPtr>)config)()).Split(' ');
        string version = words.Length > 1 ? " " + words[1] : "";
        string kernels = core == IntPtr.Zero ? "" : NativeLoader.String(((delegate* unmanaged<IntPtr>)core)()) + " kernels, ";
        Name = $"OpenBLAS{version} ({kernels}{path})";
        Threads = Environment.ProcessorCount;
    }

    public override string Name { get; }

    /// <summary>Library names tried in order: Debian's pthread build first, then the dynamic linker's choice.</summary>
    public static IEnumerable<string?> Candidates =>
    [
        NativeLoader.MultiarchDir + "/openblas-pthread/libopenblas.so.0",
        "libopenblas.so.0",
        "libopenblas.so",
    ];

    public static BlasBackend? TryCreate(out string error) =>
        Load(Candidates, (library, path) => new OpenBlasBackend(library, path), out error);

    protected override int ApplyThreads(int threads)
    {
        _setNumThreads(threads);
        return threads;
    }
}
