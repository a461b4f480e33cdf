namespace Caffe;

/// <summary>
/// How coordinates of one blob map to another's along the spatial axes (pycaffe <c>coord_map</c>): a blob
/// coordinate <c>x</c> of the "from" blob corresponds to <c>Scale·x + Shift</c> in the "to" blob, per spatial
/// axis from <see cref="Axis"/> + 1 on. <see cref="Axis"/> is null when only pass-through layers lie between.
/// </summary>
/// <param name="Axis">The last non-spatial axis (1 for N×C×H×W), or null when undetermined.</param>
/// <param name="Scale">Per spatial axis (one value when all axes agree).</param>
/// <param name="Shift">Per spatial axis (one value when all axes agree).</param>
public sealed record CoordMapping(int? Axis, double[] Scale, double[] Shift)
{
    /// <summary>The identity map.</summary>
    public static CoordMapping Identity { get; } = new(null, [1], [0]);

    /// <summary>pycaffe <c>compose</c>: this map, then <paramref name="next"/>; scales multiply, the next shift is scaled by this scale.</summary>
    public CoordMapping Then(CoordMapping next)
    {
        int? axis = Axis == null ? next.Axis
            : next.Axis == null || next.Axis == Axis ? Axis
            : throw new CoordMapException($"Axis mismatch: a map on axis {Axis} cannot compose with one on axis {next.Axis}.");
        return new(axis, Zip(Scale, next.Scale, (a1, a2) => a1 * a2), Add(Zip(Scale, next.Shift, (a1, b2) => a1 * b2), Shift));
    }

    /// <summary>pycaffe <c>inverse</c>: the backward map (1/scale, −shift/scale).</summary>
    public CoordMapping Inverse() => new(Axis, Scale.Select(a => 1 / a).ToArray(), Zip(Shift, Scale, (b, a) => -b / a));

    /// <inheritdoc/>
    public override string ToString() =>
        $"(axis {Axis?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, scale [{string.Join(", ", Scale)}], shift [{string.Join(", ", Shift)}])";

    internal static double[] Zip(double[] x, double[] y, Func<double, double, double> op)
    {
        if (x.Length != y.Length && x.Length != 1 && y.Length != 1)
            throw new CoordMapException($"Per-axis values of {x.Length} and {y.Length} axes do not broadcast.");
        int n = Math.Max(x.Length, y.Length);
        var result = new double[n];
        for (int i = 0; i < n; i++) result[i] = op(x[x.Length == 1 ? 0 : i], y[y.Length == 1 ? 0 : i]);
        return result;
    }

    private static double[] Add(double[] x, double[] y) => Zip(x, y, (a, b) => a + b);
}

/// <summary>A coordinate map that cannot be made: blobs not connected by spatial layers, mismatched axes, an impossible crop.</summary>
public sealed class CoordMapException(string message) : CaffeException(message);

/// <summary>
/// pycaffe's <c>caffe.coord_map</c>: relates the coordinates of two blobs through the spatial layers between them
/// (Convolution, Pooling, Im2col, Deconvolution, Crop, and pass-through layers such as ReLU), and makes the Crop
/// layer that aligns one blob with another — the FCN recipe. Works on a <see cref="NetSpec"/>'s tops or on the
/// blobs of a <see cref="NetParameter"/>.
/// </summary>
public static class CoordMap
{
    /// <summary>Layer types that keep coordinates (pycaffe's <c>PASS_THROUGH_LAYERS</c>).</summary>
    public static IReadOnlyList<string> PassThroughLayers { get; } =
        ["AbsVal", "BatchNorm", "Bias", "BNLL", "Dropout", "Eltwise", "ELU", "Log", "LRN", "Exp", "MVN", "Power",
         "ReLU", "PReLU", "Scale", "Sigmoid", "Split", "TanH", "Threshold"];

    /// <summary>
    /// pycaffe <c>coord_map_from_to(top_from, top_to)</c>: walks back from both tops to a common blob, composing the
    /// layers' maps, and returns the map from <paramref name="from"/>'s coordinates to <paramref name="to"/>'s.
    /// </summary>
    /// <exception cref="CoordMapException">The tops share no blob reachable through spatial layers.</exception>
    public static CoordMapping FromTo(NetSpecItem from, NetSpecItem to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var graph = new NetSpecGraph();
        return FromTo(graph.Node(from.AsTop("from")), graph.Node(to.AsTop("to")));
    }

    /// <summary>The map between two blobs of a net, by name (the last layer writing a blob name defines it).</summary>
    public static CoordMapping FromTo(NetParameter net, string fromBlob, string toBlob)
    {
        var graph = new NetParameterGraph(net);
        return FromTo(graph.Node(fromBlob), graph.Node(toBlob));
    }

