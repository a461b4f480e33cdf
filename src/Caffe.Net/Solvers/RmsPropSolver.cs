using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// RMSProp (Caffe's <c>RMSPropSolver</c>, pycaffe <c>caffe.RMSPropSolver</c>): the history is a running mean of
/// squared gradients, <c>h = rms_decay·h + (1 − rms_decay)·g²</c>, and the step is <c>local_rate·g / (√h + delta)</c>.
/// Momentum must be 0 and <c>rms_decay</c> in [0, 1).
/// </summary>
public sealed class RmsPropSolver : SgdSolver
{
    /// <summary>Creates the solver and its nets from parameters (copied).</summary>
    public RmsPropSolver(SolverParameter param) : this(CopyOf(param), null) { }

    /// <summary>Reads a solver prototxt and creates the solver (pycaffe <c>caffe.RMSPropSolver(path)</c>).</summary>
    public RmsPropSolver(string solverPath) : this(ProtoIO.ReadSolverParamsFromTextFile(solverPath), solverPath) { }

    internal RmsPropSolver(SolverParameter param, string? sourceFile) : base(param, sourceFile) { }

    /// <inheritdoc/>
    public override string Type => "RMSProp";

    /// <inheritdoc/>
    protected override void CheckParameters()
    {
        base.CheckParameters();
        if (Param.Momentum != 0) throw Error($"momentum cannot be used with RMSProp (momentum is {G(Param.Momentum)}; set it to 0).");
        if (!(Param.RmsDecay >= 0 && Param.RmsDecay < 1)) throw Error($"rms_decay should lie in [0, 1), got {G(Param.RmsDecay)}.");
    }

    /// <inheritdoc/>
    protected override void ComputeUpdateValue(int paramId, float rate)
    {
        Blob blob = Net.LearnableParams[paramId];
        float localRate = rate * Net.ParamsLr[paramId];
        float rmsDecay = Param.RmsDecay;
        Span<float> diff = blob.Diff;
        Span<float> history = History[paramId].Data;
        Span<float> update = UpdateBuffer(paramId).Data;
        TensorPrimitives.Multiply(diff, diff, update);
        Blas.Axpby(blob.Count, 1 - rmsDecay, update, rmsDecay, history);
        TensorPrimitives.Sqrt(history, update);
        TensorPrimitives.Add(update, Param.Delta, update);
        TensorPrimitives.Divide(diff, update, update);
        TensorPrimitives.Multiply(update, localRate, diff);
    }
}
