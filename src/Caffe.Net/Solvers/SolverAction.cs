namespace Caffe;

/// <summary>
/// What a training loop is asked to do between iterations (Caffe's <c>SolverAction</c>), answered by
/// <see cref="Solver.ActionRequested"/> — e.g. the CLI maps Ctrl-C to <see cref="Stop"/> or <see cref="Snapshot"/>.
/// </summary>
public enum SolverAction
{
    /// <summary>Carry on.</summary>
    None = 0,

    /// <summary>Stop training (a snapshot is still written at the end of <see cref="Solver.Solve"/> when <c>snapshot_after_train</c> is set).</summary>
    Stop = 1,

    /// <summary>Write a snapshot now, then carry on.</summary>
    Snapshot = 2,
}
