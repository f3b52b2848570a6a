// Glossary: the per-thread scratch of the GEMM: the packed A block (MC × KC), the packed B block (KC × NC, or op(B)
// copied for the unpacked path) and the edge tile (MR × NR), each 64-byte aligned on the pinned object heap.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Unroll.Numerics;

/// <summary>
/// Per-thread packing buffers, grown on demand and kept: steady-state calls allocate nothing. They live on the
/// pinned object heap, so a 64-byte aligned start is computed once per buffer (<see cref="Aligned"/>, which
/// <see cref="PackedMatrix{T}"/>'s storage uses too).
/// </summary>
internal static class PackBuffers<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? t_a;
    [ThreadStatic] private static int t_aOffset;
    [ThreadStatic] private static T[]? t_b;
    [ThreadStatic] private static int t_bOffset;
    [ThreadStatic] private static T[]? t_edge;

    /// <summary>This thread's buffer for the packed A block, at least <paramref name="length"/> long.</summary>
    public static Span<T> ForA(int length) => Get(ref t_a, ref t_aOffset, length);

    /// <summary>This thread's buffer for the packed B block, at least <paramref name="length"/> long.</summary>
    public static Span<T> ForB(int length) => Get(ref t_b, ref t_bOffset, length);

    /// <summary>This thread's scratch tile for partial C tiles.</summary>
    public static Span<T> ForEdgeTile(int length)
    {
        T[]? tile = t_edge;
        if (tile is null || tile.Length < length)
            t_edge = tile = new T[length];
        return tile.AsSpan(0, length);
    }

    private static Span<T> Get(ref T[]? buffer, ref int offset, int length)
    {
        T[]? array = buffer;
        if (array is null || array.Length - offset < length)
        {
            (array, offset) = Aligned(length);
            buffer = array;
        }
        return array.AsSpan(offset, length);
    }

    /// <summary>A new pinned array with room for <paramref name="length"/> values from a 64-byte aligned offset.</summary>
    internal static unsafe (T[] Array, int Offset) Aligned(int length)
    {
        int slack = 64 / sizeof(T);
        var array = GC.AllocateUninitializedArray<T>(length + slack, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        int misaligned = (int)(address & 63);
        return (array, misaligned == 0 ? 0 : (64 - misaligned) / sizeof(T));
    }
}
