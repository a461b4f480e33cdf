using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Caffe;

public static partial class LayerRegistry
{
    private static readonly Dictionary<(string Module, string Layer), Func<LayerParameter, Layer>> PythonCreators = [];
    private static readonly Dictionary<(string Module, string Layer), Type> PythonTypes = [];
    private static readonly HashSet<Assembly> ScannedAssemblies = [];

    /// <summary>
    /// Registers the C# layer that <c>type: "Python"</c> with <c>python_param { module: <paramref name="module"/>
    /// layer: <paramref name="layer"/> }</c> creates — the names are matched exactly, as Python's import would
    /// (<c>LayerRegistry.RegisterPython("my_layers", "MultiplyLayer", p => new MultiplyLayer(p))</c>).
    /// A registration wins over a <see cref="PythonLayerAttribute"/> for the same pair; registering a pair twice is an error.
    /// </summary>
    public static void RegisterPython(string module, string layer, Func<LayerParameter, Layer> creator)
    {
        ArgumentException.ThrowIfNullOrEmpty(module);
        ArgumentException.ThrowIfNullOrEmpty(layer);
        ArgumentNullException.ThrowIfNull(creator);
        lock (Gate)
        {
            if (!PythonCreators.TryAdd((module, layer), creator))
                throw new ArgumentException($"Python layer {module}.{layer} is already registered.", nameof(layer));
        }
    }

    /// <summary>True when a C# layer is registered or marked for the Python (module, layer) pair.</summary>
    public static bool IsPythonRegistered(string module, string layer) => FindPythonCreator(module, layer) != null;

    /// <summary>The Python layers known so far, as <c>module.Layer</c>, sorted: registered ones and marked classes of the loaded assemblies.</summary>
    public static IReadOnlyList<string> PythonLayerList
    {
        get
        {
            lock (Gate)
            {
                ScanLoadedAssemblies();
                return [.. PythonCreators.Keys.Concat(PythonTypes.Keys).Select(k => $"{k.Module}.{k.Layer}").Distinct().Order(StringComparer.Ordinal)];
            }
        }
    }

    private static Layer CreatePythonLayer(LayerParameter param)
    {
        PythonParameter? python = param.PythonParam;
        if (python == null || python.Module.Length == 0 || python.Layer.Length == 0)
        {
            throw new LayerException(param.Name, param.Type,
                "a Python layer needs python_param { module: \"...\" layer: \"...\" } naming the layer class.");
        }
        Func<LayerParameter, Layer>? creator = FindPythonCreator(python.Module, python.Layer);
        if (creator == null)
        {
            IReadOnlyList<string> known = PythonLayerList;
            throw new LayerException(param.Name, param.Type,
                $"no C# layer is registered for Python module '{python.Module}' layer '{python.Layer}'. Register one with " +
                $"LayerRegistry.RegisterPython(\"{python.Module}\", \"{python.Layer}\", p => new {python.Layer}(p)) or mark its class " +
                $"[PythonLayer(\"{python.Module}\", \"{python.Layer}\")]; a program that does not reference the assembly holding it " +
                $"(the caffe tool) loads it from {AssembliesVariable}=path/to/Layers.dll " +
                $"(known Python layers: {(known.Count == 0 ? "none" : string.Join(", ", known))}).");
        }
        try
        {
            return creator(param);
        }
        catch (Exception e) when (e is not CaffeException)
        {
            throw new LayerException(param.Name, param.Type,
                $"creating Python layer {python.Module}.{python.Layer} failed: {e.GetType().Name}: {e.Message}", e);
        }
    }

    private static Func<LayerParameter, Layer>? FindPythonCreator(string module, string layer)
    {
        lock (Gate)
        {
            if (PythonCreators.TryGetValue((module, layer), out Func<LayerParameter, Layer>? creator)) return creator;
            ScanLoadedAssemblies();
            return PythonTypes.TryGetValue((module, layer), out Type? type) ? p => Construct(type, p) : null;
        }
    }

    // Assemblies load lazily, so each miss looks at the ones that appeared since the last scan (after loading those
    // CAFFE_LAYER_ASSEMBLIES names); only assemblies that reference this library can hold layers.
    private static void ScanLoadedAssemblies()
    {
        LoadEnvironmentAssemblies();
        Assembly library = typeof(Layer).Assembly;
        string libraryName = library.GetName().Name!;
        foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.IsDynamic || !ScannedAssemblies.Add(assembly)) continue;
            if (assembly != library && !assembly.GetReferencedAssemblies().Any(a => a.Name == libraryName)) continue;
            foreach (Type type in LoadableTypes(assembly))
            {
                foreach (PythonLayerAttribute mark in type.GetCustomAttributes<PythonLayerAttribute>(inherit: false))
                {
                    if (type.IsAbstract || !typeof(Layer).IsAssignableFrom(type) || type.GetConstructor([typeof(LayerParameter)]) == null)
                    {
                        throw new InvalidOperationException(
                            $"{type.FullName} is marked [PythonLayer(\"{mark.Module}\", \"{mark.Layer}\")] but is not a concrete Layer " +
                            "with a public constructor taking a LayerParameter.");
                    }
                    if (PythonTypes.TryGetValue((mark.Module, mark.Layer), out Type? other) && other != type)
                    {
                        throw new InvalidOperationException(
                            $"Both {other.FullName} and {type.FullName} are marked as Python layer {mark.Module}.{mark.Layer}.");
                    }
                    PythonTypes[(mark.Module, mark.Layer)] = type;
                }
            }
        }
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private static Layer Construct(Type type, LayerParameter param)
    {
        try
        {
            return (Layer)Activator.CreateInstance(type, param)!;
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
