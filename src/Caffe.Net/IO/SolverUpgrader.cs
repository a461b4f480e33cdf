namespace Caffe;

/// <summary>
/// Brings solver definitions written for older Caffe versions to the current format (the solver half of
/// BVLC's <c>upgrade_proto.cpp</c>): the <c>solver_type</c> enum becomes the <c>type</c> string.
/// </summary>
public static class SolverUpgrader
{
    /// <summary>True when the solver sets the deprecated <c>solver_type</c> enum.</summary>
    public static bool SolverNeedsTypeUpgrade(SolverParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        return param.HasSolverType;
    }

    /// <summary>
    /// Replaces <c>solver_type</c> (SGD, NESTEROV, ADAGRAD, RMSPROP, ADADELTA, ADAM) by the <c>type</c> string
    /// ("SGD", "Nesterov", "AdaGrad", "RMSProp", "AdaDelta", "Adam").
    /// </summary>
    /// <returns>True when the solver was changed; false when it has no <c>solver_type</c> (already current).</returns>
    /// <exception cref="UpgradeException">Both <c>solver_type</c> and <c>type</c> are set, or the enum value is unknown.</exception>
    public static bool UpgradeSolverType(SolverParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        if (!param.HasSolverType) return false;
        if (param.HasType)
            throw new UpgradeException(null, null,
                $"both the deprecated 'solver_type' ({param.SolverType.ToString().ToUpperInvariant()}) and 'type' " +
                $"(\"{param.Type}\") are set; keep only 'type'.");
        param.Type = param.SolverType switch
        {
            SolverParameter.Types.SolverType.Sgd => "SGD",
            SolverParameter.Types.SolverType.Nesterov => "Nesterov",
            SolverParameter.Types.SolverType.Adagrad => "AdaGrad",
            SolverParameter.Types.SolverType.Rmsprop => "RMSProp",
            SolverParameter.Types.SolverType.Adadelta => "AdaDelta",
            SolverParameter.Types.SolverType.Adam => "Adam",
            var unknown => throw new UpgradeException(null, null, $"unknown solver_type {(int)unknown}."),
        };
        param.ClearSolverType();
        return true;
    }

    /// <summary>Applies every upgrade <paramref name="param"/> needs, in place, logging Caffe's lines; returns it.</summary>
    /// <param name="param">The solver as read; modified in place.</param>
    /// <param name="source">The file it came from, named in log lines and errors.</param>
    /// <exception cref="UpgradeException">The solver cannot be upgraded (the message names the source).</exception>
    public static SolverParameter UpgradeSolverAsNeeded(SolverParameter param, string source)
    {
        ArgumentNullException.ThrowIfNull(param);
        if (SolverNeedsTypeUpgrade(param))
        {
            CaffeLog.Info($"Attempting to upgrade input file specified using deprecated 'solver_type' field (enum)': {source}");
            try
            {
                UpgradeSolverType(param);
            }
            catch (UpgradeException e) when (e.FileName == null)
            {
                throw e.WithFile(source);
            }
            CaffeLog.Info("Successfully upgraded file specified using deprecated 'solver_type' field (enum) to 'type' field (string).");
            CaffeLog.Warning("Note that future Caffe releases will only support 'type' field (string) for a solver's type.");
        }
        return param;
    }

    /// <summary>
    /// Gives a solver read from <paramref name="solverFile"/> a default <c>snapshot_prefix</c> (Caffe's
    /// <c>UpgradeSnapshotPrefixProperty</c>): when unset, the solver file's path without its extension; when it
    /// names an existing directory, that directory joined with the solver file's name without extension.
    /// </summary>
    public static void UpgradeSnapshotPrefixProperty(string solverFile, SolverParameter param)
    {
        ArgumentNullException.ThrowIfNull(solverFile);
        ArgumentNullException.ThrowIfNull(param);
        if (!param.HasSnapshotPrefix)
        {
            param.SnapshotPrefix = Path.ChangeExtension(solverFile, null);
            CaffeLog.Info($"snapshot_prefix was not specified and is set to {param.SnapshotPrefix}");
        }
        else if (Directory.Exists(param.SnapshotPrefix))
        {
            param.SnapshotPrefix = Path.Combine(param.SnapshotPrefix, Path.GetFileNameWithoutExtension(solverFile));
            CaffeLog.Info($"snapshot_prefix is a directory and is set to {param.SnapshotPrefix}");
        }
    }
}
