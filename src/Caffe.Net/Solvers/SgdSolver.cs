namespace Caffe;

/// <summary>
/// Stochastic gradient descent with momentum (Caffe's <c>SGDSolver</c>, pycaffe <c>caffe.SGDSolver</c>), and the
/// base of the other update rules: the learning-rate policies, gradient clipping, <c>iter_size</c> normalization,
/// L1/L2 weight decay and the <see cref="History"/> blobs saved in snapshots all live here.
/// Update: <c>history = local_rate·gradient + momentum·history</c>, <c>weights -= history</c>, where
/// <c>local_rate = rate·lr_mult</c>.
/// </summary>
public partial class SgdSolver : Solver
{
    /// <summary>The learning-rate policies <c>lr_policy</c> may name (BVLC Caffe's).</summary>
    public static IReadOnlyList<string> LrPolicies { get; } = ["fixed", "step", "exp", "inv", "multistep", "poly", "sigmoid"];

    private readonly List<Blob> _history = [];
    private readonly Blob?[] _update;
    private readonly Blob?[] _temp;

    /// <summary>Creates the solver and its nets from parameters (copied).</summary>
    public SgdSolver(SolverParameter param) : this(CopyOf(param), null) { }

    /// <summary>Reads a solver prototxt and creates the solver and its nets (pycaffe <c>caffe.SGDSolver(path)</c>).</summary>
    public SgdSolver(string solverPath) : this(ProtoIO.ReadSolverParamsFromTextFile(solverPath), solverPath) { }

    /// <summary>Creates the solver from parameters it may keep; <paramref name="sourceFile"/> is named in messages.</summary>
    protected internal SgdSolver(SolverParameter param, string? sourceFile) : base(param, sourceFile)
    {
        IReadOnlyList<Blob> parameters = Net.LearnableParams;
        for (int slot = 0; slot < HistorySlots; slot++)
        {
            foreach (Blob blob in parameters) _history.Add(new Blob(blob.Shape));
        }
        _update = new Blob?[parameters.Count];
        _temp = new Blob?[parameters.Count];
        CheckRegularization();
    }

    /// <inheritdoc/>
    public override string Type => "SGD";

    /// <summary>
    /// The solver's state besides the weights (Caffe's <c>history()</c>): one blob per learnable parameter, in
    /// <see cref="Net.LearnableParams"/> order, times <see cref="HistorySlots"/>. Saved in snapshots.
    /// </summary>
    public IReadOnlyList<Blob> History => _history;

    /// <summary>How many history blobs each learnable parameter has (2 for AdaDelta and Adam, else 1).</summary>
    protected virtual int HistorySlots => 1;

    /// <inheritdoc/>
    public override float Lr => LearningRate(Iter, CurrentStep, out _);

    /// <summary>
    /// One update (Caffe's <c>SGDSolver::ApplyUpdate</c>): the rate for this iteration, gradient clipping, then
    /// per parameter normalization, regularization and the update value; finally <c>weights -= diff</c>.
    /// </summary>
    public override void ApplyUpdate()
    {
        float rate = GetLearningRate();
        if (Param.Display != 0 && Iter % Param.Display == 0) CaffeLog.Info($"Iteration {Iter}, lr = {G(rate)}");
        ClipGradients();
        for (int paramId = 0; paramId < Net.LearnableParams.Count; paramId++)
        {
            Normalize(paramId);
            Regularize(paramId);
            ComputeUpdateValue(paramId, rate);
        }
        Net.Update();
    }

    /// <summary>The rate for the current iteration; the <c>step</c> and <c>multistep</c> policies advance <c>current_step</c> here.</summary>
    protected float GetLearningRate()
    {
        float rate = LearningRate(Iter, CurrentStep, out int step);
        if (Param.LrPolicy == "multistep" && step != CurrentStep)
            CaffeLog.Info($"MultiStep Status: Iteration {Iter}, step = {step}");
        CurrentStep = step;
        return rate;
    }

    /// <summary>
    /// Caffe's learning-rate policies at iteration <paramref name="iter"/>: fixed = base_lr;
    /// step = base_lr·gamma^⌊iter/stepsize⌋; exp = base_lr·gamma^iter; inv = base_lr·(1 + gamma·iter)^−power;
    /// multistep = base_lr·gamma^step, where step advances by one when iter reaches the next stepvalue;
    /// poly = base_lr·(1 − iter/max_iter)^power; sigmoid = base_lr / (1 + e^(−gamma·(iter − stepsize))).
    /// </summary>
    private float LearningRate(int iter, int currentStep, out int step)
    {
        // Powers and exponentials in double, as C++'s pow/exp promote Caffe's float operands.
        double baseLr = Param.BaseLr;
        float gamma = Param.Gamma;
        step = currentStep;
        switch (Param.LrPolicy)
        {
            case "fixed":
                return Param.BaseLr;
            case "step":
                step = iter / Param.Stepsize;
                return (float)(baseLr * Math.Pow(gamma, step));
            case "exp":
                return (float)(baseLr * Math.Pow(gamma, iter));
            case "inv":
                return (float)(baseLr * Math.Pow(1f + gamma * iter, -Param.Power));
            case "multistep":
                // One step at most per call, as Caffe: current_step is bookkeeping saved in snapshots.
                if (step < Param.Stepvalue.Count && iter >= Param.Stepvalue[step]) step++;
                return (float)(baseLr * Math.Pow(gamma, step));
            case "poly":
                return (float)(baseLr * Math.Pow(1f - (float)iter / Param.MaxIter, Param.Power));
            case "sigmoid":
                return (float)(baseLr * (1.0 / (1.0 + Math.Exp(-gamma * ((float)iter - (float)Param.Stepsize)))));
            default:
                throw UnknownPolicy();
        }
    }

