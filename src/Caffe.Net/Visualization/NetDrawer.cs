using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Caffe;

/// <summary>
/// pycaffe's <c>caffe.draw</c>: a net's graph in Graphviz DOT — one node per layer (record shapes coloured by type:
/// Convolution/Deconvolution red, Pooling orange, InnerProduct purple, others blue; in-place layers green) and one
/// per blob (grey octagons), edges from bottoms to layers and from layers to tops. Top edges are labelled as
/// pycaffe labels them (num_output, or <c>Batch N</c> for Data layers), or with the blob's shape when a
/// <see cref="Net"/> is given. <see cref="DrawNetToFile"/> renders with Graphviz's <c>dot</c> program.
/// </summary>
public static class NetDrawer
{
    private const string BlobColor = "#E0E0E0";
    private const string NeuronColor = "#90EE90";

    /// <summary>
    /// pycaffe <c>get_pydot_graph(caffe_net, rankdir, label_edges, phase, display_lrm)</c> as DOT text.
    /// <paramref name="rankdir"/> is Graphviz's layout direction (LR, TB, BT, RL); <paramref name="phase"/> keeps
    /// only the layers its include/exclude phase rules admit (null: all layers); <paramref name="displayLrm"/> adds
    /// the lr_mult of Convolution, Deconvolution and InnerProduct layers; with <paramref name="net"/>, top edges
    /// carry the shapes of that net's blobs.
    /// </summary>
    public static string ToDot(NetParameter netParameter, string rankdir = "LR", Phase? phase = null, bool displayLrm = false,
                               bool labelEdges = true, Net? net = null)
    {
        ArgumentNullException.ThrowIfNull(netParameter);
        ArgumentException.ThrowIfNullOrEmpty(rankdir);
        var nodes = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        var edges = new List<(string From, string To, string Label)>();
        foreach (LayerParameter layer in netParameter.Layer)
        {
            if (phase is Phase p && !IsIncluded(layer, p)) continue;
            string layerNode = $"{layer.Name}_{layer.Type}";
            bool inPlace = layer.Bottom.Count == 1 && layer.Top.Count == 1 && layer.Bottom[0] == layer.Top[0];
            string color = inPlace ? NeuronColor : LayerColor(layer.Type);
            nodes[layerNode] = $"label={Quote(LayerLabel(layer, rankdir, displayLrm))}, shape=record, style=filled, fillcolor=\"{color}\"";
            foreach (string bottom in layer.Bottom)
            {
                nodes[bottom + "_blob"] = $"label={Quote(bottom)}, shape=octagon, style=filled, fillcolor=\"{BlobColor}\"";
                edges.Add((bottom + "_blob", layerNode, ""));
            }
            foreach (string top in layer.Top)
            {
                // pycaffe styles a blob only where a layer reads it; a blob last seen as a top keeps Graphviz's default look.
                nodes[top + "_blob"] = $"label={Quote(top)}";
                string label = !labelEdges ? ""
                    : net != null && net.Blobs.TryGetValue(top, out Blob? blob) ? string.Join("x", blob.Shape)
                    : EdgeLabel(layer);
                edges.Add((layerNode, top + "_blob", label));
            }
        }
        var dot = new StringBuilder();
        dot.Append("digraph ").Append(Quote(netParameter.Name.Length > 0 ? netParameter.Name : "Net")).Append(" {\n");
        dot.Append("  rankdir=").Append(Quote(rankdir)).Append(";\n");
        foreach ((string id, string attributes) in nodes) dot.Append("  ").Append(Quote(id)).Append(" [").Append(attributes).Append("];\n");
        foreach ((string from, string to, string label) in edges)
            dot.Append("  ").Append(Quote(from)).Append(" -> ").Append(Quote(to)).Append(" [label=").Append(Quote(label)).Append("];\n");
        dot.Append("}\n");
        return dot.ToString();
    }

    /// <summary>pycaffe <c>draw_net(caffe_net, rankdir, ext, phase, display_lrm)</c>: the graph rendered by <c>dot -T<paramref name="format"/></c>.</summary>
    /// <exception cref="CaffeException">Graphviz is not installed, or <c>dot</c> failed (e.g. an unknown format).</exception>
    public static byte[] DrawNet(NetParameter netParameter, string rankdir = "LR", string format = "png", Phase? phase = null,
                                 bool displayLrm = false, Net? net = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(format);
        return RunDot(ToDot(netParameter, rankdir, phase, displayLrm, net: net), format);
    }

    /// <summary>
    /// pycaffe <c>draw_net_to_file(caffe_net, filename, rankdir, phase, display_lrm)</c>: the format is the file's
    /// extension (png, svg, pdf, ... — anything <c>dot -T</c> accepts); <c>.dot</c> and <c>.gv</c> write the DOT text
    /// itself and need no Graphviz. The file appears complete or not at all.
    /// </summary>
    public static void DrawNetToFile(NetParameter netParameter, string path, string rankdir = "LR", Phase? phase = null,
                                     bool displayLrm = false, Net? net = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string extension = Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
        if (extension.Length == 0)
            throw new ArgumentException($"Cannot tell the image format of '{path}': give it an extension such as .png, .svg, .pdf or .dot.", nameof(path));
        if (extension is "dot" or "gv")
        {
            AtomicFile.WriteAllText(path, ToDot(netParameter, rankdir, phase, displayLrm, net: net));
            return;
        }
        byte[] image = DrawNet(netParameter, rankdir, extension, phase, displayLrm, net);
        AtomicFile.Write(path, stream => stream.Write(image));
    }

