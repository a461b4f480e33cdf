using System.CommandLine;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe upgrade_solver_proto_text IN OUT</c>: Caffe's <c>tools/upgrade_solver_proto_text</c>. Reads a solver
/// prototxt, turns a deprecated <c>solver_type</c> enum into the <c>type</c> string and writes it atomically.
/// </summary>
internal static class UpgradeSolverProtoTextCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The solver prototxt to upgrade." };
        var output = new Argument<string>("output") { Description = "Where to write the upgraded prototxt (may be the input)." };
        var command = new Command("upgrade_solver_proto_text", "Upgrade a solver prototxt to the current format.")
        {
            input,
            output,
        };
        command.SetAction(result => Run(result.GetRequiredValue(input), result.GetRequiredValue(output)));
        return command;
    }

    public static int Run(string inputPath, string outputPath)
    {
        SolverParameter solver = TextFormat.ParseFile<SolverParameter>(inputPath);
        if (SolverUpgrader.SolverNeedsTypeUpgrade(solver))
            SolverUpgrader.UpgradeSolverAsNeeded(solver, inputPath);
        else
            CaffeLog.Info($"File already in latest proto format: {inputPath}");
        ProtoIO.WriteProtoToTextFile(solver, outputPath);
        CaffeLog.Info($"Wrote upgraded SolverParameter text proto to {outputPath}");
        return 0;
    }
}
