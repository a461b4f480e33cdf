using SkiaSharp;

namespace Caffe.Examples.MultiLabel;

/// <summary>The knobs of <see cref="SyntheticShapes.Write"/>.</summary>
/// <param name="Train">Images in the train split.</param>
/// <param name="Val">Images in the val split.</param>
/// <param name="Size">Side of every image in pixels.</param>
/// <param name="Presence">Probability that each class appears in an image (an image with none gets one at random).</param>
/// <param name="Seed">Seed of the generator: equal settings give equal files.</param>
public sealed record ShapeSetSettings(int Train = 2048, int Val = 512, int Size = 64, double Presence = 0.3, int Seed = 0);

/// <summary>
/// Our stand-in for PASCAL VOC 2012: Size×Size RGB pictures on a flat random background, each holding a random
/// subset of <see cref="Classes"/> — one shape per present class, at a random place, size and colour, not
/// overlapping — written as PNG files in the <see cref="DatasetLayout"/> with their class lists.
/// Like VOC most classes are absent from most images, so predicting "nothing" already scores well.
/// </summary>
public static class SyntheticShapes
{
    /// <summary>The object classes, in label order.</summary>
    public static IReadOnlyList<string> Classes { get; } = ["circle", "square", "triangle", "cross", "star", "ring"];

    /// <summary>One drawn picture: its pixels (H×W×3 RGB in [0, 1], as <see cref="IO.LoadImage"/> returns) and the classes in it.</summary>
    public sealed record Picture(NdArray Image, int[] Labels);

    /// <summary>
    /// Writes <c>classes.txt</c>, the train and val lists, the annotation file and every image under
    /// <paramref name="root"/> (created if missing); returns the full path of the root. Ids run 000000, 000001, ...
    /// with the train images first.
    /// </summary>
    public static string Write(string root, ShapeSetSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Train < 1 || settings.Val < 1) throw new ArgumentException("Train and Val must be at least 1.", nameof(settings));
        string dir = Path.GetFullPath(root);
        Directory.CreateDirectory(Path.GetDirectoryName(DatasetLayout.ListFile(dir, "train"))!);
        Directory.CreateDirectory(Path.GetDirectoryName(DatasetLayout.AnnotationFile(dir))!);
        Directory.CreateDirectory(Path.GetDirectoryName(DatasetLayout.ImageFile(dir, "x"))!);
        File.WriteAllLines(DatasetLayout.ClassesFile(dir), Classes);

