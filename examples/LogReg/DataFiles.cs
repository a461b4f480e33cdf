namespace Caffe.Examples.LogReg;

/// <summary>The files <see cref="DataFiles.Write"/> produced: the two HDF5 files and the list files that name them.</summary>
/// <param name="TrainHdf5">train.h5: datasets <c>data</c> (N×F) and <c>label</c> (N).</param>
/// <param name="TestHdf5">test.h5, the same layout.</param>
/// <param name="TrainList">train.txt, the <c>hdf5_data_param.source</c> of the training nets (train.h5 listed twice).</param>
/// <param name="TestList">test.txt, the source of the test nets.</param>
public sealed record DataFilePaths(string TrainHdf5, string TestHdf5, string TrainList, string TestList);

/// <summary>
/// The notebook's "save the dataset to HDF5" step: <c>h5py.File(f, 'w')</c> with datasets <c>data</c> and
/// <c>label</c> (float32), and a list file per set for the HDF5Data layer's <c>source</c>.
/// </summary>
public static class DataFiles
{
    /// <summary>
    /// Writes train.h5, test.h5, train.txt and test.txt into <paramref name="folder"/> (created if missing) with
    /// full paths in the lists, so the nets run from any working directory. As in the notebook, the training list
    /// names its file twice to show that a list may hold several files; the layer reads them in turn.
    /// </summary>
    public static DataFilePaths Write(string folder, LabelledData train, LabelledData test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        string dir = Path.GetFullPath(folder);
        Directory.CreateDirectory(dir);
        var paths = new DataFilePaths(
            Path.Combine(dir, "train.h5"), Path.Combine(dir, "test.h5"), Path.Combine(dir, "train.txt"), Path.Combine(dir, "test.txt"));
        Hdf5Data.Write(paths.TrainHdf5, train.Features, train.LabelArray());
        Hdf5Data.WriteList(paths.TrainList, [paths.TrainHdf5, paths.TrainHdf5]);
        Hdf5Data.Write(paths.TestHdf5, test.Features, test.LabelArray());
        Hdf5Data.WriteList(paths.TestList, [paths.TestHdf5]);
        return paths;
    }
}