    /// <summary>
    /// pycaffe <c>crop(top_from, top_to)</c>: a Crop layer cropping <paramref name="from"/> to <paramref name="to"/>'s
    /// extent, with <c>crop_param { axis offset }</c> from their coordinate map.
    /// </summary>
    /// <exception cref="CoordMapException">The scales differ, or the crop would need a negative or fractional offset.</exception>
    public static LayerFunction Crop(NetSpecItem from, NetSpecItem to)
    {
        CropParameter param = CropFrom(FromTo(from, to));
        return L.Crop(from, to, new { crop_param = param });
    }

    /// <summary>The <c>crop_param</c> that crops blob <paramref name="fromBlob"/> of <paramref name="net"/> to <paramref name="toBlob"/>.</summary>
    public static CropParameter CropParam(NetParameter net, string fromBlob, string toBlob) => CropFrom(FromTo(net, fromBlob, toBlob));

    /// <summary>pycaffe <c>coord_map(fn)</c>: the map of one layer, or null when the layer type has none.</summary>
    public static CoordMapping? LayerMap(LayerParameter layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        switch (layer.Type)
        {
            case "Convolution" or "Pooling" or "Im2col":
            {
                (int axis, double[] stride, double[] kernel, double[] pad) = SpatialParams(layer);
                return new(axis, stride.Select(s => 1 / s).ToArray(),
                           CoordMapping.Zip(CoordMapping.Zip(pad, kernel, (p, k) => p - (k - 1) / 2), stride, (x, s) => x / s));
            }
            case "Deconvolution":
            {
                (int axis, double[] stride, double[] kernel, double[] pad) = SpatialParams(layer);
                return new(axis, stride, CoordMapping.Zip(kernel, pad, (k, p) => (k - 1) / 2 - p));
            }
            case "Crop":
            {
                CropParameter crop = layer.CropParam ?? new CropParameter();
                double[] offset = crop.Offset.Count == 0 ? [0] : crop.Offset.Select(o => -(double)o).ToArray();
                // Crop's axis is the first cropped axis; the map's axis is the last one kept.
                return new(crop.Axis - 1, [1], offset);
            }
            default:
                return PassThroughLayers.Contains(layer.Type) ? CoordMapping.Identity : null;
        }
    }

    private static CoordMapping FromTo(IMapNode from, IMapNode to)
    {
        var fromMaps = new Dictionary<IMapNode, CoordMapping> { [from] = CoordMapping.Identity };
        var frontier = new List<IMapNode> { from };
        while (frontier.Count > 0)
        {
            IMapNode top = Pop(frontier);
            CoordMapping? map = top.Layer == null ? null : LayerMap(top.Layer);
            if (map == null) continue;
            foreach (IMapNode bottom in top.MappedBottoms)
            {
                fromMaps[bottom] = fromMaps[top].Then(map);
                if (!frontier.Contains(bottom)) frontier.Add(bottom);
            }
        }
        var toMaps = new Dictionary<IMapNode, CoordMapping> { [to] = CoordMapping.Identity };
        frontier.Add(to);
        while (frontier.Count > 0)
        {
            IMapNode top = Pop(frontier);
            if (fromMaps.TryGetValue(top, out CoordMapping? common)) return toMaps[top].Then(common.Inverse());
            CoordMapping? map = top.Layer == null ? null : LayerMap(top.Layer);
            if (map == null) continue;
            foreach (IMapNode bottom in top.MappedBottoms)
            {
                toMaps[bottom] = toMaps[top].Then(map);
                if (!frontier.Contains(bottom)) frontier.Add(bottom);
            }
        }
        throw new CoordMapException(
            $"Could not compute map between {from.Describe()} and {to.Describe()}; are they connected by spatial layers?");
    }

    private static IMapNode Pop(List<IMapNode> frontier)
    {
        IMapNode last = frontier[^1];
        frontier.RemoveAt(frontier.Count - 1);
        return last;
    }

    private static CropParameter CropFrom(CoordMapping map)
    {
        if (map.Scale.Any(a => a != 1)) throw new CoordMapException($"Scale mismatch on crop (a = [{string.Join(", ", map.Scale)}]).");
        if (map.Shift.Any(b => b > 0)) throw new CoordMapException($"Cannot crop negative width (b = [{string.Join(", ", map.Shift)}]).");
        if (map.Shift.Any(b => Math.Round(b) != b))
            throw new CoordMapException($"Cannot crop noninteger width (b = [{string.Join(", ", map.Shift)}]).");
        if (map.Axis == null)
            throw new CoordMapException("Cannot crop: only pass-through layers connect the blobs, so no spatial axis is known.");
        var param = new CropParameter { Axis = map.Axis.Value + 1 };
        foreach (double b in map.Shift) param.Offset.Add((uint)-Math.Round(b));
        return param;
    }

