namespace Caffe;

/// <summary>The layer parameters the recurrent layers unroll into, built as BVLC's RNN and LSTM layers build them.</summary>
internal static class UnrolledNets
{
    /// <summary><c>recurrent_param.num_output</c>, which must be set and positive.</summary>
    public static int NumOutput(RecurrentParameter param, Func<string, LayerException> error)
    {
        if (param.NumOutput == 0 || param.NumOutput > int.MaxValue)
            throw error($"recurrent_param.num_output must be positive (got {param.NumOutput}; unset means 0).");
        return (int)param.NumOutput;
    }

    /// <summary>An InnerProduct over axis 2 (T × N × ...), with a bias only when <paramref name="biasFiller"/> is given.</summary>
    public static LayerParameter InnerProduct(int numOutput, FillerParameter? weightFiller, FillerParameter? biasFiller)
    {
        var ip = new InnerProductParameter
        {
            NumOutput = (uint)numOutput,
            BiasTerm = biasFiller != null,
            Axis = 2,
            WeightFiller = weightFiller?.Clone() ?? new FillerParameter(),
        };
        if (biasFiller != null) ip.BiasFiller = biasFiller.Clone();
        return new LayerParameter { Type = "InnerProduct", InnerProductParam = ip };
    }

    /// <summary>
    /// Adds the input transform of all timesteps at once, <c>{weight}_x = {weight}·x + {bias}</c> ("x_transform"), and
    /// with a static input <c>{weight}_x_static = {weight}_static·x_static</c> reshaped to one timestep (1 × N ×
    /// <paramref name="dim"/>). Returns the Slice of <c>{weight}_x</c> along time; the caller adds one top per timestep.
    /// </summary>
    public static LayerParameter AddInputTransform(NetParameter netParam, LayerParameter biasedHidden, LayerParameter hidden,
                                                   string weight, string bias, bool staticInput, int dim)
    {
        LayerParameter xTransform = biasedHidden.Clone();
        xTransform.Name = "x_transform";
        xTransform.Param.Add(new ParamSpec { Name = weight });
        xTransform.Param.Add(new ParamSpec { Name = bias });
        xTransform.Bottom.Add("x");
        xTransform.Top.Add(weight + "_x");
        xTransform.PropagateDown.Add(true);
        netParam.Layer.Add(xTransform);

        if (staticInput)
        {
            LayerParameter staticTransform = hidden.Clone();
            staticTransform.InnerProductParam.Axis = 1;
            staticTransform.Name = weight + "_x_static";
            staticTransform.Param.Add(new ParamSpec { Name = weight + "_static" });
            staticTransform.Bottom.Add("x_static");
            staticTransform.Top.Add(weight + "_x_static_preshape");
            staticTransform.PropagateDown.Add(true);
            netParam.Layer.Add(staticTransform);
            netParam.Layer.Add(OneTimestepReshape(weight + "_x_static_reshape", weight + "_x_static_preshape",
                                                  weight + "_x_static", dim));
        }

        LayerParameter xSlice = Slice(weight + "_x_slice", weight + "_x");
        netParam.Layer.Add(xSlice);
        return xSlice;
    }

    /// <summary>A Slice along the time axis; the caller adds one top per timestep.</summary>
    public static LayerParameter Slice(string name, string bottom)
    {
        var slice = new LayerParameter { Name = name, Type = "Slice", SliceParam = new SliceParameter { Axis = 0 } };
        slice.Bottom.Add(bottom);
        return slice;
    }

    /// <summary>top = hidden × cont, broadcast from axis 0 (a Scale layer with the indicators as its second bottom).</summary>
    public static LayerParameter ContScale(string name, string hidden, string cont)
    {
        var scale = new LayerParameter { Name = name, Type = "Scale", ScaleParam = new ScaleParameter { Axis = 0 } };
        scale.Bottom.Add(hidden);
        scale.Bottom.Add(cont);
        scale.Top.Add(name);
        return scale;
    }

    /// <summary>
    /// One timestep's recurrent product: a copy of the bias-free <paramref name="hidden"/> inner product whose weights
    /// are the blob shared by every timestep under <paramref name="weightName"/>.
    /// </summary>
    public static LayerParameter RecurrentTransform(LayerParameter hidden, string name, string weightName, string bottom, string top)
    {
        LayerParameter transform = hidden.Clone();
        transform.Name = name;
        transform.Param.Add(new ParamSpec { Name = weightName });
        transform.Bottom.Add(bottom);
        transform.Top.Add(top);
        return transform;
    }

    /// <summary>An element-wise SUM of the given bottoms; the caller adds the top.</summary>
    public static LayerParameter Sum(string name, params string[] bottoms)
    {
        var sum = new LayerParameter
        {
            Name = name,
            Type = "Eltwise",
            EltwiseParam = new EltwiseParameter { Operation = EltwiseParameter.Types.EltwiseOp.Sum },
        };
        sum.Bottom.Add(bottoms);
        return sum;
    }

    /// <summary>Reshapes N × <paramref name="dim"/> to 1 × N × <paramref name="dim"/> (N inferred, so it follows the batch size).</summary>
    public static LayerParameter OneTimestepReshape(string name, string bottom, string top, int dim)
    {
        var shape = new BlobShape();
        shape.Dim.Add(1);
        shape.Dim.Add(-1);
        shape.Dim.Add(dim);
        var reshape = new LayerParameter { Name = name, Type = "Reshape", ReshapeParam = new ReshapeParameter { Shape = shape } };
        reshape.Bottom.Add(bottom);
        reshape.Top.Add(top);
        return reshape;
    }
}