        var random = new Random(settings.Seed);
        var annotations = new List<string>();
        var train = new List<string>();
        var val = new List<string>();
        for (int i = 0; i < settings.Train + settings.Val; i++)
        {
            string id = i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            Picture picture = Draw(settings.Size, settings.Presence, random);
            IO.SaveImage(DatasetLayout.ImageFile(dir, id), picture.Image);
            annotations.Add(DatasetLayout.AnnotationLine(id, picture.Labels.Select(l => Classes[l])));
            (i < settings.Train ? train : val).Add(id);
        }
        File.WriteAllLines(DatasetLayout.AnnotationFile(dir), annotations);
        File.WriteAllLines(DatasetLayout.ListFile(dir, "train"), train);
        File.WriteAllLines(DatasetLayout.ListFile(dir, "val"), val);
        return dir;
    }

    /// <summary>Draws one picture with the classes chosen by <paramref name="random"/>.</summary>
    public static Picture Draw(int size, double presence, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var labels = Enumerable.Range(0, Classes.Count).Where(_ => random.NextDouble() < presence).ToList();
        if (labels.Count == 0) labels.Add(random.Next(Classes.Count));

        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bitmap))
        {
            SKColor background = RandomColor(random);
            canvas.Clear(background);
            var placed = new List<(float X, float Y, float R)>();
            foreach (int label in labels)
            {
                (float x, float y, float r) = Place(size, placed, random);
                placed.Add((x, y, r));
                using var paint = new SKPaint { IsAntialias = true, Color = ContrastingColor(background, random) };
                DrawShape(canvas, Classes[label], x, y, r, (float)(random.NextDouble() * 360), paint);
            }
        }
        var image = new NdArray(size, size, 3);
        ReadOnlySpan<byte> pixels = bitmap.GetPixelSpan();
        for (int p = 0; p < size * size; p++)
            for (int c = 0; c < 3; c++) image.Data[3 * p + c] = pixels[4 * p + c] / 255f;
        return new Picture(image, [.. labels]);
    }

    // A centre and radius whose circle stays inside the picture and clear of the shapes placed so far (after 200
    // tries it accepts an overlap rather than loop forever).
    private static (float X, float Y, float R) Place(int size, List<(float X, float Y, float R)> placed, Random random)
    {
        float minR = size * 0.1f, maxR = size * 0.18f;
        (float X, float Y, float R) candidate = default;
        for (int attempt = 0; attempt < 200; attempt++)
        {
            float r = minR + (float)random.NextDouble() * (maxR - minR);
            float x = r + 1 + (float)random.NextDouble() * (size - 2 * r - 2);
            float y = r + 1 + (float)random.NextDouble() * (size - 2 * r - 2);
            candidate = (x, y, r);
            if (placed.All(p => MathF.Sqrt((p.X - x) * (p.X - x) + (p.Y - y) * (p.Y - y)) > p.R + r + 2)) break;
        }
        return candidate;
    }

    private static void DrawShape(SKCanvas canvas, string shape, float x, float y, float r, float angle, SKPaint paint)
    {
        canvas.Save();
        canvas.Translate(x, y);
        // Circles and rings look the same at every angle; the others turn to any angle.
        canvas.RotateDegrees(angle);
        switch (shape)
        {
            case "circle":
                canvas.DrawCircle(0, 0, r, paint);
                break;
            case "square":
                float half = r * 0.8f;
                canvas.DrawRect(-half, -half, 2 * half, 2 * half, paint);
                break;
            case "triangle":
                DrawPolygon(canvas, 3, r, r, paint);
                break;
            case "cross":
                float arm = r * 0.35f;
                canvas.DrawRect(-r, -arm, 2 * r, 2 * arm, paint);
                canvas.DrawRect(-arm, -r, 2 * arm, 2 * r, paint);
                break;
            case "star":
                DrawPolygon(canvas, 5, r, r * 0.45f, paint);
                break;
            case "ring":
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = r * 0.35f;
                canvas.DrawCircle(0, 0, r - paint.StrokeWidth / 2, paint);
                break;
            default:
                throw new ArgumentException($"no shape named '{shape}'.", nameof(shape));
        }
        canvas.Restore();
    }

    // A regular polygon (inner == outer) or a star (inner < outer) with its first point straight up.
    private static void DrawPolygon(SKCanvas canvas, int points, float outer, float inner, SKPaint paint)
    {
        using var builder = new SKPathBuilder();
        int corners = inner < outer ? 2 * points : points;
        for (int k = 0; k < corners; k++)
        {
            float radius = inner < outer && k % 2 == 1 ? inner : outer;
            double a = -Math.PI / 2 + 2 * Math.PI * k / corners;
            var point = new SKPoint((float)(radius * Math.Cos(a)), (float)(radius * Math.Sin(a)));
            if (k == 0) builder.MoveTo(point.X, point.Y);
            else builder.LineTo(point.X, point.Y);
        }
        builder.Close();
        using SKPath path = builder.Detach();
        canvas.DrawPath(path, paint);
    }

    private static SKColor RandomColor(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    // A colour far enough from the background to be seen (Euclidean distance in RGB of at least 150).
    private static SKColor ContrastingColor(SKColor background, Random random)
    {
        SKColor color = RandomColor(random);
        for (int attempt = 0; attempt < 100 && Distance(color, background) < 150; attempt++) color = RandomColor(random);
        return color;
    }

    private static double Distance(SKColor a, SKColor b)
    {
        int dr = a.Red - b.Red, dg = a.Green - b.Green, db = a.Blue - b.Blue;
        return Math.Sqrt(dr * dr + dg * dg + db * db);
    }
}
