namespace Caffe.Examples.MultiLabel;

/// <summary>One image as the loader hands it to the layer.</summary>
/// <param name="Id">The image id from the split's list.</param>
/// <param name="Data">The preprocessed image, 3×H×W BGR (see <see cref="SimpleTransformer"/>).</param>
/// <param name="Labels">The multi-hot label vector: 1 for each class present, 0 otherwise.</param>
/// <param name="Flipped">Whether the image was mirrored left–right (the notebook's augmentation).</param>
public sealed record LoadedImage(string Id, NdArray Data, float[] Labels, bool Flipped);

/// <summary>
/// The notebook's <c>BatchLoader</c>: reads a split's image list once, then hands out one image at a time in list
/// order, reshuffling the list each time it has gone through it. Each image is loaded, resized to the layer's
/// shape, mirrored left–right half of the time, preprocessed by <see cref="SimpleTransformer"/>, and paired with
/// its multi-hot labels from the annotation file.
/// </summary>
public sealed class BatchLoader
{
    private readonly DataLayerParams _params;
    private readonly string[] _ids;
    private readonly IReadOnlyDictionary<string, int[]> _annotations;
    private readonly Random _random;
    private readonly SimpleTransformer _transformer;
    private int _cur;

    /// <summary>
    /// Reads the class list, the split's image list and the annotations under <see cref="DataLayerParams.Root"/>.
    /// The first pass follows the list's order, as in the notebook; later passes are shuffled by a generator seeded
    /// with <see cref="DataLayerParams.Seed"/> (or from Caffe's <see cref="Rng"/> when it is null).
    /// </summary>
    /// <exception cref="FileNotFoundException">The class list, the split's list or the annotation file is missing.</exception>
    /// <exception cref="FormatException">A listed image has no annotation, or a file is malformed.</exception>
    public BatchLoader(DataLayerParams param)
    {
        ArgumentNullException.ThrowIfNull(param);
        _params = param;
        ClassNames = DatasetLayout.ReadClasses(param.Root);
        _ids = [.. DatasetLayout.ReadList(param.Root, param.Split)];
        _annotations = DatasetLayout.ReadAnnotations(param.Root, ClassNames);
        string? missing = _ids.FirstOrDefault(id => !_annotations.ContainsKey(id));
        if (missing != null)
            throw new FormatException($"image '{missing}' of {DatasetLayout.ListFile(param.Root, param.Split)} has no line in {DatasetLayout.AnnotationFile(param.Root)}.");
        _random = new Random(param.Seed ?? Rng.Generator.Next());
        _transformer = new SimpleTransformer(scale: (float)param.Scale);
    }

    /// <summary>The class names, in label order; the label vectors have one entry per class.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>How many images the split lists.</summary>
    public int Count => _ids.Length;

    /// <summary>The transformer the loader preprocesses with (its <see cref="SimpleTransformer.Deprocess"/> shows a data blob).</summary>
    public SimpleTransformer Transformer => _transformer;

    /// <summary><c>load_next_image()</c>: the next image of the pass, starting a shuffled pass after the last one.</summary>
    public LoadedImage LoadNextImage()
    {
        if (_cur == _ids.Length)
        {
            _cur = 0;
            _random.Shuffle(_ids);
        }
        string id = _ids[_cur++];
        NdArray image = IO.LoadImage(DatasetLayout.ImageFile(_params.Root, id));
        if (image.Shape[0] != _params.Height || image.Shape[1] != _params.Width)
            image = IO.ResizeImage(image, [_params.Height, _params.Width]);
        bool flip = _random.Next(2) == 1;
        if (flip) image = MirrorLeftRight(image);

        var labels = new float[ClassNames.Count];
        foreach (int label in _annotations[id]) labels[label] = 1;
        return new LoadedImage(id, _transformer.Preprocess(image), labels, flip);
    }

    private static NdArray MirrorLeftRight(NdArray image)
    {
        int h = image.Shape[0], w = image.Shape[1], k = image.Shape[2];
        var mirrored = new NdArray(h, w, k);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                image.Data.AsSpan((y * w + x) * k, k).CopyTo(mirrored.Data.AsSpan((y * w + w - 1 - x) * k, k));
        return mirrored;
    }
}
