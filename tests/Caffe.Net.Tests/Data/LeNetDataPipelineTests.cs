using Caffe.Cli;

namespace Caffe.Tests.Data;

/// <summary>
/// The MNIST pipeline end to end: IDX files → <c>caffe convert_mnist_data</c> → LMDB → BVLC's own
/// lenet_train_test.prototxt (V2, and the V1 file whose data_param scale is upgraded into transform_param).
/// </summary>
[TestClass]
public sealed class LeNetDataPipelineTests
{
    private const int Items = 70;

    private TempDir _dir = null!;
    private byte[] _pixels = [];
    private byte[] _labels = [];

    [TestInitialize]
    public void SetUp()
    {
        Rng.SetRandomSeed(1701);
        _dir = new TempDir();
        var random = new Random(7);
        _pixels = new byte[Items * 28 * 28];
        random.NextBytes(_pixels);
        _labels = Enumerable.Range(0, Items).Select(i => (byte)(i % 10)).ToArray();
        File.WriteAllBytes(_dir.File("images"), DataTestSupport.Idx(2051, [Items, 28, 28], _pixels));
        File.WriteAllBytes(_dir.File("labels"), DataTestSupport.Idx(2049, [Items], _labels));
        var stderr = new StringWriter();
        Assert.AreEqual(0, Program.Run(["convert_mnist_data", _dir.File("images"), _dir.File("labels"), _dir.File("mnist_lmdb")], new StringWriter(), stderr), stderr.ToString());
    }

    [TestCleanup]
    public void TearDown() => _dir.Dispose();

    private Net LoadNet(string model, Phase phase)
    {
        NetParameter param = ProtoIO.ReadNetParamsFromTextFile(TestData.Model(model));
        foreach (LayerParameter layer in param.Layer.Where(l => l.Type == "Data")) layer.DataParam.Source = _dir.File("mnist_lmdb");
        param.State = new NetState { Phase = phase };
        return new Net(param);
    }

    private static void CloseDataLayers(Net net)
    {
        foreach (Layer layer in net.Layers) (layer as DataLayer)?.Close();
    }

    [TestMethod]
    [DataRow("bvlc/mnist/lenet_train_test.prototxt")]
    [DataRow("lenet_v1/lenet_train_test.prototxt")]
    public void TrainNetReadsScaledDigitsAndLabelsInOrder(string model)
    {
        Net net = LoadNet(model, Phase.Train);
        try
        {
            Assert.AreEqual(0.00390625f, net.LayerDict["mnist"].Param.TransformParam.Scale);
            for (int iter = 0; iter < 3; iter++)
            {
                float loss = net.ForwardLoss();
                Assert.IsTrue(float.IsFinite(loss) && loss > 0, $"loss {loss}");
                Blob data = net.Blobs["data"], label = net.Blobs["label"];
                CollectionAssert.AreEqual(new[] { 64, 1, 28, 28 }, data.Shape.ToArray());
                for (int i = 0; i < 64; i++)
                {
                    int item = (iter * 64 + i) % Items;
                    Assert.AreEqual(_labels[item], label.Data[i], $"iter {iter} item {i}");
                    Assert.AreEqual(_pixels[item * 784 + 400] / 256f, data.Data[i * 784 + 400]);
                }
            }
        }
        finally
        {
            CloseDataLayers(net);
        }
    }

    [TestMethod]
    public void TestNetComputesAccuracyOverTheDatabase()
    {
        Net net = LoadNet("bvlc/mnist/lenet_train_test.prototxt", Phase.Test);
        try
        {
            net.CopyFrom(TestData.Model("lenet_v1/lenet_iter_10000.caffemodel"));
            net.ForwardLoss();
            float accuracy = net.Blobs["accuracy"].Data[0];
            Assert.IsTrue(accuracy is >= 0 and <= 1, $"accuracy {accuracy}");
            CollectionAssert.AreEqual(new[] { 100 }, net.Blobs["label"].Shape.ToArray());
            // 100 items from a database of 70: the batch wraps around to the first record.
            Assert.AreEqual(_labels[29], net.Blobs["label"].Data[99]);
        }
        finally
        {
            CloseDataLayers(net);
        }
    }
}
