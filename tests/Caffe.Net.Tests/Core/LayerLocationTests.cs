namespace Caffe.Tests.Core;

/// <summary>A custom layer that forgets to shape its top (the base PythonLayer.Reshape does nothing).</summary>
[PythonLayer("faulty_layers", "NoReshape")]
internal sealed class NoReshapeLayer(LayerParameter param) : PythonLayer(param)
{
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) { }
}

/// <summary>A custom layer whose top drops the last axis: a shape the next layer may reject.</summary>
[PythonLayer("faulty_layers", "DropLastAxis")]
internal sealed class DropLastAxisLayer(LayerParameter param) : PythonLayer(param)
{
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) =>
        top[0].Reshape(bottom[0].Shape.Take(bottom[0].NumAxes - 1).ToArray());

    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) => top[0].Data.Fill(1);
}

/// <summary>A custom layer whose forward and backward throw.</summary>
[PythonLayer("faulty_layers", "Throws")]
internal sealed class ThrowingLayer(LayerParameter param) : PythonLayer(param)
{
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) => top[0].ReshapeLike(bottom[0]);

    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top) =>
        throw new InvalidOperationException("forward raised on purpose");
}

/// <summary>
/// Layer errors raised while a net is built from a prototxt file name the <c>file:line</c> of the layer's block:
/// failing, mis-shaping and unregistered custom layers, errors from the filter and split stages, V1 files and
/// upgraded <c>input:</c> fields; errors in forward and backward as well.
/// </summary>
[TestClass]
public sealed class LayerLocationTests
{
    [TestMethod]
    public void UnregisteredPythonLayerNamesLayerLineAndTheWayToRegister()
    {
        using var file = new TempPrototxt("""
            name: "n"
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }

            layer {
              name: "mystery"
              type: "Python"
              bottom: "data"
              top: "out"
              python_param { module: "no_such_module" layer: "Nope" }
            }
            """);
        var e = Assert.ThrowsExactly<LayerException>(() => new Net(file.Path, Phase.Test));
        Assert.AreEqual("mystery", e.LayerName);
        Assert.AreEqual(new SourceLocation(file.Path, 4, 1), e.Location);
        StringAssert.StartsWith(e.Message, $"{file.Path}:4: Layer 'mystery' (Python): no C# layer is registered for Python module 'no_such_module' layer 'Nope'");
        StringAssert.Contains(e.Message, "LayerRegistry.RegisterPython(\"no_such_module\", \"Nope\"");
        StringAssert.Contains(e.Message, "[PythonLayer(\"no_such_module\", \"Nope\")]");
        StringAssert.Contains(e.Message, "test_python_layer.SimpleLayer");
    }

    [TestMethod]
    public void PythonLayerWithoutPythonParamIsAnError()
    {
        using var file = new TempPrototxt("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
            layer { name: "bare" type: "Python" bottom: "data" top: "out" }
            """);
        var e = Assert.ThrowsExactly<LayerException>(() => new Net(file.Path, Phase.Test));
        StringAssert.StartsWith(e.Message, $"{file.Path}:2: Layer 'bare' (Python): a Python layer needs python_param");
    }

    [TestMethod]
    public void LayerThatDoesNotShapeItsTopIsNamed()
    {
        using var file = new TempPrototxt("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
            layer { name: "lazy" type: "Python" bottom: "data" top: "out"
                    python_param { module: "faulty_layers" layer: "NoReshape" } }
            layer { name: "relu" type: "ReLU" bottom: "out" top: "out" }
            """);
        var e = Assert.ThrowsExactly<LayerException>(() => new Net(file.Path, Phase.Test));
        Assert.AreEqual("lazy", e.LayerName);
        StringAssert.StartsWith(e.Message, $"{file.Path}:2: Layer 'lazy' (Python): did not shape its top 'out' (top 0) during setup");
    }

    [TestMethod]
    public void TopShapeTheNextLayerRejectsNamesThatLayerAndTheShapes()
    {
        using var file = new TempPrototxt("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 dim: 4 } } }
            layer { name: "drop" type: "Python" bottom: "data" top: "dropped"
                    python_param { module: "faulty_layers" layer: "DropLastAxis" } }
            layer { name: "sum" type: "Eltwise" bottom: "dropped" bottom: "data" top: "sum" }
            """);
        var e = Assert.ThrowsExactly<LayerException>(() => new Net(file.Path, Phase.Test));
        Assert.AreEqual("sum", e.LayerName);
        StringAssert.StartsWith(e.Message, $"{file.Path}:4: Layer 'sum' (Eltwise): all bottoms must have the same shape");
        StringAssert.Contains(e.Message, "2 3 (6)");
        StringAssert.Contains(e.Message, "2 3 4 (24)");
    }

    [TestMethod]
    public void ExceptionInForwardNamesLayerAndLine()
    {
        using var file = new TempPrototxt("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
            layer { name: "boom" type: "Python" bottom: "data" top: "out"
                    python_param { module: "faulty_layers" layer: "Throws" } }
            """);
        var net = new Net(file.Path, Phase.Test);
        var e = Assert.ThrowsExactly<LayerException>(() => net.Forward());
        Assert.IsInstanceOfType<InvalidOperationException>(e.InnerException);
        StringAssert.StartsWith(e.Message,
            $"{file.Path}:2: Layer 'boom' (Python): forward failed: InvalidOperationException: forward raised on purpose");
    }

