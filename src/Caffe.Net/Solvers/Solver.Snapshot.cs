using Google.Protobuf;

namespace Caffe;

public abstract partial class Solver
{
    /// <summary>
    /// Writes the weights and the solver state (pycaffe <c>solver.snapshot()</c>):
    /// <c>&lt;snapshot_prefix&gt;_iter_&lt;Iter&gt;.caffemodel</c> and <c>.solverstate</c> with
    /// <c>snapshot_format: BINARYPROTO</c> (the default), <c>.caffemodel.h5</c> and <c>.solverstate.h5</c> with
    /// <c>HDF5</c>. Each file is written atomically, the weights first, so a state file never names missing weights.
    /// </summary>
    public void Snapshot()
    {
        string modelFilename = Param.SnapshotFormat == SolverParameter.Types.SnapshotFormat.Hdf5
            ? SnapshotToHdf5()
            : SnapshotToBinaryProto();
        SnapshotSolverState(modelFilename);
    }

    /// <summary>
    /// Restores a snapshot written by <see cref="Snapshot"/> or by Caffe (pycaffe <c>solver.restore(path)</c>): a name
    /// ending in ".h5" is read as HDF5, anything else as a binary <see cref="SolverState"/>. The iteration, the
    /// learning-rate step, the update history and — through the state's <c>learned_net</c> — the weights are
    /// restored, so training continues exactly as if it had never stopped.
    /// </summary>
    /// <exception cref="SolverException">The state does not fit this solver and net (nothing is changed then).</exception>
    public void Restore(string stateFile)
    {
        ArgumentNullException.ThrowIfNull(stateFile);
        if (!File.Exists(stateFile)) throw new FileNotFoundException($"Solver state not found: {stateFile}", stateFile);
        if (stateFile.EndsWith(".h5", StringComparison.Ordinal)) RestoreSolverStateFromHdf5(stateFile);
        else RestoreSolverStateFromBinaryProto(stateFile);
    }

    /// <summary>The snapshot file name for the current iteration: <c>&lt;snapshot_prefix&gt;_iter_&lt;Iter&gt;&lt;extension&gt;</c>.</summary>
    public string SnapshotFilename(string extension) => $"{Param.SnapshotPrefix}_iter_{Iter}{extension}";

    /// <summary>Writes the solver state that goes with <paramref name="modelFilename"/> in the format <c>snapshot_format</c> asks for.</summary>
    protected abstract void SnapshotSolverState(string modelFilename);

    /// <summary>Restores a binary <see cref="SolverState"/> file.</summary>
    protected abstract void RestoreSolverStateFromBinaryProto(string stateFile);

    /// <summary>Restores an HDF5 solver state file.</summary>
    protected abstract void RestoreSolverStateFromHdf5(string stateFile);

    /// <summary>Tests only: wraps the stream a snapshot file is written through (e.g. to fail half-way).</summary>
    internal Func<Stream, Stream>? SnapshotStreamFilter { get; set; }

    /// <summary>Writes a binary protobuf snapshot file atomically.</summary>
    protected void WriteSnapshotProto(IMessage message, string path)
    {
        if (message.CalculateSize() < 0)
            throw Error($"cannot write {path}: the content exceeds protobuf's 2 GB limit; use snapshot_format: HDF5.");
        AtomicFile.Write(path, stream =>
        {
            Stream target = SnapshotStreamFilter?.Invoke(stream) ?? stream;
            using var output = new CodedOutputStream(target, leaveOpen: true);
            message.WriteTo(output);
            output.Flush();
        });
    }

    /// <summary>
    /// Copies the weights a solver state names (its <c>learned_net</c>) into the train net. The path is used as
    /// written, as Caffe does; when nothing is there, a file of that name next to the state file is used instead
    /// (snapshots moved together with their state still restore).
    /// </summary>
    protected void LoadLearnedNet(string learnedNet, string stateFile)
    {
        string path = learnedNet;
        if (!File.Exists(path))
        {
            string besideState = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(stateFile))!, Path.GetFileName(learnedNet));
            if (!File.Exists(besideState))
            {
                throw Error($"the solver state {stateFile} names the weights file '{learnedNet}', which does not exist " +
                            $"(nor does {besideState}).");
            }
            CaffeLog.Info($"{learnedNet} not found; using {besideState} next to the solver state.");
            path = besideState;
        }
        Net.CopyFrom(path);
    }

    private string SnapshotToBinaryProto()
    {
        string modelFilename = SnapshotFilename(".caffemodel");
        CaffeLog.Info($"Snapshotting to binary proto file {modelFilename}");
        WriteSnapshotProto(Net.ToProto(Param.SnapshotDiff), modelFilename);
        return modelFilename;
    }

    private string SnapshotToHdf5()
    {
        string modelFilename = SnapshotFilename(".caffemodel.h5");
        CaffeLog.Info($"Snapshotting to HDF5 file {modelFilename}");
        Net.SaveHdf5(modelFilename, Param.SnapshotDiff);
        return modelFilename;
    }

    // As Caffe: with periodic snapshots, the prefix must be set and its folder writable, checked before training.
    private void CheckSnapshotWritePermissions()
    {
        if (Param.Snapshot == 0) return;
        if (!Param.HasSnapshotPrefix)
            throw Error($"snapshot is {Param.Snapshot} but snapshot_prefix is not set.");
        string probe = SnapshotFilename(".tempfile");
        try
        {
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None)) { }
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error($"cannot write to snapshot prefix '{Param.SnapshotPrefix}' ({e.Message}). " +
                        "Make sure that the directory exists and is writable.");
        }
    }
}
