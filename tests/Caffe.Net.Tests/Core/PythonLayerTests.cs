using System.Globalization;

namespace Caffe.Tests.Core;

/// <summary>A layer that multiplies by ten (pycaffe's test_python_layer.SimpleLayer), found through its attribute.</summary>
[PythonLayer("test_python_layer", "SimpleLayer")]
internal sealed class TenTimesLayer(LayerParameter param) : PythonLayer(param)
{
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) => top[0].ReshapeLike(bottom[0]);

    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Span<float> y = top[0].Data;
        ReadOnlySpan<float> x = bottom[0].Data;
        for (int i = 0; i < y.Length; i++) y[i] = 10 * x[i];
    }

    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        Span<float> dx = bottom[0].Diff;
        ReadOnlySpan<float> dy = top[0].Diff;
        for (int i = 0; i < dx.Length; i++) dx[i] = 10 * dy[i];
    }
}

/// <summary>pycaffe's ExceptionLayer: its setup raises.</summary>
[PythonLayer("test_python_layer", "ExceptionLayer")]
internal sealed class ThrowingSetupLayer(LayerParameter param) : PythonLayer(param)
{
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) =>
        throw new InvalidOperationException("setup raised on purpose");
}

/// <summary>pycaffe's ParameterLayer: one parameter blob, set to 0 in setup; backward writes 1 into its diff.</summary>
[PythonLayer("test_python_layer", "ParameterLayer")]
internal sealed class OneParameterLayer(LayerParameter param) : PythonLayer(param)
{
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Blobs.Add(new Blob(1));
        Blobs[0].Data[0] = 0;
    }

    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) => top[0].ReshapeLike(bottom[0]);

    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) { }

    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom) =>
        Blobs[0].Diff[0] = 1;
}

/// <summary>pycaffe's PhaseLayer: a scalar top holding the phase.</summary>
[PythonLayer("test_python_layer", "PhaseLayer")]
internal sealed class PhaseTopLayer(LayerParameter param) : PythonLayer(param)
{
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) => top[0].Reshape();

    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) => top[0].Data[0] = (int)Phase;
}

/// <summary>
/// pycaffe's test_python_layer_with_param_str.SimpleParamLayer: multiplies by the number in param_str. It derives
/// <see cref="Layer"/> directly and is registered explicitly, to cover the other mechanism.
/// </summary>
internal sealed class ParamStrLayer(LayerParameter param) : Layer(param)
{
    private float _value;

    public static readonly Lazy<bool> Registration = new(() =>
    {
        LayerRegistry.RegisterPython("test_python_layer_with_param_str", "SimpleParamLayer", p => new ParamStrLayer(p));
        return true;
    });

    public override string Type => "Python";

    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (!float.TryParse(Param.PythonParam.ParamStr, NumberStyles.Float, CultureInfo.InvariantCulture, out _value))
            throw new ArgumentException("Parameter string must be a legible float");
    }

    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) => top[0].ReshapeLike(bottom[0]);

    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        for (int i = 0; i < top[0].Count; i++) top[0].Data[i] = _value * bottom[0].Data[i];
    }

    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        for (int i = 0; i < bottom[0].Count; i++) bottom[0].Diff[i] = _value * top[0].Diff[i];
    }
}

/// <summary>
/// pycaffe's python/caffe/test/test_python_layer.py and test_python_layer_with_param_str.py, case by case, with the
/// Python classes written in C# and found by (module, layer).
/// </summary>
[TestClass]
public sealed class PythonLayerTests
{
    private const string ChainNet = """
        name: 'pythonnet' force_backward: true
        input: 'data' input_shape { dim: 10 dim: 9 dim: 8 }
        layer { type: 'Python' name: 'one' bottom: 'data' top: 'one'
          python_param { module: 'test_python_layer' layer: 'SimpleLayer' } }
        layer { type: 'Python' name: 'two' bottom: 'one' top: 'two'
          python_param { module: 'test_python_layer' layer: 'SimpleLayer' } }
        layer { type: 'Python' name: 'three' bottom: 'two' top: 'three'
          python_param { module: 'test_python_layer' layer: 'SimpleLayer' } }
        """;

