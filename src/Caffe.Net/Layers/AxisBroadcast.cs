namespace Caffe;

/// <summary>
/// Geometry shared by Scale and Bias: an operand (a learned blob or bottom[1]) whose axes line up with
/// bottom[0]'s from <c>axis</c> on, broadcast over the axes before (<see cref="Outer"/>) and after
/// (<see cref="Inner"/>). bottom[0] is then <see cref="Outer"/> x <see cref="Dim"/> x <see cref="Inner"/>.
/// </summary>
internal readonly record struct AxisBroadcast(int Outer, int Dim, int Inner)
{
    /// <summary>Rows of <see cref="Inner"/> elements, each using operand element <c>row % Dim</c>.</summary>
    public int Rows => Outer * Dim;

    /// <summary>The shape of a learned operand: bottom[0]'s axes [axis, axis + numAxes), to the end for −1.</summary>
    public static int[] ParamShape(Blob bottom, int axisParam, int numAxes, string what, Func<string, Exception> error)
    {
        int axis = CanonicalAxis(bottom, axisParam, error);
        if (numAxes < -1)
            throw error($"num_axes must be non-negative, or -1 to extend to the end of bottom[0]; got {numAxes}.");
        if (numAxes >= 0 && bottom.NumAxes < axis + numAxes)
        {
            throw error($"{what} blob's shape extends past bottom[0]'s shape ({bottom.ShapeString}) when applied " +
                        $"starting with bottom[0] axis = {axis} over num_axes = {numAxes}.");
        }
        int end = numAxes == -1 ? bottom.NumAxes : axis + numAxes;
        return [.. bottom.Shape.Skip(axis).Take(end - axis)];
    }

    /// <summary>Lines <paramref name="operand"/> up with <paramref name="bottom"/>; a scalar operand (no axes) fits any axis.</summary>
    public static AxisBroadcast Create(Blob bottom, Blob operand, int axisParam, string what, Func<string, Exception> error)
    {
        // A scalar is the same for every axis; axis 0 makes it one row of the whole blob.
        int axis = operand.NumAxes == 0 ? 0 : CanonicalAxis(bottom, axisParam, error);
        if (bottom.NumAxes < axis + operand.NumAxes)
        {
            throw error($"{what} blob's shape ({operand.ShapeString}) extends past bottom[0]'s shape ({bottom.ShapeString}) " +
                        $"when applied starting with bottom[0] axis = {axis}.");
        }
        for (int i = 0; i < operand.NumAxes; i++)
        {
            if (bottom.Shape[axis + i] != operand.Shape[i])
            {
                throw error($"dimension mismatch between bottom[0] shape({axis + i}) = {bottom.Shape[axis + i]} and " +
                            $"{what} shape({i}) = {operand.Shape[i]} (bottom[0] {bottom.ShapeString}, {what} {operand.ShapeString}, axis {axis}).");
            }
        }
        return new AxisBroadcast(bottom.CountRange(0, axis), operand.Count, bottom.CountFrom(axis + operand.NumAxes));
    }

    private static int CanonicalAxis(Blob bottom, int axis, Func<string, Exception> error)
    {
        if (axis < -bottom.NumAxes || axis >= bottom.NumAxes)
            throw error($"axis {axis} is out of range for bottom[0] with {bottom.NumAxes} axes ({bottom.ShapeString}).");
        return axis < 0 ? axis + bottom.NumAxes : axis;
    }
}
