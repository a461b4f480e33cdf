namespace Caffe;

/// <summary>Axis parameters of layers, checked against a bottom with a layer error instead of an index exception.</summary>
internal static class LayerAxis
{
    /// <summary>
    /// <paramref name="axis"/> in [−NumAxes, NumAxes) made non-negative (Caffe's <c>CanonicalAxisIndex</c>); anything
    /// else is reported through <paramref name="error"/> with the field name and the bottom's shape.
    /// </summary>
    public static int Canonical(Blob blob, int axis, string field, Func<string, LayerException> error)
    {
        if (axis < -blob.NumAxes || axis >= blob.NumAxes)
            throw error($"{field} {axis} is out of range for the {blob.NumAxes}-D bottom of shape ({Blob.ShapeText(blob.Shape)}).");
        return axis < 0 ? axis + blob.NumAxes : axis;
    }
}
