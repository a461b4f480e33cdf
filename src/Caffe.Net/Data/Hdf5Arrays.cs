using PureHDF;

namespace Caffe;

/// <summary>
/// The N-d float datasets of Caffe's HDF5 data files (Caffe's <c>hdf5_load_nd_dataset</c>/<c>hdf5_save_nd_dataset</c>)
/// through PureHDF: float32, float64 and integer datasets read as float32 with their shape; writes are float32
/// and atomic. Errors name the file and the dataset.
/// </summary>
internal static class Hdf5Arrays
{
    /// <summary>Reads the named datasets of one file, each as an array of at least one axis.</summary>
    public static NdArray[] Read(string path, IReadOnlyList<string> names)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"HDF5 file not found: {path}", path);
        PureHDF.VOL.Native.NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception e) when (e is not IOException || e is EndOfStreamException)
        {
            throw new ModelFormatException(path, $"failed opening HDF5 file: {e.Message}", e);
        }
        using (file)
        {
            var arrays = new NdArray[names.Count];
            for (int i = 0; i < names.Count; i++) arrays[i] = ReadDataset(file, path, names[i]);
            return arrays;
        }
    }

    /// <summary>Writes float32 datasets to a new file (replacing any), atomically.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, NdArray Array)> datasets)
    {
        var file = new H5File();
        foreach ((string name, NdArray array) in datasets)
        {
            ulong[] dims = array.Shape.Select(d => (ulong)d).ToArray();
            file[name] = new H5Dataset(array.Data, fileDims: dims);
        }
        // PureHDF needs a readable, seekable stream; AtomicFile's is write-only, so the file is built in memory.
        using var buffer = new MemoryStream();
        file.Write(buffer);
        AtomicFile.Write(path, stream => buffer.WriteTo(stream));
    }

    private static NdArray ReadDataset(PureHDF.VOL.Native.NativeFile file, string path, string name)
    {
        if (!file.LinkExists(name))
            throw new ModelFormatException(path, $"failed to find HDF5 dataset '{name}' (the file has: {string.Join(", ", file.Children().Select(c => c.Name))}).");
        try
        {
            IH5Dataset dataset = file.Dataset(name);
            ulong[] dims = dataset.Space.Dimensions;
            if (dims.Length < 1) throw new ModelFormatException(path, $"dataset '{name}' is a scalar; at least 1 axis is needed.");
            int[] shape = dims.Select(d => d <= int.MaxValue ? (int)d : throw new ModelFormatException(path, $"dataset '{name}' is too large.")).ToArray();
            var array = new NdArray(shape);
            IH5DataType type = dataset.Type;
            switch (type.Class)
            {
                case H5DataTypeClass.FloatingPoint when type.Size == 4:
                    dataset.Read<float[]>().CopyTo(array.Data, 0);
                    break;
                case H5DataTypeClass.FloatingPoint when type.Size == 8:
                    Convert(dataset.Read<double[]>(), array.Data, v => (float)v);
                    break;
                case H5DataTypeClass.FixedPoint:
                    ReadInteger(dataset, type, array.Data, path, name);
                    break;
                default:
                    throw new ModelFormatException(path, $"dataset '{name}' has unsupported datatype {type.Class} ({type.Size} bytes); numbers are needed.");
            }
            return array;
        }
        catch (ModelFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ModelFormatException(path, $"cannot read HDF5 dataset '{name}': {e.Message}", e);
        }
    }

    private static void ReadInteger(IH5Dataset dataset, IH5DataType type, float[] target, string path, string name)
    {
        bool signed = type.FixedPoint.IsSigned;
        switch (type.Size)
        {
            case 1 when signed: Convert(dataset.Read<sbyte[]>(), target, v => v); break;
            case 1: Convert(dataset.Read<byte[]>(), target, v => v); break;
            case 2 when signed: Convert(dataset.Read<short[]>(), target, v => v); break;
            case 2: Convert(dataset.Read<ushort[]>(), target, v => v); break;
            case 4 when signed: Convert(dataset.Read<int[]>(), target, v => v); break;
            case 4: Convert(dataset.Read<uint[]>(), target, v => v); break;
            case 8 when signed: Convert(dataset.Read<long[]>(), target, v => v); break;
            case 8: Convert(dataset.Read<ulong[]>(), target, v => v); break;
            default: throw new ModelFormatException(path, $"dataset '{name}' has a {type.Size}-byte integer type.");
        }
    }

    private static void Convert<T>(T[] source, float[] target, Func<T, float> convert)
    {
        for (int i = 0; i < target.Length; i++) target[i] = convert(source[i]);
    }
}
