namespace Caffe.Tests.Data;

/// <summary>Caffe's test_memory_data_layer.cpp, plus pycaffe's set_input_arrays and bad inputs.</summary>
[TestClass]
public sealed class MemoryDataLayerTests
{
    private const int BatchSize = 8, Batches = 12, Channels = 4, Height = 7, Width = 11;

    [TestInitialize]
    public void Seed() => Rng.SetRandomSeed(1701);

    private static LayerParameter Param(string extra = "") => LayerTesting.Param(
        $"name: 'mem' type: 'MemoryData' memory_data_param {{ batch_size: {BatchSize} channels: {Channels} height: {Height} width: {Width} }} {extra}");

    private static (MemoryDataLayer Layer, Blob Data, Blob Label) SetUp(LayerParameter param)
    {
        var layer = new MemoryDataLayer(param);
        var data = new Blob();
        var label = new Blob();
        layer.SetUp([], [data, label]);
        return (layer, data, label);
    }

    [TestMethod]
    public void Setup()
    {
        (_, Blob data, Blob label) = SetUp(Param());
        CollectionAssert.AreEqual(new[] { BatchSize, Channels, Height, Width }, data.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { BatchSize }, label.Shape.ToArray());
    }

    [TestMethod]
    public void Forward()
    {
        (MemoryDataLayer layer, Blob data, Blob label) = SetUp(Param());
        Blob source = LayerTesting.Gaussian([Batches * BatchSize, Channels, Height, Width]);
        Blob labels = LayerTesting.Gaussian([Batches * BatchSize]);
        float[] sourceData = source.Data.ToArray(), labelData = labels.Data.ToArray();
        layer.Reset(sourceData, labelData, Batches * BatchSize);
        int itemSize = Channels * Height * Width;
        for (int i = 0; i < Batches * 6; i++)
        {
            int batch = i % Batches;
            layer.Forward([], [data, label]);
            CollectionAssert.AreEqual(new[] { BatchSize, 1, 1, 1 }, label.Shape.ToArray());
            for (int j = 0; j < data.Count; j++) Assert.AreEqual(sourceData[itemSize * BatchSize * batch + j], data.Data[j]);
            for (int j = 0; j < label.Count; j++) Assert.AreEqual(labelData[BatchSize * batch + j], label.Data[j]);
        }
    }

    private static List<Datum> Datums(int count)
    {
        int size = Channels * Height * Width;
        int pixel = 0;
        var datums = new List<Datum>();
        for (int i = 0; i < count; i++)
        {
            int start = pixel;
            datums.Add(DataTestSupport.RawDatum(i, Channels, Height, Width, j => (start + j) % 256));
            pixel += size;
        }
        return datums;
    }

    [TestMethod]
    public void AddDatumVectorDefaultTransform()
    {
        (MemoryDataLayer layer, Blob data, Blob label) = SetUp(Param());
        List<Datum> datums = Datums(BatchSize);
        layer.AddDatumVector(datums);
        for (int iter = 0; iter < 5; iter++)
        {
            layer.Forward([], [data, label]);
            int index = 0;
            for (int i = 0; i < BatchSize; i++)
            {
                Assert.AreEqual(i, label.Data[i]);
                ReadOnlySpan<byte> bytes = datums[i].Data.Span;
                for (int j = 0; j < bytes.Length; j++) Assert.AreEqual(bytes[j], data.Data[index++]);
            }
        }
    }

    [TestMethod]
    public void AddImageVectorDefaultTransform()
    {
        (MemoryDataLayer layer, Blob data, Blob label) = SetUp(Param());
        var images = new List<NdArray>();
        var labels = new List<int>();
        for (int i = 0; i < BatchSize; i++)
        {
            var image = new NdArray(Height, Width, Channels);
            for (int j = 0; j < image.Count; j++) image.Data[j] = (i * 7 + j) % 256;
            images.Add(image);
            labels.Add(i);
        }
        layer.AddImageVector(images, labels);
        for (int iter = 0; iter < 5; iter++)
        {
            layer.Forward([], [data, label]);
            int index = 0;
            for (int i = 0; i < BatchSize; i++)
            {
                Assert.AreEqual(i, label.Data[i]);
                for (int c = 0; c < Channels; c++)
                    for (int h = 0; h < Height; h++)
                        for (int w = 0; w < Width; w++)
                            Assert.AreEqual(images[i][h, w, c], data.Data[index++]);
            }
        }
    }

