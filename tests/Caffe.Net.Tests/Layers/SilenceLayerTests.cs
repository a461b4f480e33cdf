namespace Caffe.Tests.Layers;

[TestClass]
public sealed class SilenceLayerTests
{
    private static SilenceLayer Create() => new(LayerTesting.Param("name: 'quiet' type: 'Silence'"));

    [TestMethod]
    public void ForwardLeavesTheBottomsAloneAndBackwardZeroesTheRequestedDiffs()
    {
        Rng.SetRandomSeed(1701);
        Blob a = LayerTesting.Gaussian([2, 3]);
        Blob b = LayerTesting.Gaussian([4]);
        float[] aData = a.Data.ToArray();
        a.Diff.Fill(5);
        b.Diff.Fill(6);
        SilenceLayer layer = Create();
        layer.SetUp([a, b], []);
        Assert.AreEqual(0f, layer.Forward([a, b], []));
        CollectionAssert.AreEqual(aData, a.Data.ToArray());
        layer.Backward([], [true, false], [a, b]);
        Assert.IsTrue(a.Diff.ToArray().All(v => v == 0), "propagate_down bottom is zeroed");
        Assert.IsTrue(b.Diff.ToArray().All(v => v == 6), "the other bottom is left alone");
    }

    [TestMethod]
    public void SilencedBlobsAreNotNetOutputs()
    {
        var net = new Net(TextFormat.Parse<NetParameter>("""
            layer { name: 'in' type: 'Input' top: 'a' top: 'b' input_param { shape { dim: 2 } } }
            layer { name: 'quiet' type: 'Silence' bottom: 'a' }
            """));
        CollectionAssert.AreEqual(new[] { "b" }, net.Outputs.ToArray());
        Assert.AreEqual(0, net.TopNames["quiet"].Count);
    }

    [TestMethod]
    public void TopsAreAnError()
    {
        LayerTesting.Throws(() => Create().SetUp([new Blob(2)], [new Blob()]), "'quiet'", "produces 0 top blob(s)");
    }

    [TestMethod]
    public void NoBottomIsAnError()
    {
        LayerTesting.Throws(() => Create().SetUp([], []), "at least 1 bottom");
    }
}
