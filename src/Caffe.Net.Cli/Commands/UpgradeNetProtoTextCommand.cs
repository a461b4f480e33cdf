using System.CommandLine;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe upgrade_net_proto_text IN OUT</c>: Caffe's <c>tools/upgrade_net_proto_text</c>. Reads a net prototxt
/// in any old format (V0, V1, input fields, data-transformation fields, old BatchNorm params), upgrades it and
/// writes the current format atomically. A file already current is written unchanged in content.
/// </summary>
internal static class UpgradeNetProtoTextCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The net prototxt to upgrade." };
        var output = new Argument<string>("output") { Description = "Where to write the upgraded prototxt (may be the input)." };
        var command = new Command("upgrade_net_proto_text", "Upgrade a net prototxt to the current format.") { input, output };
        command.SetAction(result => Run(result.GetRequiredValue(input), result.GetRequiredValue(output)));
        return command;
    }

    public static int Run(string inputPath, string outputPath)
    {
        NetParameter net = TextFormat.ParseFile<NetParameter>(inputPath);
        if (NetUpgrader.NetNeedsUpgrade(net))
            NetUpgrader.UpgradeNetAsNeeded(net, inputPath);
        else
            CaffeLog.Info($"File already in latest proto format: {inputPath}");
        ProtoIO.WriteProtoToTextFile(net, outputPath);
        CaffeLog.Info($"Wrote upgraded NetParameter text proto to {outputPath}");
        return 0;
    }
}
