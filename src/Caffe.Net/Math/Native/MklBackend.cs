namespace Caffe;

/// <summary>Intel MKL through its single dynamic library <c>libmkl_rt</c> (Debian non-free <c>libmkl-rt</c>).</summary>
internal sealed unsafe class MklBackend : CblasBackend
{
    // mkl_service.h: MKL_THREADING_INTEL = 0, SEQUENTIAL = 1, PGI = 2, GNU = 3, TBB = 4.
    private const int ThreadingSequential = 1;
    private const int ThreadingGnu = 3;

    private readonly delegate* unmanaged<int, void> _setNumThreads;
    private readonly delegate* unmanaged<int> _getMaxThreads;

    private MklBackend(IntPtr library, string path, string threadingLayer) : base(BlasBackendKind.Mkl, library, path)
    {
        ThreadingLayer = threadingLayer;
        _setNumThreads = (delegate* unmanaged<int, void>)NativeLoader.Export(library, "MKL_Set_Num_Threads", path);
        _getMaxThreads = (delegate* unmanaged<int>)NativeLoader.Export(library, "MKL_Get_Max_Threads", path);
        IntPtr versionExport = NativeLoader.OptionalExport(library, "MKL_Get_Version_String");
        string version = "";
        if (versionExport != IntPtr.Zero)
        {
            // "Intel(R) Math Kernel Library Version 2020.0.4 Product Build 20200917 for ..."
            byte* buffer = stackalloc byte[256];
            ((delegate* unmanaged<byte*, int, void>)versionExport)(buffer, 256);
            string[] words = NativeLoader.String((IntPtr)buffer).Split(' ');
            int at = Array.IndexOf(words, "Version");
            if (at >= 0 && at + 1 < words.Length) version = " " + words[at + 1];
        }
        Name = $"MKL{version} ({path}, {ThreadingLayer} threading)";
        Threads = Environment.ProcessorCount;
    }

    public override string Name { get; }

    /// <summary>"GNU OpenMP" or "sequential": the threading layer chosen before the first MKL call.</summary>
    internal string ThreadingLayer { get; }

    /// <summary>MKL_Get_Max_Threads(): the thread count MKL will actually use.</summary>
    internal int MaxThreads => _getMaxThreads();

    public static IEnumerable<string?> Candidates => ["libmkl_rt.so", "libmkl_rt.so.2", "libmkl_rt.so.1"];

    public static BlasBackend? TryCreate(out string error) =>
        Load(Candidates, (library, path) => new MklBackend(library, path, SelectThreadingLayer(library, path)), out error);

    /// <summary>
    /// Must run before any other MKL call. libmkl_rt defaults to the Intel OpenMP layer; without
    /// libiomp5 its first computation dies on an undefined symbol, which no exception handler can
    /// catch. The GNU layer needs libgomp's symbols in the global scope, so it is dlopen'ed
    /// RTLD_GLOBAL first; without libgomp MKL runs sequential.
    /// </summary>
    private static string SelectThreadingLayer(IntPtr library, string path)
    {
        var setLayer = (delegate* unmanaged<int, int>)NativeLoader.Export(library, "MKL_Set_Threading_Layer", path);
        if (NativeLoader.TryLoadGlobal("libgomp.so.1") && setLayer(ThreadingGnu) == ThreadingGnu) return "GNU OpenMP";
        if (setLayer(ThreadingSequential) == ThreadingSequential) return "sequential";
        throw new EntryPointNotFoundException($"{path}: MKL_Set_Threading_Layer accepted neither the GNU nor the sequential layer.");
    }

    protected override int ApplyThreads(int threads)
    {
        if (ThreadingLayer != "GNU OpenMP") return 1;
        _setNumThreads(threads);
        return threads;
    }
}
