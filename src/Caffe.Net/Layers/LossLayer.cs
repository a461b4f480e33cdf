using NormalizationMode = Caffe.LossParameter.Types.NormalizationMode;

namespace Caffe;

/// <summary>
/// Base of loss layers: bottoms are predictions and labels (or targets), the top is a scalar loss whose
/// weight defaults to 1. Labels never receive a gradient, even under <c>force_backward</c>.
/// The summed loss is divided by <see cref="GetNormalizer"/>; backward scales by the top diff (the loss
/// weight) over the same normalizer.
/// </summary>
public abstract class LossLayer(LayerParameter param) : Layer(param)
{
    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 2;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override bool AutoTopBlobs => true;

    /// <inheritdoc/>
    public override bool AllowForceBackward(int bottomIndex) => bottomIndex != 1;

    /// <summary>Gives the loss top a weight of 1 when <c>loss_weight</c> is not set.</summary>
    /// <remarks>
    /// Extra tops (SoftmaxWithLoss's probabilities) get weight 0. Caffe adds a single weight, so a second top
    /// without explicit weights fails its loss-weight count check there; here it works.
    /// </remarks>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (Param.LossWeight.Count != 0) return;
        Param.LossWeight.Add(1f);
        for (int i = 1; i < top.Count; i++) Param.LossWeight.Add(0f);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        if (bottom[0].NumAxes == 0 || bottom[1].NumAxes == 0 || bottom[0].ShapeAt(0) != bottom[1].ShapeAt(0))
            throw Error($"the data and label must have the same first dimension: " +
                        $"{bottom[0].ShapeString} vs {bottom[1].ShapeString}.");
        top[0].Reshape();
    }

    /// <summary>
    /// What a summed loss is divided by (Caffe's <c>LossLayer::GetNormalizer</c>): FULL = all
    /// <paramref name="outerNum"/> × <paramref name="innerNum"/> positions, VALID = <paramref name="validCount"/>
    /// (or FULL when it is -1, i.e. not counted), BATCH_SIZE = <paramref name="outerNum"/>, NONE = 1.
    /// The result is at least 1, so a batch whose labels are all ignored gives a loss of 0, not NaN.
    /// </summary>
    public static float GetNormalizer(NormalizationMode mode, int outerNum, int innerNum, int validCount)
    {
        float normalizer = mode switch
        {
            NormalizationMode.Full => outerNum * innerNum,
            NormalizationMode.Valid => validCount == -1 ? outerNum * innerNum : validCount,
            NormalizationMode.BatchSize => outerNum,
            NormalizationMode.None => 1,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown loss normalization mode"),
        };
        return MathF.Max(1f, normalizer);
    }

    /// <summary>
    /// The normalization mode <paramref name="lossParam"/> asks for: <c>normalization</c> when set, else the
    /// deprecated <c>normalize</c> (true = VALID, false = BATCH_SIZE) when set, else
    /// <paramref name="whenUnset"/> (VALID, the proto default, for most layers).
    /// </summary>
    public static NormalizationMode NormalizationModeOf(LossParameter? lossParam,
                                                        NormalizationMode whenUnset = NormalizationMode.Valid)
    {
        if (lossParam == null) return whenUnset;
        if (lossParam.HasNormalization) return lossParam.Normalization;
        if (lossParam.HasNormalize) return lossParam.Normalize ? NormalizationMode.Valid : NormalizationMode.BatchSize;
        return whenUnset;
    }
}
