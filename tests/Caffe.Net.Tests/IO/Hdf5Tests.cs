namespace Caffe.Tests.IO;

/// <summary>The HDF5 helpers (<see cref="Hdf5Reader"/>, <see cref="Hdf5Writer"/>) that weights, HDF5 data layers and snapshots share.</summary>
[TestClass]
public sealed class Hdf5Tests
{
    private string _dir = null!;

    [TestInitialize]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("caffe-hdf5-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void DatasetsOfEveryRankIntsAndStringsRoundTrip()
    {
        float[] cube = Enumerable.Range(0, 24).Select(i => i * 1.5f - 3f).ToArray();
        string path = Write(w =>
        {
            w.AddFloats("data", cube, [2, 3, 4]);
            w.AddFloats("label", new[] { 7f }, []);
            w.AddFloats("empty", Array.Empty<float>(), [0, 3]);
            w.AddInt("iter", 1234);
            w.AddString("learned_net", "snap_iter_1234.caffemodel.h5");
            w.AddFloats("history/0", new[] { 1f, 2f }, [2]);
            w.AddGroup("history/none");
        });

        using Hdf5Reader reader = Hdf5Reader.Open(path);
        NdArray data = reader.ReadArray("data");
        CollectionAssert.AreEqual(new[] { 2, 3, 4 }, data.Shape.ToArray());
        CollectionAssert.AreEqual(cube, data.Data);
        Assert.AreEqual(0, reader.Shape("label").Length, "a scalar has no axes");
        Assert.AreEqual(7f, reader.ReadArray("label").Data.Single());
        CollectionAssert.AreEqual(new[] { 0, 3 }, reader.Shape("empty"));
        Assert.AreEqual(1234, reader.ReadInt("iter"));
        Assert.AreEqual("snap_iter_1234.caffemodel.h5", reader.ReadString("learned_net"));
        CollectionAssert.AreEqual(new[] { "0" }, reader.DatasetNames("history").ToArray());
        CollectionAssert.AreEqual(new[] { "none" }, reader.GroupNames("history").ToArray());
        CollectionAssert.AreEqual(new[] { "data", "empty", "iter", "label", "learned_net" }, reader.DatasetNames("").ToArray());
    }

    [TestMethod]
    public void ReadBlobReshapesOrChecksTheShapeAndAxisCount()
    {
        string path = Write(w => w.AddFloats("x", Enumerable.Range(0, 6).Select(i => (float)i).ToArray(), [2, 3]));
        using Hdf5Reader reader = Hdf5Reader.Open(path);

        var blob = new Blob();
        reader.ReadBlob("x", blob, reshape: true, minAxes: 1);
        Assert.AreEqual("2 3 (6)", blob.ShapeString);
        CollectionAssert.AreEqual(new[] { 0f, 1f, 2f, 3f, 4f, 5f }, blob.Data.ToArray());

        var wrong = new Blob(3, 2);
        var mismatch = Assert.ThrowsExactly<ModelFormatException>(() => reader.ReadBlob("x", wrong, reshape: false));
        StringAssert.Contains(mismatch.Message, "cannot load dataset 'x' into a blob: shape mismatch. Source shape is 2 3 (6); target shape is 3 2 (6)");

        var axes = Assert.ThrowsExactly<ModelFormatException>(() => reader.ReadBlob("x", new Blob(), reshape: true, minAxes: 3));
        StringAssert.Contains(axes.Message, "dataset 'x' has 2 axes (2 3); between 3 and 32 are expected");
    }

    [TestMethod]
    public void IntegerAndDoubleDatasetsWrittenByLibhdf5AreConverted()
    {
        using Hdf5Reader reader = Hdf5Reader.Open(TestData.Path("weights/mixed_types.caffemodel.h5"));
        CollectionAssert.AreEqual(new[] { 1f, -2f, 3f, -4f }, reader.ReadArray("data/ip1/1").Data);
        CollectionAssert.AreEqual(new[] { 0.5f, -0.25f }, reader.ReadArray("data/ip2/1").Data);
    }

    [TestMethod]
    public void MissingObjectsAndWrongKindsNameTheFileAndPath()
    {
        string path = Write(w =>
        {
            w.AddFloats("group/x", new[] { 1f }, [1]);
            w.AddString("name", "text");
        });
        using Hdf5Reader reader = Hdf5Reader.Open(path);
        var missing = Assert.ThrowsExactly<ModelFormatException>(() => reader.ReadArray("group/y"));
        Assert.AreEqual($"{path}: has no dataset 'group/y'.", missing.Message);
        StringAssert.Contains(Assert.ThrowsExactly<ModelFormatException>(() => reader.ReadArray("group")).Message,
            "'group' is a group, not a dataset");
        StringAssert.Contains(Assert.ThrowsExactly<ModelFormatException>(() => reader.DatasetNames("group/x")).Message,
            "'group/x' is a dataset, not a group");
        StringAssert.Contains(Assert.ThrowsExactly<ModelFormatException>(() => reader.ReadArray("name")).Message,
            "dataset 'name' has an unsupported datatype");
        StringAssert.Contains(Assert.ThrowsExactly<ModelFormatException>(() => reader.ReadInt("group/x")).Message,
            "dataset 'group/x' should hold one integer");
        StringAssert.Contains(Assert.ThrowsExactly<ModelFormatException>(() => reader.ReadString("group/x")).Message,
            "dataset 'group/x' should hold a string");
        Assert.IsFalse(reader.GroupExists("nowhere/deep"));
        Assert.IsFalse(reader.DatasetExists("group"));
    }

    [TestMethod]
    public void WriterRejectsDuplicatesMismatchedCountsAndBadNames()
    {
        var writer = new Hdf5Writer();
        writer.AddFloats("a/b", new[] { 1f }, [1]);
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddFloats("a/b", new[] { 1f }, [1]));
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddGroup("a/b/c"));
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddFloats("c", new[] { 1f, 2f }, [3]));
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddFloats("d/..", new[] { 1f }, [1]));
    }

    [TestMethod]
    public void WriteToAMissingDirectoryLeavesNothingBehind()
    {
        var writer = new Hdf5Writer();
        writer.AddFloats("x", new[] { 1f }, [1]);
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => writer.Write(Path.Combine(_dir, "absent", "x.h5")));
        Assert.HasCount(0, Directory.GetFileSystemEntries(_dir));
    }

    private string Write(Action<Hdf5Writer> build)
    {
        var writer = new Hdf5Writer();
        build(writer);
        string path = Path.Combine(_dir, $"{Guid.NewGuid():N}.h5");
        writer.Write(path);
        return path;
    }
}
