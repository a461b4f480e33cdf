namespace Caffe.Tests.Layers;

/// <summary>
/// The fixture shared by Caffe's test_rnn_layer.cpp and test_lstm_layer.cpp: num_output 7, an input of
/// T × N × 3 × 2, continuation indicators T × N and a static input N × 2 × 3 × 4, plus the cases both run.
/// </summary>
internal sealed class RecurrentTesting
{
    public const int NumOutput = 7;

    private readonly string _type;

    public RecurrentTesting(string type, string extraRecurrentParam = "")
    {
        _type = type;
        ExtraRecurrentParam = extraRecurrentParam;
        ReshapeBlobs(1, 3);
    }

    public string ExtraRecurrentParam { get; }

    public Blob Bottom { get; } = new();
    public Blob Cont { get; } = new();
    public Blob Static { get; } = new();
    public Blob Top { get; } = new();

    public Blob[] Bottoms => [Bottom, Cont];
    public Blob[] BottomsWithStatic => [Bottom, Cont, Static];

    public LayerParameter Param =>
        LayerTesting.Param($"name: 'rec' type: '{_type}' phase: TEST recurrent_param {{ num_output: {NumOutput} " +
                        "weight_filler { type: 'gaussian' std: 0.2 } bias_filler { type: 'gaussian' std: 0.1 } " +
                        $"{ExtraRecurrentParam} }}");

    public Layer NewLayer() => LayerRegistry.CreateLayer(Param);

    public void ReshapeBlobs(int numTimesteps, int numInstances)
    {
        Bottom.Reshape(numTimesteps, numInstances, 3, 2);
        Static.Reshape(numInstances, 2, 3, 4);
        Cont.Reshape(numTimesteps, numInstances);
        Rng.FillUniform(Bottom.Data, -1, 1);
    }

    /// <summary>cont[i] = i > 2, as the NonZeroCont gradient cases set it.</summary>
    public void SetContAfterThirdEntry()
    {
        for (int i = 0; i < Cont.Count; i++) Cont.Data[i] = i > 2 ? 1 : 0;
    }

    /// <summary>
    /// Caffe's TestForward: a 3-step sequence run at once equals the same sequence fed one step at a time (the
    /// hidden state carries over between forwards), and cont = 0 at every step gives different outputs after the first.
    /// </summary>
    public void CheckForwardStepByStep()
    {
        const int numTimesteps = 3;
        int num = Bottom.ShapeAt(1);
        ReshapeBlobs(numTimesteps, num);
        for (int t = 0; t < numTimesteps; t++)
            for (int n = 0; n < num; n++) Cont.Data[t * num + n] = t > 0 ? 1 : 0;

        Rng.SetRandomSeed(1);
        Rng.FillGaussian(Bottom.Data, 0, 1);
        Layer layer = NewLayer();
        Rng.SetRandomSeed(1701);
        layer.SetUp(Bottoms, [Top]);
        layer.Forward(Bottoms, [Top]);
        float[] bottomCopy = Bottom.Data.ToArray();
        float[] topCopy = Top.Data.ToArray();

        ReshapeBlobs(1, num);
        layer = NewLayer();
        Rng.SetRandomSeed(1701);
        layer.SetUp(Bottoms, [Top]);
        int bottomCount = Bottom.Count, topCount = Top.Count;
        for (int t = 0; t < numTimesteps; t++)
        {
            bottomCopy.AsSpan(t * bottomCount, bottomCount).CopyTo(Bottom.Data);
            Cont.Data.Fill(t > 0 ? 1 : 0);
            layer.Forward(Bottoms, [Top]);
            for (int i = 0; i < topCount; i++)
                Assert.AreEqual(topCopy[t * topCount + i], Top.Data[i], 1e-5, $"t = {t}; i = {i}");
        }

        Rng.SetRandomSeed(1701);
        layer = NewLayer();
        layer.SetUp(Bottoms, [Top]);
        for (int t = 0; t < numTimesteps; t++)
        {
            bottomCopy.AsSpan(t * bottomCount, bottomCount).CopyTo(Bottom.Data);
            Cont.Data.Fill(0);
            layer.Forward(Bottoms, [Top]);
            for (int i = 0; i < topCount; i++)
            {
                if (t == 0) Assert.AreEqual(topCopy[i], Top.Data[i], 1e-5, $"t = 0; i = {i}");
                else Assert.AreNotEqual(topCopy[t * topCount + i], Top.Data[i], $"t = {t}; i = {i}");
            }
        }
    }

