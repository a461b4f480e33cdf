using System.Globalization;

namespace Caffe;

/// <summary>One line of an image list: a file name (relative to a root folder) and its integer label.</summary>
/// <param name="FileName">The image file as written in the list.</param>
/// <param name="Label">The label.</param>
/// <param name="LineNumber">The 1-based line in the list file, for error messages.</param>
public readonly record struct ImageListEntry(string FileName, int Label, int LineNumber);

/// <summary>
/// The list files of <c>ImageData</c> layers and <c>convert_imageset</c>: one <c>path label</c> per line, split at
/// the last space (so paths may contain spaces). Blank lines are skipped; a line without a label or with a label
/// that is not an integer is an error naming the file and the line (Caffe's <c>atoi</c> would read it as 0).
/// </summary>
public static class ImageList
{
    /// <summary>Reads a list file.</summary>
    public static List<ImageListEntry> Read(string listFile)
    {
        if (!File.Exists(listFile)) throw new FileNotFoundException($"Image list file not found: {listFile}", listFile);
        var entries = new List<ImageListEntry>();
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(listFile))
        {
            lineNumber++;
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            int space = line.LastIndexOf(' ');
            if (space <= 0)
                throw new ModelFormatException(listFile, $"line {lineNumber}: expected 'path label', got '{line}'.");
            string label = line[(space + 1)..];
            if (!int.TryParse(label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
                throw new ModelFormatException(listFile, $"line {lineNumber}: the label '{label}' is not an integer.");
            entries.Add(new ImageListEntry(line[..space], value, lineNumber));
        }
        return entries;
    }

    /// <summary>Shuffles in place with the calling thread's <see cref="Rng"/> (Fisher–Yates).</summary>
    public static void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = Rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
