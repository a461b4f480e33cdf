namespace Caffe;

/// <summary>
/// The class a visualization explains: one class for every image of the batch (an <c>int</c> converts
/// implicitly) or one per image (an <c>int[]</c>; a negative entry leaves that image unseeded, so its maps are
/// zero). The class indexes axis 1 of the output blob; for an output with spatial axes (a fully convolutional
/// net), every position of that class's channel is seeded.
/// </summary>
public readonly struct TargetClasses
{
    private readonly int[]? _perImage;
    private readonly int _all;

    private TargetClasses(int all, int[]? perImage)
    {
        _all = all;
        _perImage = perImage;
    }

    /// <summary>The same class for every image.</summary>
    public static TargetClasses All(int target) => new(target, null);

    /// <summary>One class per image, in batch order; negative: no seed for that image.</summary>
    public static TargetClasses PerImage(IEnumerable<int> targets) => new(0, [.. targets]);

    /// <summary>The same class for every image.</summary>
    public static implicit operator TargetClasses(int target) => All(target);

    /// <summary>One class per image.</summary>
    public static implicit operator TargetClasses(int[] perImage) => PerImage(perImage);

    internal bool SameForAll => _perImage == null;

    internal IReadOnlyList<int> Values => _perImage ?? [_all];

    /// <inheritdoc/>
    public override string ToString() => _perImage == null ? $"class {_all} for every image" : $"classes [{string.Join(", ", _perImage)}]";
}
