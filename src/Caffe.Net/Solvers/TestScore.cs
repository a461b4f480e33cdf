namespace Caffe;

/// <summary>
/// One value a test net reports, averaged over <c>test_iter</c> forward passes (Caffe's
/// <c>Test net output #i: name = value (* weight = weighted loss)</c>). A blob with several elements gives one
/// score per element, in order.
/// </summary>
/// <param name="OutputName">The output blob's name.</param>
/// <param name="Value">The mean value.</param>
/// <param name="LossWeight">The blob's loss weight (0 for non-loss outputs such as accuracy).</param>
public readonly record struct TestScore(string OutputName, float Value, float LossWeight)
{
    /// <summary>The score as Caffe logs it, e.g. <c>loss = 0.0312 (* 1 = 0.0312 loss)</c>.</summary>
    public override string ToString() => Solver.FormatOutput(OutputName, Value, LossWeight);
}
