namespace Caffe;

/// <summary>
/// SGD with Nesterov's accelerated gradient (Caffe's <c>NesterovSolver</c>, pycaffe <c>caffe.NesterovSolver</c>):
/// the history is updated as in SGD, and the step applied is <c>(1 + momentum)·history_new − momentum·history_old</c>
/// ("step back, then over-step").
/// </summary>
public sealed class NesterovSolver : SgdSolver
{
    /// <summary>Creates the solver and its nets from parameters (copied).</summary>
    public NesterovSolver(SolverParameter param) : this(CopyOf(param), null) { }

    /// <summary>Reads a solver prototxt and creates the solver (pycaffe <c>caffe.NesterovSolver(path)</c>).</summary>
    public NesterovSolver(string solverPath) : this(ProtoIO.ReadSolverParamsFromTextFile(solverPath), solverPath) { }

    internal NesterovSolver(SolverParameter param, string? sourceFile) : base(param, sourceFile) { }

    /// <inheritdoc/>
    public override string Type => "Nesterov";

    /// <inheritdoc/>
    protected override void ComputeUpdateValue(int paramId, float rate)
    {
        Blob blob = Net.LearnableParams[paramId];
        int count = blob.Count;
        float momentum = Param.Momentum;
        float localRate = rate * Net.ParamsLr[paramId];
        Span<float> history = History[paramId].Data;
        Span<float> update = UpdateBuffer(paramId).Data;
        history.CopyTo(update);
        Blas.Axpby(count, localRate, blob.Diff, momentum, history);
        Blas.Axpby(count, 1 + momentum, history, -momentum, update);
        update.CopyTo(blob.Diff);
    }
}
