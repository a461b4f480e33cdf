namespace Caffe.Examples.LearningLeNet;

/// <summary>What the notebook's custom training loop keeps, iteration by iteration.</summary>
/// <param name="TrainLoss">The train net's <c>loss</c> after each iteration (<c>train_loss</c>, length niter).</param>
/// <param name="TestAccuracy">The test accuracy every <c>test_interval</c> iterations, starting at iteration 0 (<c>test_acc</c>, length ⌈niter / test_interval⌉).</param>
/// <param name="Output">The scores <c>ip2</c> of the first 8 test items after each iteration (<c>output</c>, shape niter × 8 × classes).</param>
/// <param name="TestInterval">The iterations between two accuracy measurements.</param>
public sealed record TrainingRecord(float[] TrainLoss, float[] TestAccuracy, NdArray Output, int TestInterval)
{
    /// <summary>The iteration of each <see cref="TestAccuracy"/> value (<c>test_interval * arange(len(test_acc))</c>).</summary>
    public int[] TestIterations => [.. Enumerable.Range(0, TestAccuracy.Length).Select(i => i * TestInterval)];
}
