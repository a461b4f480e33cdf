using System.Collections;

namespace Caffe;

/// <summary>
/// pycaffe's <c>caffe.NetSpec()</c>: named tops assigned in order, turned into a <see cref="NetParameter"/> holding
/// every layer they need, in dependency order. The name a top is assigned to becomes its blob name and the name of
/// the layer that makes it; unnamed layers and blobs get pycaffe's automatic names (<c>Convolution1</c>, ...).
/// <code>
/// var n = new NetSpec();
/// (n["data"], n["label"]) = L.DummyData(new { shape = new[] { new { dim = new[] { 64, 1, 28, 28 } }, new { dim = new[] { 64, 1, 1, 1 } } }, ntop = 2 });
/// n["conv1"] = L.Convolution(n["data"], new { kernel_size = 5, num_output = 20, weight_filler = new { type = "xavier" } });
/// n["pool1"] = L.Pooling(n["conv1"], new { kernel_size = 2, stride = 2, pool = P.Pooling.MAX });
/// NetParameter net = n.ToProto();
/// </code>
/// </summary>
public sealed class NetSpec : IEnumerable<KeyValuePair<string, NetSpecItem>>
{
    private readonly OrderedDictionary<string, NetSpecItem> _tops = new(StringComparer.Ordinal);

    /// <summary>
    /// The top assigned to a name (pycaffe <c>n.name</c> / <c>n['name']</c>). Assigning a single-top layer stores its
    /// top; a layer without tops (<c>ntop = 0</c>) is stored as is, and the name becomes the layer's name. A layer
    /// with several tops must be deconstructed: <c>(n["a"], n["b"]) = L.Slice(...)</c>.
    /// </summary>
    public NetSpecItem this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            return _tops.TryGetValue(name, out NetSpecItem? item)
                ? item
                : throw new KeyNotFoundException($"NetSpec has no top named '{name}' (names: {string.Join(", ", _tops.Keys)}).");
        }
        set
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(value);
            if (value is LayerFunction fn && fn.NTop > 0)
            {
                if (fn.NTop > 1)
                    throw new ArgumentException(
                        $"'{name}': a {fn.TypeName} layer with {fn.NTop} tops cannot take one name; deconstruct it: (n[\"a\"], n[\"b\"], ...) = L.{fn.TypeName}(...).");
                value = fn.Tops[0];
            }
            _tops[name] = value;
        }
    }

    /// <summary>The assigned names, in assignment order (pycaffe <c>n.keys()</c>).</summary>
    public IEnumerable<string> Keys => _tops.Keys;

    /// <summary>Whether a name was assigned.</summary>
    public bool Contains(string name) => _tops.ContainsKey(name);

    /// <summary>Removes a name (pycaffe <c>del n.name</c>); the layer stays if another assigned top needs it.</summary>
    public bool Remove(string name) => _tops.Remove(name);

    /// <summary>
    /// pycaffe <c>n.to_proto()</c>: a <see cref="NetParameter"/> with every layer the assigned tops need, each layer
    /// after the layers it reads from, named by the assignments (a value assigned under two names takes the later).
    /// </summary>
    public NetParameter ToProto()
    {
        var names = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
        foreach ((string name, NetSpecItem item) in _tops) names[item] = name;
        var builder = new NetSpecBuilder(names);
        foreach (NetSpecItem item in _tops.Values) builder.Add(item.Function);
        return builder.ToNet();
    }

    /// <summary>pycaffe <c>caffe.to_proto(*tops)</c>: the layers these tops need, every name automatic.</summary>
    public static NetParameter ToProto(params NetSpecItem[] tops)
    {
        ArgumentNullException.ThrowIfNull(tops);
        var builder = new NetSpecBuilder(new Dictionary<object, string>(ReferenceEqualityComparer.Instance));
        foreach (NetSpecItem top in tops) builder.Add(top.Function);
        return builder.ToNet();
    }

    /// <summary>pycaffe <c>str(n.to_proto())</c>: the net as prototxt text.</summary>
    public override string ToString() => TextFormat.Print(ToProto());

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, NetSpecItem>> GetEnumerator() => _tops.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>What a <see cref="NetSpec"/> holds and layers take as inputs: a <see cref="Top"/>, or a <see cref="LayerFunction"/>.</summary>
public abstract class NetSpecItem
{
    private protected NetSpecItem() { }

    /// <summary>The layer this item belongs to.</summary>
    public abstract LayerFunction Function { get; }

    /// <summary>pycaffe <c>top.to_proto()</c>: a net with every layer this item needs, all names automatic.</summary>
    public NetParameter ToProto() => NetSpec.ToProto(this);

    /// <summary>This item as a single top (a layer function with exactly one top gives that top).</summary>
    internal abstract Top AsTop(string what);
}

/// <summary>pycaffe's <c>Top</c>: one output blob of a layer (which may have several).</summary>
public sealed class Top : NetSpecItem
{
    internal Top(LayerFunction function, int index)
    {
        Function = function;
        Index = index;
    }

    /// <inheritdoc/>
    public override LayerFunction Function { get; }

    /// <summary>Which top of its layer this is (pycaffe <c>top.n</c>).</summary>
    public int Index { get; }

    /// <inheritdoc/>
    public override string ToString() => $"Top {Index} of {Function.TypeName}";

    internal override Top AsTop(string what) => this;
}

/// <summary>Builds the net of a <see cref="NetSpec"/>: pycaffe's <c>Function._to_proto</c> walk and naming.</summary>
internal sealed class NetSpecBuilder(Dictionary<object, string> names)
{
    private readonly Dictionary<LayerFunction, LayerParameter> _layers = new(ReferenceEqualityComparer.Instance);
    private readonly List<LayerParameter> _order = [];
    private readonly Dictionary<string, int> _autonames = new(StringComparer.Ordinal);

    public void Add(LayerFunction fn)
    {
        if (_layers.ContainsKey(fn)) return;
        var layer = new LayerParameter { Type = fn.TypeName };
        foreach (Top input in fn.Inputs)
        {
            Add(input.Function);
            layer.Bottom.Add(_layers[input.Function].Top[input.Index]);
        }
        if (fn.InPlace) layer.Top.AddRange(layer.Bottom);
        else foreach (Top top in fn.Tops) layer.Top.Add(TopName(top));
        layer.Name = LayerName(fn);
        fn.ApplyParams(layer);
        _layers[fn] = layer;
        _order.Add(layer);
    }

    public NetParameter ToNet()
    {
        var net = new NetParameter();
        net.Layer.AddRange(_order);
        return net;
    }

    private string LayerName(LayerFunction fn)
    {
        if (!names.TryGetValue(fn, out string? name))
            names[fn] = name = fn.NTop > 0 ? TopName(fn.Tops[0]) : AutoName(fn.TypeName);
        return name;
    }

    private string TopName(Top top)
    {
        if (!names.TryGetValue(top, out string? name)) names[top] = name = AutoName(top.Function.TypeName);
        return name;
    }

    private string AutoName(string type)
    {
        int count = _autonames.GetValueOrDefault(type) + 1;
        _autonames[type] = count;
        return type + count;
    }
}
