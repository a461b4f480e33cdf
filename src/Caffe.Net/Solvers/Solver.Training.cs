using System.Diagnostics;
using System.Globalization;

namespace Caffe;

public abstract partial class Solver
{
    private readonly List<float> _losses = [];
    private readonly List<IReadOnlyList<TestScore>> _meanScores = [];
    private bool _requestedEarlyExit;

    /// <summary>
    /// Runs <paramref name="iters"/> training iterations (pycaffe <c>solver.step(n)</c>), as Caffe's
    /// <c>Solver::Step</c>: each one clears the parameter diffs, tests when <c>test_interval</c> says so, runs
    /// forward/backward <c>iter_size</c> times (accumulating gradients), logs every <c>display</c> iterations,
    /// applies the update, advances <see cref="Iter"/> and snapshots every <c>snapshot</c> iterations.
    /// </summary>
    /// <exception cref="NonFiniteLossException">A forward pass gave a NaN or infinite loss (the update is not applied).</exception>
    public void Step(int iters)
    {
        int startIter = Iter;
        int stopIter = Iter + iters;
        _losses.Clear();
        SmoothedLoss = 0;
        var timer = Stopwatch.StartNew();
        int iterationsLast = Iter;

        while (Iter < stopIter)
        {
            Net.ClearParamDiffs();
            if (Param.TestInterval != 0 && Iter % Param.TestInterval == 0 && (Iter > 0 || Param.TestInitialization))
            {
                TestAll();
                // A stop requested while testing ends training here.
                if (_requestedEarlyExit) break;
            }

            foreach (var callback in _callbacks) callback.OnStart();
            bool display = Param.Display != 0 && Iter % Param.Display == 0;
            Net.DebugInfo = display && Param.DebugInfo;
            float loss = 0;
            for (int i = 0; i < Param.IterSize; i++)
            {
                float passLoss = Net.ForwardBackward();
                if (!float.IsFinite(passLoss)) throw NonFiniteLoss(passLoss);
                loss += passLoss;
            }
            loss /= Param.IterSize;
            IterationLoss = loss;
            UpdateSmoothedLoss(loss, startIter, Param.AverageLoss);
            if (display)
            {
                double lapse = timer.Elapsed.TotalSeconds;
                double perSecond = (Iter - iterationsLast) / (lapse > 0 ? lapse : 1);
                CaffeLog.Info($"Iteration {Iter} ({G(perSecond)} iter/s, {G(lapse)}s/{Param.Display} iters), loss = {G(SmoothedLoss)}");
                timer.Restart();
                iterationsLast = Iter;
                LogOutputs(Net, "Train");
            }
            foreach (var callback in _callbacks) callback.OnGradientsReady();
            ApplyUpdate();

            // Iter counts the updates applied so far.
            Iter++;

            SolverAction request = GetRequestedAction();
            if ((Param.Snapshot != 0 && Iter % Param.Snapshot == 0) || request == SolverAction.Snapshot) Snapshot();
            if (request == SolverAction.Stop)
            {
                _requestedEarlyExit = true;
                break;
            }
        }
    }

    /// <summary>
    /// Trains until <c>max_iter</c> (pycaffe <c>solver.solve(resume_file)</c>), first restoring
    /// <paramref name="resumeFile"/> (a .solverstate or .solverstate.h5) when given. Unless
    /// <c>snapshot_after_train</c> is false, a final snapshot is written if the last iteration did not write one;
    /// then the train loss is displayed and the test nets run once more when <c>display</c> /
    /// <c>test_interval</c> divide the final iteration.
    /// </summary>
    public void Solve(string? resumeFile = null)
    {
        CaffeLog.Info($"Solving {Net.Name}");
        CaffeLog.Info($"Learning Rate Policy: {Param.LrPolicy}");
        _requestedEarlyExit = false;
        if (resumeFile != null)
        {
            CaffeLog.Info($"Restoring previous solver status from {resumeFile}");
            Restore(resumeFile);
        }

        int startIter = Iter;
        Step(Param.MaxIter - Iter);
        if (Param.SnapshotAfterTrain && (Param.Snapshot == 0 || Iter % Param.Snapshot != 0)) Snapshot();
        if (_requestedEarlyExit)
        {
            CaffeLog.Info("Optimization stopped early.");
            return;
        }
        // The train net only runs forward here: the weights were already updated max_iter times.
        if (Param.Display != 0 && Iter % Param.Display == 0)
        {
            float loss = Net.ForwardLoss();
            UpdateSmoothedLoss(loss, startIter, Param.AverageLoss);
            CaffeLog.Info($"Iteration {Iter}, loss = {G(SmoothedLoss)}");
        }
        if (Param.TestInterval != 0 && Iter % Param.TestInterval == 0) TestAll();
        CaffeLog.Info("Optimization Done.");
    }

    /// <summary>Runs every test net (Caffe's <c>TestAll</c>); stops early when a stop is requested.</summary>
    public void TestAll()
    {
        for (int i = 0; i < _testNets.Count && !_requestedEarlyExit; i++) Test(i);
    }

