namespace Caffe;

/// <summary>
/// Fully connected layer (Caffe's <c>InnerProductLayer</c>, type "InnerProduct"): the axes from
/// <c>axis</c> on are flattened into vectors of K values, each multiplied by the weights
/// ([num_output, K], or [K, num_output] with <c>transpose</c>) plus the bias. The top keeps the axes
/// before <c>axis</c> and ends with num_output. One GEMM per pass.
/// </summary>
public sealed class InnerProductLayer(LayerParameter param) : Layer(param)
{
    private static readonly InnerProductParameter DefaultParameter = new();

    private int _m;
    private int _k;
    private int _n;
    private bool _biasTerm;
    private bool _transpose;
    private float[] _biasMultiplier = [];

    /// <inheritdoc/>
    public override string Type => "InnerProduct";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    private InnerProductParameter IpParam => Param.InnerProductParam ?? DefaultParameter;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        InnerProductParameter ip = IpParam;
        if (ip.NumOutput == 0 || ip.NumOutput > int.MaxValue)
            throw Error($"inner_product_param.num_output must be positive (got {ip.NumOutput}; unset means 0).");
        _n = (int)ip.NumOutput;
        _biasTerm = ip.BiasTerm;
        _transpose = ip.Transpose;
        _k = bottom[0].CountFrom(Axis(bottom[0]));
        long weightCount = (long)_n * _k;
        if (Blobs.Count > 0)
        {
            if (Blobs.Count != (_biasTerm ? 2 : 1))
                throw Error($"incorrect number of weight blobs: {Blobs.Count}, expected {(_biasTerm ? 2 : 1)} (bias_term: {_biasTerm}).");
            if (Blobs[0].Count != weightCount)
                throw Error($"the weight blob ({Blobs[0].ShapeString}) does not hold num_output x K = {_n} x {_k} values.");
            if (_biasTerm && Blobs[1].Count != _n)
                throw Error($"the bias blob ({Blobs[1].ShapeString}) does not hold num_output = {_n} values.");
        }
        else
        {
            int[] weightShape = _transpose ? [_k, _n] : [_n, _k];
            Blobs.Add(FilledBlob(weightShape, ip.WeightFiller, "weight_filler"));
            if (_biasTerm) Blobs.Add(FilledBlob([_n], ip.BiasFiller, "bias_filler"));
        }
        for (int i = 0; i < Blobs.Count; i++) SetParamPropagateDown(i, true);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int axis = Axis(bottom[0]);
        int k = bottom[0].CountFrom(axis);
        if (k != _k)
            throw Error($"input size incompatible with inner product parameters: the layer was set up for K = {_k} " +
                        $"values per item, the bottom {bottom[0].ShapeString} has {k} from axis {axis}.");
        _m = bottom[0].CountRange(0, axis);
        top[0].Reshape([.. bottom[0].Shape.Take(axis), _n]);
        if (_biasTerm && _biasMultiplier.Length < _m)
        {
            _biasMultiplier = new float[_m];
            Array.Fill(_biasMultiplier, 1f);
        }
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Span<float> topData = top[0].Data;
        Blas.Gemm(Transpose.NoTrans, _transpose ? Transpose.NoTrans : Transpose.Trans, _m, _n, _k, 1f,
            bottom[0].Data, Blobs[0].Data, 0f, topData);
        if (_biasTerm)
        {
            Blas.Gemm(Transpose.NoTrans, Transpose.NoTrans, _m, _n, 1, 1f, _biasMultiplier, Blobs[1].Data, 1f, topData);
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown,
                                        IReadOnlyList<Blob> bottom)
    {
        ReadOnlySpan<float> topDiff = top[0].Diff;
        if (ParamPropagateDown(0))
        {
            if (_transpose)
                Blas.Gemm(Transpose.Trans, Transpose.NoTrans, _k, _n, _m, 1f, bottom[0].Data, topDiff, 1f, Blobs[0].Diff);
            else
                Blas.Gemm(Transpose.Trans, Transpose.NoTrans, _n, _k, _m, 1f, topDiff, bottom[0].Data, 1f, Blobs[0].Diff);
        }
        if (_biasTerm && ParamPropagateDown(1))
        {
            Blas.Gemv(Transpose.Trans, _m, _n, 1f, topDiff, _biasMultiplier, 1f, Blobs[1].Diff);
        }
        if (propagateDown[0])
        {
            Blas.Gemm(Transpose.NoTrans, _transpose ? Transpose.Trans : Transpose.NoTrans, _m, _k, _n, 1f,
                topDiff, Blobs[0].Data, 0f, bottom[0].Diff);
        }
    }

    private int Axis(Blob bottom)
    {
        int axis = IpParam.Axis;
        if (axis < -bottom.NumAxes || axis >= bottom.NumAxes)
            throw Error($"inner_product_param.axis {axis} is out of range for a bottom of shape {bottom.ShapeString} ({bottom.NumAxes} axes).");
        return bottom.CanonicalAxisIndex(axis);
    }

    private Blob FilledBlob(int[] shape, FillerParameter? filler, string field)
    {
        var blob = new Blob(shape);
        try
        {
            Filler.Fill(filler ?? new FillerParameter(), blob);
        }
        catch (ArgumentException e)
        {
            throw Error($"inner_product_param.{field}: {e.Message}");
        }
        return blob;
    }
}
