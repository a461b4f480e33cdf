using System.Globalization;
using Google.Protobuf;

namespace Caffe.Tests.Layers;

/// <summary>
/// A Python data layer in C#: no bottoms, a data top of 2 × 3 × 4 × 4 and a label top of 2. Forward k writes
/// base + 1000·k + 100·item + j (j the position within the item; base = <c>param_str</c>) and labels 2k + item.
/// </summary>
[PythonLayer("caffe_net_tests.data_layers_net", "CountingSource")]
internal sealed class CountingSourceLayer(LayerParameter param) : PythonLayer(param)
{
    private int _forwards;

    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        top[0].Reshape(DataLayersNetTests.BatchSize, 3, 4, 4);
        top[1].Reshape(DataLayersNetTests.BatchSize);
    }

    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        float offset = float.Parse(ParamStr, CultureInfo.InvariantCulture);
        Span<float> data = top[0].Data;
        for (int i = 0; i < data.Length; i++)
            data[i] = offset + 1000 * _forwards + 100 * (i / DataLayersNetTests.ItemSize) + i % DataLayersNetTests.ItemSize;
        for (int item = 0; item < DataLayersNetTests.BatchSize; item++) top[1].Data[item] = 2 * _forwards + item;
        _forwards++;
    }
}

/// <summary>
/// Every data-feeding layer type in one net, each reading a source written here with the library's own writers:
/// Data over LMDB and over LevelDB, ImageData (PNG files), HDF5Data, MemoryData (through
/// <see cref="Net.SetInputArrays"/>), WindowData, a Python layer, and HDF5Output saving what they produced. Every
/// top is checked against what was written, batch after batch, and the HDF5Output file is read back. Together with
/// <see cref="AllLayersNetTests"/> it uses every registered layer type.
/// </summary>
[TestClass]
public sealed class DataLayersNetTests
{
    internal const int BatchSize = 2;
    internal const int ItemSize = 3 * 4 * 4;
    private const int Forwards = 3;

    private const int LmdbRecords = 3;
    private const int LevelDbRecords = 5;
    private const int Images = 3;
    private const int Hdf5Rows = 3;
    private const int MemoryItems = 4;
    private const float PythonBase = 5000;

    // WindowData's image: columns 0..3 one colour, 4..7 another (BGR); the foreground window covers the first
    // half, the background window the second, so every warped pixel is the half's colour.
    private static readonly float[] ForegroundColour = [10, 20, 30];
    private static readonly float[] BackgroundColour = [200, 150, 100];

    // Sources in the order of the Concat layers; each entry gives an item's value at position j (C×H×W order)
    // and its label, for the record / row / item index r.
    private static readonly (string Name, int Count, Func<int, int, float> Value, Func<int, float> Label)[] Sources =
    [
        ("mem", MemoryItems, (r, j) => 1000 + 100 * r + j, r => 40 + r),
        ("lmdb", LmdbRecords, (r, j) => r * ItemSize + j, r => 10 + r),
        ("ldb", LevelDbRecords, (r, j) => 255 - (r * ItemSize + j), r => 20 + r),
        ("img", Images, (r, j) => ImagePixel(r, h: j / 4 % 4, w: j % 4, c: j / 16), r => 30 + r),
        ("h5", Hdf5Rows, (r, j) => -(r * ItemSize + j) - 0.5f, r => 50 + r),
    ];

    private static float ImagePixel(int image, int h, int w, int c) => 50 * image + 16 * c + 4 * h + w;

    private static string Prototxt(string dir) => $$"""
        name: 'DataLayers'
        layer { name: 'mem' type: 'MemoryData' top: 'mem_data' top: 'mem_label'
          memory_data_param { batch_size: {{BatchSize}} channels: 3 height: 4 width: 4 } }
        layer { name: 'lmdb' type: 'Data' top: 'lmdb_data' top: 'lmdb_label'
          data_param { source: '{{dir}}/lmdb' backend: LMDB batch_size: {{BatchSize}} } }
        layer { name: 'ldb' type: 'Data' top: 'ldb_data' top: 'ldb_label'
          data_param { source: '{{dir}}/leveldb' backend: LEVELDB batch_size: {{BatchSize}} prefetch: 2 } }
        layer { name: 'img' type: 'ImageData' top: 'img_data' top: 'img_label'
          image_data_param { source: '{{dir}}/images.txt' root_folder: '{{dir}}/' batch_size: {{BatchSize}} } }
        layer { name: 'h5' type: 'HDF5Data' top: 'h5_data' top: 'h5_label'
          hdf5_data_param { source: '{{dir}}/h5.txt' batch_size: {{BatchSize}} } }
        layer { name: 'win' type: 'WindowData' top: 'win_data' top: 'win_label'
          window_data_param { source: '{{dir}}/windows.txt' root_folder: '{{dir}}/' batch_size: {{BatchSize}} fg_fraction: 0.5 }
          transform_param { crop_size: 4 } }
        layer { name: 'py' type: 'Python' top: 'py_data' top: 'py_label'
          python_param { module: 'caffe_net_tests.data_layers_net' layer: 'CountingSource' param_str: '{{PythonBase}}' } }
        layer { name: 'mem_label_flat' type: 'Reshape' bottom: 'mem_label' top: 'mem_label_flat' reshape_param { shape { dim: -1 } } }
        layer { name: 'all_data' type: 'Concat' concat_param { axis: 0 }
          bottom: 'mem_data' bottom: 'lmdb_data' bottom: 'ldb_data' bottom: 'img_data'
          bottom: 'h5_data' bottom: 'win_data' bottom: 'py_data'
          top: 'all_data' }
        layer { name: 'all_label' type: 'Concat' concat_param { axis: 0 }
          bottom: 'mem_label_flat' bottom: 'lmdb_label' bottom: 'ldb_label' bottom: 'img_label'
          bottom: 'h5_label' bottom: 'win_label' bottom: 'py_label'
          top: 'all_label' }
        layer { name: 'save' type: 'HDF5Output' bottom: 'all_data' bottom: 'all_label'
          hdf5_output_param { file_name: '{{dir}}/out.h5' } }
        """;

