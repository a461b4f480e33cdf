using System.CommandLine;
using System.Globalization;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe time -model X [-iterations N] [-phase TRAIN|TEST] [-weights W] [-level L] [-stage S]</c>: BVLC's
/// benchmark action. Prints per-layer forward and backward times and ends with Caffe's own summary lines
/// (<c>Average Forward pass: X ms.</c> …) as glog INFO lines on standard error, like Caffe, so scripts that
/// parse them keep working.
/// </summary>
internal static class TimeCommand
{
    public static Command Create()
    {
        var options = new NetOptions();
        var iterations = new Option<int>("--iterations", "-iterations")
        {
            Description = "The number of iterations to run.",
            DefaultValueFactory = _ => 50,
        };
        var command = new Command("time", "Benchmark the execution time of a model, layer by layer.");
        options.AddTo(command);
        command.Add(iterations);
        command.SetAction(result =>
        {
            Net net = options.CreateNet(result, Phase.Train);
            return Run(net, result.GetValue(iterations));
        });
        return command;
    }

    public static int Run(Net net, int iterations)
    {
        CaffeLog.Info($"BLAS: {Blas.Active.Name}");
        CaffeLog.Info("*** Benchmark begins ***");
        CaffeLog.Info($"Testing for {iterations} iterations.");
        NetTiming timing = NetTimer.Time(net, iterations,
            (j, ms) => CaffeLog.Info($"Iteration: {j + 1} forward-backward time: {Format(ms)} ms."));
        CaffeLog.Info("Average time per layer: ");
        foreach (LayerTiming layer in timing.Layers)
        {
            CaffeLog.Info($"{layer.Name,10}\tforward: {Format(layer.ForwardMs)} ms.");
            CaffeLog.Info($"{layer.Name,10}\tbackward: {Format(layer.BackwardMs)} ms.");
        }
        CaffeLog.Info($"Average Forward pass: {Format(timing.ForwardMs)} ms.");
        CaffeLog.Info($"Average Backward pass: {Format(timing.BackwardMs)} ms.");
        CaffeLog.Info($"Average Forward-Backward: {Format(timing.ForwardBackwardMs)} ms.");
        CaffeLog.Info($"Total Time: {Format(timing.TotalMs)} ms.");
        CaffeLog.Info("*** Benchmark ends ***");
        return 0;
    }

    private static string Format(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
}
