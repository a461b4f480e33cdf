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
        string stateFilename = SnapshotFilename(".solverstate.h5");
        CaffeLog.Info($"Snapshotting solver state to HDF5 file {stateFilename}");
        var writer = new Hdf5Writer();
        writer.AddInt("iter", Iter);
        writer.AddString("learned_net", modelFilename);
        writer.AddInt("current_step", CurrentStep);
        writer.AddGroup("history");
        for (int i = 0; i < _history.Count; i++) writer.AddBlob($"history/{i}", _history[i]);
        writer.Write(stateFilename);
    }

    /// <inheritdoc/>
    protected override void RestoreSolverStateFromHdf5(string stateFile)
    {
        using Hdf5Reader reader = Hdf5Reader.Open(stateFile);
        if (!reader.GroupExists("history"))
            throw new ModelFormatException(stateFile, "has no group 'history': it is not an HDF5 solver state.");
        int iter = reader.ReadInt("iter");
        int currentStep = reader.DatasetExists("current_step") ? reader.ReadInt("current_step") : 0;
        string? learnedNet = reader.DatasetExists("learned_net") ? reader.ReadString("learned_net") : null;
        CheckHistoryCount(reader.DatasetNames("history").Count + reader.GroupNames("history").Count, stateFile);
        for (int i = 0; i < _history.Count; i++)
        {
            string dataset = $"history/{i}";
            if (!reader.DatasetExists(dataset))
                throw new ModelFormatException(stateFile, $"has no dataset '{dataset}' (history blobs are named 0 to {_history.Count - 1}).");
            int[] shape = reader.Shape(dataset);
            if (!shape.AsSpan().SequenceEqual(_history[i].Shape.ToArray())) throw HistoryShapeMismatch(i, shape, stateFile);
        }
        if (learnedNet != null) LoadLearnedNet(learnedNet, stateFile);
        CaffeLog.Info("SGDSolver: restoring history");
        for (int i = 0; i < _history.Count; i++) reader.ReadBlob($"history/{i}", _history[i], reshape: false);
        Iter = iter;
        CurrentStep = currentStep;
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
