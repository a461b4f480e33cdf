using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// An N-d float32 array with a data and a diff part, as Caffe's <c>Blob</c> (pycaffe <c>caffe._caffe.Blob</c>).
/// Memory is owned by the blob, 64-byte aligned, and kept when a reshape does not grow the count.
/// </summary>
public sealed partial class Blob
{
    /// <summary>Caffe's limit on the number of axes of a blob (kMaxBlobAxes).</summary>
    public const int MaxBlobAxes = 32;

    private int[] _shape = [];
    private BlobStorage _data = new(0);
    private BlobStorage _diff = new(0);

    /// <summary>An empty blob (no axes, count 0) — Caffe's default-constructed Blob.</summary>
    public Blob() { }

    /// <summary>A blob of the given shape with zeroed data and diff.</summary>
    public Blob(params int[] shape) => Reshape(shape);

    /// <summary>A blob of the given shape with zeroed data and diff.</summary>
    public Blob(IReadOnlyList<int> shape) => Reshape(shape);

    /// <summary>The shape (pycaffe <c>blob.shape</c>).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The number of axes.</summary>
    public int NumAxes => _shape.Length;

    /// <summary>The number of elements (pycaffe <c>blob.count</c>); 1 for a blob with no axes once reshaped.</summary>
    public int Count { get; private set; }

    /// <summary>The number of floats allocated; never shrinks.</summary>
    public int Capacity => _data.Capacity;

    /// <summary>Writable view of the data (pycaffe <c>blob.data</c>), C order, <see cref="Count"/> elements.</summary>
    public Span<float> Data => _data.Span(Count);

    /// <summary>Writable view of the diff (pycaffe <c>blob.diff</c>), C order, <see cref="Count"/> elements.</summary>
    public Span<float> Diff => _diff.Span(Count);

    /// <summary>The data as <see cref="Memory{T}"/>, for code that cannot hold a span (lambdas, async).</summary>
    public Memory<float> DataMemory => _data.Memory(Count);

    /// <summary>The diff as <see cref="Memory{T}"/>.</summary>
    public Memory<float> DiffMemory => _diff.Memory(Count);

    /// <summary>Legacy 4-D accessor: the size of axis 0 (1 when missing).</summary>
    public int Num => LegacyShape(0);

    /// <summary>Legacy 4-D accessor: the size of axis 1 (1 when missing).</summary>
    public int Channels => LegacyShape(1);

    /// <summary>Legacy 4-D accessor: the size of axis 2 (1 when missing).</summary>
    public int Height => LegacyShape(2);

    /// <summary>Legacy 4-D accessor: the size of axis 3 (1 when missing).</summary>
    public int Width => LegacyShape(3);

    /// <summary>The shape followed by the count, as Caffe logs it: <c>"64 1 28 28 (50176)"</c>.</summary>
    public string ShapeString => ShapeText(_shape) + $" ({Count})";

    /// <summary>Formats a shape as Caffe does (dimensions separated by spaces).</summary>
    public static string ShapeText(IEnumerable<int> shape) => string.Join(" ", shape);

    /// <summary>Changes the shape; memory grows when the new count exceeds the capacity (contents are then lost).</summary>
    public void Reshape(params int[] shape) => Reshape((IReadOnlyList<int>)shape);

    /// <summary>Changes the shape; memory grows when the new count exceeds the capacity (contents are then lost).</summary>
    public void Reshape(IReadOnlyList<int> shape)
    {
        if (shape.Count > MaxBlobAxes)
            throw new ArgumentException($"Blob shape has {shape.Count} axes; at most {MaxBlobAxes} are allowed.");
        long count = 1;
        for (int i = 0; i < shape.Count; i++)
        {
            if (shape[i] < 0)
                throw new ArgumentException($"Blob shape ({ShapeText(shape)}) has a negative dimension at axis {i}.");
            count *= shape[i];
            if (count > int.MaxValue)
                throw new ArgumentException($"Blob shape ({ShapeText(shape)}) has more than {int.MaxValue} elements.");
        }
        _shape = [.. shape];
        Count = (int)count;
        if (Count > _data.Capacity)
        {
            _data = new BlobStorage(Count);
            _diff = new BlobStorage(Count);
        }
    }

    /// <summary>Reshapes from a proto <see cref="BlobShape"/>.</summary>
    public void Reshape(BlobShape shape)
    {
        var dims = new int[shape.Dim.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            long d = shape.Dim[i];
            if (d < 0 || d > int.MaxValue)
                throw new ArgumentException($"Blob shape dimension {d} at axis {i} is out of range.");
            dims[i] = (int)d;
        }
        Reshape(dims);
    }

    /// <summary>Gives this blob the shape of <paramref name="other"/>.</summary>
    public void ReshapeLike(Blob other) => Reshape(other._shape);

    /// <summary>The size of an axis; negative indices count from the end (Caffe's <c>shape(i)</c>).</summary>
    public int ShapeAt(int axis) => _shape[CanonicalAxisIndex(axis)];

    /// <summary>Turns an axis index in [-NumAxes, NumAxes) into [0, NumAxes), with a clear error otherwise.</summary>
    public int CanonicalAxisIndex(int axisIndex)
    {
        if (axisIndex < -NumAxes || axisIndex >= NumAxes)
            throw new ArgumentOutOfRangeException(nameof(axisIndex),
                $"axis {axisIndex} out of range for {NumAxes}-D blob with shape {ShapeString}");
        return axisIndex < 0 ? axisIndex + NumAxes : axisIndex;
    }

