using MathNet.Numerics.Random;

namespace Caffe.Tests.Solvers;

/// <summary>
/// The regularized least-squares problem of Caffe's test_gradient_based_solver.cpp, with our own fixture code:
/// 8 fixed samples of 3x10x10 gaussian inputs and gaussian targets, served in order and cyclically (as Caffe's
/// HDF5Data source) to a net "data → innerprod (1 output) → EuclideanLoss", optionally split into two
/// weight-sharing InnerProducts. <see cref="ComputeUpdate"/> computes the next update in double from the closed form
///   E = 1/(2n) ||X w − y||² + λ/2 ||w||²,   ∇E = 1/n (XᵀX w − Xᵀy) + λ w.
/// </summary>
internal sealed class LeastSquaresProblem : IDisposable
{
    public const int Num = 4;
    public const int Channels = 3;
    public const int Height = 10;
    public const int Width = 10;
    public const int Dim = Channels * Height * Width;
    public const int Rows = 8;
    public const int Seed = 1701;

    private readonly float[] _data = new float[Rows * Dim];
    private readonly float[] _targets = new float[Rows];
    private readonly string _type;
    private readonly bool _share;

    public LeastSquaresProblem(string solverType, bool share = false)
    {
        _type = solverType;
        _share = share;
        var random = new MersenneTwister(Seed);
        for (int i = 0; i < _data.Length; i++) _data[i] = (float)MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
        for (int i = 0; i < _targets.Length; i++) _targets[i] = (float)MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
        SnapshotDir = Directory.CreateTempSubdirectory("caffe-solver-test-").FullName;
    }

    /// <summary>The folder snapshots go to (snapshot_prefix is this folder plus "/", as in Caffe's test).</summary>
    public string SnapshotDir { get; }

    public SgdSolver Solver { get; private set; } = null!;

    /// <summary>Called with every solver <see cref="Run"/> creates, before it trains.</summary>
    public Action<SgdSolver>? OnSolverCreated { get; set; }

    public SolverParameter.Types.SnapshotFormat Format { get; set; } = SolverParameter.Types.SnapshotFormat.Binaryproto;

    /// <summary>Caffe's delta as the solver used it.</summary>
    public double Delta => Solver.Param.Delta;

    public string StateFile(int iter) => Path.Combine(SnapshotDir,
        $"_iter_{iter}.solverstate{(Format == SolverParameter.Types.SnapshotFormat.Hdf5 ? ".h5" : "")}");

    /// <summary>
    /// Caffe's RunLeastSquaresSolver: seeds the random generator, creates the solver, optionally restores
    /// <paramref name="fromSnapshot"/> (then replays one forward pass per restored iteration, so the data cursor is
    /// where it was), and solves for <paramref name="numIters"/> iterations.
    /// </summary>
    public SgdSolver Run(float learningRate, float weightDecay, float momentum, int numIters, int iterSize = 1,
                         bool snapshot = false, string? fromSnapshot = null)
    {
        var param = new SolverParameter
        {
            Type = _type,
            SnapshotAfterTrain = snapshot,
            MaxIter = numIters,
            BaseLr = learningRate,
            LrPolicy = "fixed",
            IterSize = iterSize,
            NetParam = NetParam(Num / iterSize),
            SnapshotPrefix = SnapshotDir + "/",
            SnapshotFormat = Format,
        };
        if (weightDecay != 0) param.WeightDecay = weightDecay;
        if (momentum != 0) param.Momentum = momentum;
        if (snapshot) param.Snapshot = numIters;
        // As Caffe's per-solver fixtures.
        if (_type == "Adam")
        {
            param.Momentum = 0.9f;
            param.Momentum2 = 0.999f;
        }
        if (_type == "RMSProp") param.RmsDecay = 0.95f;

        Rng.SetRandomSeed(Seed);
        Solver = (SgdSolver)Caffe.Solver.Create(param);
        Feed(Solver.Net);
        OnSolverCreated?.Invoke(Solver);
        if (fromSnapshot != null)
        {
            Solver.Restore(fromSnapshot);
            for (int i = 0; i < Solver.Iter; i++) Solver.Net.ForwardLoss();
        }
        Solver.Solve();
        return Solver;
    }

    /// <summary>Serves the samples in order to the net's 'data' and 'targets' inputs before each forward pass.</summary>
    public void Feed(Net net)
    {
        int cursor = 0;
        Blob data = net.Blobs["data"], targets = net.Blobs["targets"];
        net.BeforeForward(layer =>
        {
            if (layer != 0) return;
            int batch = data.ShapeAt(0);
            for (int n = 0; n < batch; n++, cursor = (cursor + 1) % Rows)
            {
                _data.AsSpan(cursor * Dim, Dim).CopyTo(data.Data.Slice(n * Dim, Dim));
                targets.Data[n] = _targets[cursor];
            }
        });
    }

