using System.Globalization;

namespace Caffe;

/// <summary>One window of a window file: a box in an image with its class and overlap with the ground truth.</summary>
/// <param name="ImageIndex">Index of the image in <see cref="WindowFile.Images"/>.</param>
/// <param name="Label">Class index (0 for background windows).</param>
/// <param name="Overlap">Overlap with the ground-truth box (0 for background windows).</param>
/// <param name="X1">Left column, inclusive.</param>
/// <param name="Y1">Top row, inclusive.</param>
/// <param name="X2">Right column, inclusive.</param>
/// <param name="Y2">Bottom row, inclusive.</param>
/// <param name="LineNumber">The line of the window file that gave it.</param>
public readonly record struct Window(int ImageIndex, int Label, float Overlap, int X1, int Y1, int X2, int Y2, int LineNumber);

/// <summary>One image of a window file: its path (root folder prepended) and its channels, height and width.</summary>
/// <param name="Path">The image file.</param>
/// <param name="Channels">Channels as written in the file.</param>
/// <param name="Height">Height as written in the file.</param>
/// <param name="Width">Width as written in the file.</param>
public readonly record struct WindowImage(string Path, int Channels, int Height, int Width);

/// <summary>
/// The window file of R-CNN's <c>WindowData</c> layer, split into foreground windows (overlap ≥ fg_threshold,
/// label must be positive) and background windows (overlap &lt; bg_threshold, label and overlap forced to 0);
/// windows in between are dropped. Format, repeated per image:
/// <code>
/// # image_index
/// img_path
/// channels
/// height
/// width
/// num_windows
/// class_index overlap x1 y1 x2 y2      (num_windows lines)
/// </code>
/// Image indices must count 0, 1, 2, ... (windows refer to images by them). Errors name the file and line.
/// </summary>
public sealed class WindowFile
{
    /// <summary>The images, by index.</summary>
    public List<WindowImage> Images { get; } = [];

    /// <summary>Windows with overlap ≥ fg_threshold.</summary>
    public List<Window> Foreground { get; } = [];

    /// <summary>Windows with overlap &lt; bg_threshold (label 0).</summary>
    public List<Window> Background { get; } = [];

    /// <summary>Number of windows per label (0 = background), as Caffe logs them.</summary>
    public SortedDictionary<int, int> LabelHistogram { get; } = new() { [0] = 0 };

    /// <summary>Reads and splits a window file.</summary>
    public static WindowFile Read(string path, string rootFolder, float fgThreshold, float bgThreshold)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Failed to open window file {path}", path);
        var tokens = new Tokens(path);
        if (tokens.AtEnd) throw new ModelFormatException(path, "window file is empty.");
        var file = new WindowFile();
        while (!tokens.AtEnd)
        {
            string hash = tokens.Next("'#'");
            if (hash != "#") throw tokens.Error($"expected '#' starting an image, got '{hash}'.");
            int imageIndex = tokens.Int("image index");
            if (imageIndex != file.Images.Count)
                throw tokens.Error($"image index {imageIndex} out of sequence: images must be numbered 0, 1, 2, ... (expected {file.Images.Count}).");
            string imagePath = rootFolder + tokens.Next("image path");
            int channels = tokens.Int("channels"), height = tokens.Int("height"), width = tokens.Int("width");
            file.Images.Add(new WindowImage(imagePath, channels, height, width));
            int numWindows = tokens.Int("number of windows");
            if (numWindows < 0) throw tokens.Error($"negative number of windows {numWindows}.");
            for (int i = 0; i < numWindows; i++)
            {
                int label = tokens.Int("class index");
                int line = tokens.Line;
                float overlap = tokens.Float("overlap");
                int x1 = tokens.Int("x1"), y1 = tokens.Int("y1"), x2 = tokens.Int("x2"), y2 = tokens.Int("y2");
                if (x2 < x1 || y2 < y1) throw tokens.Error($"window ({x1}, {y1}, {x2}, {y2}) is empty: x2 < x1 or y2 < y1.");
                var window = new Window(imageIndex, label, overlap, x1, y1, x2, y2, line);
                if (overlap >= fgThreshold)
                {
                    if (label <= 0) throw tokens.Error($"foreground window (overlap {overlap} ≥ fg_threshold {fgThreshold}) has label {label}; it must be positive.");
                    file.Foreground.Add(window);
                    file.LabelHistogram[label] = file.LabelHistogram.GetValueOrDefault(label) + 1;
                }
                else if (overlap < bgThreshold)
                {
                    file.Background.Add(window with { Label = 0, Overlap = 0 });
                    file.LabelHistogram[0]++;
                }
            }
            if (imageIndex % 100 == 0)
                CaffeLog.Info($"num: {imageIndex} {imagePath} {channels} {height} {width} windows to process: {numWindows}");
        }
        return file;
    }

    private sealed class Tokens
    {
        private readonly string _path;
        private readonly List<(string Text, int Line)> _tokens = [];
        private int _next;

        public Tokens(string path)
        {
            _path = path;
            int line = 0;
            foreach (string text in File.ReadLines(path))
            {
                line++;
                foreach (string token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) _tokens.Add((token, line));
            }
        }

        public bool AtEnd => _next >= _tokens.Count;

        public int Line => _tokens[Math.Min(_next, _tokens.Count - 1)].Line;

        public string Next(string what)
        {
            if (AtEnd) throw new ModelFormatException(_path, $"unexpected end of file: expected {what}.");
            return _tokens[_next++].Text;
        }

        public int Int(string what)
        {
            string text = Next(what);
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
                throw Error($"expected an integer {what}, got '{text}'.", back: 1);
            return value;
        }

        public float Float(string what)
        {
            string text = Next(what);
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                throw Error($"expected a number for {what}, got '{text}'.", back: 1);
            return value;
        }

        public ModelFormatException Error(string message, int back = 1) =>
            new(_path, $"line {_tokens[Math.Clamp(_next - back, 0, _tokens.Count - 1)].Line}: {message}");
    }
}
