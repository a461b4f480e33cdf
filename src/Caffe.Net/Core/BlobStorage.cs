using System.Runtime.CompilerServices;

namespace Caffe;

/// <summary>
/// The memory behind a blob's data or diff: a pinned managed float array whose usable part starts on a
/// 64-byte boundary, so SIMD kernels and native BLAS see aligned rows. Blobs share a storage object to
/// share memory (Caffe's ShareData/ShareDiff).
/// </summary>
internal sealed class BlobStorage
{
    private const int AlignmentBytes = 64;
    private const int AlignmentFloats = AlignmentBytes / sizeof(float);

    private readonly float[] _array;
    private readonly int _offset;

    public BlobStorage(int capacity)
    {
        Capacity = capacity;
        // Zeroed like Caffe's SyncedMemory on first access; pinned so the aligned offset stays aligned.
        _array = GC.AllocateArray<float>(capacity + AlignmentFloats, pinned: true);
        _offset = AlignedOffset(_array);
    }

    /// <summary>Number of floats this storage can hold.</summary>
    public int Capacity { get; }

    public Span<float> Span(int count) => _array.AsSpan(_offset, count);

    public Memory<float> Memory(int count) => _array.AsMemory(_offset, count);

    private static unsafe int AlignedOffset(float[] array)
    {
        nint address = (nint)Unsafe.AsPointer(ref array[0]);
        int misalignment = (int)(address % AlignmentBytes);
        return misalignment == 0 ? 0 : (AlignmentBytes - misalignment) / sizeof(float);
    }
}
