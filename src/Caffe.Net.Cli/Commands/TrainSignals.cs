using System.Runtime.InteropServices;

namespace Caffe.Cli.Commands;

/// <summary>
/// Caffe's <c>SignalHandler</c> for <c>caffe train</c>: while installed, SIGINT (Ctrl-C) and SIGHUP no longer end
/// the process; each is remembered and handed to the solver, at its next question, as the action the
/// <c>-sigint_effect</c> / <c>-sighup_effect</c> flags name. The solver asks after every iteration and every test
/// batch, so a stop ends training at a clean point (after an update, with the final snapshot written atomically).
/// </summary>
/// <remarks>Signals belong to the process, so the pending flags are process-wide, as in Caffe.</remarks>
internal static class TrainSignals
{
    private static int s_sigint;
    private static int s_sighup;

    /// <summary>Caffe's flag values: <c>stop</c>, <c>snapshot</c> or <c>none</c>.</summary>
    public static SolverAction ParseEffect(string? value, string flag) => value switch
    {
        "stop" => SolverAction.Stop,
        "snapshot" => SolverAction.Snapshot,
        "none" => SolverAction.None,
        _ => throw new ArgumentException($"Invalid signal effect \"{value}\" was specified for -{flag} (expected stop, snapshot or none)."),
    };

    /// <summary>
    /// Catches SIGINT and SIGHUP until disposed; signals that arrived before are forgotten. Where the platform
    /// cannot register a signal (SIGHUP on Windows), that signal keeps its default behaviour.
    /// </summary>
    public static IDisposable Install()
    {
        Interlocked.Exchange(ref s_sigint, 0);
        Interlocked.Exchange(ref s_sighup, 0);
        var registrations = new List<PosixSignalRegistration>();
        foreach (PosixSignal signal in (PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGHUP])
        {
            try
            {
                registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true;
                    Deliver(context.Signal);
                }));
            }
            catch (PlatformNotSupportedException)
            {
            }
        }
        return new Registrations(registrations);
    }

    /// <summary>What the registered handlers do when a signal arrives: remember it (tests call this directly).</summary>
    public static void Deliver(PosixSignal signal)
    {
        if (signal == PosixSignal.SIGINT) Interlocked.Exchange(ref s_sigint, 1);
        else if (signal == PosixSignal.SIGHUP) Interlocked.Exchange(ref s_sighup, 1);
    }

    /// <summary>
    /// The solver's <see cref="Solver.ActionRequested"/> (Caffe's <c>GetActionFunction</c>): a pending SIGINT is
    /// answered first, then a pending SIGHUP; each is answered once.
    /// </summary>
    public static Func<SolverAction> ActionFunction(SolverAction sigintEffect, SolverAction sighupEffect) => () =>
    {
        if (Interlocked.Exchange(ref s_sigint, 0) != 0) return Announce("SIGINT", sigintEffect);
        if (Interlocked.Exchange(ref s_sighup, 0) != 0) return Announce("SIGHUP", sighupEffect);
        return SolverAction.None;
    };

    private static SolverAction Announce(string signal, SolverAction effect)
    {
        string what = effect switch
        {
            SolverAction.Stop => "stopping",
            SolverAction.Snapshot => "snapshotting",
            _ => "ignored",
        };
        CaffeLog.Info($"Received {signal}: {what}.");
        return effect;
    }

    private sealed class Registrations(List<PosixSignalRegistration> registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (PosixSignalRegistration registration in registrations) registration.Dispose();
        }
    }
}
