namespace Caffe;

/// <summary>
/// Maps Caffe type strings (<c>type: "Convolution"</c>) to layer constructors. Built-in types are listed
/// explicitly below; user layers are added with <see cref="Register"/> (BVLC's <c>REGISTER_LAYER_CLASS</c>).
/// </summary>
public static class LayerRegistry
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, Func<LayerParameter, Layer>> Creators = BuiltIn();

    /// <summary>Every registered type string, sorted (pycaffe <c>caffe.layer_type_list()</c>).</summary>
    public static IReadOnlyList<string> TypeList
    {
        get
        {
            lock (Gate) return [.. Creators.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Registers a layer type; registering a type string twice is an error.</summary>
    public static void Register(string type, Func<LayerParameter, Layer> creator)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        lock (Gate)
        {
            if (!Creators.TryAdd(type, creator))
                throw new ArgumentException($"Layer type '{type}' is already registered.", nameof(type));
        }
    }

    /// <summary>True when <paramref name="type"/> is registered.</summary>
    public static bool IsRegistered(string type)
    {
        lock (Gate) return Creators.ContainsKey(type);
    }

    /// <summary>Creates a layer for <paramref name="param"/>; an unknown type names the known ones.</summary>
    public static Layer CreateLayer(LayerParameter param)
    {
        Func<LayerParameter, Layer>? creator;
        lock (Gate) Creators.TryGetValue(param.Type, out creator);
        if (creator == null)
        {
            throw new LayerException(param.Name, param.Type,
                $"unknown layer type '{param.Type}' (known types: {string.Join(", ", TypeList)}).");
        }
        return creator(param);
    }

    private static Dictionary<string, Func<LayerParameter, Layer>> BuiltIn() => new(StringComparer.Ordinal)
    {
        ["Convolution"] = p => new ConvolutionLayer(p),
        ["Deconvolution"] = p => new DeconvolutionLayer(p),
        ["InnerProduct"] = p => new InnerProductLayer(p),
        ["Input"] = p => new InputLayer(p),
        ["Pooling"] = p => new PoolingLayer(p),
        ["Split"] = p => new SplitLayer(p),
    };
}
