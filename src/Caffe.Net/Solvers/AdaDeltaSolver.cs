using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// AdaDelta (Caffe's <c>AdaDeltaSolver</c>, pycaffe <c>caffe.AdaDeltaSolver</c>), with two history blobs per
/// parameter as Caffe lays them out: <see cref="SgdSolver.History"/>[i] is the running mean of squared gradients
/// and [n + i] that of squared updates (n learnable parameters), both decaying with <c>momentum</c>. The step is
/// <c>local_rate·g·√((updates + delta) / (gradients + delta))</c>.
/// </summary>
public sealed class AdaDeltaSolver : SgdSolver
{
    /// <summary>Creates the solver and its nets from parameters (copied).</summary>
    public AdaDeltaSolver(SolverParameter param) : this(CopyOf(param), null) { }

    /// <summary>Reads a solver prototxt and creates the solver (pycaffe <c>caffe.AdaDeltaSolver(path)</c>).</summary>
    public AdaDeltaSolver(string solverPath) : this(ProtoIO.ReadSolverParamsFromTextFile(solverPath), solverPath) { }

    internal AdaDeltaSolver(SolverParameter param, string? sourceFile) : base(param, sourceFile) { }

    /// <inheritdoc/>
    public override string Type => "AdaDelta";

    /// <inheritdoc/>
    protected override int HistorySlots => 2;

    /// <inheritdoc/>
    protected override void ComputeUpdateValue(int paramId, float rate)
    {
        Blob blob = Net.LearnableParams[paramId];
        int count = blob.Count;
        float delta = Param.Delta;
        float momentum = Param.Momentum;
        float localRate = rate * Net.ParamsLr[paramId];
        Span<float> diff = blob.Diff;
        Span<float> gradientHistory = History[paramId].Data;
        Span<float> updateHistory = History[Net.LearnableParams.Count + paramId].Data;
        Span<float> update = UpdateBuffer(paramId).Data;
        Span<float> temp = Temp(paramId).Data;

        TensorPrimitives.Multiply(diff, diff, update);
        Blas.Axpby(count, 1 - momentum, update, momentum, gradientHistory);
        // delta keeps both running means away from zero before the ratio.
        TensorPrimitives.Add(updateHistory, delta, update);
        TensorPrimitives.Add(gradientHistory, delta, temp);
        TensorPrimitives.Divide(update, temp, update);
        TensorPrimitives.Sqrt(update, update);
        TensorPrimitives.Multiply(diff, update, diff);
        TensorPrimitives.Multiply(diff, diff, update);
        Blas.Axpby(count, 1 - momentum, update, momentum, updateHistory);
        TensorPrimitives.Multiply(diff, localRate, diff);
    }
}
