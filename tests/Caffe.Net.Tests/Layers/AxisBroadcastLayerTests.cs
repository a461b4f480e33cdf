namespace Caffe.Tests.Layers;

/// <summary>
/// The cases Caffe's test_bias_layer.cpp and test_scale_layer.cpp both run: a 2x3x4x5 bottom combined element by
/// element with an operand (bottom[1] or a learned blob) whose axes line up with the bottom's from <c>axis</c> on.
/// <see cref="BiasLayerTests"/> and <see cref="ScaleLayerTests"/> name the layer, its operation and its tolerance,
/// and keep the cases only their layer has.
/// </summary>
public abstract class AxisBroadcastLayerTests<TLayer> where TLayer : Layer
{
    protected Blob Bottom { get; private set; } = null!;
    protected Blob Eltwise { get; private set; } = null!;
    protected Blob Broadcast0 { get; private set; } = null!;
    protected Blob Broadcast1 { get; private set; } = null!;
    protected Blob Broadcast2 { get; private set; } = null!;
    protected Blob Top { get; private set; } = null!;

    /// <summary>"Bias" or "Scale"; the parameter message is the lower-cased type + "_param".</summary>
    protected abstract string Type { get; }

    /// <summary>The operand value a learned blob starts with: the operation's identity.</summary>
    protected abstract float LearnedDefault { get; }

    protected abstract TLayer NewLayer(LayerParameter param);

    /// <summary>What the layer computes for one bottom element and its operand element.</summary>
    protected abstract float Combine(float bottom, float operand);

    /// <summary>How far a computed value may be from <paramref name="expected"/>.</summary>
    protected abstract float Tolerance(float expected);

    [TestInitialize]
    public void SetUpBlobs()
    {
        Rng.SetRandomSeed(1701);
        Bottom = LayerTesting.Uniform([2, 3, 4, 5], 1, 10);
        Eltwise = LayerTesting.Uniform([2, 3, 4, 5], 1, 10);
        Broadcast0 = LayerTesting.Uniform([2, 3], 1, 10);
        Broadcast1 = LayerTesting.Uniform([3, 4], 1, 10);
        Broadcast2 = LayerTesting.Uniform([4, 5], 1, 10);
        Top = new Blob();
    }

    /// <summary>The layer's prototxt: its type, plus the <c>{type}_param</c> fields when there are any.</summary>
    protected string Prototxt(string paramFields) =>
        paramFields.Length == 0 ? $"type: '{Type}'" : $"type: '{Type}' {Type.ToLowerInvariant()}_param {{ {paramFields} }}";

    protected TLayer NewLayer(string paramFields) => NewLayer(LayerTesting.Param(Prototxt(paramFields)));

    /// <summary>Sets up and runs the layer on Bottom (plus <paramref name="extra"/>) into Top, whose shape must be Bottom's.</summary>
    protected TLayer Forward(string paramFields, params Blob[] extra)
    {
        TLayer layer = NewLayer(paramFields);
        Blob[] bottom = [Bottom, .. extra];
        layer.SetUp(bottom, [Top]);
        CollectionAssert.AreEqual(Bottom.Shape.ToArray(), Top.Shape.ToArray());
        layer.Forward(bottom, [Top]);
        return layer;
    }

