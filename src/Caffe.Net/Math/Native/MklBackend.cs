using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Caffe;

/// <summary>Intel MKL through its single dynamic library <c>libmkl_rt</c> (Debian non-free <c>libmkl-rt</c>).</summary>
internal sealed unsafe class MklBackend : CblasBackend
{
    // mkl_service.h: MKL_THREADING_INTEL = 0, SEQUENTIAL = 1, PGI = 2, GNU = 3, TBB = 4.
    private const int ThreadingSequential = 1;
    private const int ThreadingGnu = 3;

    // mkl_cbwr.h: MKL_CBWR_BRANCH (what MKL_CBWR_Get reports), MKL_CBWR_AUTO, and the success code of MKL_CBWR_Set.
    private const int CodeBranchQuery = 1;
    internal const int CodeBranchAuto = 2;
    private const int CodeBranchSuccess = 0;

    private readonly delegate* unmanaged<int, void> _setNumThreads;
    private readonly delegate* unmanaged<int> _getMaxThreads;
    private readonly IntPtr _getCodeBranch;

    private MklBackend(IntPtr library, string path, string threadingLayer) : base(BlasBackendKind.Mkl, library, path)
    {
        ThreadingLayer = threadingLayer;
        CodeBranch = SelectCodeBranch(library);
        _getCodeBranch = NativeLoader.OptionalExport(library, "MKL_CBWR_Get");
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
        Name = $"MKL{version} ({path}, {ThreadingLayer} threading{(CodeBranch == null ? "" : ", " + CodeBranch)})";
        Threads = Environment.ProcessorCount;
    }

    public override string Name { get; }

    /// <summary>"GNU OpenMP" or "sequential": the threading layer chosen before the first MKL call.</summary>
    internal string ThreadingLayer { get; }

    /// <summary>
    /// The code branch MKL was set to, when not its default: <c>"MKL_CBWR=AUTO"</c> chosen here on a CPU that is
    /// not Intel's, or the user's own <c>MKL_CBWR</c>; null when MKL runs as it would on its own.
    /// </summary>
    internal string? CodeBranch { get; }

    /// <summary>MKL_CBWR_Get(MKL_CBWR_BRANCH): the code branch MKL reports (1 = off, 2 = AUTO, …); null without the export.</summary>
    internal int? ReportedCodeBranch => _getCodeBranch == IntPtr.Zero ? null : ((delegate* unmanaged<int, int>)_getCodeBranch)(CodeBranchQuery);

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

    /// <summary>
    /// On a CPU that is not Intel's, MKL 2020 runs faster on its conditional-numerical-reproducibility AUTO branch
    /// than with the switch off (measured on this project's 2-core AMD Zen 4 machine with `caffe-bench nets`:
    /// CaffeNet forward 0.58 / 0.58 / 0.38 of the SGEMM rate against 0.48 / 0.46 / 0.28 in three alternating
    /// pairs); results then also repeat run to run. It asks for AVX2 in vain: MKL_CBWR_AVX2 is refused as
    /// unsupported there. A user's own MKL_CBWR wins (MKL reads it itself); an Intel CPU keeps MKL's default.
    /// </summary>
    private static string? SelectCodeBranch(IntPtr library)
    {
        string? user = Environment.GetEnvironmentVariable("MKL_CBWR");
        if (!string.IsNullOrEmpty(user)) return $"MKL_CBWR={user}";
        if (CpuVendor() is "GenuineIntel" or "") return null;
        IntPtr set = NativeLoader.OptionalExport(library, "MKL_CBWR_Set");
        if (set == IntPtr.Zero) return null;
        return ((delegate* unmanaged<int, int>)set)(CodeBranchAuto) == CodeBranchSuccess ? "MKL_CBWR=AUTO" : null;
    }

    // The 12-character vendor string of CPUID leaf 0 ("GenuineIntel", "AuthenticAMD", …); empty off x86.
    internal static string CpuVendor()
    {
        if (!X86Base.IsSupported) return "";
        (_, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        var vendor = new byte[12];
        BitConverter.TryWriteBytes(vendor.AsSpan(0, 4), ebx);
        BitConverter.TryWriteBytes(vendor.AsSpan(4, 4), edx);
        BitConverter.TryWriteBytes(vendor.AsSpan(8, 4), ecx);
        return Encoding.ASCII.GetString(vendor);
    }

    protected override int ApplyThreads(int threads)
    {
        if (ThreadingLayer != "GNU OpenMP") return 1;
        _setNumThreads(threads);
        return threads;
    }
}
