using System.Numerics.Tensors;
using EltwiseOp = Caffe.EltwiseParameter.Types.EltwiseOp;

namespace Caffe;

/// <summary>
/// Element-wise combination of bottoms of one shape (Caffe's <c>Eltwise</c>): PROD, SUM (optionally weighted by
/// one <c>coeff</c> per bottom; the default) or MAX (the gradient goes to the bottom that held the maximum).
/// </summary>
public sealed class EltwiseLayer(LayerParameter param) : Layer(param)
{
    private EltwiseOp _op;
    private float[] _coeffs = [];
    private bool _stableProdGrad;
    private int[] _maxIndex = [];

    /// <inheritdoc/>
    public override string Type => "Eltwise";

    /// <inheritdoc/>
    public override int MinBottomBlobs => 2;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        EltwiseParameter p = Param.EltwiseParam ?? new();
        if (p.Coeff.Count != 0 && p.Coeff.Count != bottom.Count)
            throw Error($"takes one coeff per bottom blob: {p.Coeff.Count} coeff(s) for {bottom.Count} bottoms.");
        if (p.Operation == EltwiseOp.Prod && p.Coeff.Count != 0)
            throw Error("coeff applies to operation SUM only, not PROD.");
        _op = p.Operation;
        _coeffs = p.Coeff.Count != 0 ? [.. p.Coeff] : Enumerable.Repeat(1f, bottom.Count).ToArray();
        _stableProdGrad = p.StableProdGrad;
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        for (int i = 1; i < bottom.Count; i++)
        {
            if (!bottom[i].Shape.SequenceEqual(bottom[0].Shape))
                throw Error($"all bottoms must have the same shape: bottom[0] is {bottom[0].ShapeString}, bottom[{i}] is {bottom[i].ShapeString}.");
        }
        top[0].ReshapeLike(bottom[0]);
        if (_op == EltwiseOp.Max && _maxIndex.Length < bottom[0].Count) _maxIndex = new int[bottom[0].Count];
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        Span<float> topData = top[0].Data;   // may alias a bottom: in place
        switch (_op)
        {
            case EltwiseOp.Prod:
                TensorPrimitives.Multiply(bottom[0].Data, bottom[1].Data, topData);
                for (int i = 2; i < bottom.Count; i++) TensorPrimitives.Multiply(topData, bottom[i].Data, topData);
                break;
            case EltwiseOp.Sum:
                // Caffe zeroes the top first, so a top that aliases a bottom loses it; kept for equal numbers.
                topData.Clear();
                for (int i = 0; i < bottom.Count; i++) Blas.Axpy(topData.Length, _coeffs[i], bottom[i].Data, topData);
                break;
            case EltwiseOp.Max:
                ForwardMax(bottom, topData);
                break;
            default:
                throw Error($"unknown eltwise operation {_op}.");
        }
    }

    private void ForwardMax(IReadOnlyList<Blob> bottom, Span<float> topData)
    {
        Span<int> mask = _maxIndex.AsSpan(0, topData.Length);
        // Caffe initializes the top before reading the bottoms; with an aliased bottom 0 that matters.
        topData.Fill(-float.MaxValue);
        ReadOnlySpan<float> a = bottom[0].Data;
        ReadOnlySpan<float> b = bottom[1].Data;
        for (int i = 0; i < topData.Length; i++)
        {
            if (a[i] > b[i])
            {
                topData[i] = a[i];
                mask[i] = 0;
            }
            else
            {
                topData[i] = b[i];
                mask[i] = 1;
            }
        }
        for (int blob = 2; blob < bottom.Count; blob++)
        {
            ReadOnlySpan<float> data = bottom[blob].Data;
            for (int i = 0; i < topData.Length; i++)
            {
                if (data[i] > topData[i])
                {
                    topData[i] = data[i];
                    mask[i] = blob;
                }
            }
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        ReadOnlySpan<float> topData = top[0].Data;
        ReadOnlySpan<float> topDiff = top[0].Diff;
        for (int i = 0; i < bottom.Count; i++)
        {
            if (!propagateDown[i]) continue;
            Span<float> bottomDiff = bottom[i].Diff;
            switch (_op)
            {
                case EltwiseOp.Prod:
                    ProductOfOthers(bottom, i, topData, bottomDiff);
                    TensorPrimitives.Multiply(bottomDiff, topDiff, bottomDiff);
                    break;
                case EltwiseOp.Sum:
                    if (_coeffs[i] == 1f) topDiff.CopyTo(bottomDiff);
                    else TensorPrimitives.Multiply(topDiff, _coeffs[i], bottomDiff);
                    break;
                case EltwiseOp.Max:
                    ReadOnlySpan<int> mask = _maxIndex.AsSpan(0, bottomDiff.Length);
                    for (int k = 0; k < bottomDiff.Length; k++) bottomDiff[k] = mask[k] == i ? topDiff[k] : 0f;
                    break;
            }
        }
    }

    /// <summary>
    /// The product of every bottom but <paramref name="skip"/>: multiplied out when <c>stable_prod_grad</c>,
    /// else top / bottom (faster, but infinite or NaN where the bottom is 0).
    /// </summary>
    private void ProductOfOthers(IReadOnlyList<Blob> bottom, int skip, ReadOnlySpan<float> topData, Span<float> result)
    {
        if (!_stableProdGrad)
        {
            TensorPrimitives.Divide(topData, bottom[skip].Data, result);
            return;
        }
        bool initialized = false;
        for (int j = 0; j < bottom.Count; j++)
        {
            if (j == skip) continue;
            if (!initialized)
            {
                bottom[j].Data.CopyTo(result);
                initialized = true;
            }
            else
            {
                TensorPrimitives.Multiply(bottom[j].Data, result, result);
            }
        }
    }
}
