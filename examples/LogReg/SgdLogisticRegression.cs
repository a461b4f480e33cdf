namespace Caffe.Examples.LogReg;

/// <summary>
/// The comparison point, standing in for the notebook's scikit-learn
/// <c>SGDClassifier(loss='log', penalty='l2', alpha=5e-4)</c>: a binary logistic regression in plain C#, trained by
/// stochastic gradient descent, one sample at a time with L2 weight decay and a decaying step. Not a Caffe.Net
/// feature: Caffe.Net's own logistic regression is the InnerProduct + SoftmaxWithLoss net.
/// </summary>
public sealed class SgdLogisticRegression
{
    private readonly double[] _weights;

    private SgdLogisticRegression(double[] weights, double bias)
    {
        _weights = weights;
        Bias = bias;
    }

    /// <summary>One weight per feature.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>The intercept.</summary>
    public double Bias { get; }

    /// <summary>
    /// Fits on 0/1 labels: <paramref name="epochs"/> passes over the rows in a fresh random order, the step
    /// <c>rate / (1 + rate·alpha·t)</c> after t updates, L2 strength <paramref name="alpha"/> on the weights.
    /// </summary>
    public static SgdLogisticRegression Fit(LabelledData train, int epochs = 20, double alpha = 5e-4, double rate = 0.1, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Labels.Any(l => l is not (0 or 1))) throw new ArgumentException("the baseline is binary: labels must be 0 or 1.", nameof(train));
        var random = new Random(seed);
        var w = new double[train.FeatureCount];
        double b = 0;
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        long t = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (int i in order)
            {
                ReadOnlySpan<float> x = train.Row(i);
                double step = rate / (1 + rate * alpha * t++);
                double error = Sigmoid(Score(w, b, x)) - train.Labels[i];  // d(log loss)/d(score)
                for (int j = 0; j < w.Length; j++) w[j] -= step * (error * x[j] + alpha * w[j]);
                b -= step * error;
            }
        }
        return new SgdLogisticRegression(w, b);
    }

    /// <summary>The predicted class (0 or 1) of one row.</summary>
    public int Predict(ReadOnlySpan<float> row) => Score(_weights, Bias, row) > 0 ? 1 : 0;

    /// <summary><c>accuracy_score(yt, clf.predict(Xt))</c>: the share of rows predicted right.</summary>
    public double Accuracy(LabelledData test)
    {
        ArgumentNullException.ThrowIfNull(test);
        int right = 0;
        for (int i = 0; i < test.Count; i++)
            if (Predict(test.Row(i)) == test.Labels[i]) right++;
        return (double)right / test.Count;
    }

    private static double Score(double[] w, double b, ReadOnlySpan<float> x)
    {
        double s = b;
        for (int j = 0; j < w.Length; j++) s += w[j] * x[j];
        return s;
    }

    private static double Sigmoid(double s) => 1 / (1 + Math.Exp(-s));
}
