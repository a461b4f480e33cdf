namespace Caffe;

/// <summary>
/// One gradient computation of the visualization methods: which blobs are the input and the scored output,
/// the class to explain for each image, and the forward / seed / backward steps, leaving the output's diff
/// as it found it.
/// </summary>
internal sealed class GradientRun
{
    private readonly Net _net;
    private readonly int[] _targets;
    private readonly int _firstForward;
    private readonly int _lastForward;

    public GradientRun(Net net, TargetClasses targets, NdArray? image, string? output, string? input)
    {
        ArgumentNullException.ThrowIfNull(net);
        _net = net;
        InputName = input ?? DefaultInput(net);
        Input = Lookup(net, InputName, "input");
        if (image != null) SetImage(image);
        OutputName = output ?? DefaultOutput(net);
        Output = Lookup(net, OutputName, "output");

        // Forward from just above the layer that produces the input (so a data layer does not replace it) up to
        // the last layer that writes the output.
        int producer = -1;
        _lastForward = -1;
        for (int i = 0; i < net.Layers.Count; i++)
        {
            string name = net.LayerNames[i];
            if (net.TopNames[name].Contains(InputName) && !net.BottomNames[name].Contains(InputName)) producer = i;
            if (net.TopNames[name].Contains(OutputName)) _lastForward = i;
        }
        _firstForward = producer + 1;
        _targets = Targets(targets.Values, targets.SameForAll);
    }

    public string InputName { get; }

    public string OutputName { get; }

    public Blob Input { get; }

    public Blob Output { get; }

    public int Batch => Input.ShapeAt(0);

    /// <summary>
    /// Forward, seed the target classes in the output's diff, back-propagate to the input (or to
    /// <paramref name="pathEnd"/>), and put the output's diff back as it was.
    /// </summary>
    public void ForwardBackward(string? pathEnd = null)
    {
        Forward();
        float[] savedDiff = Output.Diff.ToArray();
        try
        {
            Seed();
            _net.BackwardPath(OutputName, pathEnd ?? InputName);
        }
        finally
        {
            savedDiff.CopyTo(Output.Diff);
        }
    }

    public void Forward()
    {
        if (_lastForward >= _firstForward) _net.ForwardFromTo(_firstForward, _lastForward);
    }

    /// <summary><see cref="ForwardBackward"/>, then a copy of the input's diff (input shape).</summary>
    public NdArray InputGradient()
    {
        ForwardBackward();
        return new NdArray(Input.Diff.ToArray(), Input.Shape);
    }

    // One-hot along axis 1 for each image, every position of the class's channel set to 1; no seed for a negative target.
    private void Seed()
    {
        Span<float> diff = Output.Diff;
        diff.Clear();
        int classes = Output.ShapeAt(1), inner = Output.CountFrom(2);
        for (int n = 0; n < _targets.Length; n++)
        {
            if (_targets[n] < 0) continue;
            diff.Slice((n * classes + _targets[n]) * inner, inner).Fill(1f);
        }
    }

    private void SetImage(NdArray image)
    {
        if (!image.Shape.SequenceEqual(Input.Shape))
        {
            Input.Reshape(image.Shape);
            _net.Reshape();
        }
        image.Data.CopyTo(Input.Data);
    }

    private int[] Targets(IReadOnlyList<int> targets, bool sameForAll)
    {
        if (Output.NumAxes < 2)
            throw new ArgumentException($"Output blob '{OutputName}' has shape {Output.ShapeString}; a class score blob needs (N, classes, ...).");
        int batch = Output.ShapeAt(0), classes = Output.ShapeAt(1);
        int[] result = sameForAll ? Enumerable.Repeat(targets[0], batch).ToArray() : [.. targets];
        if (result.Length != batch)
            throw new ArgumentException($"{result.Length} target classes given for a batch of {batch} (output '{OutputName}' is {Output.ShapeString}).");
        for (int n = 0; n < result.Length; n++)
        {
            if (result[n] >= classes)
                throw new ArgumentOutOfRangeException(nameof(targets),
                    $"target class {result[n]} of image {n} is out of range: output '{OutputName}' has {classes} classes ({Output.ShapeString}).");
        }
        return result;
    }

    private static Blob Lookup(Net net, string name, string what) =>
        net.Blobs.TryGetValue(name, out Blob? blob)
            ? blob
            : throw new KeyNotFoundException($"No {what} blob named '{name}' (blobs: {string.Join(", ", net.Blobs.Keys)}).");

    private static string DefaultInput(Net net) => net.Inputs.Count > 0
        ? net.Inputs[0]
        : throw new ArgumentException("The net has no Input layer: name the input blob (input: \"data\").");

    private static string DefaultOutput(Net net) => net.Outputs.Count == 1
        ? net.Outputs[0]
        : throw new ArgumentException(
            $"The net has {net.Outputs.Count} outputs ({string.Join(", ", net.Outputs)}): name the class score blob (output: \"...\").");
}
