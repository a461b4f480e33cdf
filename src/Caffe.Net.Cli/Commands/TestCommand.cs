using System.CommandLine;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe test -model M -weights W [-iterations N] [-level L] [-stage S]</c>: BVLC's test action. Builds the net in
/// the TEST phase, runs N forward passes and logs, as Caffe does (glog INFO lines on standard error), every output
/// element of every batch (<c>Batch i, accuracy = 0.9</c>), the mean loss (<c>Loss: x</c>) and the mean of each
/// output element (<c>loss = 0.3 (* 1 = 0.3 loss)</c> for a loss).
/// </summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var options = new NetOptions();
        var iterations = new Option<int>("--iterations", "-iterations")
        {
            Description = "The number of batches to score.",
            DefaultValueFactory = _ => 50,
        };
        var command = new Command("test", "Score a model: run it in the TEST phase and average its outputs.");
        options.AddTo(command, withPhase: false);
        command.Add(iterations);
        command.SetAction(result =>
        {
            if (string.IsNullOrEmpty(result.GetValue(options.Model))) throw new ArgumentException("Need a model definition to score (-model).");
            if (string.IsNullOrEmpty(result.GetValue(options.Weights))) throw new ArgumentException("Need model weights to score (-weights).");
            int count = result.GetValue(iterations);
            if (count < 1) throw new ArgumentException($"-iterations must be at least 1, got {count}.");
            CaffeLog.Info("Use CPU.");
            Net net = options.CreateNet(result, Phase.Test);
            return Run(net, count);
        });
        return command;
    }

    public static int Run(Net net, int iterations)
    {
        CaffeLog.Info($"Running for {iterations} iterations.");
        // Float sums, as Caffe's: the printed means then match its digits.
        var sums = new OutputSums();
        float loss = 0;
        for (int i = 0; i < iterations; i++)
        {
            loss += net.ForwardLoss();
            sums.Add(net, (name, score) => CaffeLog.Info($"Batch {i}, {name} = {Solver.G(score)}"));
        }
        CaffeLog.Info($"Loss: {Solver.G(loss / iterations)}");
        foreach (TestScore score in sums.Means(net, iterations)) CaffeLog.Info(score.ToString());
        return 0;
    }
}
