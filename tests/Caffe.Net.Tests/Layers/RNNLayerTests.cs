namespace Caffe.Tests.Layers;

/// <summary>Caffe's test_rnn_layer.cpp (the shared cases in <see cref="RecurrentLayerTests{TLayer}"/>), plus the unrolled structure and hand-computed values.</summary>
[TestClass]
public sealed class RNNLayerTests : RecurrentLayerTests<RNNLayer>
{
    protected override string Type => "RNN";

    protected override int NumHiddenStates => 1;

    [TestMethod]
    public void ParametersAreTheUnrolledNetsOwnBlobsInBvlcOrder()
    {
        var layer = (RNNLayer)NewLayer();
        layer.SetUp(Bottoms, [Top]);
        AssertParams(layer, ("W_xh", [NumOutput, 6]), ("b_h", [NumOutput]), ("W_hh", [NumOutput, NumOutput]),
                     ("W_ho", [NumOutput, NumOutput]), ("b_o", [NumOutput]));

        var withStatic = (RNNLayer)NewLayer();
        withStatic.SetUp(BottomsWithStatic, [Top]);
        AssertParams(withStatic, ("W_xh", [NumOutput, 6]), ("b_h", [NumOutput]),
                     ("W_xh_static", [NumOutput, 24]), ("W_hh", [NumOutput, NumOutput]),
                     ("W_ho", [NumOutput, NumOutput]), ("b_o", [NumOutput]));
    }

    [TestMethod]
    public void UnrolledNetMirrorsBvlc()
    {
        ReshapeBlobs(2, 3);
        var layer = (RNNLayer)NewLayer();
        layer.SetUp(BottomsWithStatic, [Top]);
        Net net = layer.UnrolledNet;
        string[] expectedLayers =
        [
            "rec_", "rec_", "rec_cont_slice", "rec_x_transform", "rec_W_xh_x_static", "rec_W_xh_x_static_reshape",
            "rec_W_xh_x_slice",
            "rec_h_conted_0", "rec_W_hh_h_0", "rec_h_input_sum_1", "rec_h_neuron_1", "rec_W_ho_h_1", "rec_o_neuron_1",
            "rec_h_conted_1", "rec_W_hh_h_1", "rec_h_input_sum_2", "rec_h_neuron_2", "rec_W_ho_h_2", "rec_o_neuron_2",
            "rec_o_concat", "o_pseudoloss",
        ];
        CollectionAssert.AreEqual(expectedLayers, net.LayerNames.Where(n => !n.EndsWith("_split", StringComparison.Ordinal)).ToArray());
        CollectionAssert.AreEqual(new[] { "x", "cont", "x_static", "h_0" }, net.Inputs.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 3, NumOutput }, net.Blobs["W_xh_x_static"].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { "h_neuron_input_2" }, net.BottomNames["rec_h_neuron_2"].ToArray());
        CollectionAssert.AreEqual(new[] { "h_2" }, net.TopNames["rec_h_neuron_2"].ToArray());
    }

    [TestMethod]
    public void ForwardMatchesHandComputedValues()
    {
        // T = 3, one stream, one input feature, one unit; the sequence restarts at t = 2.
        var x = LayerTesting.FromValues([3, 1, 1], 0.5f, -1.5f, 2f);
        var cont = LayerTesting.FromValues([3, 1], 0, 1, 0);
        var top = new Blob();
        var layer = new RNNLayer(LayerTesting.Param(
            "name: 'r' type: 'RNN' recurrent_param { num_output: 1 " +
            "weight_filler { type: 'constant' value: 0.5 } bias_filler { type: 'constant' value: 0.1 } }"));
        layer.SetUp([x, cont], [top]);
        layer.Blobs[2].Data[0] = -0.8f; // W_hh
        layer.Blobs[3].Data[0] = 1.5f;  // W_ho
        layer.Forward([x, cont], [top]);

        double h = 0;
        for (int t = 0; t < 3; t++)
        {
            h = Math.Tanh(-0.8 * cont.Data[t] * h + 0.5 * x.Data[t] + 0.1);
            double o = Math.Tanh(1.5 * h + 0.1);
            Assert.AreEqual(o, top.Data[t], 1e-6, $"o at t = {t}");
        }
    }
}