    private const string ParameterNet = """
        name: 'pythonnet' force_backward: true
        input: 'data' input_shape { dim: 10 dim: 9 dim: 8 }
        layer { type: 'Python' name: 'layer' bottom: 'data' top: 'top'
          python_param { module: 'test_python_layer' layer: 'ParameterLayer' } }
        """;

    private const string ParamStrNet = """
        name: 'pythonnet' force_backward: true
        input: 'data' input_shape { dim: 10 dim: 9 dim: 8 }
        layer { type: 'Python' name: 'mul10' bottom: 'data' top: 'mul10'
          python_param { module: 'test_python_layer_with_param_str'
                layer: 'SimpleParamLayer' param_str: '10' } }
        layer { type: 'Python' name: 'mul2' bottom: 'mul10' top: 'mul2'
          python_param { module: 'test_python_layer_with_param_str'
                layer: 'SimpleParamLayer' param_str: '2' } }
        """;

    [TestMethod]
    public void ForwardMultipliesThroughTheChain()
    {
        using var file = new TempPrototxt(ChainNet);
        var net = new Net(file.Path, Phase.Train);
        Assert.IsInstanceOfType<TenTimesLayer>(net.LayerDict["one"]);
        Assert.AreEqual("Python", net.LayerDict["one"].Type);
        net.Blobs["data"].Data.Fill(8);
        net.Forward();
        foreach (float y in net.Blobs["three"].Data.ToArray()) Assert.AreEqual(1000f * 8, y);
    }

    [TestMethod]
    public void BackwardMultipliesThroughTheChain()
    {
        using var file = new TempPrototxt(ChainNet);
        var net = new Net(file.Path, Phase.Train);
        net.Blobs["three"].Diff.Fill(7);
        net.Backward();
        foreach (float y in net.Blobs["data"].Diff.ToArray()) Assert.AreEqual(1000f * 7, y);
    }

    [TestMethod]
    public void ReshapePropagatesThroughTheChain()
    {
        using var file = new TempPrototxt(ChainNet);
        var net = new Net(file.Path, Phase.Train);
        net.Blobs["data"].Reshape(4, 4, 4, 4);
        net.Forward();
        foreach ((string name, Blob blob) in net.Blobs)
            CollectionAssert.AreEqual(new[] { 4, 4, 4, 4 }, blob.Shape.ToArray(), name);
    }

    [TestMethod]
    public void ExceptionInSetupSurfacesFromTheConstructorWithLayerAndLine()
    {
        using var file = new TempPrototxt("""
            name: 'pythonnet' force_backward: true
            input: 'data' input_shape { dim: 10 dim: 9 dim: 8 }
            layer { type: 'Python' name: 'layer' bottom: 'data' top: 'top'
              python_param { module: 'test_python_layer' layer: 'ExceptionLayer' } }
            """);
        var e = Assert.ThrowsExactly<LayerException>(() => new Net(file.Path, Phase.Test));
        Assert.AreEqual("layer", e.LayerName);
        Assert.IsInstanceOfType<InvalidOperationException>(e.InnerException);
        Assert.AreEqual(new SourceLocation(file.Path, 3, 1), e.Location);
        StringAssert.StartsWith(e.Message, $"{file.Path}:3: Layer 'layer' (Python): setup failed");
        StringAssert.Contains(e.Message, "setup raised on purpose");
    }

    [TestMethod]
    public void ParametersAreSavedLoadedAndShared()
    {
        using var file = new TempPrototxt(ParameterNet);
        var net = new Net(file.Path, Phase.Train);
        net.Forward();
        net.Backward();
        Layer layer = net.Layers[net.LayerNames.ToList().IndexOf("layer")];
        Assert.AreEqual(0f, layer.Blobs[0].Data[0]);
        Assert.AreEqual(1f, layer.Blobs[0].Diff[0]);
        layer.Blobs[0].Data[0] += layer.Blobs[0].Diff[0];
        Assert.AreEqual(1f, layer.Blobs[0].Data[0]);

        string caffemodel = Path.Combine(Path.GetTempPath(), $"python_param_{Guid.NewGuid():N}.caffemodel");
        try
        {
            net.Save(caffemodel);
            layer.Blobs[0].Data[0] = -1;
            Assert.AreEqual(-1f, layer.Blobs[0].Data[0]);
            net.CopyFrom(caffemodel);
            Assert.AreEqual(1f, layer.Blobs[0].Data[0]);
        }
        finally
        {
            File.Delete(caffemodel);
        }

        var net2 = new Net(file.Path, Phase.Train);
        net2.ShareWith(net);
        Assert.AreEqual(1f, net2.LayerDict["layer"].Blobs[0].Data[0]);
    }

