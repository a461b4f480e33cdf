namespace Caffe.Examples.MultiLabel;

/// <summary>
/// The folder layout of our multilabel image set, shaped like PASCAL VOC's so the data layer reads it as the
/// notebook's reads VOC2012 (<c>pascal_root</c>):
/// <code>
/// {root}/classes.txt                   one class name per line; line i is label i
/// {root}/ImageSets/Main/{split}.txt    one image id per line (train.txt, val.txt), as in VOC
/// {root}/Annotations/labels.txt        "id name name ..." per line: the classes present in each image
/// {root}/PNGImages/{id}.png            the images (VOC has JPEGImages/{id}.jpg)
/// </code>
/// VOC keeps one XML file of boxes per image under Annotations; a multilabel layer only needs which classes are
/// present, so ours keeps one text line per image.
/// </summary>
public static class DatasetLayout
{
    /// <summary>The class list: <c>{root}/classes.txt</c>.</summary>
    public static string ClassesFile(string root) => Path.Combine(root, "classes.txt");

    /// <summary>The image ids of a split: <c>{root}/ImageSets/Main/{split}.txt</c>, the file the notebook's BatchLoader opens.</summary>
    public static string ListFile(string root, string split) => Path.Combine(root, "ImageSets", "Main", split + ".txt");

    /// <summary>The annotations of every image: <c>{root}/Annotations/labels.txt</c>.</summary>
    public static string AnnotationFile(string root) => Path.Combine(root, "Annotations", "labels.txt");

    /// <summary>The image of <paramref name="id"/>: <c>{root}/PNGImages/{id}.png</c>.</summary>
    public static string ImageFile(string root, string id) => Path.Combine(root, "PNGImages", id + ".png");

    /// <summary>Reads the class names in label order.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="FormatException">It holds no class or a class twice.</exception>
    public static IReadOnlyList<string> ReadClasses(string root)
    {
        string path = ClassesFile(root);
        string[] names = ReadLines(path, "class list");
        if (names.Length == 0) throw new FormatException($"{path}: no class names.");
        string? twice = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (twice != null) throw new FormatException($"{path}: class '{twice}' is listed twice.");
        return names;
    }

    /// <summary>Reads the image ids of <paramref name="split"/>, in file order.</summary>
    /// <exception cref="FileNotFoundException">The list file is missing (the message names the split and the path).</exception>
    public static IReadOnlyList<string> ReadList(string root, string split)
    {
        string path = ListFile(root, split);
        string[] ids = ReadLines(path, $"image list of split '{split}'");
        if (ids.Length == 0) throw new FormatException($"{path}: the image list of split '{split}' is empty.");
        return ids;
    }

    /// <summary>
    /// Reads the annotation file into image id → indices of the classes present (sorted, each once), the
    /// <c>gt_classes</c> of the notebook's <c>load_pascal_annotation</c> without boxes.
    /// </summary>
    /// <exception cref="FormatException">A line names a class not in <paramref name="classes"/>, or an image twice (file:line in the message).</exception>
    public static IReadOnlyDictionary<string, int[]> ReadAnnotations(string root, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        string path = AnnotationFile(root);
        if (!File.Exists(path)) throw new FileNotFoundException($"annotation file not found: {path}", path);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classes.Count; i++) index[classes[i]] = i;
        var annotations = new Dictionary<string, int[]>(StringComparer.Ordinal);
        string[] lines = File.ReadAllLines(path);
        for (int n = 0; n < lines.Length; n++)
        {
            string[] fields = lines[n].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) continue;
            var present = new SortedSet<int>();
            foreach (string name in fields.Skip(1))
            {
                if (!index.TryGetValue(name, out int label))
                    throw new FormatException($"{path}:{n + 1}: unknown class '{name}' (classes: {string.Join(", ", classes)}).");
                present.Add(label);
            }
            if (!annotations.TryAdd(fields[0], [.. present]))
                throw new FormatException($"{path}:{n + 1}: image '{fields[0]}' is annotated twice.");
        }
        return annotations;
    }

    /// <summary>Writes one annotation line: the id, then the names of the present classes.</summary>
    public static string AnnotationLine(string id, IEnumerable<string> classNames) => string.Join(' ', new[] { id }.Concat(classNames));

    private static string[] ReadLines(string path, string what)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{what} not found: {path}", path);
        return [.. File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0)];
    }
}
