using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Caffe;

// MAX pooling forward of one plane. Caffe scans each window in row-major order from -FLT_MAX and index -1,
// keeping the first strictly larger value (NaN never wins). Scalar, that is a chain of unpredictable branches
// (~3 ns per tap here); so eight horizontally adjacent windows are pooled at once with compare-and-select on
// vectors, in the same tap order, which gives the same maxima and the same argmax indices.
public sealed partial class PoolingLayer
{
    [ThreadStatic]
    private static float[]? t_phases;

    private void MaxForward(ReadOnlySpan<float> input, Span<float> output, Span<float> topMask, Span<int> mask)
    {
        int s = _strideW;
        // Windows pwLo..pwHi lie entirely inside the row; the others are clipped and pooled one by one.
        int pwLo = (_padW + s - 1) / s;
        int lastInside = _width + _padW - _kernelW;
        int pwHi = lastInside < 0 ? -1 : Math.Min(_pooledWidth - 1, lastInside / s);
        int vectorWidth = Vector256<float>.Count;
        bool vectorize = Vector256.IsHardwareAccelerated && pwHi - pwLo + 1 >= vectorWidth;
        ReadOnlySpan<float> phases = vectorize ? Deinterleave(input, s) : default;
        int phaseWidth = (_width + s - 1) / s;
        Vector256<int> laneOffsets = Vector256.Create(0, s, 2 * s, 3 * s, 4 * s, 5 * s, 6 * s, 7 * s);
        // Column pw·s − pad + kw lies in phase (kw − pad) mod s at position pw + floor((kw − pad) / s): both
        // depend on kw only, so the divisions leave the inner loop.
        Span<int> tapPhase = stackalloc int[_kernelW];
        Span<int> tapShift = stackalloc int[_kernelW];
        for (int kw = 0; kw < _kernelW; kw++)
        {
            int offset = kw - _padW;
            tapPhase[kw] = ((offset % s) + s) % s;
            tapShift[kw] = (offset - tapPhase[kw]) / s;
        }

        for (int ph = 0; ph < _pooledHeight; ph++)
        {
            int hStart = ph * _strideH - _padH;
            int hEnd = Math.Min(hStart + _kernelH, _height);
            hStart = Math.Max(hStart, 0);
            int outRow = ph * _pooledWidth;
            int pw = 0;
            if (vectorize)
            {
                for (; pw < pwLo; pw++) StoreMax(output, topMask, mask, outRow + pw, MaxWindow(input, hStart, hEnd, pw));
                ref float phaseBase = ref MemoryMarshal.GetReference(phases);
                for (int next = pw; pw <= pwHi; pw = next)
                {
                    // The last block is moved back to end at pwHi: recomputing a few windows beats pooling them one by one.
                    next = pw + vectorWidth;
                    if (pw + vectorWidth - 1 > pwHi) (pw, next) = (pwHi - vectorWidth + 1, pwHi + 1);
                    Vector256<float> max = Vector256.Create(-float.MaxValue);
                    Vector256<int> argmax = Vector256.Create(-1);
                    for (int h = hStart; h < hEnd; h++)
                    {
                        int rowBase = h * s * phaseWidth + pw;
                        int columnBase = h * _width + pw * s - _padW;
                        for (int kw = 0; kw < _kernelW; kw++)
                        {
                            // Column `pw·s − pad + kw + lane · s` sits in phase tapPhase[kw] at position pw + tapShift[kw] + lane.
                            int at = rowBase + tapPhase[kw] * phaseWidth + tapShift[kw];
                            Vector256<float> v = Vector256.LoadUnsafe(ref phaseBase, (nuint)at);
                            Vector256<float> greater = Vector256.GreaterThan(v, max);
                            max = Vector256.ConditionalSelect(greater, v, max);
                            argmax = Vector256.ConditionalSelect(greater.AsInt32(), Vector256.Create(columnBase + kw) + laneOffsets, argmax);
                        }
                    }
                    max.StoreUnsafe(ref MemoryMarshal.GetReference(output), (nuint)(outRow + pw));
                    if (topMask.IsEmpty) argmax.StoreUnsafe(ref MemoryMarshal.GetReference(mask), (nuint)(outRow + pw));
                    else Vector256.ConvertToSingle(argmax).StoreUnsafe(ref MemoryMarshal.GetReference(topMask), (nuint)(outRow + pw));
                }
            }
            for (; pw < _pooledWidth; pw++) StoreMax(output, topMask, mask, outRow + pw, MaxWindow(input, hStart, hEnd, pw));
        }
    }

    private (float Max, int Argmax) MaxWindow(ReadOnlySpan<float> input, int hStart, int hEnd, int pw)
    {
        int wStart = pw * _strideW - _padW;
        int wEnd = Math.Min(wStart + _kernelW, _width);
        wStart = Math.Max(wStart, 0);
        // The window is clipped to the plane, so the reads stay inside `input`.
        ref float plane = ref MemoryMarshal.GetReference(input);
        float max = -float.MaxValue;
        int argmax = -1;
        for (int h = hStart; h < hEnd; h++)
        {
            for (int index = h * _width + wStart, end = h * _width + wEnd; index < end; index++)
            {
                float v = Unsafe.Add(ref plane, index);
                if (v > max)
                {
                    max = v;
                    argmax = index;
                }
            }
        }
        return (max, argmax);
    }

    private static void StoreMax(Span<float> output, Span<float> topMask, Span<int> mask, int at, (float Max, int Argmax) result)
    {
        output[at] = result.Max;
        if (topMask.IsEmpty) mask[at] = result.Argmax;
        else topMask[at] = result.Argmax;
    }

    // The plane with each row split by column residue modulo `stride` (row h, residue r at (h · stride + r) ·
    // ceil(width / stride)), so the strided columns of eight windows are one contiguous load. Stride 1 is the
    // plane itself.
    private ReadOnlySpan<float> Deinterleave(ReadOnlySpan<float> input, int stride)
    {
        if (stride == 1) return input;
        int phaseWidth = (_width + stride - 1) / stride;
        int size = _height * stride * phaseWidth;
        float[] buffer = t_phases is { } existing && existing.Length >= size ? existing : (t_phases = new float[size]);
        for (int h = 0; h < _height; h++)
        {
            ReadOnlySpan<float> row = input.Slice(h * _width, _width);
            for (int r = 0; r < stride; r++)
            {
                Span<float> phase = buffer.AsSpan((h * stride + r) * phaseWidth, phaseWidth);
                int j = 0;
                for (int w = r; w < _width; w += stride) phase[j++] = row[w];
            }
        }
        return buffer.AsSpan(0, size);
    }
}
