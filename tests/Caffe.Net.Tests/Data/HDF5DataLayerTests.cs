namespace Caffe.Tests.Data;

/// <summary>
/// Caffe's test_hdf5data_layer.cpp on the files of tests/data/hdf5 (written by h5py with
/// generate_sample_data.py, as BVLC's), plus shuffling, datatypes and bad files.
/// </summary>
[TestClass]
public sealed class HDF5DataLayerTests
{
    private TempDir _dir = null!;

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _dir = new TempDir();
    }

    [TestCleanup]
    public void TearDown() => _dir.Dispose();

    private string Source(params string[] files)
    {
        string path = _dir.File("list.txt");
        File.WriteAllLines(path, files.Select(f => TestData.Path($"hdf5/{f}")));
        return path;
    }

    private static (HDF5DataLayer Layer, Blob[] Tops) SetUp(string source, int batchSize, bool shuffle = false, params string[] tops)
    {
        string topText = string.Join(" ", tops.Select(t => $"top: '{t}'"));
        var layer = new HDF5DataLayer(LayerTesting.Param(
            $"name: 'hdf5' type: 'HDF5Data' {topText} hdf5_data_param {{ source: '{source}' batch_size: {batchSize} shuffle: {(shuffle ? "true" : "false")} }}"));
        Blob[] blobs = tops.Select(_ => new Blob()).ToArray();
        layer.SetUp([], blobs);
        return (layer, blobs);
    }

    [TestMethod]
    public void Read()
    {
        // 10 rows of 8x6x5 per file; the second file's data is offset by 2400; labels are 1-indexed.
        const int batchSize = 5, numCols = 8, height = 6, width = 5;
        (HDF5DataLayer layer, Blob[] tops) = SetUp(Source("sample_data.h5", "sample_data_2_gzip.h5"), batchSize, false, "data", "label", "label2");
        (Blob data, Blob label, Blob label2) = (tops[0], tops[1], tops[2]);
        CollectionAssert.AreEqual(new[] { batchSize, numCols, height, width }, data.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { batchSize, 1 }, label.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { batchSize, 1 }, label2.Shape.ToArray());
        const int dataSize = numCols * height * width;
        for (int iter = 0; iter < 10; iter++)
        {
            layer.Forward([], tops);
            int labelOffset = 1 + (iter % 2 == 0 ? 0 : batchSize);
            int label2Offset = 1 + labelOffset;
            int dataOffset = iter % 2 == 0 ? 0 : batchSize * dataSize;
            int fileOffset = iter % 4 < 2 ? 0 : 2400;
            for (int i = 0; i < batchSize; i++)
            {
                Assert.AreEqual(labelOffset + i, label.Data[i], $"iter {iter}");
                Assert.AreEqual(label2Offset + i, label2.Data[i], $"iter {iter}");
            }
            for (int idx = 0; idx < batchSize * dataSize; idx++)
                Assert.AreEqual(fileOffset + dataOffset + idx, data.Data[idx], $"iter {iter} idx {idx}");
        }
    }

    [TestMethod]
    public void ShuffleVisitsEveryRowOncePerEpochAndKeepsRowsTogether()
    {
        (HDF5DataLayer layer, Blob[] tops) = SetUp(Source("sample_data.h5", "sample_data_2_gzip.h5"), 5, true, "data", "label");
        var seen = new List<(float Label, float Data)>();
        for (int iter = 0; iter < 4; iter++)
        {
            layer.Forward([], tops);
            for (int i = 0; i < 5; i++)
            {
                float label = tops[1].Data[i];
                float first = tops[0].Data[i * 240];
                // Row r of a file holds label r + 1 and data starting at 240 r (+ 2400 in the second file).
                Assert.AreEqual((label - 1) * 240, first % 2400, $"iter {iter}: row data and label come from one row");
                seen.Add((label, first));
            }
        }
        Assert.HasCount(20, seen.Distinct().ToList(), "two files of 10 rows: each row once per epoch");
        Assert.IsFalse(seen.Take(10).Select(s => s.Label).SequenceEqual(Enumerable.Range(1, 10).Select(v => (float)v)), "rows are shuffled");
    }

    [TestMethod]
    public void IntegerAndDoubleDatasetsReadAsFloat()
    {
        (HDF5DataLayer layer, Blob[] tops) = SetUp(Source("sample_data_types.h5"), 2, false, "data", "label");
        CollectionAssert.AreEqual(new[] { 2, 3 }, tops[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 2 }, tops[1].Shape.ToArray());
        layer.Forward([], tops);
        layer.Forward([], tops);
        CollectionAssert.AreEqual(new[] { 6f, 7, 8, 9, 10, 11 }, tops[0].Data.ToArray());
        CollectionAssert.AreEqual(new[] { 2f, 3 }, tops[1].Data.ToArray());
    }

    [TestMethod]
    public void MissingDatasetNamesTheFileAndTheDataset()
    {
        LayerTesting.Throws(() => SetUp(Source("sample_data.h5"), 5, false, "data", "weights"), "sample_data.h5", "'weights'");
    }

    [TestMethod]
    public void DatasetsWithDifferentRowCountsFail()
    {
        LayerTesting.Throws(() => SetUp(Source("bad_row_count.h5"), 5, false, "data", "label"), "bad_row_count.h5", "'label' has 7 rows");
    }

    [TestMethod]
    public void LaterFileWithAnotherRowShapeFailsInForward()
    {
        (HDF5DataLayer layer, Blob[] tops) = SetUp(Source("sample_data.h5", "bad_row_shape.h5"), 5, false, "data", "label");
        layer.Forward([], tops);
        LayerTesting.Throws(() => layer.Forward([], tops), "bad_row_shape.h5", "(8, 6, 6)");
    }

    [TestMethod]
    public void MissingSourceFileOrH5FileOrNotHdf5()
    {
        string missing = _dir.File("none.txt");
        LayerTesting.Throws(() => SetUp(missing, 5, false, "data"), missing);
        LayerTesting.Throws(() => SetUp(Source("no_such_file.h5"), 5, false, "data"), "no_such_file.h5");
        string notHdf5 = _dir.File("fake.h5");
        File.WriteAllText(notHdf5, "definitely not HDF5");
        string list = _dir.File("fake.txt");
        File.WriteAllText(list, notHdf5 + "\n");
        LayerTesting.Throws(() => SetUp(list, 5, false, "data"), notHdf5);
        File.WriteAllText(list, "\n");
        LayerTesting.Throws(() => SetUp(list, 5, false, "data"), "at least 1 HDF5 filename");
    }

    [TestMethod]
    public void TransformParamIsRefused()
    {
        var layer = new HDF5DataLayer(LayerTesting.Param(
            $"name: 'h' type: 'HDF5Data' top: 'data' hdf5_data_param {{ source: '{Source("sample_data.h5")}' batch_size: 1 }} transform_param {{ scale: 2 }}"));
        LayerTesting.Throws(() => layer.SetUp([], [new Blob()]), "does not transform data");
    }

    [TestMethod]
    public void OutputLayerWritesDataAndLabelThatTheDataLayerReadsBack()
    {
        string file = _dir.File("out.h5");
        var output = new HDF5OutputLayer(LayerTesting.Param($"name: 'out' type: 'HDF5Output' hdf5_output_param {{ file_name: '{file}' }}"));
        Blob data = LayerTesting.Gaussian([2, 3, 4, 5]);
        Blob label = LayerTesting.Gaussian([2, 3, 1, 1]);
        output.SetUp([data, label], []);
        output.Forward([data, label], []);
        float[] firstData = data.Data.ToArray(), firstLabel = label.Data.ToArray();
        Rng.FillGaussian(data.Data, 0, 1);
        output.Forward([data, label], []);

        string list = _dir.File("out.txt");
        File.WriteAllText(list, file + "\n");
        (HDF5DataLayer reader, Blob[] tops) = SetUp(list, 4, false, "data", "label");
        CollectionAssert.AreEqual(new[] { 4, 3, 4, 5 }, tops[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 4, 3, 1, 1 }, tops[1].Shape.ToArray());
        reader.Forward([], tops);
        CollectionAssert.AreEqual(firstData, tops[0].Data[..120].ToArray());
        CollectionAssert.AreEqual(data.Data.ToArray(), tops[0].Data[120..].ToArray());
        CollectionAssert.AreEqual(firstLabel, tops[1].Data[..6].ToArray());
    }

    [TestMethod]
    public void OutputLayerSavesLegacyFourDimensionalShapes()
    {
        string file = _dir.File("flat.h5");
        var output = new HDF5OutputLayer(LayerTesting.Param($"name: 'out' type: 'HDF5Output' hdf5_output_param {{ file_name: '{file}' }}"));
        Blob data = LayerTesting.Gaussian([3, 7]);
        Blob label = LayerTesting.Gaussian([3]);
        output.SetUp([data, label], []);
        output.Forward([data, label], []);
        using Hdf5Reader reader = Hdf5Reader.Open(file);
        NdArray[] arrays = [reader.ReadArray("data"), reader.ReadArray("label")];
        CollectionAssert.AreEqual(new[] { 3, 7, 1, 1 }, arrays[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 1, 1, 1 }, arrays[1].Shape.ToArray());
        CollectionAssert.AreEqual(data.Data.ToArray(), arrays[0].Data);
    }

    [TestMethod]
    public void OutputLayerErrors()
    {
        var noName = new HDF5OutputLayer(LayerTesting.Param("name: 'out' type: 'HDF5Output'"));
        LayerTesting.Throws(() => noName.SetUp([new Blob(2, 3), new Blob(2)], []), "file_name");
        var badDir = new HDF5OutputLayer(LayerTesting.Param("name: 'out' type: 'HDF5Output' hdf5_output_param { file_name: '/no/such/dir/out.h5' }"));
        LayerTesting.Throws(() => badDir.SetUp([new Blob(2, 3), new Blob(2)], []), "/no/such/dir/out.h5");
        var layer = new HDF5OutputLayer(LayerTesting.Param($"name: 'out' type: 'HDF5Output' hdf5_output_param {{ file_name: '{_dir.File("x.h5")}' }}"));
        LayerTesting.Throws(() => layer.SetUp([new Blob(2, 3), new Blob(3)], []), "same batch size");
    }
}
