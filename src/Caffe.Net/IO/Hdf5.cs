using PureHDF;
using PureHDF.VOL.Native;

namespace Caffe;

/// <summary>
/// Reads Caffe's HDF5 content (weights, HDF5Data sources, snapshots) with PureHDF, as BVLC's <c>util/hdf5</c>:
/// N-d float datasets (float32, float64 and integer datasets are converted to float32), int and string
/// scalars. Dataset paths are '/'-separated from the root ("data/conv1/0"). Anything PureHDF cannot decode —
/// a truncated, corrupt or non-HDF5 file — becomes a <see cref="ModelFormatException"/> naming the file and
/// the dataset.
/// </summary>
internal sealed class Hdf5Reader : IDisposable
{
    private readonly NativeFile _file;

    private Hdf5Reader(string path, NativeFile file)
    {
        Path = path;
        _file = file;
    }

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>Opens an HDF5 file for reading.</summary>
    public static Hdf5Reader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"File not found: {path}", path);
        NativeFile file = Guard(path, null, "not a readable HDF5 file", () => H5File.OpenRead(path));
        return new Hdf5Reader(path, file);
    }

    /// <summary>True when <paramref name="objectPath"/> names an existing group.</summary>
    public bool GroupExists(string objectPath) => Kind(objectPath) == ObjectKind.Group;

    /// <summary>True when <paramref name="objectPath"/> names an existing dataset.</summary>
    public bool DatasetExists(string objectPath) => Kind(objectPath) == ObjectKind.Dataset;

    /// <summary>The names of the datasets directly inside a group, in name order (Caffe iterates by name).</summary>
    public IReadOnlyList<string> DatasetNames(string groupPath) => Members(groupPath, datasets: true);

    /// <summary>The names of the groups directly inside a group, in name order.</summary>
    public IReadOnlyList<string> GroupNames(string groupPath) => Members(groupPath, datasets: false);

    /// <summary>The shape of a dataset; a scalar dataset has no axes.</summary>
    public int[] Shape(string datasetPath) => Shape(Dataset(datasetPath), datasetPath);

    /// <summary>
    /// Reads a dataset into a blob (Caffe's <c>hdf5_load_nd_dataset</c>): the dataset must have between
    /// <paramref name="minAxes"/> and <paramref name="maxAxes"/> axes; with <paramref name="reshape"/> the blob
    /// takes its shape, otherwise the shapes must be equal.
    /// </summary>
    public void ReadBlob(string datasetPath, Blob blob, bool reshape, int minAxes = 0, int maxAxes = Blob.MaxBlobAxes)
    {
        NativeDataset dataset = Dataset(datasetPath);
        int[] shape = Shape(dataset, datasetPath);
        if (shape.Length < minAxes || shape.Length > maxAxes)
        {
            throw new ModelFormatException(Path,
                $"dataset '{datasetPath}' has {shape.Length} axes ({Blob.ShapeText(shape)}); between {minAxes} and {maxAxes} are expected.");
        }
        if (reshape)
        {
            blob.Reshape(shape);
        }
        else if (!shape.AsSpan().SequenceEqual(blob.Shape.ToArray()))
        {
            throw new ModelFormatException(Path,
                $"cannot load dataset '{datasetPath}' into a blob: shape mismatch. Source shape is " +
                $"{Blob.ShapeText(shape)} ({CountOf(shape)}); target shape is {blob.ShapeString}.");
        }
        ReadValues(dataset, datasetPath, blob.Data);
    }

    /// <summary>Reads a whole dataset as a float32 array of its shape.</summary>
    public NdArray ReadArray(string datasetPath)
    {
        NativeDataset dataset = Dataset(datasetPath);
        int[] shape = Shape(dataset, datasetPath);
        var values = new float[CountOf(shape)];
        ReadValues(dataset, datasetPath, values);
        return new NdArray(values, shape);
    }

    /// <summary>Reads a one-element integer dataset (Caffe's <c>hdf5_load_int</c>).</summary>
    public int ReadInt(string datasetPath)
    {
        NativeDataset dataset = Dataset(datasetPath);
        int[] shape = Shape(dataset, datasetPath);
        if (CountOf(shape) != 1 || dataset.Type.Class != H5DataTypeClass.FixedPoint)
        {
            throw new ModelFormatException(Path,
                $"dataset '{datasetPath}' should hold one integer, but holds {CountOf(shape)} value(s) of class {dataset.Type.Class}.");
        }
        bool signed = dataset.Type.FixedPoint.IsSigned;
        long value = Guard(Path, datasetPath, "cannot read the integer", () => (dataset.Type.Size, signed) switch
        {
            (1, true) => dataset.Read<sbyte[]>()[0],
            (1, false) => dataset.Read<byte[]>()[0],
            (2, true) => dataset.Read<short[]>()[0],
            (2, false) => dataset.Read<ushort[]>()[0],
            (4, true) => dataset.Read<int[]>()[0],
            (4, false) => dataset.Read<uint[]>()[0],
            (8, true) => dataset.Read<long[]>()[0],
            _ => (long)Math.Min(dataset.Read<ulong[]>()[0], long.MaxValue),
        });
        if (value < int.MinValue || value > int.MaxValue)
            throw new ModelFormatException(Path, $"dataset '{datasetPath}' holds {value}, which does not fit an int.");
        return (int)value;
    }

    /// <summary>Reads a string dataset (Caffe's <c>hdf5_load_string</c>).</summary>
    public string ReadString(string datasetPath)
    {
        NativeDataset dataset = Dataset(datasetPath);
        // Caffe writes fixed-length strings; h5py and PureHDF write variable-length ones.
        if (dataset.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
        {
            throw new ModelFormatException(Path, $"dataset '{datasetPath}' should hold a string, but is of class {dataset.Type.Class}.");
        }
        return Guard(Path, datasetPath, "cannot read the string", () => dataset.Read<string>());
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();

    private enum ObjectKind { Missing, Group, Dataset, Other }

    private ObjectKind Kind(string objectPath)
    {
        return Guard(Path, objectPath, "cannot look up the object", () =>
        {
            // PureHDF's LinkExists accepts nested paths but not the root itself.
            if (objectPath.Length == 0 || objectPath == "/") return ObjectKind.Group;
            if (!_file.LinkExists(objectPath)) return ObjectKind.Missing;
            return _file.Get(objectPath) switch
            {
                IH5Group => ObjectKind.Group,
                IH5Dataset => ObjectKind.Dataset,
                _ => ObjectKind.Other,
            };
        });
    }

    private NativeDataset Dataset(string datasetPath)
    {
        ObjectKind kind = Kind(datasetPath);
        if (kind == ObjectKind.Missing)
            throw new ModelFormatException(Path, $"has no dataset '{datasetPath}'.");
        if (kind != ObjectKind.Dataset)
            throw new ModelFormatException(Path, $"'{datasetPath}' is a {kind.ToString().ToLowerInvariant()}, not a dataset.");
        return (NativeDataset)Guard(Path, datasetPath, "cannot open the dataset", () => _file.Dataset(datasetPath));
    }

    private List<string> Members(string groupPath, bool datasets)
    {
        ObjectKind kind = Kind(groupPath);
        if (kind != ObjectKind.Group)
        {
            throw new ModelFormatException(Path, kind == ObjectKind.Missing
                ? $"has no group '{groupPath}'."
                : $"'{groupPath}' is a {kind.ToString().ToLowerInvariant()}, not a group.");
        }
        return Guard(Path, groupPath, "cannot list the group", () =>
        {
            IH5Group group = groupPath.Length == 0 ? _file : _file.Group(groupPath);
            return group.Children()
                .Where(child => datasets ? child is IH5Dataset : child is IH5Group)
                .Select(child => child.Name)
                .Order(StringComparer.Ordinal)
                .ToList();
        });
    }

    private int[] Shape(NativeDataset dataset, string datasetPath)
    {
        return Guard(Path, datasetPath, "cannot read the dataspace", () =>
        {
            if (dataset.Space.Type == H5DataspaceType.Null)
                throw new ModelFormatException(Path, $"dataset '{datasetPath}' is empty (null dataspace).");
            ulong[] dims = dataset.Space.Dimensions;
            var shape = new int[dims.Length];
            long count = 1;
            for (int i = 0; i < dims.Length; i++)
            {
                count *= (long)Math.Min(dims[i], int.MaxValue + 1UL);
                if (dims[i] > int.MaxValue || count > int.MaxValue)
                {
                    throw new ModelFormatException(Path,
                        $"dataset '{datasetPath}' has shape ({string.Join(", ", dims)}): more than {int.MaxValue} values do not fit a blob.");
                }
                shape[i] = (int)dims[i];
            }
            return shape;
        });
    }

    private void ReadValues(NativeDataset dataset, string datasetPath, Span<float> target)
    {
        IH5DataType type = Guard(Path, datasetPath, "cannot read the datatype", () => dataset.Type);
        int size = type.Size;
        bool isFloat = type.Class == H5DataTypeClass.FloatingPoint;
        bool isInteger = type.Class == H5DataTypeClass.FixedPoint;
        if (!(isFloat && size is 4 or 8) && !(isInteger && size is 1 or 2 or 4 or 8))
        {
            throw new ModelFormatException(Path,
                $"dataset '{datasetPath}' has an unsupported datatype ({type.Class}, {size} bytes); " +
                "float32, float64 and integer datasets can be read.");
        }
        try
        {
            if (isFloat && size == 4)
            {
                dataset.Read<float>(target);
                return;
            }
            // Other types go through a temporary array of their own type, converted as H5LTread_dataset_float does.
            bool signed = isInteger && type.FixedPoint.IsSigned;
            switch (isFloat, size, signed)
            {
                case (true, 8, _): Convert<double>(dataset, target, v => (float)v); break;
                case (false, 1, true): Convert<sbyte>(dataset, target, v => v); break;
                case (false, 1, false): Convert<byte>(dataset, target, v => v); break;
                case (false, 2, true): Convert<short>(dataset, target, v => v); break;
                case (false, 2, false): Convert<ushort>(dataset, target, v => v); break;
                case (false, 4, true): Convert<int>(dataset, target, v => v); break;
                case (false, 4, false): Convert<uint>(dataset, target, v => v); break;
                case (false, 8, true): Convert<long>(dataset, target, v => v); break;
                default: Convert<ulong>(dataset, target, v => v); break;
            }
        }
        catch (Exception e) when (IsDecodingError(e))
        {
            throw new ModelFormatException(Path,
                $"cannot read dataset '{datasetPath}' (truncated or corrupt HDF5?): {e.Message}", e);
        }
    }

    private static void Convert<T>(NativeDataset dataset, Span<float> target, Func<T, float> convert) where T : unmanaged
    {
        var values = new T[target.Length];
        dataset.Read<T>(values.AsSpan());
        for (int i = 0; i < values.Length; i++) target[i] = convert(values[i]);
    }

    internal static int CountOf(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int d in shape) count *= d;
        return (int)count;
    }

    /// <summary>
    /// Runs a PureHDF call and turns its failures (it throws plain <see cref="Exception"/> for malformed files)
    /// into a <see cref="ModelFormatException"/> naming the file and the object.
    /// </summary>
    internal static T Guard<T>(string path, string? objectPath, string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (IsDecodingError(e))
        {
            string where = objectPath == null ? "" : $" at '{objectPath}'";
            throw new ModelFormatException(path, $"{what}{where} (truncated or corrupt HDF5?): {e.Message}", e);
        }
    }

    // Our own errors and failures to reach the file pass through; everything else is a malformed file.
    private static bool IsDecodingError(Exception e) =>
        e is not (CaffeException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
            or OutOfMemoryException or OperationCanceledException);
}