    /// <summary>
    /// With expose_hidden, feeding the final hidden-state tops of one forward into the initial-state bottoms of the
    /// next reproduces a sequence run at once; and a forward depends on nothing but its bottoms.
    /// </summary>
    public void CheckExposedHiddenStateCarriesTheSequence(int numHidden)
    {
        const int numTimesteps = 3;
        int num = Bottom.ShapeAt(1);
        ReshapeBlobs(numTimesteps, num);
        for (int t = 0; t < numTimesteps; t++)
            for (int n = 0; n < num; n++) Cont.Data[t * num + n] = t > 0 ? 1 : 0;
        Layer whole = NewLayer();
        Rng.SetRandomSeed(1701);
        whole.SetUp(Bottoms, [Top]);
        whole.Forward(Bottoms, [Top]);
        float[] bottomCopy = Bottom.Data.ToArray();
        float[] topCopy = Top.Data.ToArray();

        ReshapeBlobs(1, num);
        var exposed = new RecurrentTesting(_type, "expose_hidden: true");
        Layer stepper = exposed.NewLayer();
        Assert.AreEqual(2 + numHidden, stepper.MinBottomBlobs);
        Assert.AreEqual(3 + numHidden, stepper.MaxBottomBlobs);
        Assert.AreEqual(1 + numHidden, stepper.ExactNumTopBlobs);
        Blob[] hiddenIn = [.. Enumerable.Range(0, numHidden).Select(_ => new Blob(1, num, NumOutput))];
        Blob[] hiddenOut = [.. Enumerable.Range(0, numHidden).Select(_ => new Blob())];
        Blob[] bottoms = [Bottom, Cont, .. hiddenIn];
        Blob[] tops = [Top, .. hiddenOut];
        Rng.SetRandomSeed(1701);
        stepper.SetUp(bottoms, tops);
        int bottomCount = Bottom.Count, topCount = Top.Count;
        for (int t = 0; t < numTimesteps; t++)
        {
            bottomCopy.AsSpan(t * bottomCount, bottomCount).CopyTo(Bottom.Data);
            Cont.Data.Fill(t > 0 ? 1 : 0);
            stepper.Forward(bottoms, tops);
            for (int i = 0; i < topCount; i++)
                Assert.AreEqual(topCopy[t * topCount + i], Top.Data[i], 1e-5, $"t = {t}; i = {i}");
            // One step: the exposed final hidden state h_T is the step's h (for RNN, o = tanh(W_ho·h) is not).
            if (_type == "LSTM") CollectionAssert.AreEqual(Top.Data.ToArray(), hiddenOut[0].Data.ToArray());

            float[] first = Top.Data.ToArray();
            stepper.Forward(bottoms, tops);
            CollectionAssert.AreEqual(first, Top.Data.ToArray(), "an exposed-hidden forward has no hidden memory");
            for (int k = 0; k < numHidden; k++) hiddenOut[k].Data.CopyTo(hiddenIn[k].Data);
        }

        // The static input comes before the hidden states: x, cont, x_static, h_0 (, c_0).
        Layer withStatic = exposed.NewLayer();
        withStatic.SetUp([Bottom, Cont, Static, .. hiddenIn], tops);
        withStatic.Forward([Bottom, Cont, Static, .. hiddenIn], tops);
        CollectionAssert.AreEqual(new[] { 1, num, NumOutput }, hiddenOut[0].Shape.ToArray());

        var wrong = new Blob(1, num + 1, NumOutput);
        Blob[] badBottoms = [Bottom, Cont, wrong, .. hiddenIn.Skip(1)];
        LayerTesting.Throws(() => exposed.NewLayer().SetUp(badBottoms, tops), "bottom 2", "hidden state input");
    }

