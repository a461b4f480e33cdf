namespace Caffe;

/// <summary>The N-D im2col/col2im of <see cref="Im2Col"/>: one odometer over the output positions per column-buffer row.</summary>
internal static class Im2ColNd
{
    public static void Run(string call, bool im2col, ReadOnlySpan<float> input, int numSpatialAxes, ReadOnlySpan<int> imShape,
        ReadOnlySpan<int> colShape, ReadOnlySpan<int> kernelShape, ReadOnlySpan<int> pad, ReadOnlySpan<int> stride,
        ReadOnlySpan<int> dilation, Span<float> output)
    {
        int axes = numSpatialAxes;
        string args = $"{call}(numSpatialAxes={axes}, imShape=[{string.Join(", ", imShape.ToArray())}], " +
                      $"colShape=[{string.Join(", ", colShape.ToArray())}], kernel=[{string.Join(", ", kernelShape.ToArray())}], " +
                      $"pad=[{string.Join(", ", pad.ToArray())}], stride=[{string.Join(", ", stride.ToArray())}], " +
                      $"dilation=[{string.Join(", ", dilation.ToArray())}])";
        if (axes < 1) throw new ArgumentOutOfRangeException(nameof(numSpatialAxes), $"{args}: at least one spatial axis is needed.");
        if (imShape.Length < axes + 1 || colShape.Length < axes + 1)
            throw new ArgumentException($"{args}: imShape and colShape need {axes + 1} entries (channels first).", nameof(imShape));
        if (kernelShape.Length < axes || pad.Length < axes || stride.Length < axes || dilation.Length < axes)
            throw new ArgumentException($"{args}: kernel, pad, stride and dilation need {axes} entries each.", nameof(kernelShape));

        long imageSize = imShape[0], colSpatial = 1, kernelSize = 1;
        for (int i = 0; i < axes; i++)
        {
            if (imShape[i + 1] < 0 || colShape[i + 1] < 0 || imShape[0] < 0)
                throw new ArgumentOutOfRangeException(nameof(imShape), $"{args}: shapes must not be negative.");
            if (kernelShape[i] < 1 || stride[i] < 1 || dilation[i] < 1 || pad[i] < 0)
                throw new ArgumentOutOfRangeException(nameof(kernelShape), $"{args}: kernel, stride and dilation must be at least 1, pad at least 0.");
            imageSize *= imShape[i + 1];
            colSpatial *= colShape[i + 1];
            kernelSize *= kernelShape[i];
        }
        int channelsCol = colShape[0];
        if (channelsCol != imShape[0] * kernelSize)
            throw new ArgumentException($"{args}: colShape[0] must be channels x kernel size = {imShape[0] * kernelSize}.", nameof(colShape));
        long colSize = channelsCol * colSpatial;
        long inputNeeded = im2col ? imageSize : colSize, outputNeeded = im2col ? colSize : imageSize;
        if (inputNeeded > int.MaxValue || outputNeeded > int.MaxValue)
            throw new ArgumentException($"{args}: the buffers would exceed a span's capacity.");
        if (input.Length < inputNeeded)
            throw new ArgumentException($"{args}: the {(im2col ? "image" : "column buffer")} needs {inputNeeded} elements but the span holds {input.Length}.");
        if (output.Length < outputNeeded)
            throw new ArgumentException($"{args}: the {(im2col ? "column buffer" : "image")} needs {outputNeeded} elements but the span holds {output.Length}.");

        if (!im2col) output[..(int)imageSize].Clear();
        if (colSpatial == 0) return;

        Span<int> kernelOffset = stackalloc int[axes];
        Span<int> position = stackalloc int[axes];
        for (int cCol = 0; cCol < channelsCol; cCol++)
        {
            // Kernel tap of this row, innermost axis fastest.
            int rest = cCol;
            for (int i = axes - 1; i >= 0; i--)
            {
                kernelOffset[i] = rest % kernelShape[i];
                rest /= kernelShape[i];
            }
            int channel = rest;
            position.Clear();
            long colIndex = cCol * colSpatial;
            for (long step = 0; step < colSpatial; step++, colIndex++)
            {
                long imIndex = channel;
                bool inPadding = false;
                for (int i = 0; i < axes; i++)
                {
                    int at = position[i] * stride[i] - pad[i] + kernelOffset[i] * dilation[i];
                    inPadding |= (uint)at >= (uint)imShape[i + 1];
                    imIndex = imIndex * imShape[i + 1] + at;
                }
                if (im2col) output[(int)colIndex] = inPadding ? 0f : input[(int)imIndex];
                else if (!inPadding) output[(int)imIndex] += input[(int)colIndex];

                for (int i = axes - 1; i >= 0; i--)
                {
                    if (++position[i] < colShape[i + 1]) break;
                    position[i] = 0;
                }
            }
        }
    }
}
