namespace Caffe;

/// <summary>
/// Writes the files an <c>HDF5Data</c> layer reads: one float32 dataset per top, named as the top, whose first
/// axis is the row (item) axis. What a pycaffe script does with h5py
/// (<c>with h5py.File(f, 'w') as h: h['data'] = X; h['label'] = y.astype(np.float32)</c>), and the list file
/// that <c>hdf5_data_param.source</c> names. The file is written atomically (complete under its name or not at
/// all) and uncompressed; integer or float64 arrays are float32 here, as <c>HDF5Data</c> reads them anyway.
/// </summary>
public static class Hdf5Data
{
    /// <summary>The dataset for the first top of an <c>HDF5Data</c> layer with tops <c>data</c> and <c>label</c>.</summary>
    public const string DataDatasetName = HDF5OutputLayer.DataDatasetName;

    /// <summary>The dataset for the second top of an <c>HDF5Data</c> layer with tops <c>data</c> and <c>label</c>.</summary>
    public const string LabelDatasetName = HDF5OutputLayer.LabelDatasetName;

    /// <summary>
    /// Writes <paramref name="data"/> as dataset <c>data</c> and <paramref name="label"/> as dataset <c>label</c>,
    /// each with its own shape: N×… data rows and N labels (shape (N) or N×…), as the notebooks' h5py files.
    /// </summary>
    /// <exception cref="ArgumentException">An array has no axes, or the two arrays have different row counts.</exception>
    public static void Write(string path, NdArray data, NdArray label)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(label);
        Write(path, new Dictionary<string, NdArray> { [DataDatasetName] = data, [LabelDatasetName] = label });
    }

    /// <summary>
    /// Writes one float32 dataset per entry (name → array, written in the dictionary's order), for an
    /// <c>HDF5Data</c> layer whose tops are the names. All arrays must have the same number of rows (first axis).
    /// </summary>
    /// <exception cref="ArgumentException">No datasets, a name that is empty or has a '/', an array with no axes, or differing row counts.</exception>
    public static void Write(string path, IReadOnlyDictionary<string, NdArray> datasets)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(datasets);
        if (datasets.Count == 0) throw new ArgumentException($"{path}: no datasets to write.", nameof(datasets));
        int? rows = null;
        string? first = null;
        var writer = new Hdf5Writer();
        foreach ((string name, NdArray array) in datasets)
        {
            ArgumentNullException.ThrowIfNull(array, name);
            if (name.Length == 0 || name.Contains('/'))
                throw new ArgumentException($"{path}: dataset name '{name}' must be a non-empty top name without '/'.", nameof(datasets));
            if (array.Shape.Count == 0)
                throw new ArgumentException($"{path}: dataset '{name}' has no axes; its first axis must be the rows.", nameof(datasets));
            if (rows != null && array.Shape[0] != rows)
            {
                throw new ArgumentException(
                    $"{path}: dataset '{name}' has {array.Shape[0]} rows but '{first}' has {rows}; HDF5Data needs equal row counts.", nameof(datasets));
            }
            rows ??= array.Shape[0];
            first ??= name;
            writer.AddFloats(name, array.Data, array.Shape);
        }
        writer.Write(path);
    }

    /// <summary>
    /// Writes the list file of <c>hdf5_data_param.source</c>: one HDF5 path per line, in order (a path may repeat,
    /// and the layer then reads that file again).
    /// </summary>
    public static void WriteList(string listPath, IEnumerable<string> hdf5Paths)
    {
        ArgumentNullException.ThrowIfNull(listPath);
        ArgumentNullException.ThrowIfNull(hdf5Paths);
        List<string> lines = hdf5Paths.ToList();
        if (lines.Count == 0) throw new ArgumentException($"{listPath}: an HDF5 list needs at least one file.", nameof(hdf5Paths));
        foreach (string line in lines)
        {
            if (string.IsNullOrWhiteSpace(line) || line.Any(char.IsWhiteSpace))
                throw new ArgumentException($"{listPath}: '{line}' cannot be listed: HDF5Data splits its list at white space.", nameof(hdf5Paths));
        }
        File.WriteAllText(listPath, string.Join("\n", lines) + "\n");
    }
}
