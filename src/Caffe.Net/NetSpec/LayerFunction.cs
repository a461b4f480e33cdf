using Google.Protobuf.Reflection;

namespace Caffe;

/// <summary>
/// pycaffe's <c>Function</c>: one layer of a <see cref="NetSpec"/> — its type, input tops, keyword parameters and
/// its own tops. <see cref="L"/> makes them. A single-top layer can be used wherever a top is expected; a
/// multi-top one is indexed (<c>fn[1]</c>) or deconstructed (<c>var (a, b) = L.Slice(x, new { ntop = 2 })</c>).
/// </summary>
public sealed class LayerFunction : NetSpecItem
{
    private static readonly Lazy<Dictionary<string, FieldDescriptor>> ParamFields = new(BuildParamFields);
    private readonly List<KeyValuePair<string, object?>> _params;
    private readonly Top[] _tops;

    internal LayerFunction(string typeName, IReadOnlyList<Top> inputs, List<KeyValuePair<string, object?>> parameters)
    {
        TypeName = typeName;
        Inputs = inputs;
        int ntop = 1;
        bool inPlace = false;
        _params = [];
        foreach ((string key, object? value) in parameters)
        {
            if (key == "ntop")
                ntop = value is int n and >= 0 ? n : throw new ArgumentException($"{typeName}: ntop must be an int ≥ 0, got {value ?? "null"}.");
            else if (key == "in_place")
                inPlace = value is bool b ? b : throw new ArgumentException($"{typeName}: in_place must be a bool, got {value ?? "null"}.");
            else
                _params.Add(new(key, value));
        }
        NTop = ntop;
        InPlace = inPlace;
        if (inPlace && inputs.Count == 0)
            throw new ArgumentException($"{typeName}: in_place needs a bottom to write over.");
        _tops = Enumerable.Range(0, ntop).Select(i => new Top(this, i)).ToArray();
        // Apply once now so that a wrong keyword fails at the line that wrote it, not at ToProto.
        ApplyParams(new LayerParameter { Type = typeName });
    }

    /// <summary>The layer type (pycaffe <c>fn.type_name</c>).</summary>
    public string TypeName { get; }

    /// <summary>The input tops, in bottom order (pycaffe <c>fn.inputs</c>).</summary>
    public IReadOnlyList<Top> Inputs { get; }

    /// <summary>The keyword parameters as given, without <c>ntop</c> and <c>in_place</c> (pycaffe <c>fn.params</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Params => _params;

    /// <summary>The number of tops (pycaffe <c>ntop</c>, default 1).</summary>
    public int NTop { get; }

    /// <summary>Whether the layer writes over its bottoms (pycaffe <c>in_place=True</c>): its tops take the bottoms' names.</summary>
    public bool InPlace { get; }

    /// <summary>The layer's tops (pycaffe <c>fn.tops</c>).</summary>
    public IReadOnlyList<Top> Tops => _tops;

    /// <inheritdoc/>
    public override LayerFunction Function => this;

    /// <summary>Top <paramref name="index"/> of this layer.</summary>
    public Top this[int index] => index >= 0 && index < _tops.Length
        ? _tops[index]
        : throw new ArgumentOutOfRangeException(nameof(index), $"{TypeName} has {_tops.Length} tops; there is no top {index}.");

    /// <summary>The layer's parameter with its keywords applied (type and keywords only: no names, bottoms or tops).</summary>
    public LayerParameter ToLayerParameter()
    {
        var layer = new LayerParameter { Type = TypeName };
        ApplyParams(layer);
        return layer;
    }

    /// <summary>Deconstructs a two-top layer.</summary>
    public void Deconstruct(out Top top0, out Top top1)
    {
        CheckTops(2);
        (top0, top1) = (_tops[0], _tops[1]);
    }

