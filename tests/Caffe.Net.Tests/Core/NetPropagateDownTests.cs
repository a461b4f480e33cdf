namespace Caffe.Tests.Core;

/// <summary><c>propagate_down</c> as Caffe 1.0 reads it: an explicit value wins, in both directions.</summary>
[TestClass]
public sealed class NetPropagateDownTests
{
    private static Net NewNet(string propagateDown) => new(TextFormat.Parse<NetParameter>($$"""
        layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 2 dim: 3 } } }
        layer { name: 'ip1' type: 'InnerProduct' bottom: 'data' top: 'ip1' {{propagateDown}}
                inner_product_param { num_output: 4 weight_filler { type: 'gaussian' std: 1 } } }
        layer { name: 'ip2' type: 'InnerProduct' bottom: 'ip1' top: 'ip2'
                inner_product_param { num_output: 2 weight_filler { type: 'gaussian' std: 1 } } }
        layer { name: 'loss' type: 'Reduction' bottom: 'ip2' top: 'loss' loss_weight: 1 }
        """));

    [TestMethod]
    public void AnInputGetsNoDiffByDefault()
    {
        Net net = NewNet("");
        Assert.IsFalse(net.BottomNeedBackward[net.LayerIndex("ip1")][0]);
        Assert.IsTrue(net.BottomNeedBackward[net.LayerIndex("ip2")][0]);
    }

    [TestMethod]
    public void PropagateDownTrueForcesTheDiffOfAnInput()
    {
        Rng.SetRandomSeed(1701);
        Net net = NewNet("propagate_down: true");
        Assert.IsTrue(net.BottomNeedBackward[net.LayerIndex("ip1")][0]);
        Rng.FillGaussian(net.Blobs["data"].Data, 0, 1);
        net.ForwardLoss();
        net.Backward();
        // d(sum of ip2)/d data = column sums of W2 · W1 (no nonlinearity, zero biases).
        Span<float> w1 = net.Params["ip1"][0].Data, w2 = net.Params["ip2"][0].Data;
        for (int k = 0; k < 3; k++)
        {
            double expected = 0;
            for (int j = 0; j < 4; j++) expected += (w2[j] + w2[4 + j]) * w1[j * 3 + k];
            for (int n = 0; n < 2; n++) Assert.AreEqual(expected, net.Blobs["data"].Diff[n * 3 + k], 1e-5);
        }
    }

    [TestMethod]
    public void PropagateDownFalseSkipsABottomThatWouldNeedIt()
    {
        Net net = new(TextFormat.Parse<NetParameter>("""
            layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 2 dim: 3 } } }
            layer { name: 'ip1' type: 'InnerProduct' bottom: 'data' top: 'ip1' inner_product_param { num_output: 4 } }
            layer { name: 'ip2' type: 'InnerProduct' bottom: 'ip1' top: 'ip2' propagate_down: false inner_product_param { num_output: 2 } }
            layer { name: 'loss' type: 'Reduction' bottom: 'ip2' top: 'loss' loss_weight: 1 }
            """));
        Assert.IsFalse(net.BottomNeedBackward[net.LayerIndex("ip2")][0]);
        Assert.IsTrue(net.LayerNeedBackward[net.LayerIndex("ip2")], "its own weights still learn");
    }
}
