namespace Caffe;

/// <summary>
/// Mean-variance normalization (Caffe's <c>MVN</c>, <c>mvn_param { normalize_variance across_channels eps }</c>):
/// subtracts the mean of each (item, channel) over H×W — or of each item over C×H×W with
/// <c>across_channels</c> — and, with <c>normalize_variance</c>, divides by (standard deviation + eps), eps added
/// after the square root as Caffe does. Works on the legacy 4-D view; the top is (N, C, H, W).
/// </summary>
public sealed class MVNLayer(LayerParameter param) : Layer(param)
{
    private float[] _mean = [];
    // The standard deviation plus eps, per normalized group.
    private float[] _scale = [];
    private float[] _scratch = [];

    /// <inheritdoc/>
    public override string Type => "MVN";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    private MVNParameter MvnParam => Param.MvnParam ?? new MVNParameter();

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Blob b = bottom[0];
        if (b.NumAxes > 4)
            throw Error($"works on blobs of at most 4 axes (N, C, H, W); the bottom has shape ({Blob.ShapeText(b.Shape)}).");
        top[0].Reshape(b.Num, b.Channels, b.Height, b.Width);
        int groups = b.Num * b.Channels;
        if (_mean.Length < groups)
        {
            _mean = new float[groups];
            _scale = new float[groups];
        }
        if (_scratch.Length < b.Count) _scratch = new float[b.Count];
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        (int num, int dim) = Groups(bottom[0]);
        if (dim == 0) return;
        ReadOnlySpan<float> bottomData = bottom[0].Data;
        Span<float> topData = top[0].Data;
        bool normalizeVariance = MvnParam.NormalizeVariance;
        float eps = MvnParam.Eps;
        float invDim = (float)(1.0 / dim);
        for (int i = 0; i < num; i++)
        {
            ReadOnlySpan<float> x = bottomData.Slice(i * dim, dim);
            Span<float> y = topData.Slice(i * dim, dim);
            float mean = Sum(x) * invDim;
            _mean[i] = mean;
            for (int j = 0; j < dim; j++) y[j] = x[j] - mean;
            if (!normalizeVariance) continue;
            float variance = 0;
            for (int j = 0; j < dim; j++) variance += y[j] * y[j];
            variance *= invDim;
            float scale = MathF.Pow(variance, 0.5f) + eps;
            _scale[i] = scale;
            for (int j = 0; j < dim; j++) y[j] /= scale;
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (!propagateDown[0]) return;
        (int num, int dim) = Groups(bottom[0]);
        if (dim == 0) return;
        ReadOnlySpan<float> topData = top[0].Data;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        Span<float> bottomDiff = bottom[0].Diff;
        // Computed in a scratch buffer first, so that in-place use (top diff = bottom diff) stays correct.
        Span<float> result = _scratch.AsSpan(0, bottom[0].Count);
        bool normalizeVariance = MvnParam.NormalizeVariance;
        float invDim = (float)(1.0 / dim);
        for (int i = 0; i < num; i++)
        {
            ReadOnlySpan<float> y = topData.Slice(i * dim, dim);
            ReadOnlySpan<float> dy = topDiff.Slice(i * dim, dim);
            Span<float> dx = result.Slice(i * dim, dim);
            if (normalizeVariance)
            {
                // dx = (dy − mean(dy) − y · mean(y · dy)) / (std + eps), in Caffe's order of operations.
                float sumYdy = 0;
                for (int j = 0; j < dim; j++) sumYdy += y[j] * dy[j];
                float sumDy = Sum(dy);
                float scale = _scale[i];
                for (int j = 0; j < dim; j++)
                {
                    float centered = y[j] * sumYdy + sumDy;
                    dx[j] = (dy[j] + -invDim * centered) / scale;
                }
            }
            else
            {
                float meanDy = Sum(dy) * invDim;
                for (int j = 0; j < dim; j++) dx[j] = dy[j] - meanDy;
            }
        }
        result.CopyTo(bottomDiff);
    }

    private (int Num, int Dim) Groups(Blob blob)
    {
        int num = MvnParam.AcrossChannels ? blob.Num : blob.Num * blob.Channels;
        return (num, num == 0 ? 0 : blob.Count / num);
    }

    private static float Sum(ReadOnlySpan<float> values)
    {
        float sum = 0;
        foreach (float v in values) sum += v;
        return sum;
    }
}
