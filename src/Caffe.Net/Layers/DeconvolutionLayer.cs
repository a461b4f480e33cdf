namespace Caffe;

/// <summary>
/// Deconvolution (Caffe's <c>DeconvolutionLayer</c>, type "Deconvolution"): the transpose of
/// <see cref="ConvolutionLayer"/> — forward is a convolution's backward pass and backward its forward pass.
/// Weights are [channels, num_output / group, kernel…]; a spatial axis of size i gives
/// stride (i − 1) + dilation (kernel − 1) + 1 − 2 pad outputs.
/// </summary>
public sealed class DeconvolutionLayer(LayerParameter param) : BaseConvolutionLayer(param)
{
    /// <inheritdoc/>
    public override string Type => "Deconvolution";

    /// <inheritdoc/>
    protected override bool ReverseDimensions => true;

    /// <inheritdoc/>
    protected override int OutputSize(int axis, int input, int kernel, int stride, int pad, int dilation)
    {
        long extent = (long)dilation * (kernel - 1) + 1;
        long output = (long)stride * (input - 1) + extent - 2L * pad;
        if (output <= 0)
            throw Error($"no output along spatial axis {axis}: stride {stride} x (input {input} - 1) + kernel extent {extent} " +
                        $"- 2 x pad {pad} = {output}.");
        return checked((int)output);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        for (int i = 0; i < bottom.Count; i++)
        {
            BackwardGemm(bottom[i].DataMemory, top[i].DataMemory);
            if (BiasTerm) ForwardBias(top[i].Data);
        }
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown,
                                        IReadOnlyList<Blob> bottom)
    {
        for (int i = 0; i < top.Count; i++)
        {
            if (BiasTerm && ParamPropagateDown(1)) BackwardBias(top[i].Diff);
            WeightAndForwardGemm(top[i].DiffMemory, bottom[i].DataMemory, ParamPropagateDown(0), propagateDown[i],
                bottom[i].DiffMemory);
        }
    }
}
