using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// AdaGrad (Caffe's <c>AdaGradSolver</c>, pycaffe <c>caffe.AdaGradSolver</c>): the history accumulates squared
/// gradients, and the step is <c>local_rate·g / (√history + delta)</c>. Momentum must be 0.
/// </summary>
public sealed class AdaGradSolver : SgdSolver
{
    /// <summary>Creates the solver and its nets from parameters (copied).</summary>
    public AdaGradSolver(SolverParameter param) : this(CopyOf(param), null) { }

    /// <summary>Reads a solver prototxt and creates the solver (pycaffe <c>caffe.AdaGradSolver(path)</c>).</summary>
    public AdaGradSolver(string solverPath) : this(ProtoIO.ReadSolverParamsFromTextFile(solverPath), solverPath) { }

    internal AdaGradSolver(SolverParameter param, string? sourceFile) : base(param, sourceFile) { }

    /// <inheritdoc/>
    public override string Type => "AdaGrad";

    /// <inheritdoc/>
    protected override void CheckParameters()
    {
        base.CheckParameters();
        if (Param.Momentum != 0) throw Error($"momentum cannot be used with AdaGrad (momentum is {G(Param.Momentum)}; set it to 0).");
    }

    /// <inheritdoc/>
    protected override void ComputeUpdateValue(int paramId, float rate)
    {
        Blob blob = Net.LearnableParams[paramId];
        float localRate = rate * Net.ParamsLr[paramId];
        Span<float> diff = blob.Diff;
        Span<float> history = History[paramId].Data;
        Span<float> update = UpdateBuffer(paramId).Data;
        TensorPrimitives.Multiply(diff, diff, update);
        TensorPrimitives.Add(history, update, history);
        TensorPrimitives.Sqrt(history, update);
        TensorPrimitives.Add(update, Param.Delta, update);
        TensorPrimitives.Divide(diff, update, update);
        TensorPrimitives.Multiply(update, localRate, diff);
    }
}