    /// <summary>The product of the dimensions of axes [start, end).</summary>
    public int CountRange(int startAxis, int endAxis)
    {
        if (startAxis < 0 || endAxis > NumAxes || startAxis > endAxis)
            throw new ArgumentOutOfRangeException(nameof(startAxis),
                $"axis range [{startAxis}, {endAxis}) is not within the {NumAxes} axes of shape {ShapeString}");
        int count = 1;
        for (int i = startAxis; i < endAxis; i++) count *= _shape[i];
        return count;
    }

    /// <summary>The product of the dimensions from <paramref name="startAxis"/> to the last axis.</summary>
    public int CountFrom(int startAxis) => CountRange(startAxis, NumAxes);

    /// <summary>Legacy accessor allowing indices beyond the axes (they read as 1), as Caffe's <c>LegacyShape</c>.</summary>
    public int LegacyShape(int index)
    {
        if (NumAxes > 4)
            throw new InvalidOperationException(
                $"Cannot use legacy accessors on a blob with {NumAxes} axes (shape {ShapeString}).");
        if (index < -4 || index >= 4)
            throw new ArgumentOutOfRangeException(nameof(index), $"legacy axis {index} out of range [-4, 4)");
        if (index >= NumAxes || index < -NumAxes) return 1;
        return ShapeAt(index);
    }

    /// <summary>Flat index of element (n, c, h, w), using the legacy accessors.</summary>
    public int Offset(int n, int c = 0, int h = 0, int w = 0) => ((n * Channels + c) * Height + h) * Width + w;

    /// <summary>Flat index of the element at <paramref name="indices"/> (missing trailing indices are 0).</summary>
    public int Offset(IReadOnlyList<int> indices)
    {
        if (indices.Count > NumAxes)
            throw new ArgumentException($"{indices.Count} indices given for a {NumAxes}-D blob.");
        int offset = 0;
        for (int i = 0; i < NumAxes; i++)
        {
            offset *= _shape[i];
            if (i < indices.Count)
            {
                if (indices[i] < 0 || indices[i] >= _shape[i])
                    throw new ArgumentOutOfRangeException(nameof(indices),
                        $"index {indices[i]} out of range for axis {i} of shape {ShapeString}");
                offset += indices[i];
            }
        }
        return offset;
    }

    /// <summary>Makes this blob use <paramref name="other"/>'s data memory (same count required).</summary>
    public void ShareData(Blob other)
    {
        CheckSameCount(other, "ShareData");
        _data = other._data;
    }

    /// <summary>Makes this blob use <paramref name="other"/>'s diff memory (same count required).</summary>
    public void ShareDiff(Blob other)
    {
        CheckSameCount(other, "ShareDiff");
        _diff = other._diff;
    }

    /// <summary>True when both blobs use the same data memory.</summary>
    public bool SharesDataWith(Blob other) => ReferenceEquals(_data, other._data);

    /// <summary>True when both blobs use the same diff memory.</summary>
    public bool SharesDiffWith(Blob other) => ReferenceEquals(_diff, other._diff);

    /// <summary>
    /// Copies the data (or the diff when <paramref name="copyDiff"/>) of <paramref name="source"/>; with
    /// <paramref name="reshape"/> this blob takes its shape, otherwise the counts must agree.
    /// </summary>
    public void CopyFrom(Blob source, bool copyDiff = false, bool reshape = false)
    {
        if (source.Count != Count || !source._shape.AsSpan().SequenceEqual(_shape))
        {
            if (!reshape)
                throw new ArgumentException(
                    $"Trying to copy blobs of different sizes: {source.ShapeString} into {ShapeString}.");
            ReshapeLike(source);
        }
        if (copyDiff) source.Diff.CopyTo(Diff);
        else source.Data.CopyTo(Data);
    }

    /// <summary>data -= diff, the plain SGD step Caffe's solvers finish with.</summary>
    public void Update() => TensorPrimitives.Subtract(Data, Diff, Data);

    /// <summary>Sum of absolute values of the data.</summary>
    public float AsumData() => TensorPrimitives.SumOfMagnitudes((ReadOnlySpan<float>)Data);

    /// <summary>Sum of absolute values of the diff.</summary>
    public float AsumDiff() => TensorPrimitives.SumOfMagnitudes((ReadOnlySpan<float>)Diff);

    /// <summary>Sum of squares of the data.</summary>
    public float SumsqData() => TensorPrimitives.SumOfSquares((ReadOnlySpan<float>)Data);

    /// <summary>Sum of squares of the diff.</summary>
    public float SumsqDiff() => TensorPrimitives.SumOfSquares((ReadOnlySpan<float>)Diff);

    /// <summary>Multiplies the data by <paramref name="factor"/>.</summary>
    public void ScaleData(float factor) => TensorPrimitives.Multiply(Data, factor, Data);

    /// <summary>Multiplies the diff by <paramref name="factor"/>.</summary>
    public void ScaleDiff(float factor) => TensorPrimitives.Multiply(Diff, factor, Diff);

    /// <summary>Copies the data into a new array with the blob's shape.</summary>
    public NdArray DataArray() => new(Data.ToArray(), _shape);

    /// <summary>Copies the diff into a new array with the blob's shape.</summary>
    public NdArray DiffArray() => new(Diff.ToArray(), _shape);

    /// <inheritdoc/>
    public override string ToString() => $"Blob({ShapeString})";

    private void CheckSameCount(Blob other, string operation)
    {
        if (other.Count != Count)
            throw new ArgumentException(
                $"{operation}: blob counts differ ({ShapeString} vs {other.ShapeString}).");
    }
}