    [TestMethod]
    public void NamedParametersAreSharedBetweenPythonLayers()
    {
        using var file = new TempPrototxt("""
            name: 'pythonnet' force_backward: true
            input: 'data' input_shape { dim: 10 dim: 9 dim: 8 }
            layer { type: 'Python' name: 'a' bottom: 'data' top: 'a' param { name: 'shared' }
              python_param { module: 'test_python_layer' layer: 'ParameterLayer' } }
            layer { type: 'Python' name: 'b' bottom: 'a' top: 'b' param { name: 'shared' }
              python_param { module: 'test_python_layer' layer: 'ParameterLayer' } }
            """);
        var net = new Net(file.Path, Phase.Train);
        Blob a = net.LayerDict["a"].Blobs[0], b = net.LayerDict["b"].Blobs[0];
        Assert.IsTrue(b.SharesDataWith(a) && b.SharesDiffWith(a));
        Assert.HasCount(1, net.LearnableParams);
        a.Data[0] = 5;
        Assert.AreEqual(5f, b.Data[0]);
    }

    [TestMethod]
    public void LayerSeesThePhase()
    {
        using var file = new TempPrototxt("""
            name: 'pythonnet' force_backward: true
            layer { type: 'Python' name: 'layer' top: 'phase'
              python_param { module: 'test_python_layer' layer: 'PhaseLayer' } }
            """);
        foreach (Phase phase in new[] { Phase.Train, Phase.Test })
        {
            var net = new Net(file.Path, phase);
            Assert.AreEqual((float)(int)phase, net.Forward()["phase"].Data[0], phase.ToString());
            Assert.AreEqual(0, net.Blobs["phase"].NumAxes);
        }
    }

    [TestMethod]
    public void ParamStrForward()
    {
        _ = ParamStrLayer.Registration.Value;
        using var file = new TempPrototxt(ParamStrNet);
        var net = new Net(file.Path, Phase.Train);
        net.Blobs["data"].Data.Fill(8);
        net.Forward();
        foreach (float y in net.Blobs["mul2"].Data.ToArray()) Assert.AreEqual(2f * 10 * 8, y);
    }

    [TestMethod]
    public void ParamStrBackward()
    {
        _ = ParamStrLayer.Registration.Value;
        using var file = new TempPrototxt(ParamStrNet);
        var net = new Net(file.Path, Phase.Train);
        net.Blobs["mul2"].Diff.Fill(7);
        net.Backward();
        foreach (float y in net.Blobs["data"].Diff.ToArray()) Assert.AreEqual(2f * 10 * 7, y);
    }

    [TestMethod]
    public void PythonLayerBaseExposesParamStrAndNames()
    {
        var layer = (PythonLayer)LayerRegistry.CreateLayer(LayerTesting.Param(
            "name: 'x' type: 'Python' python_param { module: 'test_python_layer' layer: 'SimpleLayer' param_str: 'a=1' }"));
        Assert.AreEqual("a=1", layer.ParamStr);
        Assert.AreEqual("test_python_layer", layer.Module);
        Assert.AreEqual("SimpleLayer", layer.LayerClass);
        Assert.IsTrue(LayerRegistry.IsPythonRegistered("test_python_layer", "PhaseLayer"));
        Assert.IsFalse(LayerRegistry.IsPythonRegistered("test_python_layer", "phaselayer"), "names match exactly");
        CollectionAssert.IsSubsetOf(new[] { "test_python_layer.ExceptionLayer", "test_python_layer.SimpleLayer" },
            LayerRegistry.PythonLayerList.ToList());
        CollectionAssert.Contains(LayerRegistry.TypeList.ToList(), "Python");
    }

    [TestMethod]
    public void RegisteringAPairTwiceIsAnError()
    {
        _ = ParamStrLayer.Registration.Value;
        Assert.ThrowsExactly<ArgumentException>(() =>
            LayerRegistry.RegisterPython("test_python_layer_with_param_str", "SimpleParamLayer", p => new ParamStrLayer(p)));
    }
}