    /// <summary>pycaffe's <c>conv_params</c>: axis, stride, effective kernel extent (dilated), pad, per spatial axis.</summary>
    private static (int Axis, double[] Stride, double[] Kernel, double[] Pad) SpatialParams(LayerParameter layer)
    {
        if (layer.Type == "Pooling")
        {
            PoolingParameter p = layer.PoolingParam
                ?? throw new CoordMapException($"{layer.Type} layer '{layer.Name}' has no pooling_param kernel_size.");
            if (p.HasKernelH || p.HasKernelW || p.HasStrideH || p.HasStrideW || p.HasPadH || p.HasPadW)
                throw new CoordMapException($"{layer.Type} layer '{layer.Name}': cropping does not support legacy _h/_w params.");
            if (!p.HasKernelSize)
                throw new CoordMapException($"{layer.Type} layer '{layer.Name}' has no kernel_size (global pooling has no coordinate map).");
            return (1, [p.Stride], [p.KernelSize], [p.Pad]);
        }
        ConvolutionParameter c = layer.ConvolutionParam
            ?? throw new CoordMapException($"{layer.Type} layer '{layer.Name}' has no convolution_param kernel_size.");
        if (c.HasKernelH || c.HasKernelW || c.HasStrideH || c.HasStrideW || c.HasPadH || c.HasPadW)
            throw new CoordMapException($"{layer.Type} layer '{layer.Name}': cropping does not support legacy _h/_w params.");
        if (c.KernelSize.Count == 0)
            throw new CoordMapException($"{layer.Type} layer '{layer.Name}' has no kernel_size.");
        double[] kernel = c.KernelSize.Select(k => (double)k).ToArray();
        double[] dilation = c.Dilation.Count == 0 ? [1] : c.Dilation.Select(d => (double)d).ToArray();
        double[] stride = c.Stride.Count == 0 ? [1] : c.Stride.Select(s => (double)s).ToArray();
        double[] pad = c.Pad.Count == 0 ? [0] : c.Pad.Select(p => (double)p).ToArray();
        return (c.Axis, stride, CoordMapping.Zip(kernel, dilation, (k, d) => (k - 1) * d + 1), pad);
    }

    /// <summary>A blob version in a net graph: the layer that wrote it and the blobs that layer read.</summary>
    private interface IMapNode
    {
        LayerParameter? Layer { get; }

        /// <summary>The bottoms coordinates flow through: all of them, except a Crop's reference (second) bottom.</summary>
        IEnumerable<IMapNode> MappedBottoms { get; }

        string Describe();
    }

    private sealed class NetSpecGraph
    {
        private readonly Dictionary<LayerFunction, LayerParameter> _layers = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<Top, TopNode> _nodes = new(ReferenceEqualityComparer.Instance);

        public IMapNode Node(Top top)
        {
            if (!_nodes.TryGetValue(top, out TopNode? node)) _nodes[top] = node = new TopNode(this, top);
            return node;
        }

        private LayerParameter LayerOf(LayerFunction fn)
        {
            if (!_layers.TryGetValue(fn, out LayerParameter? layer)) _layers[fn] = layer = fn.ToLayerParameter();
            return layer;
        }

        private sealed class TopNode(NetSpecGraph graph, Top top) : IMapNode
        {
            public LayerParameter? Layer => graph.LayerOf(top.Function);

            public IEnumerable<IMapNode> MappedBottoms =>
                (top.Function.TypeName == "Crop" ? top.Function.Inputs.Take(1) : top.Function.Inputs).Select(graph.Node);

            public string Describe() => top.ToString();
        }
    }

    private sealed class NetParameterGraph
    {
        private readonly Dictionary<string, BlobNode> _current = new(StringComparer.Ordinal);

        public NetParameterGraph(NetParameter net)
        {
            ArgumentNullException.ThrowIfNull(net);
            NetParameter upgraded = NetUpgrader.UpgradeNetAsNeeded(net.Clone(), "<NetParameter>");
            foreach (LayerParameter layer in upgraded.Layer)
            {
                var bottoms = layer.Bottom.Select(name => _current.TryGetValue(name, out BlobNode? node)
                    ? node
                    : throw new CoordMapException($"Layer '{layer.Name}' reads blob '{name}', which no earlier layer writes.")).ToList();
                foreach (string top in layer.Top) _current[top] = new BlobNode(top, layer, bottoms);
            }
        }

        public IMapNode Node(string blob)
        {
            ArgumentNullException.ThrowIfNull(blob);
            return _current.TryGetValue(blob, out BlobNode? node)
                ? node
                : throw new CoordMapException($"The net has no blob named '{blob}' (blobs: {string.Join(", ", _current.Keys)}).");
        }

        private sealed class BlobNode(string name, LayerParameter layer, List<BlobNode> bottoms) : IMapNode
        {
            public LayerParameter? Layer => layer;

            public IEnumerable<IMapNode> MappedBottoms => layer.Type == "Crop" ? bottoms.Take(1) : bottoms;

            public string Describe() => $"blob '{name}' (from layer '{layer.Name}')";
        }
    }
}
