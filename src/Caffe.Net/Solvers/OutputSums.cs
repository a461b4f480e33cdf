namespace Caffe;

/// <summary>
/// Float sums of every output element of a net over repeated forwards, as Caffe's test loops keep them
/// (<c>Solver::Test</c> and the <c>caffe test</c> tool): the first forward fixes one entry per element, in output order.
/// </summary>
internal sealed class OutputSums
{
    private readonly List<float> _sums = [];
    private readonly List<string> _names = [];
    private bool _started;

    /// <summary>Adds the net's current output values; <paramref name="each"/>, if given, sees every (blob name, value) in order.</summary>
    public void Add(Net net, Action<string, float>? each = null)
    {
        int index = 0;
        foreach (string name in net.Outputs)
        {
            foreach (float value in net.Blobs[name].Data)
            {
                if (!_started)
                {
                    _sums.Add(value);
                    _names.Add(name);
                }
                else
                {
                    _sums[index] += value;
                }
                index++;
                each?.Invoke(name, value);
            }
        }
        _started = true;
    }

    /// <summary>Each element's sum divided by <paramref name="forwards"/>, with its blob's loss weight.</summary>
    public TestScore[] Means(Net net, int forwards) =>
        [.. _sums.Select((sum, k) => new TestScore(_names[k], sum / forwards, net.BlobLossWeights[_names[k]]))];
}
