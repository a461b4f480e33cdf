namespace Caffe.Tests.Layers;

/// <summary>LSTM and RNN layers inside a <see cref="Net"/> built from a prototxt: gradients, weights files, sharing, debug_info.</summary>
[TestClass]
public sealed class RecurrentNetTests
{
    // A 2-step sequence of 3 streams with 5 features; the LSTM's 4 outputs regress onto a target.
    private const string Prototxt = """
        name: 'lstm_net'
        force_backward: true
        layer { name: 'input' type: 'Input' top: 'x' top: 'cont' top: 'target'
                input_param { shape { dim: 2 dim: 3 dim: 5 } shape { dim: 2 dim: 3 } shape { dim: 2 dim: 3 dim: 4 } } }
        layer { name: 'lstm1' type: 'LSTM' bottom: 'x' bottom: 'cont' top: 'h'
                recurrent_param { num_output: 4 weight_filler { type: 'uniform' min: -0.5 max: 0.5 }
                                  bias_filler { type: 'constant' value: 0.1 } DEBUG } }
        layer { name: 'loss' type: 'EuclideanLoss' bottom: 'h' bottom: 'target' top: 'loss' }
        """;

    private string _dir = null!;

    [TestInitialize]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("caffe-recurrent-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private static Net NewNet(int seed, bool debugInfo = false)
    {
        Rng.SetRandomSeed(seed);
        var net = new Net(TextFormat.Parse<NetParameter>(Prototxt.Replace("DEBUG", debugInfo ? "debug_info: true" : "")));
        Rng.FillGaussian(net.Blobs["x"].Data, 0, 1);
        new float[] { 0, 0, 0, 1, 1, 1 }.CopyTo(net.Blobs["cont"].Data);
        Rng.FillUniform(net.Blobs["target"].Data, -0.5f, 0.5f);
        return net;
    }

    [TestMethod]
    public void ParamsAreTheLstmsThreeBlobs()
    {
        Net net = NewNet(1701);
        IReadOnlyList<Blob> lstm = net.Params["lstm1"];
        Assert.AreEqual(3, lstm.Count);
        CollectionAssert.AreEqual(new[] { 16, 5 }, lstm[0].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 16 }, lstm[1].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 16, 4 }, lstm[2].Shape.ToArray());
        Assert.IsTrue(lstm[1].Data.ToArray().All(v => v == 0.1f));
        CollectionAssert.AreEqual(new[] { 2, 3, 4 }, net.Blobs["h"].Shape.ToArray());
        // force_backward reaches x, but never the continuation indicators.
        CollectionAssert.AreEqual(new[] { true, false }, net.BottomNeedBackward[net.LayerIndex("lstm1")].ToArray());
    }

    [TestMethod]
    public void ForwardBackwardMatchesFiniteDifferencesOfTheNetLoss()
    {
        Net net = NewNet(1701);
        float loss = net.ForwardLoss();
        Blob h = net.Blobs["h"], target = net.Blobs["target"];
        double expected = 0;
        for (int i = 0; i < h.Count; i++) expected += Math.Pow(h.Data[i] - target.Data[i], 2);
        Assert.AreEqual(expected / (2 * 2), loss, 1e-5);

        net.ClearParamDiffs();
        net.Backward();
        Blob[] checkedBlobs = [net.Blobs["x"], .. net.Params["lstm1"]];
        float[][] analytic = [.. checkedBlobs.Select(b => b.Diff.ToArray())];
        const float step = 1e-2f;
        for (int b = 0; b < checkedBlobs.Length; b++)
        {
            Span<float> data = checkedBlobs[b].Data;
            for (int i = 0; i < data.Length; i++)
            {
                float original = data[i];
                checkedBlobs[b].Data[i] = original + step;
                double plus = net.ForwardLoss();
                checkedBlobs[b].Data[i] = original - step;
                double minus = net.ForwardLoss();
                checkedBlobs[b].Data[i] = original;
                double numeric = (plus - minus) / (2 * step);
                double scale = Math.Max(1, Math.Max(Math.Abs(numeric), Math.Abs(analytic[b][i])));
                Assert.AreEqual(numeric, analytic[b][i], 1e-3 * scale, $"blob {b} element {i}");
            }
        }
    }

    [TestMethod]
    public void ParameterDiffsAccumulateAndInputDiffsAreOverwritten()
    {
        Net net = NewNet(1701);
        net.ForwardLoss();
        net.ClearParamDiffs();
        net.Backward();
        float[] weightDiff = net.Params["lstm1"][2].Diff.ToArray();
        float[] inputDiff = net.Blobs["x"].Diff.ToArray();
        Assert.IsTrue(weightDiff.Any(v => v != 0));
        net.Backward();
        for (int i = 0; i < weightDiff.Length; i++)
            Assert.AreEqual(2 * weightDiff[i], net.Params["lstm1"][2].Diff[i], 1e-6f * Math.Max(1, Math.Abs(weightDiff[i])));
        CollectionAssert.AreEqual(inputDiff, net.Blobs["x"].Diff.ToArray());
    }

    [TestMethod]
    public void SaveAndCopyFromRoundTripTheParameters()
    {
        Net trained = NewNet(1);
        trained.ForwardLoss();
        float[] output = trained.Blobs["h"].Data.ToArray();
        foreach (string file in new[] { "lstm.caffemodel", "lstm.caffemodel.h5" })
        {
            string path = Path.Combine(_dir, file);
            if (file.EndsWith(".h5", StringComparison.Ordinal)) trained.SaveHdf5(path);
            else trained.Save(path);

            Net other = NewNet(2);
            trained.Blobs["x"].Data.CopyTo(other.Blobs["x"].Data);
            other.ForwardLoss();
            CollectionAssert.AreNotEqual(output, other.Blobs["h"].Data.ToArray(), "different seeds, different weights");
            other.CopyFrom(path);
            for (int i = 0; i < 3; i++)
                CollectionAssert.AreEqual(trained.Params["lstm1"][i].Data.ToArray(), other.Params["lstm1"][i].Data.ToArray(), $"{file} param {i}");
            other.ForwardLoss();
            CollectionAssert.AreEqual(output, other.Blobs["h"].Data.ToArray(), file);
        }
    }

    [TestMethod]
    public void WeightsSharedByNameReachEveryTimestep()
    {
        const string shared = """
            layer { name: 'input' type: 'Input' top: 'x' top: 'cont' input_param { shape { dim: 3 dim: 2 dim: 4 } shape { dim: 3 dim: 2 } } }
            layer { name: 'a' type: 'RNN' bottom: 'x' bottom: 'cont' top: 'oa'
                    param { name: 'wxh' } param { name: 'bh' } param { name: 'whh' } param { name: 'who' } param { name: 'bo' }
                    recurrent_param { num_output: 3 weight_filler { type: 'gaussian' std: 0.5 } bias_filler { type: 'gaussian' std: 0.5 } } }
            layer { name: 'b' type: 'RNN' bottom: 'x' bottom: 'cont' top: 'ob'
                    param { name: 'wxh' } param { name: 'bh' } param { name: 'whh' } param { name: 'who' } param { name: 'bo' }
                    recurrent_param { num_output: 3 weight_filler { type: 'gaussian' std: 0.5 } bias_filler { type: 'gaussian' std: 0.5 } } }
            """;
        Rng.SetRandomSeed(1701);
        var net = new Net(TextFormat.Parse<NetParameter>(shared));
        Rng.FillGaussian(net.Blobs["x"].Data, 0, 1);
        new float[] { 0, 0, 1, 1, 1, 1 }.CopyTo(net.Blobs["cont"].Data);
        net.ForwardLoss();
        Assert.IsTrue(net.Params["b"][2].SharesDataWith(net.Params["a"][2]));
        CollectionAssert.AreEqual(net.Blobs["oa"].Data.ToArray(), net.Blobs["ob"].Data.ToArray());
    }

    [TestMethod]
    public void DebugInfoLogsTheUnrolledNet()
    {
        var lines = new List<string>();
        Net net = NewNet(1701, debugInfo: true);
        using (CaffeLog.Redirect((_, line) => lines.Add(line), LogSeverity.Info))
        {
            net.ForwardLoss();
            net.Backward();
        }
        Assert.IsTrue(lines.Any(l => l.StartsWith("    [Forward] Input x data: ", StringComparison.Ordinal)), string.Join("\n", lines));
        Assert.IsTrue(lines.Any(l => l.StartsWith("    [Forward] Layer lstm1_unit_2, top blob h_2 data: ", StringComparison.Ordinal)));
        Assert.IsTrue(lines.Any(l => l.StartsWith("    [Forward] Layer lstm1_x_transform, param blob W_xc data: ", StringComparison.Ordinal)));
        Assert.IsTrue(lines.Any(l => l.StartsWith("    [Backward] Layer lstm1_x_transform, bottom blob x diff: ", StringComparison.Ordinal)));
        Assert.IsTrue(lines.Any(l => l.StartsWith("    [Backward] Layer lstm1_transform_1, param blob 0 diff: ", StringComparison.Ordinal)));
        // The outer net has no debug_info: nothing about its own layers.
        Assert.IsFalse(lines.Any(l => l.Contains("Layer loss", StringComparison.Ordinal)));

        Net quiet = NewNet(1701);
        lines.Clear();
        using (CaffeLog.Redirect((_, line) => lines.Add(line), LogSeverity.Info))
        {
            quiet.ForwardLoss();
            quiet.Backward();
        }
        Assert.IsFalse(lines.Any(l => l.Contains("[Forward]", StringComparison.Ordinal)));
    }
}
