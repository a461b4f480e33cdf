namespace Caffe;

/// <summary>
/// A lookup table (Caffe's <c>Embed</c>): each bottom value is an integer index in [0, input_dim) and selects a row
/// of the (input_dim × num_output) weight, plus the bias when <c>bias_term</c>. The top has the bottom's shape with
/// num_output appended. The indices are data, so they are checked at forward. Backward accumulates the top diff into
/// the selected weight rows (and the bias); the indices get no gradient.
/// </summary>
public sealed class EmbedLayer(LayerParameter param) : Layer(param)
{
    private int _numOutput;
    private int _inputDim;
    private bool _biasTerm;

    /// <inheritdoc/>
    public override string Type => "Embed";

    /// <inheritdoc/>
    public override int ExactNumBottomBlobs => 1;

    /// <inheritdoc/>
    public override int ExactNumTopBlobs => 1;

    /// <summary>The indices are data: force_backward never asks for their gradient.</summary>
    public override bool AllowForceBackward(int bottomIndex) => false;

    /// <inheritdoc/>
    public override void LayerSetUp(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        EmbedParameter p = Param.EmbedParam ?? new EmbedParameter();
        if (p.NumOutput == 0) throw Error("embed_param num_output must be positive.");
        if (p.InputDim == 0) throw Error("embed_param input_dim must be positive.");
        if (p.NumOutput > int.MaxValue || p.InputDim > int.MaxValue || (long)p.NumOutput * p.InputDim > int.MaxValue)
            throw Error($"embed_param input_dim ({p.InputDim}) x num_output ({p.NumOutput}) is too large.");
        _numOutput = (int)p.NumOutput;
        _inputDim = (int)p.InputDim;
        _biasTerm = p.BiasTerm;
        int expectedBlobs = _biasTerm ? 2 : 1;
        if (Blobs.Count > 0)
        {
            // Weights came with the parameters (e.g. a caffemodel): keep them, but they must fit.
            if (Blobs.Count != expectedBlobs)
                throw Error($"has {Blobs.Count} parameter blob(s) but bias_term {_biasTerm} needs {expectedBlobs}.");
            if (Blobs[0].Count != _inputDim * _numOutput)
                throw Error($"weight blob has shape ({Blob.ShapeText(Blobs[0].Shape)}) but input_dim x num_output is {_inputDim} x {_numOutput}.");
            if (_biasTerm && Blobs[1].Count != _numOutput)
                throw Error($"bias blob has shape ({Blob.ShapeText(Blobs[1].Shape)}) but num_output is {_numOutput}.");
        }
        else
        {
            var weight = new Blob(_inputDim, _numOutput);
            FillWith(p.WeightFiller, weight, "weight_filler");
            Blobs.Add(weight);
            if (_biasTerm)
            {
                var bias = new Blob(_numOutput);
                FillWith(p.BiasFiller, bias, "bias_filler");
                Blobs.Add(bias);
            }
        }
        for (int i = 0; i < Blobs.Count; i++) SetParamPropagateDown(i, true);
    }

    /// <inheritdoc/>
    public override void Reshape(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        int[] shape = [.. bottom[0].Shape, _numOutput];
        top[0].Reshape(shape);
    }

    /// <inheritdoc/>
    protected override void ForwardCpu(IReadOnlyList<Blob> bottom, IReadOnlyList<Blob> top)
    {
        ReadOnlySpan<float> indices = bottom[0].Data;
        ReadOnlySpan<float> weight = Blobs[0].Data;
        Span<float> topData = top[0].Data;
        for (int n = 0; n < indices.Length; n++)
        {
            int index = CheckedIndex(indices[n], n);
            weight.Slice(index * _numOutput, _numOutput).CopyTo(topData.Slice(n * _numOutput, _numOutput));
        }
        if (!_biasTerm) return;
        ReadOnlySpan<float> bias = Blobs[1].Data;
        for (int n = 0; n < indices.Length; n++) Blas.Axpy(_numOutput, 1f, bias, topData.Slice(n * _numOutput));
    }

    /// <inheritdoc/>
    protected override void BackwardCpu(IReadOnlyList<Blob> top, IReadOnlyList<bool> propagateDown, IReadOnlyList<Blob> bottom)
    {
        if (propagateDown[0]) throw Error("cannot backpropagate to the Embed input (its values are indices).");
        ReadOnlySpan<float> topDiff = top[0].Diff;
        int count = bottom[0].Count;
        if (ParamPropagateDown(0))
        {
            ReadOnlySpan<float> indices = bottom[0].Data;
            Span<float> weightDiff = Blobs[0].Diff;
            for (int n = 0; n < count; n++)
            {
                int index = CheckedIndex(indices[n], n);
                Blas.Axpy(_numOutput, 1f, topDiff.Slice(n * _numOutput), weightDiff.Slice(index * _numOutput));
            }
        }
        if (_biasTerm && ParamPropagateDown(1))
        {
            Span<float> biasDiff = Blobs[1].Diff;
            for (int n = 0; n < count; n++) Blas.Axpy(_numOutput, 1f, topDiff.Slice(n * _numOutput), biasDiff);
        }
    }

    private int CheckedIndex(float value, int position)
    {
        if (!(value >= 0f && value < _inputDim) || value != MathF.Floor(value))
            throw Error($"input value {value} at position {position} is not an integer index in [0, {_inputDim}) (input_dim {_inputDim}).");
        return (int)value;
    }

    private void FillWith(FillerParameter? filler, Blob blob, string field)
    {
        try
        {
            Filler.Fill(filler ?? new FillerParameter(), blob);
        }
        catch (ArgumentException e)
        {
            throw Error($"embed_param {field}: {e.Message}");
        }
    }
}
