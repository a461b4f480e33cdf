using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Caffe;

/// <summary>
/// A row of an image split by padded column modulo a stride: column x, padded by <c>pad</c> on the left, goes to
/// phase (x + pad) mod s at position (x + pad) / s, phase q starting at q · phaseWidth. Kernel tap kw of outputs
/// ow = 0, 1, 2… then reads padded columns ow · s + kw, which are consecutive positions of one phase: strided
/// windows (pooling, im2col, col2im) become contiguous vector loads and copies.
/// </summary>
internal static class PhaseSplit
{
    /// <summary>Positions a phase row needs: those read by <paramref name="outputs"/> windows spanning <paramref name="extent"/> padded columns, and those the row's columns land on.</summary>
    public static int Width(int width, int pad, int stride, int outputs, int extent) =>
        Math.Max(outputs + (extent - 1) / stride, (width + pad + stride - 1) / stride);

    /// <summary>Writes <paramref name="row"/> into its phases; positions no column lands on keep their value (the caller's filler).</summary>
    public static void Split(ReadOnlySpan<float> row, int stride, int pad, Span<float> phases, int phaseWidth)
    {
        CheckLength(row.Length, stride, pad, phases.Length, phaseWidth);
        if (stride == 1) row.CopyTo(phases[pad..]);
        else if (stride == 2 && Avx2.IsSupported) SplitEvenOdd(row, pad, phases, phaseWidth);
        else
            for (int t = 0; t < stride && t < row.Length; t++)
            {
                Span<float> phase = phases.Slice((t + pad) % stride * phaseWidth + (t + pad) / stride);
                for (int x = t, u = 0; x < row.Length; x += stride, u++) phase[u] = row[x];
            }
    }

    /// <summary>The inverse of <see cref="Split"/>: reads every column of <paramref name="row"/> back from its phase position.</summary>
    public static void Merge(ReadOnlySpan<float> phases, int stride, int pad, int phaseWidth, Span<float> row)
    {
        CheckLength(row.Length, stride, pad, phases.Length, phaseWidth);
        if (stride == 1) phases.Slice(pad, row.Length).CopyTo(row);
        else if (stride == 2 && Avx2.IsSupported) MergeEvenOdd(phases, pad, phaseWidth, row);
        else
            for (int t = 0; t < stride && t < row.Length; t++)
            {
                ReadOnlySpan<float> phase = phases.Slice((t + pad) % stride * phaseWidth + (t + pad) / stride);
                for (int x = t, u = 0; x < row.Length; x += stride, u++) row[x] = phase[u];
            }
    }

    // Every column lands inside its phase row: the unchecked loads and stores of the stride-2 paths rely on it.
    private static void CheckLength(int width, int stride, int pad, int phasesLength, int phaseWidth)
    {
        if (width > 0 && ((width - 1 + pad) / stride >= phaseWidth || (long)stride * phaseWidth > phasesLength))
            throw new ArgumentException($"a row of {width} columns, pad {pad}, stride {stride} does not fit phases of {phaseWidth} positions in {phasesLength} values.");
    }

    // Stride 2, sixteen columns at a time. Unchecked (measured: a span slice per chunk cost as much as the copy);
    // CheckLength has made sure every position is inside `phases`.
    private static void SplitEvenOdd(ReadOnlySpan<float> row, int pad, Span<float> phases, int phaseWidth)
    {
        ref float source = ref MemoryMarshal.GetReference(row);
        ref float evens = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), pad % 2 * phaseWidth + pad / 2);
        ref float odds = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), (pad + 1) % 2 * phaseWidth + (pad + 1) / 2);
        int x = 0;
        for (; x + 16 <= row.Length; x += 16)
        {
            Vector256<float> a = Vector256.LoadUnsafe(ref source, (nuint)x), b = Vector256.LoadUnsafe(ref source, (nuint)x + 8);
            // Shuffle gives a0 a2 b0 b2 | a4 a6 b4 b6; swapping the middle 64-bit pairs restores the order.
            Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref evens, (nuint)(x / 2));
            Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref odds, (nuint)(x / 2));
        }
        for (int e = x; e < row.Length; e += 2) Unsafe.Add(ref evens, e / 2) = row[e];
        for (int o = x + 1; o < row.Length; o += 2) Unsafe.Add(ref odds, o / 2) = row[o];
    }

    private static void MergeEvenOdd(ReadOnlySpan<float> phases, int pad, int phaseWidth, Span<float> row)
    {
        ref float target = ref MemoryMarshal.GetReference(row);
        ref float evens = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), pad % 2 * phaseWidth + pad / 2);
        ref float odds = ref Unsafe.Add(ref MemoryMarshal.GetReference(phases), (pad + 1) % 2 * phaseWidth + (pad + 1) / 2);
        int x = 0;
        for (; x + 16 <= row.Length; x += 16)
        {
            // Permute puts e0 e1 e4 e5 | e2 e3 e6 e7 (likewise o), so that the in-lane unpacks give e0 o0 e1 o1 … in order.
            Vector256<float> e = Avx2.Permute4x64(Vector256.LoadUnsafe(ref evens, (nuint)(x / 2)).AsDouble(), 0b11_01_10_00).AsSingle();
            Vector256<float> o = Avx2.Permute4x64(Vector256.LoadUnsafe(ref odds, (nuint)(x / 2)).AsDouble(), 0b11_01_10_00).AsSingle();
            Avx.UnpackLow(e, o).StoreUnsafe(ref target, (nuint)x);
            Avx.UnpackHigh(e, o).StoreUnsafe(ref target, (nuint)x + 8);
        }
        for (int i = x; i < row.Length; i += 2) row[i] = Unsafe.Add(ref evens, i / 2);
        for (int i = x + 1; i < row.Length; i += 2) row[i] = Unsafe.Add(ref odds, i / 2);
    }
}