    /// <summary>Checks top[n, c, h, w] = Combine(bottom, operand(n, c, h, w)) (+ bias(n, c, h, w), Scale's bias_term).</summary>
    protected void CheckForward(Blob top, float[] bottom, Func<int, int, int, int, float> operand,
                                Func<int, int, int, int, float>? bias = null)
    {
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 4; h++)
                    for (int w = 0; w < 5; w++)
                    {
                        int i = top.Offset(n, c, h, w);
                        float expected = Combine(bottom[i], operand(n, c, h, w)) + (bias?.Invoke(n, c, h, w) ?? 0);
                        Assert.AreEqual(expected, top.Data[i], Tolerance(expected));
                    }
    }

    private void CheckForwardInPlace(string paramFields, Blob operand, Func<int, int, int, int, float> operandAt)
    {
        float[] original = Bottom.Data.ToArray();
        TLayer layer = NewLayer(paramFields);
        layer.SetUp([Bottom, operand], [Bottom]);
        layer.Forward([Bottom, operand], [Bottom]);
        CheckForward(Bottom, original, operandAt);
    }

    // In place, the bottom and operand diffs equal those of a separate top.
    private void CheckBackwardInPlace(string paramFields, Blob operand)
    {
        TLayer layer = NewLayer(paramFields);
        Blob topDiff = LayerTesting.Gaussian([2, 3, 4, 5]);
        layer.SetUp([Bottom, operand], [Top]);
        layer.Forward([Bottom, operand], [Top]);
        topDiff.Data.CopyTo(Top.Diff);
        layer.Backward([Top], [true, true], [Bottom, operand]);
        float[] bottomDiff = Bottom.Diff.ToArray();
        float[] operandDiff = operand.Diff.ToArray();

        layer.Forward([Bottom, operand], [Bottom]);
        topDiff.Data.CopyTo(Bottom.Diff);
        layer.Backward([Bottom], [true, true], [Bottom, operand]);
        for (int i = 0; i < bottomDiff.Length; i++) Assert.AreEqual(bottomDiff[i], Bottom.Diff[i], Tolerance(bottomDiff[i]));
        for (int i = 0; i < operandDiff.Length; i++) Assert.AreEqual(operandDiff[i], operand.Diff[i], Tolerance(operandDiff[i]));
    }

    [TestMethod]
    public void ForwardEltwise()
    {
        Forward("axis: 0", Eltwise);
        CheckForward(Top, Bottom.Data.ToArray(), (n, c, h, w) => Eltwise.DataAt(n, c, h, w));
    }

    [TestMethod]
    public void ForwardEltwiseInPlace() => CheckForwardInPlace("axis: 0", Eltwise, (n, c, h, w) => Eltwise.DataAt(n, c, h, w));

    [TestMethod]
    public void BackwardEltwiseInPlace() => CheckBackwardInPlace("axis: 0", Eltwise);

    [TestMethod]
    public void ForwardEltwiseWithParam()
    {
        TLayer layer = Forward("axis: 0 num_axes: -1 filler { type: 'gaussian' }");
        CollectionAssert.AreEqual(new[] { 2, 3, 4, 5 }, layer.Blobs[0].Shape.ToArray());
        CheckForward(Top, Bottom.Data.ToArray(), (n, c, h, w) => layer.Blobs[0].DataAt(n, c, h, w));
    }

    [TestMethod]
    public void ForwardBroadcastBegin()
    {
        Forward("axis: 0", Broadcast0);
        CheckForward(Top, Bottom.Data.ToArray(), (n, c, h, w) => Broadcast0.DataAt(n, c));
    }

    [TestMethod]
    public void ForwardBroadcastMiddle()
    {
        Forward("axis: 1", Broadcast1);
        CheckForward(Top, Bottom.Data.ToArray(), (n, c, h, w) => Broadcast1.DataAt(c, h));
    }

    [TestMethod]
    public void ForwardBroadcastMiddleInPlace() => CheckForwardInPlace("axis: 1", Broadcast1, (n, c, h, w) => Broadcast1.DataAt(c, h));

    [TestMethod]
    public void BackwardBroadcastMiddleInPlace() => CheckBackwardInPlace("axis: 1", Broadcast1);

    [TestMethod]
    public void ForwardBroadcastMiddleWithParam()
    {
        TLayer layer = Forward("axis: 1 num_axes: 2 filler { type: 'gaussian' }");
        CollectionAssert.AreEqual(new[] { 3, 4 }, layer.Blobs[0].Shape.ToArray());
        CheckForward(Top, Bottom.Data.ToArray(), (n, c, h, w) => layer.Blobs[0].DataAt(c, h));
    }

    [TestMethod]
    public void ForwardBroadcastEnd()
    {
        Forward("axis: 2", Broadcast2);
        CheckForward(Top, Bottom.Data.ToArray(), (n, c, h, w) => Broadcast2.DataAt(h, w));
    }

    /// <summary>One-axis and scalar operands as bottom[1]: at the default axis 1, at later axes and counted from the end.</summary>
    [TestMethod]
    [DataRow("", new[] { 3 }, 1)]
    [DataRow("axis: 2", new[] { 4 }, 2)]
    [DataRow("axis: -1", new[] { 5 }, 3)]
    [DataRow("", new int[0], -1)]
    [DataRow("axis: 2", new int[0], -1)]
    [DataRow("axis: 3", new int[0], -1)]
    public void ForwardSmallOperand(string paramFields, int[] shape, int alongAxis)
    {
        Blob operand = LayerTesting.Uniform(shape, 1, 10);
        Forward(paramFields, operand);
        CheckForward(Top, Bottom.Data.ToArray(), (n, c, h, w) => alongAxis < 0 ? operand.Data[0] : operand.Data[new[] { n, c, h, w }[alongAxis]]);
    }

    [TestMethod]
    public void LearnedOperandDefaultsToTheIdentityOverChannels()
    {
        TLayer layer = Forward("");
        Assert.HasCount(1, layer.Blobs);
        CollectionAssert.AreEqual(new[] { 3 }, layer.Blobs[0].Shape.ToArray());
        Assert.IsTrue(layer.Blobs[0].Data.ToArray().All(v => v == LearnedDefault));
        CollectionAssert.AreEqual(Bottom.Data.ToArray(), Top.Data.ToArray());
    }

    [TestMethod]
    public void GradientEltwise() =>
        new GradientChecker(1e-2f, 1e-3f).CheckGradientEltwise(NewLayer("axis: 0"), [Bottom, Eltwise], [Top]);

    [TestMethod]
    public void GradientEltwiseWithParam() =>
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(NewLayer("axis: 0 num_axes: -1 filler { type: 'gaussian' }"), [Bottom], [Top]);

    [TestMethod]
    public void GradientBroadcastBegin() =>
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(NewLayer("axis: 0"), [Bottom, Broadcast0], [Top]);

    [TestMethod]
    public void GradientBroadcastMiddle() =>
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(NewLayer("axis: 1"), [Bottom, Broadcast1], [Top]);

    [TestMethod]
    public void GradientBroadcastMiddleWithParam() =>
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(NewLayer("axis: 1 num_axes: 2 filler { type: 'gaussian' }"), [Bottom], [Top]);

    [TestMethod]
    public void GradientBroadcastEnd() =>
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(NewLayer("axis: 2"), [Bottom, Broadcast2], [Top]);

    [TestMethod]
    [DataRow("", new[] { 3 })]
    [DataRow("axis: 2", new[] { 4 })]
    [DataRow("", new int[0])]
    [DataRow("axis: 2", new int[0])]
    public void GradientSmallOperand(string paramFields, int[] shape)
    {
        Blob operand = LayerTesting.Uniform(shape, 1, 10);
        new GradientChecker(1e-2f, 1e-3f).CheckGradientExhaustive(NewLayer(paramFields), [Bottom, operand], [Top]);
    }

    [TestMethod]
    public void AxisOutOfRangeIsRejected()
    {
        TLayer layer = NewLayer(LayerTesting.Param("name: 'ax' " + Prototxt("axis: 4")));
        LayerTesting.Throws(() => layer.SetUp([Bottom], [Top]), "axis 4", "'ax'");
        Assert.ThrowsExactly<LayerException>(() => NewLayer("axis: -5").SetUp([Bottom, Broadcast1], [Top]));
    }

    [TestMethod]
    [DataRow("num_axes: -2", "num_axes")]
    [DataRow("num_axes: -3", "num_axes")]
    [DataRow("axis: 1 num_axes: 4", "extends past")]
    [DataRow("axis: 2 num_axes: 3", "extends past")]
    public void BadNumAxesIsRejected(string paramFields, string fragment) =>
        LayerTesting.Throws(() => NewLayer(paramFields).SetUp([Bottom], [Top]), fragment);

    [TestMethod]
    public void MismatchedOperandShapeIsRejected()
    {
        LayerTesting.Throws(() => NewLayer("axis: 2").SetUp([Bottom, Broadcast1], [Top]), "dimension mismatch");
        LayerTesting.Throws(() => NewLayer("axis: 0").SetUp([Bottom, Broadcast1], [Top]), "dimension mismatch");
        LayerTesting.Throws(() => NewLayer("axis: 3").SetUp([Bottom, Broadcast2], [Top]), "extends past");
    }

    [TestMethod]
    public void RegistryCreatesIt() => LayerTesting.Create<TLayer>($"type: '{Type}'");
}