    /// <summary>
    /// Caffe's ComputeLeastSquaresUpdate: runs a forward pass (serving the next batch) and computes, in double,
    /// the weights and bias after one more update of this solver type from the current weights and history.
    /// Index <see cref="Dim"/> is the bias.
    /// </summary>
    public (double[] Updated, double[] UpdateValue) ComputeUpdate(double learningRate, double weightDecay, double momentum, int numIters)
    {
        Net net = Solver.Net;
        net.ForwardLoss();
        ReadOnlySpan<float> x = net.Blobs["data"].Data;
        ReadOnlySpan<float> y = net.Blobs["targets"].Data;
        IReadOnlyList<Blob> blobs = net.LayerDict["innerprod"].Blobs;
        Assert.AreEqual(2, blobs.Count);
        Assert.AreEqual(Dim * Num, x.Length);
        Assert.AreEqual(Num, y.Length);
        double[] w = new double[Dim + 1];
        for (int i = 0; i < Dim; i++) w[i] = blobs[0].Data[i];
        w[Dim] = blobs[1].Data[0];
        IReadOnlyList<Blob> history = Solver.History;
        bool twoSlots = _type is "AdaDelta" or "Adam";
        Assert.AreEqual(twoSlots ? 4 : 2, history.Count, "history blobs");

        // Residuals r_k = x_k·w + b − y_k; gradient_i = (1/n) Σ_k x_ki r_k + λ w_i.
        double[] residual = new double[Num];
        for (int k = 0; k < Num; k++)
        {
            double dot = w[Dim];
            for (int j = 0; j < Dim; j++) dot += (double)x[k * Dim + j] * w[j];
            residual[k] = dot - y[k];
        }
        double[] updated = new double[Dim + 1];
        double[] updateValue = new double[Dim + 1];
        for (int i = 0; i <= Dim; i++)
        {
            double grad = 0;
            for (int k = 0; k < Num; k++) grad += (i == Dim ? 1.0 : x[k * Dim + i]) * residual[k];
            grad = grad / Num + weightDecay * w[i];
            double h = HistoryValue(history, 0, i);
            double update = learningRate * grad;
            switch (_type)
            {
                case "SGD":
                    update += momentum * h;
                    break;
                case "Nesterov":
                    double stepped = update + momentum * h;
                    update = (1 + momentum) * stepped - momentum * h;
                    break;
                case "AdaGrad":
                    update /= Math.Sqrt(h + grad * grad) + Delta;
                    break;
                case "RMSProp":
                    const double rmsDecay = 0.95;
                    update /= Math.Sqrt(rmsDecay * h + (1 - rmsDecay) * grad * grad) + Delta;
                    break;
                case "AdaDelta":
                    double updateHistory = HistoryValue(history, 2, i);
                    double gradientAverage = momentum * h + (1 - momentum) * grad * grad;
                    update = grad * Math.Sqrt((updateHistory + Delta) / (gradientAverage + Delta)) * learningRate;
                    break;
                case "Adam":
                    const double beta2 = 0.999;
                    double v = HistoryValue(history, 2, i);
                    double m = (1 - momentum) * grad + momentum * h;
                    double vNew = (1 - beta2) * grad * grad + beta2 * v;
                    double alpha = learningRate * Math.Sqrt(1 - Math.Pow(beta2, numIters)) / (1 - Math.Pow(momentum, numIters));
                    update = alpha * m / (Math.Sqrt(vNew) + Delta);
                    break;
                default:
                    throw new ArgumentException(_type);
            }
            updateValue[i] = update;
            updated[i] = w[i] - update;
        }
        return (updated, updateValue);
    }

    /// <summary>The solver's weights and bias (index <see cref="Dim"/>) in double.</summary>
    public double[] Weights()
    {
        IReadOnlyList<Blob> blobs = Solver.Net.LayerDict["innerprod"].Blobs;
        double[] w = new double[Dim + 1];
        for (int i = 0; i < Dim; i++) w[i] = blobs[0].Data[i];
        w[Dim] = blobs[1].Data[0];
        return w;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(SnapshotDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static double HistoryValue(IReadOnlyList<Blob> history, int firstBlob, int i) =>
        i == Dim ? history[firstBlob + 1].Data[0] : history[firstBlob].Data[i];

    private NetParameter NetParam(int batch)
    {
        string filler = "weight_filler { type: 'gaussian' std: 1.0 } bias_filler { type: 'gaussian' std: 1.0 }";
        string text = $$"""
            name: 'TestNetwork'
            layer { name: 'data' type: 'Input' top: 'data' top: 'targets'
                    input_param { shape { dim: {{batch}} dim: {{Channels}} dim: {{Height}} dim: {{Width}} } shape { dim: {{batch}} dim: 1 } } }
            """;
        if (_share)
        {
            text += $$"""
                layer { name: 'slice' type: 'Slice' bottom: 'data' top: 'data1' top: 'data2' slice_param { axis: 0 } }
                layer { name: 'innerprod' type: 'InnerProduct' param { name: 'weights' } param { name: 'bias' }
                        inner_product_param { num_output: 1 {{filler}} } bottom: 'data1' top: 'innerprod1' }
                layer { name: 'innerprod2' type: 'InnerProduct' param { name: 'weights' } param { name: 'bias' }
                        inner_product_param { num_output: 1 {{filler}} } bottom: 'data2' top: 'innerprod2' }
                layer { name: 'concat' type: 'Concat' bottom: 'innerprod1' bottom: 'innerprod2' top: 'innerprod' concat_param { axis: 0 } }
                """;
        }
        else
        {
            text += $$"""
                layer { name: 'innerprod' type: 'InnerProduct' param { name: 'weights' } param { name: 'bias' }
                        inner_product_param { num_output: 1 {{filler}} } bottom: 'data' top: 'innerprod' }
                """;
        }
        text += $"layer {{ name: 'loss' type: 'EuclideanLoss' bottom: 'innerprod' bottom: 'targets' top: 'loss' }}";
        return TextFormat.Parse<NetParameter>(text);
    }
}
