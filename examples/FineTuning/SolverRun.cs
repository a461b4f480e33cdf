namespace Caffe.Examples.FineTuning;

/// <summary>The notebook's <c>run_solvers(niter, solvers, disp_interval=10)</c>.</summary>
public static class SolverRun
{
    /// <summary>
    /// Steps each solver once in turn, <paramref name="niter"/> times, recording its train net's <c>loss</c> and
    /// <c>acc</c> after every step; every <paramref name="displayInterval"/> iterations and at the last one it writes
    /// the notebook's line (<c>  0) pretrained: loss=2.303, acc=10%; scratch: …</c>) to <paramref name="log"/>. Then
    /// saves each net's weights as <c>weights.{name}.caffemodel</c> in <paramref name="weightsFolder"/>.
    /// </summary>
    public static IReadOnlyList<SolverRecord> Run(int niter, IReadOnlyList<(string Name, Solver Solver)> solvers, string weightsFolder,
                                                  int displayInterval = 10, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(solvers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(niter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(displayInterval);
        var loss = solvers.Select(_ => new float[niter]).ToArray();
        var accuracy = solvers.Select(_ => new float[niter]).ToArray();
        for (int it = 0; it < niter; it++)
        {
            for (int s = 0; s < solvers.Count; s++)
            {
                Solver solver = solvers[s].Solver;
                solver.Step(1);
                loss[s][it] = solver.Net.Blobs["loss"].Data[0];
                accuracy[s][it] = solver.Net.Blobs["acc"].Data[0];
            }
            if (log != null && (it % displayInterval == 0 || it + 1 == niter))
            {
                string line = string.Join("; ", solvers.Select((entry, s) =>
                    $"{entry.Name}: loss={loss[s][it]:F3}, acc={MathF.Round(100 * accuracy[s][it]),2:F0}%"));
                log.WriteLine($"{it,3}) {line}");
            }
        }
        Directory.CreateDirectory(weightsFolder);
        var records = new List<SolverRecord>();
        for (int s = 0; s < solvers.Count; s++)
        {
            string weights = Path.Combine(weightsFolder, $"weights.{solvers[s].Name}.caffemodel");
            solvers[s].Solver.Net.Save(weights);
            records.Add(new SolverRecord(solvers[s].Name, loss[s], accuracy[s], weights));
        }
        return records;
    }
}
