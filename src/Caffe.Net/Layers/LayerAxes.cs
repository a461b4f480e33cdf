namespace Caffe;

/// <summary>Axis parameters checked against a bottom blob, with errors that name the layer and the field.</summary>
internal static class LayerAxes
{
    /// <summary>
    /// Turns <paramref name="axis"/> (negative counts from the end) into an index in [0, NumAxes) of
    /// <paramref name="blob"/>, or throws a <see cref="LayerException"/> naming <paramref name="field"/>.
    /// </summary>
    public static int Canonical(Layer layer, Blob blob, int axis, string field)
    {
        int numAxes = blob.NumAxes;
        if (axis < -numAxes || axis >= numAxes)
        {
            throw new LayerException(layer.Name, layer.Type,
                $"{field} {axis} is out of range for the {numAxes}-D bottom of shape ({Blob.ShapeText(blob.Shape)}); " +
                $"expected a value in [{-numAxes}, {numAxes}).");
        }
        return axis < 0 ? axis + numAxes : axis;
    }

    /// <summary>
    /// Reads a deprecated unsigned axis field (<c>concat_dim</c>, <c>slice_dim</c>), which cannot count from the
    /// end, or throws a <see cref="LayerException"/> naming <paramref name="field"/>.
    /// </summary>
    public static int Legacy(Layer layer, Blob blob, uint axis, string field)
    {
        if (axis >= (uint)blob.NumAxes)
        {
            throw new LayerException(layer.Name, layer.Type,
                $"{field} {axis} is out of range for the {blob.NumAxes}-D bottom of shape ({Blob.ShapeText(blob.Shape)}); " +
                $"expected a value in [0, {blob.NumAxes}).");
        }
        return (int)axis;
    }
}
