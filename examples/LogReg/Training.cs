namespace Caffe.Examples.LogReg;

/// <summary>What a trained net predicts for the rows of its test set, in file order.</summary>
/// <param name="Features">The rows the test net read (N×F), taken from its <c>data</c> blob.</param>
/// <param name="Labels">Their labels, from the <c>label</c> blob.</param>
/// <param name="Predicted">The class with the highest score.</param>
public sealed record TestPredictions(NdArray Features, int[] Labels, int[] Predicted);

/// <summary>
/// The notebook's training cell: <c>solver = caffe.get_solver(path); solver.solve()</c>, then the accuracy
/// averaged over test batches.
/// </summary>
public static class Training
{
    /// <summary><c>caffe.get_solver(solver_path).solve()</c>: creates the solver and runs all its iterations.</summary>
    public static Solver Train(string solverPath)
    {
        Solver solver = Solver.Create(solverPath);
        solver.Solve();
        return solver;
    }

    /// <summary>
    /// The notebook's evaluation: <c>test_iters = len(Xt) // batch_size</c> forward passes of the test net, the mean
    /// of its <c>accuracy</c> output. A remainder of fewer than a batch of rows is left out, as there.
    /// </summary>
    public static double TestAccuracy(Net testNet, int testRows)
    {
        ArgumentNullException.ThrowIfNull(testNet);
        int batches = testRows / testNet.Blobs["data"].Num;
        if (batches == 0) throw new ArgumentException($"{testRows} test rows make no full batch of {testNet.Blobs["data"].Num}.", nameof(testRows));
        double accuracy = 0;
        for (int i = 0; i < batches; i++)
        {
            testNet.Forward();
            accuracy += testNet.Blobs["accuracy"].Data[0];
        }
        return accuracy / batches;
    }

    /// <summary>
    /// Runs <paramref name="testRows"/> / batch size forward passes of the test net and keeps every row it read with
    /// its label and the argmax of <paramref name="scores"/> (<c>ip1</c> for logistic regression, <c>ip2</c> for the
    /// nonlinear net).
    /// </summary>
    public static TestPredictions Predict(Net testNet, int testRows, string scores)
    {
        ArgumentNullException.ThrowIfNull(testNet);
        Blob data = testNet.Blobs["data"], label = testNet.Blobs["label"], score = testNet.Blobs[scores];
        int batch = data.Num, features = data.Count / batch, classes = score.Count / batch;
        int rows = testRows / batch * batch;
        var x = new float[rows * features];
        var labels = new int[rows];
        var predicted = new int[rows];
        for (int start = 0; start < rows; start += batch)
        {
            testNet.Forward();
            data.Data.CopyTo(x.AsSpan(start * features));
            for (int i = 0; i < batch; i++)
            {
                labels[start + i] = (int)label.Data[i];
                ReadOnlySpan<float> s = score.Data.Slice(i * classes, classes);
                int best = 0;
                for (int c = 1; c < classes; c++) if (s[c] > s[best]) best = c;
                predicted[start + i] = best;
            }
        }
        return new TestPredictions(new NdArray(x, [rows, features]), labels, predicted);
    }
}