    /// <summary>
    /// Runs test net <paramref name="testNetId"/> for its <c>test_iter</c> batches with the train net's weights
    /// and returns the mean of every output element, logged as Caffe does (with <c>test_compute_loss</c>, the
    /// mean loss is logged too). Returns an empty list when a stop was requested meanwhile.
    /// </summary>
    public IReadOnlyList<TestScore> Test(int testNetId = 0)
    {
        if (testNetId < 0 || testNetId >= _testNets.Count)
            throw new ArgumentOutOfRangeException(nameof(testNetId), $"test net #{testNetId} does not exist; the solver has {_testNets.Count}.");
        CaffeLog.Info($"Iteration {Iter}, Testing net (#{testNetId})");
        Net testNet = _testNets[testNetId];
        testNet.ShareWith(Net);
        int testIter = Param.TestIter[testNetId];
        var sums = new OutputSums();
        float loss = 0;
        for (int i = 0; i < testIter; i++)
        {
            // Caffe drains every pending request here; asking once per batch cannot spin on a callback that keeps
            // answering Stop.
            SolverAction request = GetRequestedAction();
            if (request == SolverAction.Snapshot) Snapshot();
            else if (request == SolverAction.Stop) _requestedEarlyExit = true;
            if (_requestedEarlyExit) break;

            float iterLoss = testNet.ForwardLoss();
            if (Param.TestComputeLoss) loss += iterLoss;
            sums.Add(testNet);
        }
        if (_requestedEarlyExit)
        {
            CaffeLog.Info("Test interrupted.");
            return [];
        }
        if (Param.TestComputeLoss) CaffeLog.Info($"Test loss: {G(loss / testIter)}");

        TestScore[] scores = sums.Means(testNet, testIter);
        for (int i = 0; i < scores.Length; i++) CaffeLog.Info($"    Test net output #{i}: {scores[i]}");
        while (_meanScores.Count <= testNetId) _meanScores.Add([]);
        _meanScores[testNetId] = scores;
        return scores;
    }

    /// <summary>The scores of the last completed <see cref="Test"/> of each test net (empty before the first).</summary>
    public IReadOnlyList<TestScore> LastTestScores(int testNetId = 0) =>
        testNetId < _meanScores.Count ? _meanScores[testNetId] : [];

    /// <summary>Caffe's output line: <c>name = value</c>, plus <c>(* weight = weighted loss)</c> for a loss.</summary>
    internal static string FormatOutput(string name, float value, float lossWeight) =>
        lossWeight != 0 ? $"{name} = {G(value)} (* {G(lossWeight)} = {G(lossWeight * value)} loss)" : $"{name} = {G(value)}";

    /// <summary>A number as C++ streams print it by default (6 significant digits, %g style).</summary>
    internal static string G(double value) => CFloatFormat.FormatG(value, 6);

    private SolverAction GetRequestedAction() => ActionRequested?.Invoke() ?? SolverAction.None;

    // Caffe's running mean over the last average_loss iterations of this Step call.
    private void UpdateSmoothedLoss(float loss, int startIter, int averageLoss)
    {
        if (_losses.Count < averageLoss)
        {
            _losses.Add(loss);
            int size = _losses.Count;
            SmoothedLoss = (SmoothedLoss * (size - 1) + loss) / size;
        }
        else
        {
            int index = (Iter - startIter) % averageLoss;
            SmoothedLoss += (loss - _losses[index]) / averageLoss;
            _losses[index] = loss;
        }
    }

    private static void LogOutputs(Net net, string which)
    {
        int scoreIndex = 0;
        foreach (string name in net.Outputs)
        {
            float lossWeight = net.BlobLossWeights[name];
            foreach (float value in net.Blobs[name].Data)
                CaffeLog.Info($"    {which} net output #{scoreIndex++}: {FormatOutput(name, value, lossWeight)}");
        }
    }

    private NonFiniteLossException NonFiniteLoss(float loss)
    {
        int badLayer = -1;
        string? blobName = null;
        for (int layerId = 0; layerId < Net.Layers.Count && badLayer < 0; layerId++)
        {
            foreach (Blob top in Net.TopVecs[layerId])
            {
                if (AllFinite(top.Data)) continue;
                badLayer = layerId;
                blobName = Net.BlobNames.FirstOrDefault(name => ReferenceEquals(Net.Blobs[name], top)) ?? "(unnamed)";
                break;
            }
        }
        string? layerName = badLayer >= 0 ? Net.LayerNames[badLayer] : null;
        string where = badLayer >= 0
            ? $"the first layer whose output is not finite is '{layerName}' ({Net.Layers[badLayer].Type}), top blob '{blobName}'"
            : "no layer output holds a NaN or infinity (the loss itself overflowed)";
        string? badParams = null;
        for (int layerId = 0; layerId < Net.Layers.Count && badParams == null; layerId++)
        {
            if (Net.Layers[layerId].Blobs.Any(blob => !AllFinite(blob.Data))) badParams = Net.LayerNames[layerId];
        }
        string parameters = badParams != null
            ? $"; the parameters of layer '{badParams}' already hold non-finite values (the training diverged earlier: lower base_lr or use clip_gradients)"
            : "";
        string message = $"{SourceName(SourceFile)}: the loss is {loss.ToString(CultureInfo.InvariantCulture)} at iteration {Iter} " +
                         $"of net '{Net.Name}': {where}{parameters}. Training stopped before this iteration's update.";
        return new NonFiniteLossException(Iter, loss, layerName, blobName, message);
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            if (!float.IsFinite(value)) return false;
        }
        return true;
    }
}