    [TestMethod]
    public void MissingBackwardOfAPythonLayerNamesLayerAndLine()
    {
        using var file = new TempPrototxt("""
            force_backward: true
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
            layer { name: "drop" type: "Python" bottom: "data" top: "out"
                    python_param { module: "faulty_layers" layer: "DropLastAxis" } }
            """);
        var net = new Net(file.Path, Phase.Test);
        net.Forward();
        var e = Assert.ThrowsExactly<LayerException>(() => net.Backward());
        StringAssert.StartsWith(e.Message, $"{file.Path}:3: Layer 'drop' (Python): Python layer faulty_layers.DropLastAxis has no backward");
    }

    [TestMethod]
    public void BuiltInLayerErrorsNameTheLineToo()
    {
        using var file = new TempPrototxt("""
            name: "n"
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
            layer { name: "train_only" type: "ReLU" bottom: "data" top: "data" include { phase: TRAIN } }
            layer {
              name: "soft"
              type: "Softmax"
              bottom: "data"
              top: "prob"
              softmax_param { axis: 5 }
            }
            """);
        // The TRAIN-only layer is filtered out in TEST, so the Softmax is built layer 1 but written at line 4.
        var e = Assert.ThrowsExactly<LayerException>(() => new Net(file.Path, Phase.Test));
        Assert.AreEqual("soft", e.LayerName);
        Assert.AreEqual(4, e.Location!.Value.Line);
    }

    [TestMethod]
    public void UnknownBottomFoundBeforeSetupNamesTheLine()
    {
        using var file = new TempPrototxt("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
            layer { name: "relu" type: "ReLU" bottom: "nothing" top: "r" }
            """);
        var e = Assert.ThrowsExactly<LayerException>(() => new Net(file.Path, Phase.Test));
        StringAssert.StartsWith(e.Message, $"{file.Path}:2: Layer 'relu' (ReLU): unknown bottom blob 'nothing'");
    }

    [TestMethod]
    public void LayersAfterAutomaticSplitsKeepTheirLines()
    {
        using var file = new TempPrototxt("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
            layer { name: "a" type: "ReLU" bottom: "data" top: "a" }
            layer { name: "b" type: "ReLU" bottom: "data" top: "b" }
            layer { name: "sum" type: "Eltwise" bottom: "a" bottom: "b" top: "sum" eltwise_param { coeff: 1 } }
            """);
        var e = Assert.ThrowsExactly<LayerException>(() => new Net(file.Path, Phase.Test));
        Assert.AreEqual("sum", e.LayerName);
        Assert.AreEqual(4, e.Location!.Value.Line, e.Message);
    }

    [TestMethod]
    public void V1LayersAndInputFieldsAreTraced()
    {
        NetParameter param = ProtoIO.ReadNetParamsFromTextFile(TestData.Model("lenet_v1/lenet.prototxt"), out IReadOnlyList<SourceLocation?> locations);
        Assert.HasCount(param.Layer.Count, locations);
        Assert.AreEqual("Input", param.Layer[0].Type);
        Assert.IsNull(locations[0], "the Input layer made from input: fields has no block of its own");
        Assert.AreEqual("conv1", param.Layer[1].Name);
        Assert.AreEqual(new SourceLocation(TestData.Model("lenet_v1/lenet.prototxt"), 7, 1), locations[1]);
        for (int i = 1; i < locations.Count; i++) Assert.IsNotNull(locations[i], param.Layer[i].Name);
    }

    [TestMethod]
    public void SolverNetsReadFromFilesAreTraced()
    {
        const string badLayer = """
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
            layer { name: "relu" type: "ReLU" bottom: "nothing" top: "r" }
            """;
        using var good = new TempPrototxt("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
            """);
        using var bad = new TempPrototxt(badLayer);

        var train = Assert.ThrowsExactly<LayerException>(() =>
            Solver.Create(TextFormat.Parse<SolverParameter>($"net: '{bad.Path}' base_lr: 0.1 lr_policy: 'fixed'")));
        Assert.AreEqual(new SourceLocation(bad.Path, 2, 1), train.Location, train.Message);

        var test = Assert.ThrowsExactly<LayerException>(() => Solver.Create(TextFormat.Parse<SolverParameter>(
            $"train_net: '{good.Path}' test_net: '{bad.Path}' test_iter: 1 test_interval: 10 base_lr: 0.1 lr_policy: 'fixed'")));
        StringAssert.StartsWith(test.Message, $"{bad.Path}:2: Layer 'relu' (ReLU): unknown bottom blob");
    }

    [TestMethod]
    public void NetFromParametersHasNoLocation()
    {
        var param = TextFormat.Parse<NetParameter>("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
            layer { name: "relu" type: "ReLU" bottom: "nothing" top: "r" }
            """);
        var e = Assert.ThrowsExactly<LayerException>(() => new Net(param));
        Assert.IsNull(e.Location);
        StringAssert.StartsWith(e.Message, "Layer 'relu' (ReLU): unknown bottom blob");
    }
}