    /// <summary>Scales all gradients down so that their joint L2 norm is at most <c>clip_gradients</c> (when that is not negative).</summary>
    protected virtual void ClipGradients()
    {
        float clip = Param.ClipGradients;
        if (clip < 0) return;
        IReadOnlyList<Blob> parameters = Net.LearnableParams;
        float sumsq = 0;
        foreach (Blob blob in parameters) sumsq += blob.SumsqDiff();
        float l2norm = MathF.Sqrt(sumsq);
        if (l2norm > clip)
        {
            float scale = clip / l2norm;
            CaffeLog.Info($"Gradient clipping: scaling down gradients (L2 norm {G(l2norm)} > {G(clip)}) by scale factor {G(scale)}");
            foreach (Blob blob in parameters) blob.ScaleDiff(scale);
        }
    }

    /// <summary>Divides a gradient accumulated over <c>iter_size</c> passes by <c>iter_size</c>.</summary>
    protected virtual void Normalize(int paramId)
    {
        if (Param.IterSize == 1) return;
        Blob blob = Net.LearnableParams[paramId];
        Blas.Scal(blob.Count, 1f / Param.IterSize, blob.Diff);
    }

    /// <summary>
    /// Adds weight decay to a gradient: <c>decay·w</c> (L2) or <c>decay·sign(w)</c> (L1), where
    /// <c>decay = weight_decay·decay_mult</c>.
    /// </summary>
    protected virtual void Regularize(int paramId)
    {
        float localDecay = Param.WeightDecay * Net.ParamsWeightDecay[paramId];
        if (localDecay == 0) return;
        Blob blob = Net.LearnableParams[paramId];
        switch (Param.RegularizationType)
        {
            case "L2":
                Blas.Axpy(blob.Count, localDecay, blob.Data, blob.Diff);
                break;
            case "L1":
                Span<float> sign = Temp(paramId).Data;
                ReadOnlySpan<float> data = blob.Data;
                // Caffe's caffe_cpu_sign: 0 for 0 (and for NaN).
                for (int i = 0; i < sign.Length; i++) sign[i] = (data[i] > 0 ? 1 : 0) - (data[i] < 0 ? 1 : 0);
                Blas.Axpy(blob.Count, localDecay, sign, blob.Diff);
                break;
            default:
                throw Error($"unknown regularization_type \"{Param.RegularizationType}\" (known: L2, L1).");
        }
    }

    /// <summary>Turns a parameter's gradient (its diff) into the value subtracted from it, with <c>local_rate = rate·lr_mult</c>.</summary>
    protected virtual void ComputeUpdateValue(int paramId, float rate)
    {
        Blob blob = Net.LearnableParams[paramId];
        float localRate = rate * Net.ParamsLr[paramId];
        Span<float> history = _history[paramId].Data;
        Blas.Axpby(blob.Count, localRate, blob.Diff, Param.Momentum, history);
        history.CopyTo(blob.Diff);
    }

    /// <summary>A scratch blob shaped like learnable parameter <paramref name="paramId"/> (Caffe's <c>update_</c>), allocated on first use.</summary>
    protected Blob UpdateBuffer(int paramId) => _update[paramId] ??= new Blob(Net.LearnableParams[paramId].Shape);

    /// <summary>A second scratch blob (Caffe's <c>temp_</c>), allocated on first use.</summary>
    protected Blob Temp(int paramId) => _temp[paramId] ??= new Blob(Net.LearnableParams[paramId].Shape);

    /// <inheritdoc/>
    protected override void CheckParameters()
    {
        base.CheckParameters();
        string policy = Param.LrPolicy;
        if (!LrPolicies.Contains(policy)) throw UnknownPolicy();
        if (policy != "fixed" && policy != "poly" && Param.Gamma < 0)
            throw Error($"lr_policy \"{policy}\" needs gamma >= 0, got {G(Param.Gamma)}.");
        if ((policy == "step" || policy == "sigmoid") && Param.Stepsize <= 0)
            throw Error($"lr_policy \"{policy}\" needs stepsize > 0, got {Param.Stepsize}.");
        if (policy == "poly" && Param.MaxIter <= 0)
            throw Error($"lr_policy \"poly\" needs max_iter > 0, got {Param.MaxIter}.");
    }

    /// <summary>Parameters copied for a solver to keep (the caller's object stays untouched).</summary>
    private protected static SolverParameter CopyOf(SolverParameter param)
    {
        ArgumentNullException.ThrowIfNull(param);
        return param.Clone();
    }

    // Caffe fails on the first update that applies an unknown regularization; the same condition is checked up front.
    private void CheckRegularization()
    {
        if (Param.RegularizationType is "L2" or "L1" || Param.WeightDecay == 0) return;
        if (Net.ParamsWeightDecay.Any(mult => mult != 0))
            throw Error($"unknown regularization_type \"{Param.RegularizationType}\" (known: L2, L1).");
    }

    private SolverException UnknownPolicy() => Error(Param.HasLrPolicy
        ? $"unknown lr_policy \"{Param.LrPolicy}\" (known: {string.Join(", ", LrPolicies)})."
        : $"lr_policy is not set (one of: {string.Join(", ", LrPolicies)}).");
}
