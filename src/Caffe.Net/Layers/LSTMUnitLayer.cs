namespace Caffe;

/// <summary>
/// One timestep of an LSTM cell (Caffe's <c>LSTMUnitLayer</c>, type "LSTMUnit"), as used inside
/// <see cref="LSTMLayer"/>'s unrolled net. Bottoms: c_{t-1} (1 × N × D), the gate inputs (1 × N × 4D, in the
/// order i, f, o, g) and the continuation indicators cont_t (1 × N). Tops: c_t and h_t (1 × N × D), with
/// c_t = f'⊙c_{t-1} + σ(i)⊙tanh(g), h_t = σ(o)⊙tanh(c_t) and f' = cont_t·σ(f) (0 where cont_t = 0).
/// No gradient flows to the indicators.
/// </summary>
public sealed class LSTMUnitLayer(LayerParameter param) : Layer(param)
{
    private int _hiddenDim;

    /// <inheritdoc/>
    public override string Type => "LSTMUnit";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 3;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 2;

    /// <summary>The continuation indicators (bottom 2) take no gradient.</summary>
    public override bool AllowForceBackward(int bottomIndex) => bottomIndex != 2;

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int numInstances = bottom[0].NumAxes > 1 ? bottom[0].ShapeAt(1) : -1;
        for (int i = 0; i < bottom.Count; i++)
        {
            int axes = i == 2 ? 2 : 3;
            if (bottom[i].NumAxes != axes || bottom[i].ShapeAt(0) != 1 || bottom[i].ShapeAt(1) != numInstances)
            {
                throw Error($"bottom {i} ({bottom[i].ShapeString}) must have {axes} axes, one timestep and the " +
                            $"{numInstances} instances of bottom 0 ({bottom[0].ShapeString}): (1, N{(i == 2 ? "" : ", ...")}).");
            }
        }
        _hiddenDim = bottom[0].ShapeAt(2);
        if (bottom[1].ShapeAt(2) != 4 * _hiddenDim)
        {
            throw Error($"the gate input (bottom 1, {bottom[1].ShapeString}) must have 4 x {_hiddenDim} values per " +
                        $"instance, four times the cell size of bottom 0 ({bottom[0].ShapeString}).");
        }
        top[0].ReshapeLike(bottom[0]);
        top[1].ReshapeLike(bottom[0]);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int num = bottom[0].ShapeAt(1);
        int d = _hiddenDim;
        ReadOnlySpan<float> cPrev = bottom[0].Data;
        ReadOnlySpan<float> x = bottom[1].Data;
        ReadOnlySpan<float> cont = bottom[2].Data;
        Span<float> c = top[0].Data;
        Span<float> h = top[1].Data;
        for (int n = 0; n < num; n++)
        {
            ReadOnlySpan<float> gates = x.Slice(n * 4 * d, 4 * d);
            for (int j = 0; j < d; j++)
            {
                int idx = n * d + j;
                (float i, float f, float o, float g) = Gates(gates, d, j, cont[n]);
                float cell = f * cPrev[idx] + i * g;
                c[idx] = cell;
                h[idx] = o * Tanh(cell);
            }
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown,
                                        IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[2]) throw Error("cannot backpropagate to the sequence continuation indicators (bottom 2).");
        if (!propagateDown[0] && !propagateDown[1]) return;

        int num = bottom[0].ShapeAt(1);
        int d = _hiddenDim;
        ReadOnlySpan<float> cPrev = bottom[0].Data;
        ReadOnlySpan<float> x = bottom[1].Data;
        ReadOnlySpan<float> cont = bottom[2].Data;
        ReadOnlySpan<float> c = top[0].Data;
        ReadOnlySpan<float> cDiff = top[0].Diff;
        ReadOnlySpan<float> hDiff = top[1].Diff;
        Span<float> cPrevDiff = bottom[0].Diff;
        Span<float> xDiff = bottom[1].Diff;
        for (int n = 0; n < num; n++)
        {
            ReadOnlySpan<float> gates = x.Slice(n * 4 * d, 4 * d);
            Span<float> gatesDiff = xDiff.Slice(n * 4 * d, 4 * d);
            for (int j = 0; j < d; j++)
            {
                int idx = n * d + j;
                (float i, float f, float o, float g) = Gates(gates, d, j, cont[n]);
                float tanhC = Tanh(c[idx]);
                // Gradient reaching c_t: directly, and through h_t = o * tanh(c_t).
                float cTermDiff = cDiff[idx] + hDiff[idx] * o * (1 - tanhC * tanhC);
                cPrevDiff[idx] = cTermDiff * f;
                gatesDiff[j] = cTermDiff * g * i * (1 - i);
                gatesDiff[d + j] = cTermDiff * cPrev[idx] * f * (1 - f);
                gatesDiff[2 * d + j] = hDiff[idx] * tanhC * o * (1 - o);
                gatesDiff[3 * d + j] = cTermDiff * i * (1 - g * g);
            }
        }
    }

    // The activated gates of cell j from the pre-activations [i, f, o, g] of one instance (each d wide).
    private static (float I, float F, float O, float G) Gates(ReadOnlySpan<float> gates, int d, int j, float cont) =>
        (Sigmoid(gates[j]), ForgetGate(cont, gates[d + j]), Sigmoid(gates[2 * d + j]), Tanh(gates[3 * d + j]));

    // The forget gate is cut to exactly 0 at a sequence start, whatever its input.
    private static float ForgetGate(float cont, float input) => cont == 0 ? 0 : cont * Sigmoid(input);

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    // Caffe computes tanh through the sigmoid; kept for the same rounding.
    private static float Tanh(float x) => 2f * Sigmoid(2f * x) - 1f;
}
