using System.CommandLine;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe draw_net NET.prototxt OUT.png [--rankdir LR] [--phase TRAIN|TEST|ALL] [--display_lrm]</c>: pycaffe's
/// <c>python/draw_net.py</c>. The image format is the output's extension (png, svg, pdf, ... through Graphviz's
/// <c>dot</c>; <c>.dot</c> writes the graph text). Old-format nets are upgraded first, so V1 nets draw too.
/// </summary>
internal static class DrawNetCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input_net_proto_file") { Description = "Input network prototxt file." };
        var output = new Argument<string>("output_image_file") { Description = "Output image file (.png, .svg, .pdf, .dot, ...)." };
        var rankdir = new Option<string>("--rankdir", "-rankdir")
        {
            Description = "Graph direction: LR (left-right), TB (top-bottom), BT or RL.",
            DefaultValueFactory = _ => "LR",
        };
        var phase = new Option<string>("--phase", "-phase")
        {
            Description = "Which layers to draw: TRAIN, TEST or ALL.",
            DefaultValueFactory = _ => "ALL",
        };
        var displayLrm = new Option<bool>("--display_lrm", "-display_lrm")
        {
            Description = "Show the learning rate multipliers of Convolution, Deconvolution and InnerProduct layers.",
        };
        var command = new Command("draw_net", "Draw a graph of the net architecture.") { input, output, rankdir, phase, displayLrm };
        command.SetAction(result => Run(result.GetRequiredValue(input), result.GetRequiredValue(output), result.GetRequiredValue(rankdir),
                                        result.GetRequiredValue(phase), result.GetValue(displayLrm), result.InvocationConfiguration.Output));
        return command;
    }

    public static int Run(string inputPath, string outputPath, string rankdir, string phase, bool displayLrm, TextWriter stdout)
    {
        Phase? filter = phase.ToUpperInvariant() switch
        {
            "TRAIN" => Phase.Train,
            "TEST" => Phase.Test,
            "ALL" => null,
            _ => throw new ArgumentException($"--phase must be TRAIN, TEST or ALL, got '{phase}'."),
        };
        NetParameter net = ProtoIO.ReadNetParamsFromTextFile(inputPath);
        stdout.WriteLine($"Drawing net to {outputPath}");
        NetDrawer.DrawNetToFile(net, outputPath, rankdir, filter, displayLrm);
        return 0;
    }
}