    /// <summary>pycaffe's phase filter: no include rule admits every phase; include rules admit their phases; exclude rules remove theirs.</summary>
    private static bool IsIncluded(LayerParameter layer, Phase phase)
    {
        if (layer.Include.Count > 0 && layer.Exclude.Count > 0)
            throw new ArgumentException($"Layer '{layer.Name}' has both include and exclude specified.");
        bool included = layer.Include.Count == 0 || layer.Include.Any(rule => rule.HasPhase && rule.Phase == phase);
        return included && !layer.Exclude.Any(rule => rule.HasPhase && rule.Phase == phase);
    }

    private static string LayerLabel(LayerParameter layer, string rankdir, bool displayLrm)
    {
        // Vertical layouts have room across: words side by side; horizontal ones stack them (DOT's "\n").
        string separator = rankdir is "TB" or "BT" ? " " : "\\n";
        var parts = new List<string> { layer.Name };
        parts.Add(layer.Type == "Pooling"
            ? $"({layer.Type} {(layer.PoolingParam ?? new PoolingParameter()).Pool.ToString().ToUpperInvariant()})"
            : $"({layer.Type})");
        if (layer.Type is "Convolution" or "Deconvolution" or "Pooling")
        {
            uint kernel, stride, pad;
            if (layer.Type == "Pooling")
            {
                PoolingParameter p = layer.PoolingParam ?? new PoolingParameter();
                (kernel, stride, pad) = (p.KernelSize, p.Stride, p.Pad);
            }
            else
            {
                ConvolutionParameter c = layer.ConvolutionParam ?? new ConvolutionParameter();
                kernel = c.KernelSize.Count > 0 ? c.KernelSize[0] : 1;
                stride = c.Stride.Count > 0 ? c.Stride[0] : 1;
                pad = c.Pad.Count > 0 ? c.Pad[0] : 0;
            }
            parts.Add(string.Join(separator, $"kernel size: {kernel}", $"stride: {stride}", $"pad: {pad}"));
        }
        if (displayLrm && layer.Type is "Convolution" or "Deconvolution" or "InnerProduct")
        {
            (float weights, float bias) = LrMult(layer);
            if (weights != 0 || bias != 0)
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"lr mult: {weights:0.0}, {bias:0.0}"));
        }
        return EscapeRecord(string.Join(separator, parts));
    }

    /// <summary>pycaffe's <c>get_layer_lr_mult</c>: the lr_mult of the weights and the bias (1 when not given).</summary>
    private static (float Weights, float Bias) LrMult(LayerParameter layer) => layer.Param.Count switch
    {
        0 => (1, 1),
        1 => (layer.Param[0].LrMult, 1),
        2 => (layer.Param[0].LrMult, layer.Param[1].LrMult),
        _ => throw new ArgumentException($"Layer '{layer.Name}' has {layer.Param.Count} param specs; cannot tell its learning rate multipliers."),
    };

    private static string EdgeLabel(LayerParameter layer) => layer.Type switch
    {
        "Data" => $"Batch {(layer.DataParam ?? new DataParameter()).BatchSize}",
        "Convolution" or "Deconvolution" => (layer.ConvolutionParam ?? new ConvolutionParameter()).NumOutput.ToString(CultureInfo.InvariantCulture),
        "InnerProduct" => (layer.InnerProductParam ?? new InnerProductParameter()).NumOutput.ToString(CultureInfo.InvariantCulture),
        _ => "",
    };

    private static string LayerColor(string type) => type switch
    {
        "Convolution" or "Deconvolution" => "#FF5050",
        "Pooling" => "#FF9900",
        "InnerProduct" => "#CC33FF",
        _ => "#6495ED",
    };

    // Record labels treat { } | < > as structure; a name containing them must not split the node.
    private static string EscapeRecord(string label)
    {
        var result = new StringBuilder(label.Length);
        foreach (char c in label)
        {
            if (c is '{' or '}' or '|' or '<' or '>') result.Append('\\');
            result.Append(c);
        }
        return result.ToString();
    }

    // A DOT quoted string: only '"' needs escaping; backslashes stay (they are DOT's label escapes such as \n).
    private static string Quote(string text) => "\"" + text.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static byte[] RunDot(string dot, string format)
    {
        var start = new ProcessStartInfo("dot")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-T" + format);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new CaffeException("Could not start Graphviz's 'dot'.");
        }
        catch (Win32Exception e)
        {
            throw new CaffeException(
                "Graphviz's 'dot' program was not found: install Graphviz (Debian: apt-get install graphviz) to render " +
                $"{format.ToUpperInvariant()} files, or draw to a .dot file, which needs no Graphviz.", e);
        }
        using (process)
        {
            using var output = new MemoryStream();
            Task copy = process.StandardOutput.BaseStream.CopyToAsync(output);
            Task<string> errors = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(dot);
            process.StandardInput.Close();
            copy.Wait();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new CaffeException($"Graphviz's 'dot -T{format}' failed (exit code {process.ExitCode}): {errors.Result.Trim()}");
            return output.ToArray();
        }
    }
}