    [TestMethod]
    public void SetBatchSize()
    {
        (MemoryDataLayer layer, Blob data, Blob label) = SetUp(Param());
        List<Datum> datums = Datums(BatchSize * 2);
        layer.AddDatumVector(datums);
        LayerTesting.Throws(() => layer.SetBatchSize(16), "consumed");
        layer.Forward([], [data, label]);
        layer.Forward([], [data, label]);
        layer.SetBatchSize(16);
        layer.AddDatumVector(Datums(16));
        layer.Forward([], [data, label]);
        CollectionAssert.AreEqual(new[] { 16, Channels, Height, Width }, data.Shape.ToArray());
        CollectionAssert.AreEqual(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), label.Data.ToArray());
    }

    [TestMethod]
    public void AddDatumVectorAppliesTheTransform()
    {
        (MemoryDataLayer layer, Blob data, Blob label) = SetUp(Param("transform_param { scale: 0.5 mean_value: 2 }"));
        List<Datum> datums = Datums(BatchSize);
        layer.AddDatumVector(datums);
        layer.Forward([], [data, label]);
        Assert.AreEqual((datums[3].Data.Span[5] - 2) * 0.5f, data.Data[3 * Channels * Height * Width + 5]);
    }

    [TestMethod]
    public void ResetAndAddErrors()
    {
        (MemoryDataLayer layer, Blob data, Blob label) = SetUp(Param());
        LayerTesting.Throws(() => layer.Forward([], [data, label]), "Reset");
        int size = Channels * Height * Width;
        LayerTesting.Throws(() => layer.Reset(new float[12 * size], new float[12], 12), "multiple of batch size 8");
        LayerTesting.Throws(() => layer.Reset(new float[8 * size - 1], new float[8], 8), "data array has");
        LayerTesting.Throws(() => layer.AddDatumVector(Datums(5)), "multiple of the batch size");
        LayerTesting.Throws(() => SetUp(LayerTesting.Param("name: 'mem' type: 'MemoryData' memory_data_param { batch_size: 2 channels: 1 height: 0 width: 3 }")),
            "positive");
    }

    private static Net MemoryNet()
    {
        var param = TextFormat.Parse<NetParameter>(
            $"layer {{ name: 'data' type: 'MemoryData' top: 'data' top: 'label' memory_data_param {{ batch_size: 2 channels: 3 height: 1 width: 2 }} }} " +
            "layer { name: 'flat' type: 'Flatten' bottom: 'data' top: 'flat' }");
        return new Net(param);
    }

    [TestMethod]
    public void NetSetInputArraysServesBatchesInOrder()
    {
        Net net = MemoryNet();
        var data = new NdArray(4, 3, 1, 2);
        for (int i = 0; i < data.Count; i++) data.Data[i] = i;
        var labels = new NdArray(4);
        for (int i = 0; i < 4; i++) labels.Data[i] = 10 + i;
        net.SetInputArrays(data, labels);
        for (int pass = 0; pass < 3; pass++)
        {
            IReadOnlyDictionary<string, Blob> outputs = net.Forward();
            int batch = pass % 2;
            CollectionAssert.AreEqual(data.Data[(batch * 12)..(batch * 12 + 12)], outputs["flat"].Data.ToArray());
            CollectionAssert.AreEqual(new[] { 10f + 2 * batch, 11f + 2 * batch }, outputs["label"].Data.ToArray());
        }
        // pycaffe's labels[:, np.newaxis, np.newaxis, np.newaxis] form is accepted too.
        net.SetInputArrays(data, labels.Reshape(4, 1, 1, 1));
    }

    [TestMethod]
    public void NetSetInputArraysChecksShapes()
    {
        Net net = MemoryNet();
        var e = Assert.ThrowsExactly<ArgumentException>(() => net.SetInputArrays(new NdArray(4, 3, 2, 1), new NdArray(4)));
        StringAssert.Contains(e.Message, "3×1×2");
        e = Assert.ThrowsExactly<ArgumentException>(() => net.SetInputArrays(new NdArray(4, 3, 1, 2), new NdArray(3)));
        StringAssert.Contains(e.Message, "same first dimension");
        e = Assert.ThrowsExactly<ArgumentException>(() => net.SetInputArrays(new NdArray(3, 3, 1, 2), new NdArray(3)));
        StringAssert.Contains(e.Message, "multiple of batch size");
        e = Assert.ThrowsExactly<ArgumentException>(() => net.SetInputArrays(new NdArray(6, 2), new NdArray(6)));
        StringAssert.Contains(e.Message, "4-d");
        var inputNet = new Net(TextFormat.Parse<NetParameter>("layer { name: 'in' type: 'Input' top: 'x' input_param { shape { dim: 1 } } }"));
        var wrongNet = Assert.ThrowsExactly<InvalidOperationException>(() => inputNet.SetInputArrays(new NdArray(2, 3, 1, 2), new NdArray(2)));
        StringAssert.Contains(wrongNet.Message, "MemoryDataLayer");
    }
}
