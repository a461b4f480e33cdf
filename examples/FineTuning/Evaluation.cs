namespace Caffe.Examples.FineTuning;

/// <summary>The notebook's <c>eval_style_net(weights, test_iters=10)</c>.</summary>
public static class Evaluation
{
    /// <summary>
    /// Loads <paramref name="testNet"/> (a <see cref="ShiftedNet.Define"/> net with <c>train: false</c>) in the TEST
    /// phase with <paramref name="weights"/>, runs <paramref name="testIters"/> forward passes and returns the mean of
    /// its <c>acc</c> output, with the net for a closer look.
    /// </summary>
    public static (Net Net, float Accuracy) Run(string testNet, string weights, int testIters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testIters);
        var net = new Net(testNet, weights, Phase.Test);
        double accuracy = 0;
        for (int it = 0; it < testIters; it++) accuracy += net.Forward()["acc"].Data[0];
        return (net, (float)(accuracy / testIters));
    }
}