/// <summary>
/// Builds an HDF5 file in memory as a tree of groups and datasets, then writes it atomically (the file appears
/// complete under its name or not at all). Blob data is referenced, not copied, until <see cref="Write"/>.
/// Paths are '/'-separated; missing intermediate groups are created (so Caffe layer names with '/' nest).
/// </summary>
internal sealed class Hdf5Writer
{
    private readonly H5File _root = new();

    /// <summary>Creates a group (and its missing parents); an existing group is kept.</summary>
    public void AddGroup(string groupPath) => GroupAt(groupPath);

    /// <summary>Adds a float32 dataset of the given shape over <paramref name="values"/> (referenced until written).</summary>
    public void AddFloats(string datasetPath, Memory<float> values, IReadOnlyList<int> shape)
    {
        if (values.Length != Hdf5Reader.CountOf(shape))
        {
            throw new ArgumentException(
                $"dataset '{datasetPath}': {values.Length} values do not fill shape ({string.Join(", ", shape)}).");
        }
        ulong[] dims = shape.Select(d => (ulong)d).ToArray();
        Add(datasetPath, new H5Dataset(values, fileDims: dims));
    }

    /// <summary>Adds a blob's data (or diff) as a float32 dataset of the blob's shape (Caffe's <c>hdf5_save_nd_dataset</c>).</summary>
    public void AddBlob(string datasetPath, Blob blob, bool diff = false) =>
        AddFloats(datasetPath, diff ? blob.DiffMemory : blob.DataMemory, blob.Shape);