    /// <summary>The types the data-layer net uses (its directory does not matter).</summary>
    internal static IEnumerable<string> UsedTypes() => TextFormat.Parse<NetParameter>(Prototxt("/tmp")).Layer.Select(l => l.Type);

    private static void WriteSources(string dir)
    {
        foreach ((string backend, int records, int source) in new[] { ("lmdb", LmdbRecords, 1), ("leveldb", LevelDbRecords, 2) })
        {
            using DbWriter writer = DbWriter.Create(backend, Path.Combine(dir, backend));
            for (int r = 0; r < records; r++)
            {
                var bytes = new byte[ItemSize];
                for (int j = 0; j < ItemSize; j++) bytes[j] = (byte)Sources[source].Value(r, j);
                var datum = new Datum
                {
                    Channels = 3, Height = 4, Width = 4, Label = (int)Sources[source].Label(r), Data = ByteString.CopyFrom(bytes),
                };
                writer.Put(r.ToString(CultureInfo.InvariantCulture), datum.ToByteArray());
            }
            writer.Close();
        }

        var list = new List<string>();
        for (int i = 0; i < Images; i++)
        {
            var image = new NdArray(4, 4, 3);
            for (int h = 0; h < 4; h++)
                for (int w = 0; w < 4; w++)
                    for (int c = 0; c < 3; c++) image[h, w, c] = ImagePixel(i, h, w, c);
            File.WriteAllBytes(Path.Combine(dir, $"img{i}.png"), ImageCodec.Encode(image, "png"));
            list.Add($"img{i}.png {Sources[3].Label(i)}");
        }
        File.WriteAllLines(Path.Combine(dir, "images.txt"), list);

        var hdf5 = new Hdf5Writer();
        hdf5.AddFloats("h5_data", Items(4, Hdf5Rows), [Hdf5Rows, 3, 4, 4]);
        hdf5.AddFloats("h5_label", Enumerable.Range(0, Hdf5Rows).Select(Sources[4].Label).ToArray(), [Hdf5Rows]);
        hdf5.Write(Path.Combine(dir, "rows.h5"));
        File.WriteAllText(Path.Combine(dir, "h5.txt"), Path.Combine(dir, "rows.h5") + "\n");

        var halves = new NdArray(8, 8, 3);
        for (int h = 0; h < 8; h++)
            for (int w = 0; w < 8; w++)
                for (int c = 0; c < 3; c++) halves[h, w, c] = w < 4 ? ForegroundColour[c] : BackgroundColour[c];
        File.WriteAllBytes(Path.Combine(dir, "halves.png"), ImageCodec.Encode(halves, "png"));
        // class overlap x1 y1 x2 y2: a foreground window (label 1) and a background one (label forced to 0).
        File.WriteAllText(Path.Combine(dir, "windows.txt"), "# 0\nhalves.png\n3\n8\n8\n2\n1 0.9 0 0 3 7\n3 0.1 4 0 7 7\n");
    }

    // The first `count` items of source `source`, one after the other (C×H×W each).
    private static float[] Items(int source, int count) =>
        [.. Enumerable.Range(0, count * ItemSize).Select(k => Sources[source].Value(k / ItemSize, k % ItemSize))];

    // What forward k must produce for one source, as (data, labels) of one batch.
    private static (float[] Data, float[] Labels) Expected(string source, int forward)
    {
        var data = new float[BatchSize * ItemSize];
        var labels = new float[BatchSize];
        for (int item = 0; item < BatchSize; item++)
        {
            for (int j = 0; j < ItemSize; j++)
            {
                data[item * ItemSize + j] = source switch
                {
                    // Background windows come first in a WindowData batch, then foreground ones.
                    "win" => (item == 0 ? BackgroundColour : ForegroundColour)[j / 16],
                    "py" => PythonBase + 1000 * forward + 100 * item + j,
                    _ => Value(source, forward, item, j),
                };
            }
            labels[item] = source switch
            {
                "win" => item,
                "py" => 2 * forward + item,
                _ => Label(source, forward, item),
            };
        }
        return (data, labels);
    }

