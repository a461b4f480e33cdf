namespace Caffe.Tests.Layers;

/// <summary>
/// The fixture and cases Caffe's test_rnn_layer.cpp and test_lstm_layer.cpp share: num_output 7, an input of
/// T × N × 3 × 2, continuation indicators T × N and a static input N × 2 × 3 × 4. <see cref="LSTMLayerTests"/> and
/// <see cref="RNNLayerTests"/> name the layer and keep what is particular to it (parameters, unrolled net, cell values).
/// </summary>
public abstract class RecurrentLayerTests<TLayer> where TLayer : RecurrentLayer
{
    protected const int NumOutput = 7;

    /// <summary>"LSTM" or "RNN".</summary>
    protected abstract string Type { get; }

    /// <summary>The hidden-state blobs exposed with expose_hidden: h (RNN), or h and c (LSTM).</summary>
    protected abstract int NumHiddenStates { get; }

    protected Blob Bottom { get; } = new();
    protected Blob Cont { get; } = new();
    protected Blob Static { get; } = new();
    protected Blob Top { get; } = new();

    protected Blob[] Bottoms => [Bottom, Cont];
    protected Blob[] BottomsWithStatic => [Bottom, Cont, Static];

    [TestInitialize]
    public void SetUpBlobs()
    {
        Rng.SetRandomSeed(1701);
        ReshapeBlobs(1, 3);
    }

    protected LayerParameter Param(string extraRecurrentParam = "") =>
        LayerTesting.Param($"name: 'rec' type: '{Type}' phase: TEST recurrent_param {{ num_output: {NumOutput} " +
                           "weight_filler { type: 'gaussian' std: 0.2 } bias_filler { type: 'gaussian' std: 0.1 } " +
                           $"{extraRecurrentParam} }}");

    protected Layer NewLayer(string extraRecurrentParam = "") => LayerRegistry.CreateLayer(Param(extraRecurrentParam));

    protected void ReshapeBlobs(int numTimesteps, int numInstances)
    {
        Bottom.Reshape(numTimesteps, numInstances, 3, 2);
        Static.Reshape(numInstances, 2, 3, 4);
        Cont.Reshape(numTimesteps, numInstances);
        Rng.FillUniform(Bottom.Data, -1, 1);
    }

    /// <summary>cont[i] = i > 2, as the NonZeroCont gradient cases set it.</summary>
    protected void SetContAfterThirdEntry()
    {
        for (int i = 0; i < Cont.Count; i++) Cont.Data[i] = i > 2 ? 1 : 0;
    }

    /// <summary>Asserts the layer's blobs are the unrolled net's own (unshared) parameters, with these names and shapes in order.</summary>
    protected static void AssertParams(RecurrentLayer layer, params (string Name, int[] Shape)[] expected)
    {
        Net net = layer.UnrolledNet;
        Assert.AreEqual(expected.Length, layer.Blobs.Count);
        int k = 0;
        for (int i = 0; i < net.AllParams.Count; i++)
        {
            if (net.ParamOwners[i] != -1)
            {
                Assert.IsTrue(net.AllParams[i].SharesDataWith(net.AllParams[net.ParamOwners[i]]));
                continue;
            }
            Assert.AreSame(net.AllParams[i], layer.Blobs[k]);
            Assert.AreEqual(expected[k].Name, net.ParamDisplayNames[i]);
            CollectionAssert.AreEqual(expected[k].Shape, layer.Blobs[k].Shape.ToArray(), expected[k].Name);
            k++;
        }
        Assert.AreEqual(expected.Length, k);
    }

    [TestMethod]
    public void SetUpShapesTheTop()
    {
        Layer layer = NewLayer();
        Assert.IsInstanceOfType<TLayer>(layer);
        layer.SetUp(Bottoms, [Top]);
        CollectionAssert.AreEqual(new[] { 1, 3, NumOutput }, Top.Shape.ToArray());
    }

    /// <summary>
    /// Caffe's TestForward: a 3-step sequence run at once equals the same sequence fed one step at a time (the
    /// hidden state carries over between forwards), and cont = 0 at every step gives different outputs after the first.
    /// </summary>
    [TestMethod]
    public void ForwardStepByStepEqualsTheWholeSequence()
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

