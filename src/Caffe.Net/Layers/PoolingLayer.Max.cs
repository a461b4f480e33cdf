using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Caffe;

// MAX and AVE pooling forward of one plane, eight horizontally adjacent windows at a time. The plane is first
// copied into "phases" (see PhaseSplit: each row split by padded column modulo the stride), with the padding and
// a margin filled in, so that one tap of eight adjacent windows is one contiguous load and every window, at the
// edges too, is read as kernel_h x kernel_w taps in Caffe's row-major order.
// MAX: Caffe starts from -FLT_MAX and index -1 and keeps the first strictly larger value (NaN never wins);
// compare-and-select in the same tap order gives the same maxima and argmax indices, and the filler (-inf)
// never wins. Scalar, that is a chain of unpredictable branches (~3 ns per tap here).
// AVE: the filler is 0, which leaves Caffe's running sums unchanged, so the sums and the divisions are Caffe's.
public sealed partial class PoolingLayer
{
    private const int Lanes = 8;

    [ThreadStatic]
    private static float[]? t_phases;

    // Set by Reshape: positions per phase row, the offset of each tap column within a row of phases, and for
    // AVE the window width of each output column (clipped to the padded input), padded to whole vectors.
    private int _phaseWidth;
    private int[] _tapOffsets = [];
    private float[] _windowWidths = [];

    private void PlanPhases()
    {
        int s = _strideW;
        int blocks = (_pooledWidth + Lanes - 1) / Lanes;
        // Whole vectors of windows: the unchecked loads below stay within a row of phases.
        _phaseWidth = PhaseSplit.Width(_width, _padW, s, blocks * Lanes, _kernelW);
        _tapOffsets = new int[_kernelW];
        for (int kw = 0; kw < _kernelW; kw++) _tapOffsets[kw] = kw % s * _phaseWidth + kw / s;
        _windowWidths = new float[blocks * Lanes];
        Array.Fill(_windowWidths, 1f);
        for (int pw = 0; pw < _pooledWidth; pw++)
        {
            int wStart = pw * s - _padW;
            _windowWidths[pw] = Math.Min(wStart + _kernelW, _width + _padW) - wStart;
        }
    }

    private void MaxForward(ReadOnlySpan<float> input, Span<float> output, Span<float> topMask, Span<int> mask)
    {
        ReadOnlySpan<float> phases = Phases(input, float.NegativeInfinity);
        ref float phaseBase = ref MemoryMarshal.GetReference(phases);
        // Locals, not fields, in the loops: the JIT keeps them (and the vectors) in registers.
        ReadOnlySpan<int> taps = _tapOffsets;
        int s = _strideW, rowPitch = s * _phaseWidth, width = _width, padW = _padW, pooledWidth = _pooledWidth;
        Vector256<int> laneOffsets = Vector256.Create(0, s, 2 * s, 3 * s, 4 * s, 5 * s, 6 * s, 7 * s);
        for (int ph = 0; ph < _pooledHeight; ph++)
        {
            int hStart = ph * _strideH - _padH;
            int hEnd = Math.Min(hStart + _kernelH, _height);
            hStart = Math.Max(hStart, 0);
            int outRow = ph * pooledWidth;
            for (int pw = 0; pw < pooledWidth; pw += Lanes)
            {
                Vector256<float> max = Vector256.Create(-float.MaxValue);
                Vector256<int> argmax = Vector256.Create(-1);
                for (int h = hStart; h < hEnd; h++)
                {
                    int rowBase = h * rowPitch + pw;
                    Vector256<int> columns = Vector256.Create(h * width + pw * s - padW) + laneOffsets;
                    for (int kw = 0; kw < taps.Length; kw++)
                    {
                        // Lane l reads column pw·s − pad_w + kw + l·s of row h (a filler when that is outside the plane).
                        Vector256<float> v = Vector256.LoadUnsafe(ref phaseBase, (nuint)(rowBase + taps[kw]));
                        Vector256<float> greater = Vector256.GreaterThan(v, max);
                        max = Vector256.ConditionalSelect(greater, v, max);
                        argmax = Vector256.ConditionalSelect(greater.AsInt32(), columns + Vector256.Create(kw), argmax);
                    }
                }
                int count = Math.Min(Lanes, pooledWidth - pw);
                Store(max, output.Slice(outRow + pw, count));
                if (topMask.IsEmpty) Store(argmax, mask.Slice(outRow + pw, count));
                else Store(Vector256.ConvertToSingle(argmax), topMask.Slice(outRow + pw, count));
            }
        }
    }

    private void AveForward(ReadOnlySpan<float> input, Span<float> output)
    {
        ReadOnlySpan<float> phases = Phases(input, 0f);
        ref float phaseBase = ref MemoryMarshal.GetReference(phases);
        ReadOnlySpan<int> taps = _tapOffsets;
        ReadOnlySpan<float> windowWidths = _windowWidths;
        int rowPitch = _strideW * _phaseWidth, pooledWidth = _pooledWidth;
        for (int ph = 0; ph < _pooledHeight; ph++)
        {
            int hStart = ph * _strideH - _padH;
            int hEnd = Math.Min(hStart + _kernelH, _height + _padH);
            // Caffe's divisor counts the padding: the window clipped to the padded input.
            var windowHeight = Vector256.Create((float)(hEnd - hStart));
            hStart = Math.Max(hStart, 0);
            hEnd = Math.Min(hEnd, _height);
            int outRow = ph * pooledWidth;
            for (int pw = 0; pw < pooledWidth; pw += Lanes)
            {
                Vector256<float> sum = Vector256<float>.Zero;
                for (int h = hStart; h < hEnd; h++)
                {
                    int rowBase = h * rowPitch + pw;
                    for (int kw = 0; kw < taps.Length; kw++)
                        sum += Vector256.LoadUnsafe(ref phaseBase, (nuint)(rowBase + taps[kw]));
                }
                Vector256<float> poolSize = windowHeight * Vector256.Create(windowWidths.Slice(pw, Lanes));
                Store(sum / poolSize, output.Slice(outRow + pw, Math.Min(Lanes, pooledWidth - pw)));
            }
        }
    }

    // Inlined, and without stackalloc (which would prevent that): a call in the loops above makes the JIT
    // spill their vectors to the stack at every tap.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Vector256<T> values, Span<T> destination) where T : unmanaged
    {
        if (destination.Length == Vector256<T>.Count) values.CopyTo(destination);
        else
            for (int i = 0; i < destination.Length; i++) destination[i] = values.GetElement(i);
    }

    // The plane as phases (layout above, _phaseWidth positions per phase row), `filler` where no input column lands.
    private ReadOnlySpan<float> Phases(ReadOnlySpan<float> input, float filler)
    {
        int rowPitch = _strideW * _phaseWidth;
        int size = _height * rowPitch;
        float[] buffer = t_phases is { } existing && existing.Length >= size ? existing : (t_phases = new float[size]);
        Span<float> phases = buffer.AsSpan(0, size);
        phases.Fill(filler);
        for (int h = 0; h < _height; h++)
            PhaseSplit.Split(input.Slice(h * _width, _width), _strideW, _padW, phases.Slice(h * rowPitch, rowPitch), _phaseWidth);
        return phases;
    }
}
