using System.Reflection;
using System.Runtime.Loader;

namespace Caffe;

public static partial class LayerRegistry
{
    /// <summary>
    /// The environment variable that names assemblies holding C# Python layers, for programs that do not reference
    /// them — above all the <c>caffe</c> tool: what <c>PYTHONPATH</c> is to BVLC's tool. A list of <c>.dll</c>
    /// files separated by <see cref="Path.PathSeparator"/> (<c>:</c> on Linux), loaded the first time a Python
    /// layer is looked up.
    /// </summary>
    public const string AssembliesVariable = "CAFFE_LAYER_ASSEMBLIES";

    private static bool s_environmentAssembliesLoaded;
    private static readonly HashSet<string> ResolvingDirectories = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads an assembly so that its classes marked <see cref="PythonLayerAttribute"/> serve <c>type: "Python"</c>
    /// layers; the assemblies it references are looked for next to it. Loading the same file twice is harmless.
    /// </summary>
    /// <exception cref="CaffeException">The file does not exist or is not a .NET assembly.</exception>
    public static Assembly LoadLayerAssembly(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new CaffeException($"{full}: layer assembly not found.");
        AddResolvingDirectory(Path.GetDirectoryName(full)!);
        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        }
        catch (BadImageFormatException e)
        {
            throw new CaffeException($"{full}: not a .NET assembly, so it cannot hold layers ({e.Message})", e);
        }
    }

    // Called under Gate before every scan for marked classes.
    private static void LoadEnvironmentAssemblies()
    {
        if (s_environmentAssembliesLoaded) return;
        string? list = Environment.GetEnvironmentVariable(AssembliesVariable);
        foreach (string path in (list ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                Assembly assembly = LoadLayerAssembly(path);
                CaffeLog.Info($"Loaded layer assembly {assembly.GetName().Name} from {assembly.Location} ({AssembliesVariable}).");
            }
            catch (CaffeException e)
            {
                throw new CaffeException($"{AssembliesVariable}: {e.Message}", e);
            }
        }
        // Only once all loaded: after a failure every lookup reports it again rather than going on without them.
        s_environmentAssembliesLoaded = true;
    }

    // An assembly loaded from a file finds the assemblies it references beside it, unless the process has them
    // already (this library among them: the plugin then shares its Layer type with the host).
    private static void AddResolvingDirectory(string directory)
    {
        lock (ResolvingDirectories)
        {
            if (!ResolvingDirectories.Add(directory)) return;
        }
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            string candidate = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(candidate) ? context.LoadFromAssemblyPath(candidate) : null;
        };
    }
}
