using System.CommandLine;
using Caffe.Cli.Commands;

// The caffe tool: one subcommand per file under Commands/.
var root = new RootCommand("caffe: train, test and inspect Caffe models (Caffe.Net).")
{
    InspectCommand.Create(),
};
return root.Parse(args).Invoke();
