namespace Caffe.Tests.Layers;

/// <summary>The layers of this set built by a <see cref="Net"/> from a prototxt, run forward and backward together.</summary>
[TestClass]
public sealed class ExtraLayersInNetTests
{
    private const string Prototxt = """
        name: 'extra'
        force_backward: true
        layer { name: 'data' type: 'DummyData' top: 'data' top: 'select'
                dummy_data_param { shape { dim: 4 dim: 3 } shape { dim: 4 }
                                   data_filler { type: 'gaussian' std: 1 } data_filler { type: 'constant' value: 1 } } }
        layer { name: 'w' type: 'Parameter' top: 'w' parameter_param { shape { dim: 4 dim: 3 } } }
        layer { name: 'square' type: 'Power' bottom: 'data' top: 'square' power_param { power: 2 } }
        layer { name: 'loss' type: 'EuclideanLoss' bottom: 'square' bottom: 'w' top: 'loss' }
        layer { name: 'keep' type: 'Filter' bottom: 'data' bottom: 'select' top: 'kept' }
        layer { name: 'total' type: 'Reduction' bottom: 'kept' top: 'total' reduction_param { operation: SUMSQ } }
        """;

    [TestMethod]
    public void ForwardAndBackwardThroughTheNet()
    {
        Rng.SetRandomSeed(1701);
        var net = new Net(TextFormat.Parse<NetParameter>(Prototxt));
        CollectionAssert.AreEquivalent(new[] { "loss", "total" }, net.Outputs.ToArray());

        float loss = net.ForwardLoss();
        Blob data = net.Blobs["data"], w = net.Blobs["w"];
        double expected = 0, sumSquares = 0;
        for (int i = 0; i < data.Count; i++)
        {
            double square = (double)data.Data[i] * data.Data[i];
            expected += square * square;
            sumSquares += square;
        }
        expected /= 2 * 4;
        Assert.AreEqual(expected, loss, expected * 1e-5);
        // Every selector value is 1, so the filter keeps all items.
        Assert.AreEqual(sumSquares, net.Blobs["total"].Data[0], sumSquares * 1e-5);

        net.Backward();
        Blob parameter = net.LayerDict["w"].Blobs[0];
        Assert.IsTrue(w.SharesDiffWith(parameter));
        // d loss / d w = −(square − w) / N, and w is 0.
        for (int i = 0; i < data.Count; i++)
            Assert.AreEqual(-data.Data[i] * data.Data[i] / 4, parameter.Diff[i], 1e-6);
        // force_backward reaches the data through Power, but not the Filter's selector.
        for (int i = 0; i < data.Count; i++)
        {
            double fromLoss = 2 * data.Data[i] * (data.Data[i] * data.Data[i]) / 4;
            Assert.AreEqual(fromLoss, data.Diff[i], 1e-5);
        }
    }
}
