namespace Caffe;

/// <summary>
/// A minimal N-d float32 array in C order — what pycaffe code holds as a numpy <c>ndarray</c>: net inputs,
/// copies of blobs, images (H×W×K). It is a plain shape over a flat <see cref="Data"/> array; it does
/// no broadcasting and no views with strides.
/// </summary>
public sealed class NdArray
{
    private readonly int[] _shape;

    /// <summary>A zero-filled array of the given shape.</summary>
    public NdArray(params int[] shape) : this(new float[CountOf(shape)], shape) { }

    /// <summary>Wraps <paramref name="data"/> (not copied) with the given shape; lengths must agree.</summary>
    public NdArray(float[] data, IReadOnlyList<int> shape)
    {
        long count = CountOf(shape);
        if (data.Length != count)
            throw new ArgumentException(
                $"Array of {data.Length} values cannot have shape ({string.Join(", ", shape)}), which needs {count}.");
        Data = data;
        _shape = [.. shape];
    }

    /// <summary>The values, C order.</summary>
    public float[] Data { get; }

    /// <summary>The shape (numpy <c>a.shape</c>).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The number of axes (numpy <c>a.ndim</c>).</summary>
    public int NumAxes => _shape.Length;

    /// <summary>The number of values (numpy <c>a.size</c>).</summary>
    public int Count => Data.Length;

    /// <summary>The element at the given full index.</summary>
    public float this[params int[] index]
    {
        get => Data[Offset(index)];
        set => Data[Offset(index)] = value;
    }

    /// <summary>The values as a span.</summary>
    public Span<float> AsSpan() => Data;

    /// <summary>The same values with another shape of equal count (shares <see cref="Data"/>, as numpy's reshape of a contiguous array).</summary>
    public NdArray Reshape(params int[] shape) => new(Data, shape);

    /// <summary>
    /// numpy <c>a.transpose(axes)</c>: a copy whose axis i is this array's axis <c>axes[i]</c> (with no axes given,
    /// the axes reversed). Unlike numpy this copies: NdArray has no strided views.
    /// </summary>
    public NdArray Transpose(params int[] axes)
    {
        int n = _shape.Length;
        if (axes.Length == 0) axes = Enumerable.Range(0, n).Reverse().ToArray();
        if (axes.Length != n || axes.Any(a => a < 0 || a >= n) || axes.Distinct().Count() != n)
            throw new ArgumentException($"Axes ({string.Join(", ", axes)}) are not a permutation of the {n} axes of shape ({string.Join(", ", _shape)}).");
        int[] shape = axes.Select(a => _shape[a]).ToArray();
        var sourceStrides = new int[n];
        for (int i = n - 1, stride = 1; i >= 0; stride *= _shape[i], i--) sourceStrides[i] = stride;
        int[] strides = axes.Select(a => sourceStrides[a]).ToArray();
        var result = new NdArray(shape);
        var index = new int[n];
        int source = 0;
        for (int c = 0; c < result.Data.Length; c++)
        {
            result.Data[c] = Data[source];
            for (int axis = n - 1; axis >= 0; axis--)
            {
                source += strides[axis];
                if (++index[axis] < shape[axis]) break;
                source -= strides[axis] * shape[axis];
                index[axis] = 0;
            }
        }
        return result;
    }

    /// <summary>A deep copy.</summary>
    public NdArray Copy() => new((float[])Data.Clone(), _shape);

    /// <summary>The flat C-order offset of a full index.</summary>
    public int Offset(IReadOnlyList<int> index)
    {
        if (index.Count != _shape.Length)
            throw new ArgumentException($"{index.Count} indices given for a {_shape.Length}-D array.");
        int offset = 0;
        for (int i = 0; i < _shape.Length; i++)
        {
            if ((uint)index[i] >= (uint)_shape[i])
                throw new IndexOutOfRangeException(
                    $"index {index[i]} is out of bounds for axis {i} with size {_shape[i]}");
            offset = offset * _shape[i] + index[i];
        }
        return offset;
    }

    /// <inheritdoc/>
    public override string ToString() => $"NdArray({string.Join(", ", _shape)})";

    private static int CountOf(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Negative dimension in shape ({string.Join(", ", shape)}).");
            count *= d;
            if (count > int.MaxValue) throw new ArgumentException("Array too large.");
        }
        return (int)count;
    }
}