    [TestMethod]
    public void Gradient()
    {
        var checker = new GradientChecker(1e-2f, 1e-3f);
        checker.CheckGradientExhaustive(NewLayer(), Bottoms, [Top], 0);
    }

    [TestMethod]
    public void GradientNonZeroCont()
    {
        SetContAfterThirdEntry();
        var checker = new GradientChecker(1e-2f, 1e-3f);
        checker.CheckGradientExhaustive(NewLayer(), Bottoms, [Top], 0);
    }

    [TestMethod]
    public void GradientNonZeroContBufferSize2()
    {
        ReshapeBlobs(2, 2);
        Rng.FillUniform(Bottom.Data, 0, 1);
        SetContAfterThirdEntry();
        var checker = new GradientChecker(1e-2f, 1e-3f);
        checker.CheckGradientExhaustive(NewLayer(), Bottoms, [Top], 0);
    }

    [TestMethod]
    public void GradientNonZeroContBufferSize2WithStaticInput()
    {
        ReshapeBlobs(2, 2);
        Rng.FillUniform(Bottom.Data, 0, 1);
        Rng.FillUniform(Static.Data, 0, 1);
        SetContAfterThirdEntry();
        var checker = new GradientChecker(1e-2f, 1e-3f);
        Layer layer = NewLayer();
        checker.CheckGradientExhaustive(layer, BottomsWithStatic, [Top], 0);
        checker.CheckGradientExhaustive(layer, BottomsWithStatic, [Top], 2);
    }

    /// <summary>
    /// With expose_hidden, feeding the final hidden-state tops of one forward into the initial-state bottoms of the
    /// next reproduces a sequence run at once; and a forward depends on nothing but its bottoms.
    /// </summary>
    [TestMethod]
    public void ExposedHiddenStateCarriesTheSequence()
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
        Layer stepper = NewLayer("expose_hidden: true");
        Assert.AreEqual(2 + NumHiddenStates, stepper.MinBottomBlobs);
        Assert.AreEqual(3 + NumHiddenStates, stepper.MaxBottomBlobs);
        Assert.AreEqual(1 + NumHiddenStates, stepper.ExactNumTopBlobs);
        Blob[] hiddenIn = [.. Enumerable.Range(0, NumHiddenStates).Select(_ => new Blob(1, num, NumOutput))];
        Blob[] hiddenOut = [.. Enumerable.Range(0, NumHiddenStates).Select(_ => new Blob())];
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
            if (Type == "LSTM") CollectionAssert.AreEqual(Top.Data.ToArray(), hiddenOut[0].Data.ToArray());

            float[] first = Top.Data.ToArray();
            stepper.Forward(bottoms, tops);
            CollectionAssert.AreEqual(first, Top.Data.ToArray(), "an exposed-hidden forward has no hidden memory");
            for (int k = 0; k < NumHiddenStates; k++) hiddenOut[k].Data.CopyTo(hiddenIn[k].Data);
        }

        // The static input comes before the hidden states: x, cont, x_static, h_0 (, c_0).
        Layer withStatic = NewLayer("expose_hidden: true");
        withStatic.SetUp([Bottom, Cont, Static, .. hiddenIn], tops);
        withStatic.Forward([Bottom, Cont, Static, .. hiddenIn], tops);
        CollectionAssert.AreEqual(new[] { 1, num, NumOutput }, hiddenOut[0].Shape.ToArray());

        var wrong = new Blob(1, num + 1, NumOutput);
        Blob[] badBottoms = [Bottom, Cont, wrong, .. hiddenIn.Skip(1)];
        LayerTesting.Throws(() => NewLayer("expose_hidden: true").SetUp(badBottoms, tops), "bottom 2", "hidden state input");
    }

    /// <summary>A layer unrolled over 3 steps and then reshaped to 2 equals one built for 2 steps, with the same parameter blobs.</summary>
    [TestMethod]
    public void ChangingTheNumberOfTimestepsUnrollsAgain()
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
    [TestMethod]
    public void ChangingTheNumberOfStreamsReshapes()
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
    [TestMethod]
    public void BadInputsAreRejected()
    {
        LayerTesting.Throws(() => LayerRegistry.CreateLayer(LayerTesting.Param($"name: 'r' type: '{Type}'"))
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
