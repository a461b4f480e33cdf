using System.CommandLine;

namespace Caffe.Cli.Commands;

/// <summary>The options BVLC's <c>caffe</c> actions share (<c>-model</c>, <c>-weights</c>, <c>-phase</c>, <c>-level</c>, <c>-stage</c>), in every gflags spelling.</summary>
internal sealed class NetOptions
{
    public Option<string> Model { get; } = new("--model", "-model") { Description = "The model definition protocol buffer text file." };

    public Option<string?> Weights { get; } = new("--weights", "-weights")
    {
        Description = "Trained weights to copy in (.caffemodel or .h5; several separated by commas).",
    };

    public Option<string?> Phase { get; } = new("--phase", "-phase") { Description = "TRAIN or TEST." };

    public Option<int> Level { get; } = new("--level", "-level") { Description = "The net state level." };

    public Option<string?> Stage { get; } = new("--stage", "-stage") { Description = "Net state stages, separated by commas." };

    /// <summary>Adds the options to <paramref name="command"/>; without <paramref name="withPhase"/>, the phase is the command's own.</summary>
    public void AddTo(Command command, bool withPhase = true)
    {
        command.Add(Model);
        command.Add(Weights);
        if (withPhase) command.Add(Phase);
        command.Add(Level);
        command.Add(Stage);
    }

    /// <summary>
    /// Builds the net the options describe; <paramref name="defaultPhase"/> applies when -phase is absent or not an
    /// option of the command.
    /// </summary>
    public Net CreateNet(ParseResult result, Caffe.Phase defaultPhase)
    {
        string model = result.GetValue(Model) ?? throw new ArgumentException("Need a model definition (-model) to run.");
        Caffe.Phase phase = result.CommandResult.Command.Options.Contains(Phase)
            ? ParsePhase(result.GetValue(Phase), defaultPhase)
            : defaultPhase;
        string[] stages = (result.GetValue(Stage) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var net = new Net(model, phase, result.GetValue(Level), stages);
        foreach (string weights in (result.GetValue(Weights) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            CaffeLog.Info($"Copying weights from {weights}");
            net.CopyFrom(weights);
        }
        return net;
    }

    /// <summary>Parses TRAIN/TEST as Caffe's tool does (case-sensitive upper case, as gflags values are).</summary>
    public static Caffe.Phase ParsePhase(string? value, Caffe.Phase defaultPhase) => value switch
    {
        null or "" => defaultPhase,
        "TRAIN" => Caffe.Phase.Train,
        "TEST" => Caffe.Phase.Test,
        _ => throw new ArgumentException($"phase must be \"TRAIN\" or \"TEST\", not \"{value}\"."),
    };
}