    /// <summary>Adds a one-element int32 dataset of shape (1) (Caffe's <c>hdf5_save_int</c>).</summary>
    public void AddInt(string datasetPath, int value) =>
        Add(datasetPath, new H5Dataset(new[] { value }, fileDims: [1UL]));

    /// <summary>Adds a scalar string dataset (Caffe's <c>hdf5_save_string</c>).</summary>
    public void AddString(string datasetPath, string value) => Add(datasetPath, value);

    /// <summary>Writes the file atomically.</summary>
    public void Write(string path) => AtomicFile.Write(path, stream => _root.Write(stream));

    private void Add(string datasetPath, object dataset)
    {
        (string parent, string name) = Split(datasetPath);
        H5Group group = GroupAt(parent);
        if (!group.TryAdd(name, dataset))
            throw new ArgumentException($"HDF5 object '{datasetPath}' is written twice.");
    }

    private H5Group GroupAt(string groupPath)
    {
        H5Group group = _root;
        foreach (string part in groupPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "." || part == "..")
                throw new ArgumentException($"HDF5 path '{groupPath}' has a '{part}' component.");
            if (group.TryGetValue(part, out object? existing))
            {
                group = existing as H5Group
                    ?? throw new ArgumentException($"HDF5 path '{groupPath}': '{part}' is a dataset, not a group.");
            }
            else
            {
                var child = new H5Group();
                group[part] = child;
                group = child;
            }
        }
        return group;
    }

    private static (string Parent, string Name) Split(string path)
    {
        int slash = path.LastIndexOf('/');
        string name = path[(slash + 1)..];
        if (name.Length == 0 || name == "." || name == "..")
            throw new ArgumentException($"HDF5 dataset path '{path}' has no valid name.");
        return (slash < 0 ? "" : path[..slash], name);
    }
}
