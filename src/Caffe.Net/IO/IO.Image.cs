using SkiaSharp;

namespace Caffe;

/// <summary>
/// pycaffe's <c>caffe.io</c>: images, arrays and Caffe's blob protos as arrays. Images are H×W×K float32
/// arrays with values in [0, 1], RGB channel order, as <c>caffe.io.load_image</c> returns them.
/// </summary>
public static partial class IO
{
    // skimage's rgb2gray weights, which caffe.io.load_image(color=False) applies through imread(as_grey=True).
    private const float GrayR = 0.2125f, GrayG = 0.7154f, GrayB = 0.0721f;

    /// <summary>
    /// pycaffe <c>caffe.io.load_image(filename, color)</c>: decodes a PNG/JPEG/BMP/GIF/WebP file into an H×W×3
    /// RGB array in [0, 1] (gray images tiled to 3 channels, alpha dropped), or H×W×1 gray when
    /// <paramref name="color"/> is false.
    /// </summary>
    public static NdArray LoadImage(string path, bool color = true)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image not found: {path}", path);
        using SKCodec? codec = SKCodec.Create(path);
        if (codec == null)
            throw new ModelFormatException(path, "the image could not be decoded (not a PNG, JPEG, BMP, GIF or WebP file, or corrupt).");
        (byte[] pixels, int height, int width, bool isGray) = ImageCodec.DecodeRgba(codec, path);
        var image = new NdArray(height, width, color ? 3 : 1);
        float[] data = image.Data;
        for (int p = 0; p < height * width; p++)
        {
            float r = pixels[4 * p] / 255f, g = pixels[4 * p + 1] / 255f, b = pixels[4 * p + 2] / 255f;
            if (color)
            {
                data[3 * p] = r;
                data[3 * p + 1] = g;
                data[3 * p + 2] = b;
            }
            else
            {
                data[p] = isGray ? r : GrayR * r + GrayG * g + GrayB * b;
            }
        }
        return image;
    }

    /// <summary>
    /// Writes an H×W×K array (K = 1 gray, 3 RGB or 4 RGBA) with values in [0, 1] as a PNG file (clipped,
    /// rounded to 8 bits), atomically.
    /// </summary>
    public static void SaveImage(string path, NdArray image)
    {
        if (image.NumAxes != 3 || image.Shape[2] is not (1 or 3 or 4))
            throw new ArgumentException($"SaveImage needs an H×W×K array with K = 1, 3 or 4, got ({string.Join(", ", image.Shape)}).");
        int height = image.Shape[0], width = image.Shape[1], k = image.Shape[2];
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Span<byte> pixels = bitmap.GetPixelSpan();
        for (int p = 0; p < height * width; p++)
        {
            for (int ch = 0; ch < 3; ch++) pixels[4 * p + ch] = ToByte(image.Data[k * p + (k == 1 ? 0 : ch)]);
            pixels[4 * p + 3] = k == 4 ? ToByte(image.Data[k * p + 3]) : (byte)255;
        }
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => png.SaveTo(stream));
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round(v * 255f), 0, 255);
}
