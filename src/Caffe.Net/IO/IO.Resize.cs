namespace Caffe;

public static partial class IO
{
    /// <summary>
    /// pycaffe <c>caffe.io.resize_image(im, new_dims, interp_order)</c>: resizes an H×W×K image to
    /// <paramref name="newDims"/> = (height, width), keeping K. As pycaffe: a 1- or 3-channel image is scaled to
    /// [0, 1] by its own min and max, resized as <c>skimage.transform.resize</c> does (pixel centers aligned,
    /// Gaussian anti-aliasing when shrinking, mirrored edges; see docs/pycaffe-io.md for the exact formula),
    /// then scaled back; a constant image is returned filled with its value; any other channel count is
    /// resized as <c>scipy.ndimage.zoom</c> does (corner pixels aligned). <paramref name="interpOrder"/> is
    /// 1 (bilinear, the default) or 0 (nearest); pycaffe's higher spline orders are not supported.
    /// Returns a new array.
    /// </summary>
    public static NdArray ResizeImage(NdArray im, IReadOnlyList<int> newDims, int interpOrder = 1)
    {
        ArgumentNullException.ThrowIfNull(im);
        ArgumentNullException.ThrowIfNull(newDims);
        if (im.NumAxes != 3)
            throw new ArgumentException($"ResizeImage needs an H×W×K image, got shape ({ShapeText(im.Shape)}).", nameof(im));
        if (newDims.Count != 2 || newDims[0] <= 0 || newDims[1] <= 0)
            throw new ArgumentException($"ResizeImage needs new dimensions (height, width) > 0, got ({ShapeText(newDims)}).", nameof(newDims));
        if (interpOrder is not (0 or 1))
            throw new ArgumentOutOfRangeException(nameof(interpOrder), interpOrder,
                "Only interpolation orders 0 (nearest) and 1 (bilinear) are supported.");
        int height = im.Shape[0], width = im.Shape[1], channels = im.Shape[2];
        if (height == 0 || width == 0)
            throw new ArgumentException($"Cannot resize an empty image of shape ({ShapeText(im.Shape)}).", nameof(im));
        int outHeight = newDims[0], outWidth = newDims[1];
        var result = new NdArray(outHeight, outWidth, channels);
        if (channels is 1 or 3)
        {
            float min = im.Data.Min(), max = im.Data.Max();
            if (!(max > min))
            {
                Array.Fill(result.Data, min);
                return result;
            }
            float range = max - min;
            var unit = new float[im.Count];
            for (int i = 0; i < unit.Length; i++) unit[i] = (im.Data[i] - min) / range;
            float[] resized = ImageResampler.SkimageResize(unit, height, width, channels, outHeight, outWidth, interpOrder);
            for (int i = 0; i < resized.Length; i++) result.Data[i] = resized[i] * range + min;
        }
        else
        {
            ImageResampler.NdimageZoom(im.Data, height, width, channels, outHeight, outWidth, interpOrder)
                .CopyTo(result.Data, 0);
        }
        return result;
    }

    /// <summary>
    /// pycaffe <c>caffe.io.oversample(images, crop_dims)</c>: for each H×W×K image, the four corner crops
    /// (top-left, top-right, bottom-left, bottom-right), the center crop, then those five mirrored left-right:
    /// a (10·N)×h×w×K array. All images must have the shape of the first. The center crop starts at
    /// <c>trunc(H/2 − h/2)</c>, <c>trunc(W/2 − w/2)</c>, as pycaffe's integer conversion does.
    /// </summary>
    public static NdArray Oversample(IReadOnlyList<NdArray> images, IReadOnlyList<int> cropDims)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(cropDims);
        if (images.Count == 0) throw new ArgumentException("Oversample needs at least one image.", nameof(images));
        IReadOnlyList<int> shape = images[0].Shape;
        if (shape.Count != 3)
            throw new ArgumentException($"Oversample needs H×W×K images, got shape ({ShapeText(shape)}).", nameof(images));
        if (cropDims.Count != 2 || cropDims[0] <= 0 || cropDims[1] <= 0 || cropDims[0] > shape[0] || cropDims[1] > shape[1])
            throw new ArgumentException(
                $"Crop dimensions ({ShapeText(cropDims)}) must be positive and fit the images ({ShapeText(shape)}).", nameof(cropDims));
        int height = shape[0], width = shape[1], channels = shape[2], cropH = cropDims[0], cropW = cropDims[1];
        (int Y, int X)[] corners =
        [
            (0, 0), (0, width - cropW), (height - cropH, 0), (height - cropH, width - cropW),
            ((int)(height / 2.0 - cropH / 2.0), (int)(width / 2.0 - cropW / 2.0)),
        ];
        var crops = new NdArray(10 * images.Count, cropH, cropW, channels);
        int cropSize = cropH * cropW * channels;
        for (int n = 0; n < images.Count; n++)
        {
            NdArray image = images[n];
            if (!image.Shape.SequenceEqual(shape))
                throw new ArgumentException(
                    $"Oversample needs images of one shape: image {n} is ({ShapeText(image.Shape)}), image 0 is ({ShapeText(shape)}).", nameof(images));
            for (int c = 0; c < 10; c++)
            {
                (int top, int left) = corners[c % 5];
                bool mirror = c >= 5;
                int offset = (10 * n + c) * cropSize;
                for (int y = 0; y < cropH; y++)
                {
                    for (int x = 0; x < cropW; x++)
                    {
                        int sourceX = left + (mirror ? cropW - 1 - x : x);
                        Array.Copy(image.Data, ((top + y) * width + sourceX) * channels,
                                   crops.Data, offset + (y * cropW + x) * channels, channels);
                    }
                }
            }
        }
        return crops;
    }

    /// <summary>A center crop of an H×W×K image, placed as pycaffe's <c>Classifier.predict(oversample=False)</c> places it.</summary>
    internal static NdArray CenterCrop(NdArray image, int cropH, int cropW)
    {
        int height = image.Shape[0], width = image.Shape[1], channels = image.Shape[2];
        int top = (int)(height / 2.0 - cropH / 2.0), left = (int)(width / 2.0 - cropW / 2.0);
        return Crop(image, top, left, cropH, cropW);
    }

    /// <summary>Rows [top, top+h) and columns [left, left+w) of an H×W×K image, copied.</summary>
    internal static NdArray Crop(NdArray image, int top, int left, int h, int w)
    {
        int width = image.Shape[1], channels = image.Shape[2];
        var crop = new NdArray(h, w, channels);
        for (int y = 0; y < h; y++)
            Array.Copy(image.Data, ((top + y) * width + left) * channels, crop.Data, y * w * channels, w * channels);
        return crop;
    }

    private static string ShapeText(IEnumerable<int> shape) => string.Join(", ", shape);
}
