namespace Caffe.Cli.Commands;

/// <summary>One training iteration as <c>caffe train</c> saw it: the loss before and after smoothing, and the rate.</summary>
internal readonly record struct IterationRecord(int Iteration, float Loss, float SmoothedLoss, float Lr);

/// <summary>The mean outputs of one test of one test net, at the iteration it ran.</summary>
internal readonly record struct TestRecord(int TestNet, int Iteration, IReadOnlyList<TestScore> Scores);

/// <summary>
/// What a training run produced, collected through the solver's callbacks: every iteration's loss and every test's
/// scores, for the progress display and the <c>--plot</c> image.
/// </summary>
internal sealed class TrainingHistory
{
    private readonly Solver _solver;
    private readonly List<IterationRecord> _iterations = [];
    private readonly List<TestRecord> _tests = [];
    private readonly IReadOnlyList<TestScore>?[] _lastSeen;

    /// <summary>Starts recording <paramref name="solver"/>; <paramref name="onIteration"/> runs after each record.</summary>
    public TrainingHistory(Solver solver, Action<IterationRecord> onIteration)
    {
        _solver = solver;
        _lastSeen = new IReadOnlyList<TestScore>?[solver.TestNets.Count];
        for (int i = 0; i < _lastSeen.Length; i++) _lastSeen[i] = solver.LastTestScores(i);
        // Tests run before the "start" callbacks of their iteration, so new scores are there to pick up.
        solver.AddCallback(CollectTests, () =>
        {
            var record = new IterationRecord(solver.Iter, solver.IterationLoss, solver.SmoothedLoss, solver.Lr);
            _iterations.Add(record);
            onIteration(record);
        });
    }

    public IReadOnlyList<IterationRecord> Iterations => _iterations;

    public IReadOnlyList<TestRecord> Tests => _tests;

    /// <summary>Picks up the scores of tests run since the last call (also call it after <see cref="Solver.Solve"/>: the final test).</summary>
    public void CollectTests()
    {
        for (int i = 0; i < _lastSeen.Length; i++)
        {
            IReadOnlyList<TestScore> scores = _solver.LastTestScores(i);
            // Every completed test stores a new list; an interrupted one stores nothing.
            if (ReferenceEquals(scores, _lastSeen[i]) || scores.Count == 0) continue;
            _lastSeen[i] = scores;
            _tests.Add(new TestRecord(i, _solver.Iter, scores));
        }
    }
}
