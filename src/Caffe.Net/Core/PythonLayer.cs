namespace Caffe;

/// <summary>
/// Base of a layer written in C# for a prototxt that names a Python layer — pycaffe's <c>caffe.Layer</c>:
/// <code>
/// layer { name: "mul10" type: "Python" bottom: "data" top: "mul10"
///         python_param { module: "my_layers" layer: "MultiplyLayer" param_str: "10" } }
/// </code>
/// Override <see cref="Layer.LayerSetUp"/> (pycaffe's <c>setup</c>), <see cref="Reshape"/> (<c>reshape</c>),
/// <see cref="ForwardCpu"/> (<c>forward</c>) and <see cref="BackwardCpu"/> (<c>backward</c>); read
/// <see cref="ParamStr"/> and <see cref="Layer.Phase"/> as pycaffe's <c>self.param_str</c> and <c>self.phase</c>,
/// and add parameter blobs to <see cref="Layer.Blobs"/> (<c>self.blobs.add_blob</c>). The net finds the class by
/// (module, layer): see <see cref="LayerRegistry.RegisterPython"/> and <see cref="PythonLayerAttribute"/>.
/// A class that derives <see cref="Layer"/> directly works too; this base only adds the pycaffe names.
/// </summary>
public abstract class PythonLayer(LayerParameter param) : Layer(param)
{
    /// <summary>"Python", as BVLC's PythonLayer reports it.</summary>
    public sealed override string Type => "Python";

    /// <summary><c>python_param.param_str</c> (pycaffe <c>self.param_str</c>): free text the layer parses itself.</summary>
    public string ParamStr => Param.PythonParam?.ParamStr ?? "";

    /// <summary><c>python_param.module</c>, the Python module name the prototxt gives.</summary>
    public string Module => Param.PythonParam?.Module ?? "";

    /// <summary><c>python_param.layer</c>, the Python class name the prototxt gives.</summary>
    public string LayerClass => Param.PythonParam?.Layer ?? "";

    /// <summary>Does nothing by default, as a pycaffe layer may shape its tops in <c>setup</c>; the net checks that every top got a shape.</summary>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) { }

    /// <summary>Throws: a layer used in a forward must override it (pycaffe raises when <c>forward</c> is missing).</summary>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) =>
        throw Error($"Python layer {Module}.{LayerClass} has no forward: override ForwardCpu.");

    /// <summary>Throws: a layer used in a backward must override it (pycaffe raises when <c>backward</c> is missing).</summary>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) =>
        throw Error($"Python layer {Module}.{LayerClass} has no backward: override BackwardCpu.");
}

/// <summary>
/// Marks a <see cref="Layer"/> class as the C# implementation of the Python layer <c>python_param { module:
/// <paramref name="module"/> layer: <paramref name="layer"/> }</c>; the registry finds it in the loaded
/// assemblies the first time a net asks for that pair. The class needs a public constructor taking a
/// <see cref="LayerParameter"/>. A class may carry several of these attributes.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PythonLayerAttribute(string module, string layer) : Attribute
{
    /// <summary>The Python module name, exactly as in <c>python_param.module</c> (dots included).</summary>
    public string Module { get; } = module;

    /// <summary>The Python class name, exactly as in <c>python_param.layer</c>.</summary>
    public string Layer { get; } = layer;
}
