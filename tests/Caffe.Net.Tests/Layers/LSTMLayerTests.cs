namespace Caffe.Tests.Layers;

/// <summary>Caffe's test_lstm_layer.cpp (LSTM cases; the shared ones in <see cref="RecurrentLayerTests{TLayer}"/>), plus the unrolled structure, hand-computed values and Reset.</summary>
[TestClass]
public sealed class LSTMLayerTests : RecurrentLayerTests<LSTMLayer>
{
    protected override string Type => "LSTM";

    protected override int NumHiddenStates => 2;

    [TestMethod]
    public void ParametersAreTheUnrolledNetsOwnBlobsInBvlcOrder()
    {
        var layer = (LSTMLayer)NewLayer();
        layer.SetUp(Bottoms, [Top]);
        AssertParams(layer, ("W_xc", [4 * NumOutput, 6]), ("b_c", [4 * NumOutput]), ("W_hc", [4 * NumOutput, NumOutput]));

        var withStatic = (LSTMLayer)NewLayer();
        withStatic.SetUp(BottomsWithStatic, [Top]);
        AssertParams(withStatic, ("W_xc", [4 * NumOutput, 6]), ("b_c", [4 * NumOutput]),
                     ("W_xc_static", [4 * NumOutput, 24]), ("W_hc", [4 * NumOutput, NumOutput]));
    }

    [TestMethod]
    public void UnrolledNetMirrorsBvlc()
    {
        ReshapeBlobs(2, 3);
        var layer = (LSTMLayer)NewLayer();
        layer.SetUp(Bottoms, [Top]);
        Net net = layer.UnrolledNet;
        string[] expectedLayers =
        [
            "rec_", "rec_", "rec_cont_slice", "rec_x_transform", "rec_W_xc_x_slice",
            "rec_h_conted_0", "rec_transform_1", "rec_gate_input_1", "rec_unit_1",
            "rec_h_conted_1", "rec_transform_2", "rec_gate_input_2", "rec_unit_2",
            "rec_", "rec_h_concat", "h_pseudoloss",
        ];
        CollectionAssert.AreEqual(expectedLayers, net.LayerNames.Where(n => !n.EndsWith("_split", StringComparison.Ordinal)).ToArray());
        CollectionAssert.AreEqual(new[] { "x", "cont", "c_0", "h_0" }, net.Inputs.ToArray());
        foreach (string blob in new[] { "W_xc_x", "W_xc_x_1", "W_xc_x_2", "cont_1", "cont_2", "h_conted_0", "W_hc_h_0",
                                        "gate_input_1", "c_1", "h_1", "h_conted_1", "W_hc_h_1", "gate_input_2", "c_2",
                                        "h_2", "c_T", "h" })
        {
            Assert.IsTrue(net.Blobs.ContainsKey(blob), $"missing blob {blob}");
        }
        CollectionAssert.AreEqual(new[] { "x" }, net.BottomNames["rec_x_transform"].ToArray());
        Assert.IsTrue(net.BottomNeedBackward[net.LayerIndex("rec_x_transform")][0], "propagate_down: true reaches x");
        Assert.IsFalse(net.LayerNeedBackward[net.LayerIndex("rec_cont_slice")], "no gradient for cont");
    }

    [TestMethod]
    public void ForwardMatchesHandComputedCell()
    {
        // T = 2, one stream, one input feature, one cell; distinct weights per gate expose the i, f, o, g order.
        var x = LayerTesting.FromValues([2, 1, 1], 0.5f, -1.5f);
        var cont = LayerTesting.FromValues([2, 1], 0, 1);
        var top = new Blob();
        var layer = new LSTMLayer(LayerTesting.Param("name: 'l' type: 'LSTM' recurrent_param { num_output: 1 }"));
        layer.SetUp([x, cont], [top]);
        float[] wx = [0.3f, -0.2f, 0.8f, 0.5f], b = [0.1f, 0.4f, -0.3f, 0.2f], wh = [-0.6f, 0.7f, 0.25f, 0.9f];
        wx.CopyTo(layer.Blobs[0].Data);
        b.CopyTo(layer.Blobs[1].Data);
        wh.CopyTo(layer.Blobs[2].Data);
        layer.Forward([x, cont], [top]);

        double h = 0, c = 0;
        for (int t = 0; t < 2; t++)
        {
            double Gate(int k) => wx[k] * x.Data[t] + b[k] + wh[k] * cont.Data[t] * h;
            double i = Sigmoid(Gate(0)), f = cont.Data[t] * Sigmoid(Gate(1)), o = Sigmoid(Gate(2)), g = Math.Tanh(Gate(3));
            c = f * c + i * g;
            h = o * Math.Tanh(c);
            Assert.AreEqual(h, top.Data[t], 1e-6, $"h at t = {t}");
        }
    }

    [TestMethod]
    public void ResetForgetsTheHiddenState()
    {
        ReshapeBlobs(1, 3);
        Cont.Data.Fill(1);
        var layer = (LSTMLayer)NewLayer();
        layer.SetUp(Bottoms, [Top]);
        layer.Forward(Bottoms, [Top]);
        float[] first = Top.Data.ToArray();
        layer.Forward(Bottoms, [Top]);
        CollectionAssert.AreNotEqual(first, Top.Data.ToArray(), "the state of the first forward carries over");
        layer.Reset();
        layer.Forward(Bottoms, [Top]);
        CollectionAssert.AreEqual(first, Top.Data.ToArray());
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