    // The sources read records in order and wrap around, batch after batch.
    private static float Value(string name, int forward, int item, int j)
    {
        var source = Sources.Single(s => s.Name == name);
        return source.Value((forward * BatchSize + item) % source.Count, j);
    }

    private static float Label(string name, int forward, int item)
    {
        var source = Sources.Single(s => s.Name == name);
        return source.Label((forward * BatchSize + item) % source.Count);
    }

    private static readonly string[] Order = ["mem", "lmdb", "ldb", "img", "h5", "win", "py"];

    [TestMethod]
    public void EveryDataLayerFeedsOneNet()
    {
        Rng.SetRandomSeed(1701);
        using var dir = new TempDir();
        WriteSources(dir.Path);
        NetParameter param = TextFormat.Parse<NetParameter>(Prototxt(dir.Path));
        param.State = new NetState { Phase = Phase.Test };
        var net = new Net(param);
        try
        {
            float[] memData = Items(0, MemoryItems);
            float[] memLabels = Enumerable.Range(0, MemoryItems).Select(Sources[0].Label).ToArray();
            net.SetInputArrays(new NdArray(memData, [MemoryItems, 3, 4, 4]), new NdArray(memLabels, [MemoryItems]));

            var written = new List<float>();
            var writtenLabels = new List<float>();
            for (int forward = 0; forward < Forwards; forward++)
            {
                net.Forward();
                foreach (string source in Order)
                {
                    Blob data = net.Blobs[source + "_data"], label = net.Blobs[source + "_label"];
                    CollectionAssert.AreEqual(new[] { BatchSize, 3, 4, 4 }, data.Shape.ToArray(), $"{source}_data shape");
                    // MemoryData shapes its labels (N, 1, 1, 1) in forward, as Caffe does; the others (N).
                    int[] labelShape = source == "mem" ? [BatchSize, 1, 1, 1] : [BatchSize];
                    CollectionAssert.AreEqual(labelShape, label.Shape.ToArray(), $"{source}_label shape");
                    (float[] expectedData, float[] expectedLabels) = Expected(source, forward);
                    CollectionAssert.AreEqual(expectedData, data.Data.ToArray(), $"{source}_data, forward {forward}");
                    CollectionAssert.AreEqual(expectedLabels, label.Data.ToArray(), $"{source}_label, forward {forward}");
                    written.AddRange(expectedData);
                    writtenLabels.AddRange(expectedLabels);
                }
                int rows = BatchSize * Order.Length;
                CollectionAssert.AreEqual(new[] { rows, 3, 4, 4 }, net.Blobs["all_data"].Shape.ToArray());
                CollectionAssert.AreEqual(new[] { rows }, net.Blobs["all_label"].Shape.ToArray());
                CollectionAssert.AreEqual(written.Skip(forward * rows * ItemSize).ToArray(), net.Blobs["all_data"].Data.ToArray());
            }

            // HDF5Output holds every row of every forward: data as (rows, C, H, W), labels as legacy (rows, 1, 1, 1).
            int total = Forwards * BatchSize * Order.Length;
            using Hdf5Reader reader = Hdf5Reader.Open(Path.Combine(dir.Path, "out.h5"));
            NdArray savedData = reader.ReadArray(HDF5OutputLayer.DataDatasetName);
            NdArray savedLabels = reader.ReadArray(HDF5OutputLayer.LabelDatasetName);
            CollectionAssert.AreEqual(new[] { total, 3, 4, 4 }, savedData.Shape.ToArray());
            CollectionAssert.AreEqual(new[] { total, 1, 1, 1 }, savedLabels.Shape.ToArray());
            CollectionAssert.AreEqual(written.ToArray(), savedData.Data);
            CollectionAssert.AreEqual(writtenLabels.ToArray(), savedLabels.Data);
        }
        finally
        {
            // The prefetching layers keep their databases and files open until closed.
            foreach (BasePrefetchingDataLayer layer in net.Layers.OfType<BasePrefetchingDataLayer>()) layer.Close();
        }
    }

    [TestMethod]
    public void TheTwoNetsTogetherUseEveryRegisteredType()
    {
        string[] ours = [.. UsedTypes()];
        CollectionAssert.Contains(ours, "Python");
        var used = ours.Concat(AllLayersNetTests.UsedTypes()).ToHashSet();
        // Split is inserted by the net itself; ParamsTest is a test-only type other tests may have registered.
        string[] missing = LayerRegistry.TypeList
            .Where(t => t != "Split" && t != ParamsTestLayer.TypeName && !used.Contains(t))
            .ToArray();
        Assert.AreEqual(0, missing.Length, $"registered types used by neither net: {string.Join(", ", missing)}");
    }
}