    /// <summary>Deconstructs a three-top layer.</summary>
    public void Deconstruct(out Top top0, out Top top1, out Top top2)
    {
        CheckTops(3);
        (top0, top1, top2) = (_tops[0], _tops[1], _tops[2]);
    }

    /// <summary>Deconstructs a four-top layer.</summary>
    public void Deconstruct(out Top top0, out Top top1, out Top top2, out Top top3)
    {
        CheckTops(4);
        (top0, top1, top2, top3) = (_tops[0], _tops[1], _tops[2], _tops[3]);
    }

    /// <summary>Deconstructs a five-top layer.</summary>
    public void Deconstruct(out Top top0, out Top top1, out Top top2, out Top top3, out Top top4)
    {
        CheckTops(5);
        (top0, top1, top2, top3, top4) = (_tops[0], _tops[1], _tops[2], _tops[3], _tops[4]);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{TypeName} layer ({NTop} tops)";

    internal override Top AsTop(string what) => NTop == 1
        ? _tops[0]
        : throw new ArgumentException($"{what} is not a Top: it is a {TypeName} layer with {NTop} tops; pass its tops one by one.");

    /// <summary>
    /// Writes the keywords onto <paramref name="layer"/> as pycaffe routes them: a keyword ending in <c>param</c> is a
    /// field of LayerParameter; any other goes to the layer type's own <c>*_param</c> message when that message has
    /// such a field, else to LayerParameter. Deconvolution and Im2col use <c>convolution_param</c>, as their layers do.
    /// </summary>
    internal void ApplyParams(LayerParameter layer)
    {
        FieldDescriptor? typeParam = ParamFields.Value.GetValueOrDefault(TypeName);
        foreach ((string key, object? value) in _params)
        {
            if (key.EndsWith("param", StringComparison.Ordinal) || typeParam == null || !ProtoAssigner.HasField(typeParam.MessageType, key))
            {
                if (!ProtoAssigner.HasField(LayerParameter.Descriptor, key))
                {
                    string owner = typeParam == null
                        ? "LayerParameter"
                        : $"{typeParam.MessageType.Name} ({typeParam.Name}) nor of LayerParameter";
                    MessageDescriptor[] candidates = typeParam == null
                        ? [LayerParameter.Descriptor]
                        : [typeParam.MessageType, LayerParameter.Descriptor];
                    throw new ArgumentException(
                        $"{TypeName} layer: unknown keyword '{key}': not a field of {owner}" +
                        ProtoAssigner.DidYouMean(ProtoAssigner.Suggestions(key, candidates)));
                }
                ProtoAssigner.Assign(layer, key, value, TypeName);
                continue;
            }
            var sub = (Google.Protobuf.IMessage?)typeParam.Accessor.GetValue(layer);
            if (sub == null)
            {
                sub = ProtoFields.NewMessage(typeParam);
                typeParam.Accessor.SetValue(layer, sub);
            }
            ProtoAssigner.Assign(sub, key, value, $"{TypeName}.{typeParam.Name}");
        }
    }

    private void CheckTops(int count)
    {
        if (NTop != count)
            throw new InvalidOperationException($"{TypeName} has {NTop} tops; it cannot be deconstructed into {count}.");
    }

    /// <summary>pycaffe's <c>param_name_dict</c>: layer type (message name without "Parameter") → its <c>*_param</c> field.</summary>
    private static Dictionary<string, FieldDescriptor> BuildParamFields()
    {
        var map = new Dictionary<string, FieldDescriptor>(StringComparer.Ordinal);
        foreach (FieldDescriptor field in LayerParameter.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType != FieldType.Message || !field.Name.EndsWith("_param", StringComparison.Ordinal)) continue;
            string typeName = field.MessageType.Name;
            if (typeName.EndsWith("Parameter", StringComparison.Ordinal)) map[typeName[..^"Parameter".Length]] = field;
        }
        map["Deconvolution"] = map["Convolution"];
        map["Im2col"] = map["Convolution"];
        return map;
    }
}
