// Glossary: the block transposes of packing (GemmPacked): a (rows × cols) block of the source, row stride ldSrc,
// becomes a (cols × rows) block of the destination, row stride ldDst; 8 × 8 floats or 4 × 4 doubles per AVX step.
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Unroll.Numerics;

/// <summary>Block transposes used by packing: 8 × 8 floats or 4 × 4 doubles in AVX registers, scalar elsewhere.</summary>
internal static class Transposer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>dst[c · ldDst + r] = src[r · ldSrc + c] for r &lt; rows, c &lt; cols.</summary>
    public static void Transpose(ref T src, int ldSrc, int rows, int cols, ref T dst, int ldDst, bool simd)
    {
        Debug.Assert(rows <= ldDst);
        int r0 = 0;
        if (simd && Avx.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            int block = typeof(T) == typeof(float) ? 8 : 4;   // one AVX register of rows
            for (; r0 + block <= rows; r0 += block)
            {
                int c0 = 0;
                for (; c0 + block <= cols; c0 += block)
                    TransposeBlock(ref Unsafe.Add(ref src, (nint)r0 * ldSrc + c0), ldSrc, ref Unsafe.Add(ref dst, (nint)c0 * ldDst + r0), ldDst);
                Scalar(ref Unsafe.Add(ref src, (nint)r0 * ldSrc), ldSrc, block, c0, cols, ref Unsafe.Add(ref dst, r0), ldDst);
            }
        }
        if (r0 < rows)
            Scalar(ref Unsafe.Add(ref src, (nint)r0 * ldSrc), ldSrc, rows - r0, 0, cols, ref Unsafe.Add(ref dst, r0), ldDst);
    }

    /// <summary>The plain transpose of columns <paramref name="c0"/> .. <paramref name="cols"/> of a rows-tall block.</summary>
    private static void Scalar(ref T src, int ldSrc, int rows, int c0, int cols, ref T dst, int ldDst)
    {
        for (int c = c0; c < cols; c++)
        {
            ref T d = ref Unsafe.Add(ref dst, (nint)c * ldDst);
            for (int r = 0; r < rows; r++)
                Unsafe.Add(ref d, r) = Unsafe.Add(ref src, (nint)r * ldSrc + c);
        }
    }

    /// <summary>One block in AVX registers: 8 × 8 floats or 4 × 4 doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeBlock(ref T src, int ldSrc, ref T dst, int ldDst)
    {
        if (typeof(T) == typeof(float))
            Transpose8x8(ref Unsafe.As<T, float>(ref src), ldSrc, ref Unsafe.As<T, float>(ref dst), ldDst);
        else
            Transpose4x4(ref Unsafe.As<T, double>(ref src), ldSrc, ref Unsafe.As<T, double>(ref dst), ldDst);
    }

    /// <summary>Transposes one 8 × 8 float block: unpack pairs, shuffle quads, swap 128-bit halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref float src, int ldSrc, ref float dst, int ldDst)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref src);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref src, (nuint)ldSrc);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref src, (nuint)(2 * ldSrc));
        Vector256<float> r3 = Vector256.LoadUnsafe(ref src, (nuint)(3 * ldSrc));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref src, (nuint)(4 * ldSrc));
        Vector256<float> r5 = Vector256.LoadUnsafe(ref src, (nuint)(5 * ldSrc));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref src, (nuint)(6 * ldSrc));
        Vector256<float> r7 = Vector256.LoadUnsafe(ref src, (nuint)(7 * ldSrc));
        // t: pairs (r0 r1 interleaved) per 128-bit lane.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // u: quads (column c of rows 0..3, or 4..7) per 128-bit lane.
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref dst, (nuint)ldDst);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref dst, (nuint)(2 * ldDst));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref dst, (nuint)(3 * ldDst));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref dst, (nuint)(4 * ldDst));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref dst, (nuint)(5 * ldDst));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref dst, (nuint)(6 * ldDst));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref dst, (nuint)(7 * ldDst));
    }

    /// <summary>Transposes one 4 × 4 double block: unpack pairs, swap 128-bit halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(ref double src, int ldSrc, ref double dst, int ldDst)
    {
        Vector256<double> r0 = Vector256.LoadUnsafe(ref src);
        Vector256<double> r1 = Vector256.LoadUnsafe(ref src, (nuint)ldSrc);
        Vector256<double> r2 = Vector256.LoadUnsafe(ref src, (nuint)(2 * ldSrc));
        Vector256<double> r3 = Vector256.LoadUnsafe(ref src, (nuint)(3 * ldSrc));
        Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Avx.Permute2x128(t0, t2, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(t1, t3, 0x20).StoreUnsafe(ref dst, (nuint)ldDst);
        Avx.Permute2x128(t0, t2, 0x31).StoreUnsafe(ref dst, (nuint)(2 * ldDst));
        Avx.Permute2x128(t1, t3, 0x31).StoreUnsafe(ref dst, (nuint)(3 * ldDst));
    }
}
