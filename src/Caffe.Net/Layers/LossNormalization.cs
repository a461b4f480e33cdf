namespace Caffe;

/// <summary>
/// What a loss is divided by (Caffe's loss normalization): FULL (every prediction), VALID (predictions not ignored),
/// BATCH_SIZE or NONE, and the deprecated <c>normalize</c> flag. Kept here for the loss layers of this file set;
/// the same rule lives in <c>LossLayer</c> on another branch and is to be unified with it.
/// </summary>
internal static class LossNormalization
{
    /// <summary>
    /// The divisor for a loss over <paramref name="outerNum"/> × <paramref name="innerNum"/> predictions of which
    /// <paramref name="validCount"/> were not ignored (−1: unknown, VALID then counts all). Never below 1, so that
    /// a batch whose labels are all ignored gives a zero loss rather than NaN.
    /// </summary>
    internal static float GetNormalizer(LossParameter.Types.NormalizationMode mode, int outerNum, int innerNum, int validCount)
    {
        float normalizer = mode switch
        {
            LossParameter.Types.NormalizationMode.Full => (float)outerNum * innerNum,
            LossParameter.Types.NormalizationMode.Valid => validCount == -1 ? (float)outerNum * innerNum : validCount,
            LossParameter.Types.NormalizationMode.BatchSize => outerNum,
            LossParameter.Types.NormalizationMode.None => 1f,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown loss normalization mode."),
        };
        return MathF.Max(1f, normalizer);
    }

    /// <summary>
    /// The mode a <c>loss_param</c> asks for: <c>normalization</c> when set; otherwise the deprecated
    /// <c>normalize</c> (true = VALID, false = BATCH_SIZE) when set; otherwise <paramref name="whenUnset"/> —
    /// VALID, the proto default, for most layers; SigmoidCrossEntropyLoss passes BATCH_SIZE.
    /// </summary>
    internal static LossParameter.Types.NormalizationMode ResolveMode(LossParameter? param,
        LossParameter.Types.NormalizationMode whenUnset = LossParameter.Types.NormalizationMode.Valid)
    {
        if (param == null) return whenUnset;
        if (param.HasNormalization) return param.Normalization;
        if (param.HasNormalize)
            return param.Normalize ? LossParameter.Types.NormalizationMode.Valid : LossParameter.Types.NormalizationMode.BatchSize;
        return whenUnset;
    }
}
