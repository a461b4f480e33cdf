using System.Runtime.InteropServices;
using System.Text;

namespace Caffe;

/// <summary>Finds and opens the native BLAS libraries.</summary>
internal static unsafe class NativeLoader
{
    private const int RtldNow = 2;
    private const int RtldGlobal = 0x100;

    /// <summary>Debian's multiarch library folder (e.g. /usr/lib/x86_64-linux-gnu), or null off Linux or on other CPUs.</summary>
    public static string? MultiarchDir { get; } = !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "/usr/lib/x86_64-linux-gnu",
        Architecture.Arm64 => "/usr/lib/aarch64-linux-gnu",
        _ => null,
    };

    /// <summary>
    /// Opens the first loadable of <paramref name="candidates"/> (absolute paths or names for the
    /// dynamic linker's search). On failure <paramref name="error"/> lists what was tried.
    /// </summary>
    public static bool TryLoadFirst(IEnumerable<string?> candidates, out IntPtr handle, out string loadedFrom, out string error)
    {
        var tried = new List<string>();
        foreach (string? candidate in candidates)
        {
            if (candidate == null || tried.Contains(candidate)) continue;
            tried.Add(candidate);
            if (NativeLibrary.TryLoad(candidate, out handle))
            {
                loadedFrom = candidate;
                error = "";
                return true;
            }
        }
        handle = IntPtr.Zero;
        loadedFrom = "";
        error = $"none of {string.Join(", ", tried)} could be loaded";
        return false;
    }

    /// <summary>The address of <paramref name="name"/> in <paramref name="library"/>; throws naming the symbol if missing.</summary>
    public static IntPtr Export(IntPtr library, string name, string libraryName) =>
        NativeLibrary.TryGetExport(library, name, out IntPtr address)
            ? address
            : throw new EntryPointNotFoundException($"{libraryName} has no export '{name}'.");

    /// <summary>The address of <paramref name="name"/>, or zero when the library does not export it.</summary>
    public static IntPtr OptionalExport(IntPtr library, string name) =>
        NativeLibrary.TryGetExport(library, name, out IntPtr address) ? address : IntPtr.Zero;

    /// <summary>
    /// dlopen(name, RTLD_NOW | RTLD_GLOBAL): makes the library's symbols visible to libraries loaded
    /// later. NativeLibrary.Load opens libraries RTLD_LOCAL, which is not enough for plug-ins that
    /// expect a runtime (libgomp for MKL's GNU threading layer) to be already in the global scope.
    /// </summary>
    public static bool TryLoadGlobal(string name)
    {
        if (!OperatingSystem.IsLinux()) return false;
        IntPtr dlopen = IntPtr.Zero;
        foreach (string libc in new[] { "libc.so.6", "libdl.so.2" })
        {
            if (NativeLibrary.TryLoad(libc, out IntPtr handle) && NativeLibrary.TryGetExport(handle, "dlopen", out dlopen))
                break;
        }
        if (dlopen == IntPtr.Zero) return false;
        byte[] utf8 = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = utf8)
            return ((delegate* unmanaged<byte*, int, IntPtr>)dlopen)(p, RtldNow | RtldGlobal) != IntPtr.Zero;
    }

    /// <summary>A NUL-terminated UTF-8 string returned by a library, or "" for null.</summary>
    public static string String(IntPtr utf8) => Marshal.PtrToStringUTF8(utf8) ?? "";
}
