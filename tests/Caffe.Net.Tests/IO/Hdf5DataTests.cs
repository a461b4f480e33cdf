namespace Caffe.Tests.IO;

/// <summary><see cref="Hdf5Data"/>: the public writer of HDF5Data sources (what pycaffe scripts do with h5py).</summary>
[TestClass]
public sealed class Hdf5DataTests
{
    private string _dir = null!;

    [TestInitialize]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("caffe-hdf5data-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void DataAndLabelKeepTheirShapesAndValues()
    {
        var data = new NdArray([.. Enumerable.Range(0, 15).Select(i => i * 0.5f - 2)], [5, 3]);
        var label = new NdArray([1f, 0f, 1f, 1f, 0f], [5]);
        string path = Path.Combine(_dir, "rows.h5");
        Hdf5Data.Write(path, data, label);

        using Hdf5Reader reader = Hdf5Reader.Open(path);
        CollectionAssert.AreEqual(new[] { "data", "label" }, reader.DatasetNames("").ToArray());
        NdArray readData = reader.ReadArray("data"), readLabel = reader.ReadArray("label");
        CollectionAssert.AreEqual(new[] { 5, 3 }, readData.Shape.ToArray());
        CollectionAssert.AreEqual(data.Data, readData.Data);
        CollectionAssert.AreEqual(new[] { 5 }, readLabel.Shape.ToArray());
        CollectionAssert.AreEqual(label.Data, readLabel.Data);
    }

    [TestMethod]
    public void AnHdf5DataLayerReadsTheRowsInOrderAndWraps()
    {
        var data = new NdArray([.. Enumerable.Range(0, 2 * 3 * 2).Select(i => (float)i)], [3, 2, 2]);
        string h5 = Path.Combine(_dir, "x.h5"), list = Path.Combine(_dir, "x.txt");
        Hdf5Data.Write(h5, new Dictionary<string, NdArray> { ["x"] = data, ["y"] = new NdArray([10f, 11f, 12f], [3]) });
        Hdf5Data.WriteList(list, [h5]);
        Assert.AreEqual(h5 + "\n", File.ReadAllText(list));

        var net = new Net(TextFormat.Parse<NetParameter>($$"""
            layer { name: "in" type: "HDF5Data" top: "x" top: "y" hdf5_data_param { source: "{{list}}" batch_size: 2 } }
            """.Replace("\\", "/", StringComparison.Ordinal)));
        net.Forward();
        CollectionAssert.AreEqual(new[] { 2, 2, 2 }, net.Blobs["x"].Shape.ToArray());
        CollectionAssert.AreEqual(data.Data[..8], net.Blobs["x"].Data.ToArray());
        CollectionAssert.AreEqual(new[] { 10f, 11f }, net.Blobs["y"].Data.ToArray());
        net.Forward();
        CollectionAssert.AreEqual(new[] { 8f, 9f, 10f, 11f, 0f, 1f, 2f, 3f }, net.Blobs["x"].Data.ToArray());
        CollectionAssert.AreEqual(new[] { 12f, 10f }, net.Blobs["y"].Data.ToArray());
    }

    [TestMethod]
    public void BadArgumentsAreRejectedBeforeAnythingIsWritten()
    {
        string path = Path.Combine(_dir, "bad.h5");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            Hdf5Data.Write(path, new NdArray(4, 2), new NdArray(3))).Message, "'label' has 3 rows but 'data' has 4");
        Assert.ThrowsExactly<ArgumentException>(() => Hdf5Data.Write(path, new Dictionary<string, NdArray>()));
        Assert.ThrowsExactly<ArgumentException>(() => Hdf5Data.Write(path, new Dictionary<string, NdArray> { ["a/b"] = new NdArray(1) }));
        Assert.ThrowsExactly<ArgumentException>(() => Hdf5Data.Write(path, new Dictionary<string, NdArray> { ["a"] = new NdArray(new float[1], []) }));
        Assert.IsFalse(File.Exists(path));

        string list = Path.Combine(_dir, "list.txt");
        Assert.ThrowsExactly<ArgumentException>(() => Hdf5Data.WriteList(list, []));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Hdf5Data.WriteList(list, ["my file.h5"])).Message, "white space");
        Assert.IsFalse(File.Exists(list));
    }
}
