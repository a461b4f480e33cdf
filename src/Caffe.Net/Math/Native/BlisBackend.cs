namespace Caffe;

/// <summary>BLIS with its CBLAS compatibility layer (Debian <c>libblis4-pthread</c>).</summary>
internal sealed unsafe class BlisBackend : CblasBackend
{
    // BLIS's dim_t is 64-bit; its BLAS/CBLAS layer uses 32-bit integers.
    private readonly delegate* unmanaged<long, void> _setNumThreads;

    private BlisBackend(IntPtr library, string path) : base(BlasBackendKind.Blis, library, path)
    {
        _setNumThreads = (delegate* unmanaged<long, void>)NativeLoader.Export(library, "bli_thread_set_num_threads", path);
        IntPtr version = NativeLoader.OptionalExport(library, "bli_info_get_version_str");
        IntPtr archId = NativeLoader.OptionalExport(library, "bli_arch_query_id");
        IntPtr archName = NativeLoader.OptionalExport(library, "bli_arch_string");
        string v = version == IntPtr.Zero ? "" : " " + NativeLoader.String(((delegate* unmanaged<IntPtr>)version)());
        string arch = archId == IntPtr.Zero || archName == IntPtr.Zero ? ""
            : NativeLoader.String(((delegate* unmanaged<int, IntPtr>)archName)(((delegate* unmanaged<int>)archId)())) + " kernels, ";
        Name = $"BLIS{v} ({arch}{path})";
        Threads = Environment.ProcessorCount;
    }

    public override string Name { get; }

    /// <summary>Library names tried in order: Debian's pthread build first, then the dynamic linker's choice.</summary>
    public static IEnumerable<string?> Candidates =>
    [
        NativeLoader.MultiarchDir + "/blis-pthread/libblis.so.4",
        "libblis.so.4",
        "libblis.so",
    ];

    public static BlasBackend? TryCreate(out string error) =>
        Load(Candidates, (library, path) => new BlisBackend(library, path), out error);

    protected override int ApplyThreads(int threads)
    {
        _setNumThreads(threads);
        return threads;
    }
}
