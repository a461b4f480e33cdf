namespace Caffe.Tests;

/// <summary>
/// Caffe's GradientChecker: compares the gradients a layer's Backward computes with central finite
/// differences of a scalar objective built from its tops. Defaults follow Caffe's tests (seed 1701).
/// Values within <c>kinkRange</c> of <c>kink</c> are skipped, for layers with a non-differentiable point.
/// </summary>
internal sealed class GradientChecker(float stepsize, float threshold, int seed = 1701, float kink = 0f, float kinkRange = -1f)
{
    /// <summary>Checks the gradient of the objective ½·Σ top² (all tops at once).</summary>
    public void CheckGradient(Layer layer, IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top, int checkBottom = -1)
    {
        layer.SetUp(bottom, top);
        CheckGradientSingle(layer, bottom, top, checkBottom, -1, -1);
    }

    /// <summary>Checks, for every top element in turn, the gradient of 2·top[i][j].</summary>
    public void CheckGradientExhaustive(Layer layer, IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top, int checkBottom = -1)
    {
        layer.SetUp(bottom, top);
        Assert.IsTrue(top.Count > 0, "Exhaustive mode requires at least one top blob.");
        for (int i = 0; i < top.Count; i++)
            for (int j = 0; j < top[i].Count; j++)
                CheckGradientSingle(layer, bottom, top, checkBottom, i, j);
    }

    /// <summary>For element-wise layers: top element j depends only on bottom element j.</summary>
    public void CheckGradientEltwise(Layer layer, IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        layer.SetUp(bottom, top);
        Assert.IsTrue(top.Count > 0, "Eltwise mode requires at least one top blob.");
        for (int i = 0; i < top.Count; i++)
            for (int j = 0; j < top[i].Count; j++)
                CheckGradientSingle(layer, bottom, top, -1, i, j, elementWise: true);
    }

    public void CheckGradientSingle(Layer layer, IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top,
                                    int checkBottom, int topId, int topDataId, bool elementWise = false)
    {
        if (elementWise)
        {
            Assert.AreEqual(0, layer.Blobs.Count, "element-wise check needs a layer without parameters");
            foreach (Blob t in top) Assert.AreEqual(top[topId].Count, t.Count);
        }
        var blobsToCheck = new List<Blob>();
        var propagateDown = Enumerable.Repeat(checkBottom == -1, bottom.Count).ToArray();
        foreach (Blob blob in layer.Blobs)
        {
            blob.Diff.Clear();
            blobsToCheck.Add(blob);
        }
        if (checkBottom == -1) blobsToCheck.AddRange(bottom);
        else if (checkBottom >= 0)
        {
            Assert.IsTrue(checkBottom < bottom.Count);
            blobsToCheck.Add(bottom[checkBottom]);
            propagateDown[checkBottom] = true;
        }
        Assert.IsTrue(blobsToCheck.Count > 0, "No blobs to check.");

        Rng.SetRandomSeed(seed);
        layer.Forward(bottom, top);
        GetObjectiveAndGradient(top, topId, topDataId);
        layer.Backward(top, propagateDown, bottom);
        var computed = blobsToCheck.Select(b => b.Diff.ToArray()).ToList();

        for (int blobId = 0; blobId < blobsToCheck.Count; blobId++)
        {
            Blob current = blobsToCheck[blobId];
            for (int feat = 0; feat < current.Count; feat++)
            {
                float estimated = 0;
                if (!elementWise || feat == topDataId)
                {
                    float original = current.Data[feat];
                    current.Data[feat] = original + stepsize;
                    Rng.SetRandomSeed(seed);
                    layer.Forward(bottom, top);
                    double positive = GetObjectiveAndGradient(top, topId, topDataId);
                    current.Data[feat] = original - stepsize;
                    Rng.SetRandomSeed(seed);
                    layer.Forward(bottom, top);
                    double negative = GetObjectiveAndGradient(top, topId, topDataId);
                    current.Data[feat] = original;
                    estimated = (float)((positive - negative) / stepsize / 2.0);
                }
                float analytic = computed[blobId][feat];
                float feature = current.Data[feat];
                if (kink - kinkRange > MathF.Abs(feature) || MathF.Abs(feature) > kink + kinkRange)
                {
                    // Relative accuracy, with the scale floored at 1 for small gradients.
                    float scale = MathF.Max(MathF.Max(MathF.Abs(analytic), MathF.Abs(estimated)), 1f);
                    if (!(MathF.Abs(analytic - estimated) <= threshold * scale))
                    {
                        Assert.Fail($"{layer}: gradient mismatch at blob {blobId} (of {blobsToCheck.Count} checked, " +
                                    $"{layer.Blobs.Count} params first), element {feat}, top {topId}[{topDataId}]: " +
                                    $"analytic {analytic}, numeric {estimated}, threshold {threshold * scale}");
                    }
                }
            }
        }
    }

    private static double GetObjectiveAndGradient(IReadOnlyList<Blob> top, int topId, int topDataId)
    {
        double loss = 0;
        if (topId < 0)
        {
            // Objective ½·Σ data², whose gradient is the data itself.
            foreach (Blob t in top)
            {
                Span<float> data = t.Data;
                foreach (float v in data) loss += (double)v * v;
                data.CopyTo(t.Diff);
            }
            return loss / 2;
        }
        foreach (Blob t in top) t.Diff.Clear();
        const float lossWeight = 2;
        loss = top[topId].Data[topDataId] * lossWeight;
        top[topId].Diff[topDataId] = lossWeight;
        return loss;
    }
}
