namespace Caffe;

/// <summary>
/// Brings nets written for older Caffe versions to the current format, as BVLC's <c>upgrade_proto.cpp</c>:
/// every reader of prototxts and caffemodels runs <see cref="UpgradeNetAsNeeded"/> and logs what it changed.
/// </summary>
public static class NetUpgrader
{
    /// <summary>Applies every upgrade <paramref name="param"/> needs, in Caffe's order, and returns it.</summary>
    public static NetParameter UpgradeNetAsNeeded(NetParameter param, string source)
    {
        if (NetNeedsInputUpgrade(param))
        {
            CaffeLog.Info($"Attempting to upgrade input file specified using deprecated input fields: {source}");
            UpgradeNetInput(param);
            CaffeLog.Info($"Successfully upgraded file specified using deprecated input fields.");
            CaffeLog.Warning("Note that future Caffe releases will only support input layers and not input fields.");
        }
        return param;
    }

    /// <summary>True when the net declares its inputs with the old <c>input</c>/<c>input_dim</c>/<c>input_shape</c> fields.</summary>
    public static bool NetNeedsInputUpgrade(NetParameter param) => param.Input.Count > 0;

    /// <summary>
    /// Turns <c>input</c> fields into an <c>Input</c> layer named "input" placed first. A net with inputs but no
    /// shapes (an old caffemodel) just loses the fields.
    /// </summary>
    public static void UpgradeNetInput(NetParameter param)
    {
        bool hasShape = param.InputShape.Count > 0;
        bool hasDim = param.InputDim.Count > 0;
        if (hasShape || hasDim)
        {
            if (hasShape ? param.InputShape.Count != param.Input.Count : param.InputDim.Count != 4 * param.Input.Count)
                throw new FormatException(
                    $"net '{param.Name}' has {param.Input.Count} input(s) but {param.InputShape.Count} input_shape(s) " +
                    $"and {param.InputDim.Count} input_dim(s); give one input_shape or four input_dim per input.");
            var layer = new LayerParameter { Name = "input", Type = "Input", InputParam = new InputParameter() };
            for (int i = 0; i < param.Input.Count; i++)
            {
                layer.Top.Add(param.Input[i]);
                if (hasShape)
                {
                    layer.InputParam.Shape.Add(param.InputShape[i].Clone());
                }
                else
                {
                    var shape = new BlobShape();
                    for (int j = 4 * i; j < 4 * i + 4; j++) shape.Dim.Add(param.InputDim[j]);
                    layer.InputParam.Shape.Add(shape);
                }
            }
            param.Layer.Insert(0, layer);
        }
        param.Input.Clear();
        param.InputShape.Clear();
        param.InputDim.Clear();
    }
}
