namespace Caffe;

/// <summary>
/// Long short-term memory (Caffe's <c>LSTMLayer</c>, type "LSTM"), unrolled over T timesteps. With gates
/// [i, f, o, g] = W_xc·x_t + b_c + W_hc·(cont_t·h_{t-1}) (+ W_xc_static·x_static), each step computes
/// c_t = cont_t·σ(f)⊙c_{t-1} + σ(i)⊙tanh(g) and h_t = σ(o)⊙tanh(c_t) (<see cref="LSTMUnitLayer"/>).
/// Top: h (T × N × num_output). Parameters, in order: W_xc (4·num_output × input size), b_c (4·num_output),
/// with a static input W_xc_static (4·num_output × static size), then W_hc (4·num_output × num_output).
/// </summary>
public sealed class LSTMLayer(LayerParameter param) : RecurrentLayer(param)
{
    /// <inheritdoc/>
    public override string Type => "LSTM";

    /// <inheritdoc/>
    protected override IReadOnlyList<string> RecurrentInputBlobNames() => ["h_0", "c_0"];

    /// <inheritdoc/>
    protected override IReadOnlyList<string> RecurrentOutputBlobNames() => ["h_" + Step(NumTimesteps), "c_T"];

    /// <inheritdoc/>
    protected override IReadOnlyList<BlobShape> RecurrentInputShapes()
    {
        int numOutput = (int)RecurrentParam.NumOutput;
        return [SingleTimestepShape(numOutput), SingleTimestepShape(numOutput)];
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> OutputBlobNames() => ["h"];

    /// <inheritdoc/>
    protected override void FillUnrolledNet(NetParameter netParam)
    {
        int numOutput = UnrolledNets.NumOutput(RecurrentParam, Error);
        LayerParameter hidden = UnrolledNets.InnerProduct(4 * numOutput, RecurrentParam.WeightFiller, null);
        LayerParameter biasedHidden = UnrolledNets.InnerProduct(4 * numOutput, RecurrentParam.WeightFiller,
                                                                RecurrentParam.BiasFiller ?? new FillerParameter());

        IReadOnlyList<BlobShape> inputShapes = RecurrentInputShapes();
        var input = new LayerParameter { Type = "Input", InputParam = new InputParameter() };
        input.Top.Add("c_0");
        input.InputParam.Shape.Add(inputShapes[0]);
        input.Top.Add("h_0");
        input.InputParam.Shape.Add(inputShapes[1]);
        netParam.Layer.Add(input);

        LayerParameter contSlice = UnrolledNets.Slice("cont_slice", "cont");
        netParam.Layer.Add(contSlice);

        // W_xc_x = W_xc * x + b_c for all timesteps (and W_xc_x_static), sliced along time.
        LayerParameter xSlice = UnrolledNets.AddInputTransform(netParam, biasedHidden, hidden, "W_xc", "b_c", StaticInput,
                                                               4 * numOutput);

        var outputConcat = new LayerParameter { Name = "h_concat", Type = "Concat", ConcatParam = new ConcatParameter { Axis = 0 } };
        outputConcat.Top.Add("h");

        for (int t = 1; t <= NumTimesteps; t++)
        {
            string tm1s = Step(t - 1);
            string ts = Step(t);
            contSlice.Top.Add("cont_" + ts);
            xSlice.Top.Add("W_xc_x_" + ts);

            // h_conted_{t-1} = cont_t * h_{t-1}: a new sequence forgets the previous hidden state.
            netParam.Layer.Add(UnrolledNets.ContScale("h_conted_" + tm1s, "h_" + tm1s, "cont_" + ts));

            // W_hc_h_{t-1} = W_hc * h_conted_{t-1}
            netParam.Layer.Add(UnrolledNets.RecurrentTransform(hidden, "transform_" + ts, "W_hc", "h_conted_" + tm1s, "W_hc_h_" + tm1s));

            // gate_input_t = W_hc_h_{t-1} + W_xc_x_t (+ W_xc_x_static)
            var gateInput = UnrolledNets.Sum("gate_input_" + ts, "W_hc_h_" + tm1s, "W_xc_x_" + ts);
            if (StaticInput) gateInput.Bottom.Add("W_xc_x_static");
            gateInput.Top.Add("gate_input_" + ts);
            netParam.Layer.Add(gateInput);

            var unit = new LayerParameter { Name = "unit_" + ts, Type = "LSTMUnit" };
            unit.Bottom.Add("c_" + tm1s);
            unit.Bottom.Add("gate_input_" + ts);
            unit.Bottom.Add("cont_" + ts);
            unit.Top.Add("c_" + ts);
            unit.Top.Add("h_" + ts);
            netParam.Layer.Add(unit);

            outputConcat.Bottom.Add("h_" + ts);
        }

        var cellCopy = new LayerParameter { Type = "Split" };
        cellCopy.Bottom.Add("c_" + Step(NumTimesteps));
        cellCopy.Top.Add("c_T");
        netParam.Layer.Add(cellCopy);
        netParam.Layer.Add(outputConcat);
    }
}
