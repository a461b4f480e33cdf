namespace Caffe.Tests.Core;

/// <summary>The <c>debug_info</c> lines of Caffe's Net: inputs, tops and params in forward, bottom and param diffs in backward.</summary>
[TestClass]
public sealed class NetDebugInfoTests
{
    [TestMethod]
    public void ForwardAndBackwardLogMeanAbsoluteValues()
    {
        var net = new Net(TextFormat.Parse<NetParameter>("""
            debug_info: true
            force_backward: true
            layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 2 dim: 2 } } }
            layer { name: 'scale' type: 'Scale' bottom: 'data' top: 'scaled' scale_param { filler { type: 'constant' value: 3 } } }
            layer { name: 'loss' type: 'Reduction' bottom: 'scaled' top: 'loss' loss_weight: 1 }
            """));
        Assert.IsTrue(net.DebugInfo);
        new float[] { 1, -2, 3, -4 }.CopyTo(net.Blobs["data"].Data);
        var lines = new List<(LogSeverity Severity, string Text)>();
        using (CaffeLog.Redirect((severity, line) => lines.Add((severity, line)), LogSeverity.Info))
        {
            net.ForwardBackward();
        }
        string[] expected =
        [
            "    [Forward] Input data data: 2.5",
            "    [Forward] Layer data, top blob data data: 2.5",
            "    [Forward] Layer scale, top blob scaled data: 7.5",
            "    [Forward] Layer scale, param blob 0 data: 3",
            "    [Forward] Layer loss, top blob loss data: 6",
            "    [Backward] Layer loss, bottom blob scaled diff: 1",
            "    [Backward] Layer scale, bottom blob data diff: 3",
            "    [Backward] Layer scale, param blob 0 diff: 5",
            "    [Backward] All net params (data, diff): L1 norm = (6, 10); L2 norm = (4.24264, 7.2111)",
        ];
        CollectionAssert.AreEqual(expected, lines.Select(l => l.Text).ToArray());
        Assert.AreEqual(LogSeverity.Error, lines[^1].Severity);
    }
}
