namespace Caffe;

/// <summary>
/// A simple (Elman) recurrent net (Caffe's <c>RNNLayer</c>, type "RNN"), unrolled over T timesteps:
/// h_t = tanh(W_hh·(cont_t·h_{t-1}) + W_xh·x_t + b_h (+ W_xh_static·x_static)) and o_t = tanh(W_ho·h_t + b_o).
/// Top: o (T × N × num_output). Parameters, in order: W_xh, b_h, with a static input W_xh_static, then
/// W_hh, W_ho, b_o.
/// </summary>
public sealed class RNNLayer(LayerParameter param) : RecurrentLayer(param)
{
    /// <inheritdoc/>
    public override string Type => "RNN";

    /// <inheritdoc/>
    protected override IReadOnlyList<string> RecurrentInputBlobNames() => ["h_0"];

    /// <inheritdoc/>
    protected override IReadOnlyList<string> RecurrentOutputBlobNames() => ["h_" + Step(NumTimesteps)];

    /// <inheritdoc/>
    protected override IReadOnlyList<BlobShape> RecurrentInputShapes() =>
        [SingleTimestepShape((int)RecurrentParam.NumOutput)];

    /// <inheritdoc/>
    protected override IReadOnlyList<string> OutputBlobNames() => ["o"];

    /// <inheritdoc/>
    protected override void FillUnrolledNet(NetParameter netParam)
    {
        int numOutput = UnrolledNets.NumOutput(RecurrentParam, Error);
        LayerParameter hidden = UnrolledNets.InnerProduct(numOutput, RecurrentParam.WeightFiller, null);
        LayerParameter biasedHidden = UnrolledNets.InnerProduct(numOutput, RecurrentParam.WeightFiller,
                                                                RecurrentParam.BiasFiller ?? new FillerParameter());

        var input = new LayerParameter { Type = "Input", InputParam = new InputParameter() };
        input.Top.Add("h_0");
        input.InputParam.Shape.Add(RecurrentInputShapes()[0]);
        netParam.Layer.Add(input);

        LayerParameter contSlice = UnrolledNets.Slice("cont_slice", "cont");
        netParam.Layer.Add(contSlice);

        // W_xh_x = W_xh * x + b_h for all timesteps (and W_xh_x_static), sliced along time.
        LayerParameter xSlice = UnrolledNets.AddInputTransform(netParam, biasedHidden, hidden, "W_xh", "b_h", StaticInput, numOutput);

        var outputConcat = new LayerParameter { Name = "o_concat", Type = "Concat", ConcatParam = new ConcatParameter { Axis = 0 } };
        outputConcat.Top.Add("o");

        for (int t = 1; t <= NumTimesteps; t++)
        {
            string tm1s = Step(t - 1);
            string ts = Step(t);
            contSlice.Top.Add("cont_" + ts);
            xSlice.Top.Add("W_xh_x_" + ts);

            // h_conted_{t-1} = cont_t * h_{t-1}: a new sequence forgets the previous hidden state.
            netParam.Layer.Add(UnrolledNets.ContScale("h_conted_" + tm1s, "h_" + tm1s, "cont_" + ts));

            // W_hh_h_{t-1} = W_hh * h_conted_{t-1}
            netParam.Layer.Add(UnrolledNets.RecurrentTransform(hidden, "W_hh_h_" + tm1s, "W_hh", "h_conted_" + tm1s, "W_hh_h_" + tm1s));

            // h_t = tanh(W_hh_h_{t-1} + W_xh_x_t (+ W_xh_x_static))
            LayerParameter inputSum = UnrolledNets.Sum("h_input_sum_" + ts, "W_hh_h_" + tm1s, "W_xh_x_" + ts);
            if (StaticInput) inputSum.Bottom.Add("W_xh_x_static");
            inputSum.Top.Add("h_neuron_input_" + ts);
            netParam.Layer.Add(inputSum);
            netParam.Layer.Add(TanH("h_neuron_" + ts, "h_neuron_input_" + ts, "h_" + ts));

            // o_t = tanh(W_ho * h_t + b_o)
            LayerParameter output = biasedHidden.Clone();
            output.Name = "W_ho_h_" + ts;
            output.Param.Add(new ParamSpec { Name = "W_ho" });
            output.Param.Add(new ParamSpec { Name = "b_o" });
            output.Bottom.Add("h_" + ts);
            output.Top.Add("W_ho_h_" + ts);
            netParam.Layer.Add(output);
            netParam.Layer.Add(TanH("o_neuron_" + ts, "W_ho_h_" + ts, "o_" + ts));

            outputConcat.Bottom.Add("o_" + ts);
        }
        netParam.Layer.Add(outputConcat);
    }

    private static LayerParameter TanH(string name, string bottom, string top)
    {
        var tanh = new LayerParameter { Name = name, Type = "TanH" };
        tanh.Bottom.Add(bottom);
        tanh.Top.Add(top);
        return tanh;
    }
}
