namespace Caffe;

/// <summary>
/// Reads rows of HDF5 files listed in <c>hdf5_data_param.source</c> (one .h5 path per line), each file holding one
/// dataset per top, named as the top; row i of every dataset goes to item i of its top
/// (<c>hdf5_data_param { source batch_size shuffle }</c>). Files are loaded whole, one at a time, in list order or
/// shuffled, rows in order or shuffled, wrapping around. No transform_param. Runs on the calling thread. A file
/// whose datasets are missing, have differing row counts, or another row shape than the first file's stops with
/// an error naming the file and the dataset.
/// </summary>
public sealed class HDF5DataLayer(LayerParameter param) : Layer(param)
{
    private List<string> _fileNames = [];
    private int[] _filePermutation = [];
    private int _currentFile;
    private int[] _dataPermutation = [];
    private int _currentRow;
    private NdArray[] _hdfBlobs = [];

    /// <inheritdoc/>
    public override string Type => "HDF5Data";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 0;

    /// <inheritdoc/>
    public override int MinTopBlobs => 1;

    private HDF5DataParameter HdfParam => Param.Hdf5DataParam ?? throw Error("hdf5_data_param is required.");

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        // HDF5 data is generic: there is nothing to crop, mirror or subtract.
        if (Param.TransformParam != null) throw Error($"{Type} does not transform data: remove transform_param.");
        HDF5DataParameter p = HdfParam;
        if (p.BatchSize == 0) throw Error("hdf5_data_param.batch_size must be positive.");
        string source = p.Source;
        CaffeLog.Info($"Loading list of HDF5 filenames from: {source}");
        if (!File.Exists(source)) throw Error($"failed to open source file: {source}");
        _fileNames = File.ReadAllText(source).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
        CaffeLog.Info($"Number of HDF5 files: {_fileNames.Count}");
        if (_fileNames.Count == 0) throw Error($"must have at least 1 HDF5 filename listed in {source}");
        _filePermutation = Enumerable.Range(0, _fileNames.Count).ToArray();
        if (p.Shuffle) ImageList.Shuffle(_filePermutation);
        _currentFile = 0;
        LoadFile(_fileNames[_filePermutation[_currentFile]], top, firstFile: true);
        _currentRow = 0;
        for (int i = 0; i < top.Count; i++)
        {
            int[] shape = [.. _hdfBlobs[i].Shape];
            shape[0] = (int)p.BatchSize;
            top[i].Reshape(shape);
        }
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        // The tops keep the shape set up from the first file.
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int batchSize = (int)HdfParam.BatchSize;
        for (int i = 0; i < batchSize; i++)
        {
            for (int j = 0; j < top.Count; j++)
            {
                int dataDim = top[j].Count / top[j].ShapeAt(0);
                _hdfBlobs[j].Data.AsSpan(_dataPermutation[_currentRow] * dataDim, dataDim)
                    .CopyTo(top[j].Data.Slice(i * dataDim, dataDim));
            }
            Next(top);
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) { }

    private void Next(IReadOnlyList<Blob> top)
    {
        if (++_currentRow < _hdfBlobs[0].Shape[0]) return;
        if (_fileNames.Count > 1)
        {
            if (++_currentFile == _fileNames.Count)
            {
                _currentFile = 0;
                if (HdfParam.Shuffle) ImageList.Shuffle(_filePermutation);
                CaffeLog.Debug("Looping around to first file.");
            }
            LoadFile(_fileNames[_filePermutation[_currentFile]], top, firstFile: false);
        }
        _currentRow = 0;
        if (HdfParam.Shuffle) ImageList.Shuffle(_dataPermutation);
    }

    private void LoadFile(string path, IReadOnlyList<Blob> top, bool firstFile)
    {
        CaffeLog.Debug($"Loading HDF5 file: {path}");
        string[] names = [.. Param.Top];
        if (names.Length != top.Count) throw Error($"{top.Count} tops but {names.Length} top names.");
        var arrays = new NdArray[names.Length];
        try
        {
            using Hdf5Reader reader = Hdf5Reader.Open(path);
            for (int i = 0; i < names.Length; i++)
            {
                if (!reader.DatasetExists(names[i]))
                {
                    throw new ModelFormatException(path, $"failed to find HDF5 dataset '{names[i]}' " +
                        $"(the file has: {string.Join(", ", reader.DatasetNames(""))}).");
                }
                arrays[i] = reader.ReadArray(names[i]);
                if (arrays[i].NumAxes < 1)
                    throw new ModelFormatException(path, $"dataset '{names[i]}' is a scalar; rows need at least 1 axis.");
            }
        }
        catch (Exception e) when (e is IOException or ModelFormatException)
        {
            throw new LayerException(Name, Type, e.Message, e);
        }
        int num = arrays[0].Shape[0];
        if (num == 0) throw Error($"{path}: dataset '{names[0]}' has no rows.");
        for (int i = 0; i < arrays.Length; i++)
        {
            if (arrays[i].Shape[0] != num)
                throw Error($"{path}: dataset '{names[i]}' has {arrays[i].Shape[0]} rows but '{names[0]}' has {num}.");
            if (!firstFile && !arrays[i].Shape.Skip(1).SequenceEqual(top[i].Shape.Skip(1)))
            {
                throw Error($"{path}: dataset '{names[i]}' has rows of shape ({string.Join(", ", arrays[i].Shape.Skip(1))}) " +
                            $"but the top was set up for ({string.Join(", ", top[i].Shape.Skip(1))}) from the first file.");
            }
        }
        _hdfBlobs = arrays;
        _dataPermutation = Enumerable.Range(0, num).ToArray();
        if (HdfParam.Shuffle)
        {
            ImageList.Shuffle(_dataPermutation);
            CaffeLog.Debug($"Successfully loaded {num} rows (shuffled)");
        }
        else
        {
            CaffeLog.Debug($"Successfully loaded {num} rows");
        }
    }
}
