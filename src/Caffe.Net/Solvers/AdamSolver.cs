using System.Numerics.Tensors;

namespace Caffe;

/// <summary>
/// Adam (Caffe's <c>AdamSolver</c>, pycaffe <c>caffe.AdamSolver</c>; Kingma and Ba, 2014) with
/// β1 = <c>momentum</c>, β2 = <c>momentum2</c>, ε = <c>delta</c>. <see cref="SgdSolver.History"/>[i] is the first
/// moment m and [n + i] the second moment v (n learnable parameters). With t = <see cref="Solver.Iter"/> + 1, the
/// step is <c>local_rate·√(1 − β2^t)/(1 − β1^t) · m / (√v + ε)</c>.
/// </summary>
public sealed class AdamSolver : SgdSolver
{
    /// <summary>Creates the solver and its nets from parameters (copied).</summary>
    public AdamSolver(SolverParameter param) : this(CopyOf(param), null) { }

    /// <summary>Reads a solver prototxt and creates the solver (pycaffe <c>caffe.AdamSolver(path)</c>).</summary>
    public AdamSolver(string solverPath) : this(ProtoIO.ReadSolverParamsFromTextFile(solverPath), solverPath) { }

    internal AdamSolver(SolverParameter param, string? sourceFile) : base(param, sourceFile) { }

    /// <inheritdoc/>
    public override string Type => "Adam";

    /// <inheritdoc/>
    protected override int HistorySlots => 2;

    /// <inheritdoc/>
    protected override void CheckParameters()
    {
        base.CheckParameters();
        // Caffe does not check these; β1 = 1 divides by zero and β2 = 1 freezes the weights.
        if (!(Param.Momentum >= 0 && Param.Momentum < 1)) throw Error($"Adam needs momentum (beta1) in [0, 1), got {G(Param.Momentum)}.");
        if (!(Param.Momentum2 >= 0 && Param.Momentum2 < 1)) throw Error($"Adam needs momentum2 (beta2) in [0, 1), got {G(Param.Momentum2)}.");
    }

    /// <inheritdoc/>
    protected override void ComputeUpdateValue(int paramId, float rate)
    {
        Blob blob = Net.LearnableParams[paramId];
        int count = blob.Count;
        float beta1 = Param.Momentum;
        float beta2 = Param.Momentum2;
        float localRate = rate * Net.ParamsLr[paramId];
        int t = Iter + 1;
        // In double, then rounded once, as C++ evaluates pow(float, int).
        float correction = (float)(Math.Sqrt(1.0 - Math.Pow(beta2, t)) / (1.0 - Math.Pow(beta1, t)));
        Span<float> diff = blob.Diff;
        Span<float> m = History[paramId].Data;
        Span<float> v = History[Net.LearnableParams.Count + paramId].Data;
        Span<float> temp = Temp(paramId).Data;

        Blas.Axpby(count, 1 - beta1, diff, beta1, m);
        TensorPrimitives.Multiply(diff, diff, temp);
        Blas.Axpby(count, 1 - beta2, temp, beta2, v);
        TensorPrimitives.Sqrt(v, temp);
        TensorPrimitives.Add(temp, Param.Delta, temp);
        TensorPrimitives.Divide(m, temp, temp);
        TensorPrimitives.Multiply(temp, localRate * correction, diff);
    }
}
