using System.CommandLine;

namespace Caffe.Cli.Commands;

/// <summary>
/// <c>caffe train -solver S [-weights W1,W2 | -snapshot STATE] [-level L] [-stage S1,S2] [-sigint_effect E]
/// [-sighup_effect E] [--plot loss.png]</c>: BVLC's train action. <c>-level</c>/<c>-stage</c> go into the solver's
/// <c>train_state</c>; <c>-snapshot</c> resumes from a solver state; <c>-weights</c> (not with <c>-snapshot</c>)
/// are copied into the train net and every test net. SIGINT (Ctrl-C) stops and SIGHUP snapshots by default; a stop
/// still writes the final snapshot (unless <c>snapshot_after_train: false</c>), each file atomically.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var solver = new Option<string?>("--solver", "-solver") { Description = "The solver definition protocol buffer text file." };
        var weights = new Option<string?>("--weights", "-weights")
        {
            Description = "Pretrained weights to initialize finetuning, separated by ','. Cannot be set simultaneously with snapshot.",
        };
        var snapshot = new Option<string?>("--snapshot", "-snapshot") { Description = "The snapshot solver state to resume training." };
        var level = new Option<int>("--level", "-level") { Description = "The train net's state level." };
        var stage = new Option<string?>("--stage", "-stage") { Description = "The train net's state stages, separated by ','." };
        var sigint = new Option<string>("--sigint_effect", "-sigint_effect")
        {
            Description = "Action on SIGINT (Ctrl-C): snapshot, stop or none.",
            DefaultValueFactory = _ => "stop",
        };
        var sighup = new Option<string>("--sighup_effect", "-sighup_effect")
        {
            Description = "Action on SIGHUP: snapshot, stop or none.",
            DefaultValueFactory = _ => "snapshot",
        };
        var plot = new Option<string?>("--plot", "-plot") { Description = "Write the training loss and test score curves to this PNG file." };
        var command = new Command("train", "Train or finetune a model.") { solver, weights, snapshot, level, stage, sigint, sighup, plot };
        command.SetAction(result => Run(new TrainRequest(
            result.GetValue(solver), result.GetValue(weights), result.GetValue(snapshot), result.GetValue(level),
            SplitList(result.GetValue(stage)), result.GetRequiredValue(sigint), result.GetRequiredValue(sighup), result.GetValue(plot)),
            result.InvocationConfiguration.Output));
        return command;
    }

    internal sealed record TrainRequest(string? Solver, string? Weights, string? Snapshot, int Level, IReadOnlyList<string> Stages,
                                        string SigintEffect, string SighupEffect, string? Plot);

    public static int Run(TrainRequest request, TextWriter stdout)
    {
        if (string.IsNullOrEmpty(request.Solver)) throw new ArgumentException("Need a solver definition to train (-solver).");
        if (!string.IsNullOrEmpty(request.Snapshot) && !string.IsNullOrEmpty(request.Weights))
            throw new ArgumentException("Give a snapshot to resume training or weights to finetune but not both.");
        SolverAction sigintEffect = TrainSignals.ParseEffect(request.SigintEffect, "sigint_effect");
        SolverAction sighupEffect = TrainSignals.ParseEffect(request.SighupEffect, "sighup_effect");

        SolverParameter param = ProtoIO.ReadSolverParamsFromTextFile(request.Solver);
        param.TrainState ??= new NetState();
        param.TrainState.Level = request.Level;
        param.TrainState.Stage.Add(request.Stages);
        CaffeLog.Info("Use CPU.");
        CaffeLog.Info($"BLAS: {Blas.Active.Name}");

        // Installed before the solver is built, as in Caffe: a Ctrl-C during setup stops after the first iteration.
        using IDisposable signals = TrainSignals.Install();
        Solver solver = Solver.Create(param, request.Solver);
        solver.ActionRequested = TrainSignals.ActionFunction(sigintEffect, sighupEffect);
        if (!string.IsNullOrEmpty(request.Snapshot))
        {
            CaffeLog.Info($"Resuming from {request.Snapshot}");
            solver.Restore(request.Snapshot);
        }
        else if (!string.IsNullOrEmpty(request.Weights))
        {
            CopyLayers(solver, request.Weights);
        }

        TrainProgress progress = TrainProgress.Create(stdout, solver.Param.MaxIter, ImagesPerIteration(solver),
                                                      solver.Param.Display, Program.MinLogSeverity());
        bool inTrainPass = false;
        solver.AddCallback(() => inTrainPass = true, () => inTrainPass = false);
        var history = new TrainingHistory(solver, progress.Report);
        try
        {
            progress.Run(() =>
            {
                CaffeLog.Info("Starting Optimization");
                solver.Solve();
            });
        }
        catch (CaffeException e) when (e is not SolverException)
        {
            string where = inTrainPass ? "in the train net" : "while testing or snapshotting";
            throw new SolverException($"{request.Solver}: training stopped at iteration {solver.Iter} ({where}): {e.Message}", e);
        }
        history.CollectTests();
        CaffeLog.Info("Optimization Done.");
        if (!string.IsNullOrEmpty(request.Plot))
            TrainingPlot.Write(history, $"{solver.Net.Name} ({solver.Type})", solver.TestNets.Count > 1, request.Plot);
        return 0;
    }

    /// <summary>Caffe's <c>CopyLayers</c>: each weights file, in order, into the train net and then every test net.</summary>
    private static void CopyLayers(Solver solver, string weightsList)
    {
        foreach (string weights in SplitList(weightsList))
        {
            CaffeLog.Info($"Finetuning from {weights}");
            solver.Net.CopyFrom(weights);
            foreach (Net testNet in solver.TestNets) testNet.CopyFrom(weights);
        }
    }

    // The batch is the first axis of the first top of the net's first data-producing (bottomless) layer.
    private static int ImagesPerIteration(Solver solver)
    {
        Net net = solver.Net;
        for (int i = 0; i < net.Layers.Count; i++)
        {
            if (net.BottomVecs[i].Count == 0 && net.TopVecs[i].Count > 0 && net.TopVecs[i][0].Shape.Count > 0)
                return net.TopVecs[i][0].Shape[0] * solver.Param.IterSize;
        }
        return solver.Param.IterSize;
    }

    private static string[] SplitList(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
