using System.CommandLine;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe upgrade_net_proto_binary IN OUT</c>: Caffe's <c>tools/upgrade_net_proto_binary</c>. Reads a binary net
/// (a .caffemodel), upgrades its definition (V0/V1 layers, input fields, ...) keeping the weights as they are, and
/// writes it atomically.
/// </summary>
internal static class UpgradeNetProtoBinaryCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The .caffemodel to upgrade." };
        var output = new Argument<string>("output") { Description = "Where to write the upgraded .caffemodel (may be the input)." };
        var command = new Command("upgrade_net_proto_binary", "Upgrade a binary net (.caffemodel) to the current format.")
        {
            input,
            output,
        };
        command.SetAction(result => Run(result.GetRequiredValue(input), result.GetRequiredValue(output)));
        return command;
    }

    public static int Run(string inputPath, string outputPath)
    {
        NetParameter net = ProtoIO.ReadProtoFromBinaryFile(NetParameter.Parser, inputPath);
        if (NetUpgrader.NetNeedsUpgrade(net))
            NetUpgrader.UpgradeNetAsNeeded(net, inputPath);
        else
            CaffeLog.Info($"File already in latest proto format: {inputPath}");
        ProtoIO.WriteProtoToBinaryFile(net, outputPath);
        CaffeLog.Info($"Wrote upgraded NetParameter binary proto to {outputPath}");
        return 0;
    }
}
