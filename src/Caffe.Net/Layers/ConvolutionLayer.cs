namespace Caffe;

/// <summary>
/// Convolution (Caffe's <c>ConvolutionLayer</c>, type "Convolution"): each top is the bottom of the same index
/// convolved with the learned filters, plus a bias per output channel. The geometry and the im2col + GEMM
/// machinery live in <see cref="BaseConvolutionLayer"/>; a spatial axis of size i gives
/// (i + 2 pad − (dilation (kernel − 1) + 1)) / stride + 1 outputs.
/// </summary>
public sealed class ConvolutionLayer(LayerParameter param) : BaseConvolutionLayer(param)
{
    /// <inheritdoc/>
    public override string Type => "Convolution";

    /// <inheritdoc/>
    protected override bool ReverseDimensions => false;

    /// <inheritdoc/>
    protected override int OutputSize(int axis, int input, int kernel, int stride, int pad, int dilation)
    {
        long extent = (long)dilation * (kernel - 1) + 1;
        long padded = input + 2L * pad;
        // Caffe's integer division would round a slightly negative span up to one output; we refuse the geometry.
        if (padded < extent)
            throw Error($"the kernel extent {extent} (kernel {kernel}, dilation {dilation}) along spatial axis {axis} " +
                        $"is larger than the padded input {padded} (size {input}, pad {pad}).");
        return checked((int)((padded - extent) / stride + 1));
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        for (int i = 0; i < bottom.Count; i++) ForwardGemm(bottom[i].DataMemory, top[i].DataMemory, BiasTerm);
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown,
                                        IReadOnlyList<Blob> bottom)
    {
        for (int i = 0; i < top.Count; i++)
        {
            if (BiasTerm && ParamPropagateDown(1)) BackwardBias(top[i].Diff);
            WeightAndBackwardGemm(bottom[i].DataMemory, top[i].DiffMemory, ParamPropagateDown(0), propagateDown[i],
                bottom[i].DiffMemory);
        }
    }
}