    /// <summary>A layer unrolled over 3 steps and then reshaped to 2 equals one built for 2 steps, with the same parameter blobs.</summary>
    public void CheckChangingTheNumberOfTimesteps()
    {
        ReshapeBlobs(3, 2);
        Rng.SetRandomSeed(1701);
        var layer = (RecurrentLayer)NewLayer();
        layer.SetUp(Bottoms, [Top]);
        layer.Forward(Bottoms, [Top]);
        Blob[] parameters = [.. layer.Blobs];
        Net firstNet = layer.UnrolledNet;

        ReshapeBlobs(2, 2);
        SetContAfterThirdEntry();
        layer.Forward(Bottoms, [Top]);
        Assert.AreNotSame(firstNet, layer.UnrolledNet);
        CollectionAssert.AreEqual(new[] { 2, 2, NumOutput }, Top.Shape.ToArray());
        Assert.AreEqual(parameters.Length, layer.Blobs.Count);
        for (int i = 0; i < parameters.Length; i++) Assert.AreSame(parameters[i], layer.Blobs[i]);
        float[] rebuilt = Top.Data.ToArray();

        Rng.SetRandomSeed(1701);
        Layer fresh = NewLayer();
        var freshTop = new Blob();
        fresh.SetUp(Bottoms, [freshTop]);
        fresh.Forward(Bottoms, [freshTop]);
        CollectionAssert.AreEqual(freshTop.Data.ToArray(), rebuilt);

        // The rebuilt net reads the layer's blobs: changing them changes the output.
        layer.Blobs[0].Data.Clear();
        layer.Forward(Bottoms, [Top]);
        CollectionAssert.AreNotEqual(rebuilt, Top.Data.ToArray());
    }

    /// <summary>A new batch size (N) reshapes the unrolled net, static input included, without rebuilding it.</summary>
    public void CheckChangingTheNumberOfStreams()
    {
        ReshapeBlobs(2, 3);
        Rng.FillUniform(Static.Data, -1, 1);
        Rng.SetRandomSeed(1701);
        var layer = (RecurrentLayer)NewLayer();
        layer.SetUp(BottomsWithStatic, [Top]);
        layer.Forward(BottomsWithStatic, [Top]);
        Net net = layer.UnrolledNet;

        ReshapeBlobs(2, 2);
        Rng.FillUniform(Static.Data, -1, 1);
        SetContAfterThirdEntry();
        layer.Forward(BottomsWithStatic, [Top]);
        Assert.AreSame(net, layer.UnrolledNet);
        CollectionAssert.AreEqual(new[] { 2, 2, NumOutput }, Top.Shape.ToArray());

        Rng.SetRandomSeed(1701);
        Layer fresh = NewLayer();
        var freshTop = new Blob();
        fresh.SetUp(BottomsWithStatic, [freshTop]);
        fresh.Forward(BottomsWithStatic, [freshTop]);
        CollectionAssert.AreEqual(freshTop.Data.ToArray(), Top.Data.ToArray());
    }

    /// <summary>The bad inputs every recurrent layer rejects at setup.</summary>
    public void CheckBadInputsAreRejected()
    {
        LayerTesting.Throws(() => LayerRegistry.CreateLayer(LayerTesting.Param($"name: 'r' type: '{_type}'"))
                                               .SetUp(Bottoms, [Top]), "'r'", "num_output must be positive");
        var cont = new Blob(1, 4);
        LayerTesting.Throws(() => NewLayer().SetUp([Bottom, cont], [Top]), "bottom 1", "(#timesteps, #streams)");
        var flat = new Blob(5);
        LayerTesting.Throws(() => NewLayer().SetUp([flat, Cont], [Top]), "bottom 0", "at least 2 axes");
        var badStatic = new Blob(4, 2);
        LayerTesting.Throws(() => NewLayer().SetUp([Bottom, Cont, badStatic], [Top]), "static input", "N = 3");
        LayerTesting.Throws(() => NewLayer().SetUp([Bottom, Cont, Static, Static], [Top]), "at most 3 bottom");
        LayerTesting.Throws(() => NewLayer().SetUp(Bottoms, [Top, new Blob()]), "1 top");
    }
}
