namespace Caffe.Tests.Layers;

/// <summary>Caffe's test_bias_layer.cpp: the broadcast cases it shares with Scale are in <see cref="AxisBroadcastLayerTests{TLayer}"/>.</summary>
[TestClass]
public sealed class BiasLayerTests : AxisBroadcastLayerTests<BiasLayer>
{
    protected override string Type => "Bias";

    protected override float LearnedDefault => 0;

    protected override BiasLayer NewLayer(LayerParameter param) => new(param);

    protected override float Combine(float bottom, float operand) => bottom + operand;

    protected override float Tolerance(float expected) => 1e-5f;

    [TestMethod]
    public void HandComputedBackward()
    {
        var bottom = LayerTesting.FromValues([2, 2, 1], 1f, 2f, 3f, 4f);
        var top = new Blob();
        var layer = new BiasLayer(LayerTesting.Param("bias_param { filler { type: 'constant' value: 0.5 } }"));
        layer.SetUp([bottom], [top]);
        layer.Forward([bottom], [top]);
        CollectionAssert.AreEqual(new[] { 1.5f, 2.5f, 3.5f, 4.5f }, top.Data.ToArray());
        new[] { 1f, 10f, 100f, 1000f }.CopyTo(top.Diff);
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(top.Diff.ToArray(), bottom.Diff.ToArray());
        CollectionAssert.AreEqual(new[] { 101f, 1010f }, layer.Blobs[0].Diff.ToArray());
        // Parameter diffs accumulate; a bias given as bottom[1] has its diff overwritten.
        layer.Backward([top], [true], [bottom]);
        CollectionAssert.AreEqual(new[] { 202f, 2020f }, layer.Blobs[0].Diff.ToArray());
        var bias = LayerTesting.FromValues([2], 0f, 0f);
        var twoBottoms = new BiasLayer(LayerTesting.Param("type: 'Bias'"));
        twoBottoms.SetUp([bottom, bias], [top]);
        twoBottoms.Forward([bottom, bias], [top]);
        new[] { 1f, 10f, 100f, 1000f }.CopyTo(top.Diff);
        twoBottoms.Backward([top], [true, true], [bottom, bias]);
        twoBottoms.Backward([top], [true, true], [bottom, bias]);
        CollectionAssert.AreEqual(new[] { 101f, 1010f }, bias.Diff.ToArray());
    }
}
