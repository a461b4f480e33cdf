using SkiaSharp;

namespace Caffe.Examples.Classification;

/// <summary>
/// Pictures drawn here, so the example runs with no photo: a few flat-colour scenes in the spirit of CIFAR-10's
/// classes (an aircraft in the sky, a ship at sea, a car and a lorry on a road, a frog on leaves, a deer on grass).
/// They are drawings, not photographs: what a CIFAR net says about them is a plausibility check, not an accuracy.
/// </summary>
public static class SyntheticImages
{
    /// <summary>The side of every drawn picture, in pixels (the net's preprocessing resizes it to its input).</summary>
    public const int Size = 128;

    /// <summary>The scenes by name, in a fixed order; each name is the CIFAR-10 class it was drawn to look like.</summary>
    public static IReadOnlyList<string> Names { get; } = ["airplane", "ship", "automobile", "truck", "frog", "deer"];

    /// <summary>Draws scene <paramref name="name"/> as a <see cref="Size"/>×<see cref="Size"/>×3 RGB image in [0, 1], as <see cref="IO.LoadImage"/> returns.</summary>
    public static NdArray Draw(string name)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bitmap))
        {
            switch (name)
            {
                case "airplane": Airplane(canvas); break;
                case "ship": Ship(canvas); break;
                case "automobile": Car(canvas); break;
                case "truck": Truck(canvas); break;
                case "frog": Frog(canvas); break;
                case "deer": Deer(canvas); break;
                default: throw new ArgumentException($"No drawing named '{name}'; known: {string.Join(", ", Names)}.", nameof(name));
            }
        }
        var image = new NdArray(Size, Size, 3);
        ReadOnlySpan<byte> pixels = bitmap.GetPixelSpan();
        for (int p = 0; p < Size * Size; p++)
            for (int c = 0; c < 3; c++)
                image.Data[3 * p + c] = pixels[4 * p + c] / 255f;
        return image;
    }

    private static void Airplane(SKCanvas canvas)
    {
        Gradient(canvas, 0, Size, new SKColor(110, 160, 215), new SKColor(190, 215, 240));
        using var body = Fill(new SKColor(225, 228, 232));
        using var shade = Fill(new SKColor(150, 155, 165));
        canvas.Save();
        canvas.RotateDegrees(-12, 64, 64);
        DrawPolygon(canvas, shade, (58, 62), (30, 30), (42, 30), (78, 62));   // far wing
        canvas.DrawOval(new SKRect(14, 56, 116, 72), body);                        // fuselage
        DrawPolygon(canvas, body, (58, 66), (34, 102), (48, 102), (80, 66));  // near wing
        DrawPolygon(canvas, body, (14, 64), (8, 40), (18, 40), (30, 60));     // tail fin
        using var window = Fill(new SKColor(60, 70, 90));
        canvas.DrawOval(new SKRect(100, 60, 112, 66), window);
        canvas.Restore();
    }

    private static void Ship(SKCanvas canvas)
    {
        Gradient(canvas, 0, 70, new SKColor(150, 185, 220), new SKColor(205, 220, 235));
        Gradient(canvas, 70, Size, new SKColor(40, 80, 125), new SKColor(20, 45, 80));
        using var hull = Fill(new SKColor(55, 55, 65));
        DrawPolygon(canvas, hull, (10, 66), (118, 66), (106, 86), (22, 86));
        using var deck = Fill(new SKColor(235, 235, 235));
        canvas.DrawRect(new SKRect(34, 50, 92, 66), deck);
        canvas.DrawRect(new SKRect(46, 38, 78, 50), deck);
        using var funnel = Fill(new SKColor(180, 40, 35));
        canvas.DrawRect(new SKRect(80, 30, 88, 50), funnel);
    }

    private static void Car(SKCanvas canvas)
    {
        Gradient(canvas, 0, 60, new SKColor(170, 190, 200), new SKColor(200, 205, 205));
        Gradient(canvas, 60, Size, new SKColor(95, 95, 100), new SKColor(70, 70, 75));
        using var paint = Fill(new SKColor(190, 25, 30));
        canvas.DrawRoundRect(new SKRect(8, 62, 120, 92), 8, 8, paint);
        DrawPolygon(canvas, paint, (30, 64), (44, 40), (88, 40), (104, 64));
        using var glass = Fill(new SKColor(150, 190, 215));
        DrawPolygon(canvas, glass, (38, 62), (48, 45), (64, 45), (64, 62));
        DrawPolygon(canvas, glass, (68, 62), (68, 45), (84, 45), (96, 62));
        Wheel(canvas, 34, 92, 12);
        Wheel(canvas, 94, 92, 12);
    }

    private static void Truck(SKCanvas canvas)
    {
        Gradient(canvas, 0, 70, new SKColor(160, 185, 210), new SKColor(210, 215, 220));
        Gradient(canvas, 70, Size, new SKColor(100, 100, 100), new SKColor(75, 75, 78));
        using var box = Fill(new SKColor(235, 235, 230));
        canvas.DrawRect(new SKRect(6, 28, 86, 92), box);
        using var cab = Fill(new SKColor(30, 80, 160));
        canvas.DrawRoundRect(new SKRect(88, 48, 122, 92), 4, 4, cab);
        using var glass = Fill(new SKColor(160, 200, 225));
        canvas.DrawRect(new SKRect(96, 54, 118, 68), glass);
        Wheel(canvas, 24, 96, 10);
        Wheel(canvas, 60, 96, 10);
        Wheel(canvas, 106, 96, 10);
    }

    private static void Frog(SKCanvas canvas)
    {
        Gradient(canvas, 0, Size, new SKColor(95, 80, 50), new SKColor(60, 50, 30));
        using var skin = Fill(new SKColor(70, 140, 50));
        canvas.DrawOval(new SKRect(22, 50, 106, 104), skin);                 // body
        canvas.DrawOval(new SKRect(10, 84, 46, 108), skin);                  // hind legs
        canvas.DrawOval(new SKRect(82, 84, 118, 108), skin);
        canvas.DrawCircle(44, 50, 13, skin);                                 // eye bumps
        canvas.DrawCircle(84, 50, 13, skin);
        using var eye = Fill(new SKColor(20, 20, 15));
        canvas.DrawCircle(44, 48, 6, eye);
        canvas.DrawCircle(84, 48, 6, eye);
        using var belly = Fill(new SKColor(175, 190, 110));
        canvas.DrawOval(new SKRect(44, 78, 84, 100), belly);
    }

    private static void Deer(SKCanvas canvas)
    {
        Gradient(canvas, 0, 56, new SKColor(120, 150, 90), new SKColor(90, 125, 60));
        Gradient(canvas, 56, Size, new SKColor(80, 120, 50), new SKColor(60, 95, 35));
        using var fur = Fill(new SKColor(140, 95, 55));
        canvas.DrawOval(new SKRect(30, 52, 96, 82), fur);                    // body
        DrawPolygon(canvas, fur, (82, 60), (90, 30), (100, 30), (96, 64)); // neck
        canvas.DrawOval(new SKRect(86, 22, 112, 38), fur);                   // head
        using var leg = Fill(new SKColor(120, 80, 45));
        foreach (float x in new float[] { 36, 48, 76, 88 })
            canvas.DrawRect(new SKRect(x, 76, x + 5, 112), leg);
        using var antler = new SKPaint { Color = new SKColor(90, 70, 50), StrokeWidth = 2, IsAntialias = true, Style = SKPaintStyle.Stroke };
        canvas.DrawLine(94, 24, 88, 8, antler);
        canvas.DrawLine(100, 24, 104, 8, antler);
        using var tail = Fill(new SKColor(230, 225, 215));
        canvas.DrawCircle(30, 60, 4, tail);
    }

    private static void Wheel(SKCanvas canvas, float x, float y, float radius)
    {
        using var tyre = Fill(new SKColor(20, 20, 20));
        canvas.DrawCircle(x, y, radius, tyre);
        using var hub = Fill(new SKColor(170, 170, 175));
        canvas.DrawCircle(x, y, radius * 0.45f, hub);
    }

    private static void Gradient(SKCanvas canvas, float top, float bottom, SKColor from, SKColor to)
    {
        using var shader = SKShader.CreateLinearGradient(new SKPoint(0, top), new SKPoint(0, bottom), [from, to], SKShaderTileMode.Clamp);
        using var paint = new SKPaint { Shader = shader };
        canvas.DrawRect(new SKRect(0, top, Size, bottom), paint);
    }

    private static SKPaint Fill(SKColor color) => new() { Color = color, IsAntialias = true, Style = SKPaintStyle.Fill };

    private static void DrawPolygon(SKCanvas canvas, SKPaint paint, params (float X, float Y)[] points)
    {
        using var builder = new SKPathBuilder();
        builder.MoveTo(points[0].X, points[0].Y);
        foreach ((float x, float y) in points.Skip(1)) builder.LineTo(x, y);
        builder.Close();
        using SKPath path = builder.Detach();
        canvas.DrawPath(path, paint);
    }
}
