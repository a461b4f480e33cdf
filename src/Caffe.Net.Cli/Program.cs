using System.CommandLine;
using Caffe.Cli.Commands;

namespace Caffe.Cli;

/// <summary>
/// The <c>caffe</c> command-line tool: Caffe's <c>caffe</c> actions and its <c>tools/</c> programs as subcommands
/// (<c>caffe upgrade_net_proto_text IN OUT</c>). Log lines go to standard error in glog's format (INFO and up,
/// or from <c>GLOG_minloglevel</c>); a failure prints one line <c>caffe: error: ...</c> and exits with 1.
/// </summary>
public static class Program
{
    /// <summary>
    /// Every subcommand, in the order <c>--help</c> lists them. To add one, write
    /// <c>Commands/&lt;Name&gt;Command.cs</c> with a <c>Create()</c> returning its <see cref="Command"/> and append it
    /// here. Actions print results to <c>parseResult.InvocationConfiguration.Output</c>, log with
    /// <see cref="CaffeLog"/>, and report failures by throwing (see <see cref="IsUserError"/>).
    /// </summary>
    private static readonly Func<Command>[] Commands =
    [
        TrainCommand.Create,
        TestCommand.Create,
        DeviceQueryCommand.Create,
        UpgradeNetProtoTextCommand.Create,
        UpgradeNetProtoBinaryCommand.Create,
        UpgradeSolverProtoTextCommand.Create,
        TimeCommand.Create,
        InspectCommand.Create,
        DrawNetCommand.Create,
        ExtractFeaturesCommand.Create,
        ConvertImagesetCommand.Create,
        ComputeImageMeanCommand.Create,
        ConvertMnistDataCommand.Create,
        ConvertMnistSiameseDataCommand.Create,
    ];

    /// <summary>Entry point of the <c>caffe</c> executable.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// Runs the tool with <paramref name="args"/> (without the program name), writing results to
    /// <paramref name="stdout"/> and log lines and errors to <paramref name="stderr"/>; returns the exit code.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = new RootCommand("caffe: train, test and inspect Caffe models (Caffe.Net).");
        foreach (Func<Command> create in Commands) root.Add(create());

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command == root ? "caffe" : $"caffe {parsed.CommandResult.Command.Name}";
            stderr.WriteLine($"caffe: error: {string.Join(" ", parsed.Errors.Select(e => e.Message))} (see '{command} --help')");
            return 1;
        }

        using IDisposable log = CaffeLog.Redirect((severity, message) => stderr.WriteLine(CaffeLog.FormatLine(severity, message)),
                                                  MinLogSeverity());
        try
        {
            return parsed.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (Exception e) when (IsUserError(e))
        {
            stderr.WriteLine($"caffe: error: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Failures caused by the user's files or arguments, reported as one line; anything else is a bug in
    /// Caffe.Net and keeps its stack trace.
    /// </summary>
    private static bool IsUserError(Exception e) =>
        e is CaffeException or FormatException or IOException or UnauthorizedAccessException
        || (e is ArgumentException && e is not ArgumentNullException);

    internal static LogSeverity MinLogSeverity()
    {
        // Caffe's tools log INFO to stderr unless glog is told otherwise.
        string? level = Environment.GetEnvironmentVariable("GLOG_minloglevel");
        return int.TryParse(level, out int value) ? (LogSeverity)Math.Clamp(value, 0, 2) : LogSeverity.Info;
    }
}
