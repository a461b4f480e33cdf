namespace Caffe;

public partial class SgdSolver
{
    /// <summary>
    /// Writes <c>&lt;prefix&gt;_iter_N.solverstate</c> (a binary <see cref="SolverState"/>: iter, learned_net,
    /// current_step, history) or, with <c>snapshot_format: HDF5</c>, <c>.solverstate.h5</c> with datasets
    /// <c>iter</c>, <c>learned_net</c>, <c>current_step</c> and a group <c>history</c> holding "0", "1", …
    /// (Caffe's layout).
    /// </summary>
    protected override void SnapshotSolverState(string modelFilename)
    {
        if (Param.SnapshotFormat == SolverParameter.Types.SnapshotFormat.Hdf5)
        {
            SnapshotSolverStateToHdf5(modelFilename);
            return;
        }
        var state = new SolverState { Iter = Iter, LearnedNet = modelFilename, CurrentStep = CurrentStep };
        foreach (Blob blob in _history) state.History.Add(blob.ToProto());
        string stateFilename = SnapshotFilename(".solverstate");
        CaffeLog.Info($"Snapshotting solver state to binary proto file {stateFilename}");
        WriteSnapshotProto(state, stateFilename);
    }

    /// <inheritdoc/>
    protected override void RestoreSolverStateFromBinaryProto(string stateFile)
    {
        SolverState state = ProtoIO.ReadProtoFromBinaryFile(SolverState.Parser, stateFile);
        CheckHistoryCount(state.History.Count, stateFile);
        for (int i = 0; i < _history.Count; i++)
        {
            if (!_history[i].ShapeEquals(state.History[i]))
                throw HistoryShapeMismatch(i, Blob.ShapeOf(state.History[i]), stateFile);
        }
        if (state.HasLearnedNet) LoadLearnedNet(state.LearnedNet, stateFile);
        CaffeLog.Info("SGDSolver: restoring history");
        for (int i = 0; i < _history.Count; i++) _history[i].FromProto(state.History[i], reshape: false);
        Iter = state.Iter;
        CurrentStep = state.CurrentStep;
    }

    private void SnapshotSolverStateToHdf5(string modelFilename)
    {
        throw Error($"HDF5 solver states are not available yet (TEMPORARY) for {modelFilename}.");
    }

    /// <inheritdoc/>
    protected override void RestoreSolverStateFromHdf5(string stateFile)
    {
        throw Error($"HDF5 solver states are not available yet (TEMPORARY): {stateFile}.");
    }

    private void CheckHistoryCount(int count, string stateFile)
    {
        if (count == _history.Count) return;
        throw Error($"the solver state {stateFile} holds {count} history blob(s), but this {Type} solver on net " +
                    $"'{Net.Name}' has {_history.Count} ({Net.LearnableParams.Count} learnable parameter(s) × {HistorySlots}). " +
                    "Was it written by another solver type or for another net?");
    }

    private SolverException HistoryShapeMismatch(int index, IReadOnlyList<int> stateShape, string stateFile) =>
        Error($"history blob {index} of the solver state {stateFile} has shape {Blob.ShapeText(stateShape)}, but the " +
              $"matching parameter of net '{Net.Name}' has shape {_history[index].ShapeString}.");
}
