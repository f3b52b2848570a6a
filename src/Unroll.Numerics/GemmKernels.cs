// Glossary: the register-blocked micro-kernels of the packed GEMM (see GemmPacked.cs for the loops around them).
//   MR      rows of the C tile held in registers (one broadcast of A per row and k step)
//   NR      columns of the C tile held in registers (NR / W vectors of B per k step)
//   W       elements per vector: Vector512<float> 16, Vector512<double> 8, Vector256<float> 8, Vector256<double> 4
//   kc      the inner length of one call (a K block of the packed panels)
//   aPanel  packed A micro-panel, (kc, MR): aPanel[p * MR + r] = op(A)[i0 + r, p0 + p]
//   bPanel  packed B micro-panel, (kc, NR): bPanel[p * NR + j] = op(B)[p0 + p, j0 + j]
//   cij     accumulator for row i, vector j of the C tile, (MR, NR) in all
// Each kernel computes acc = Σ_p aPanel[p]ᵀ · bPanel[p] with fused multiply-adds in p order (the Fma of Simd512 or
// Simd256 in Simd.cs, as the unpacked loops use), starting from zero,
// then writes C = acc (add false) or C = C + acc (add true). The order is fixed by kc alone, never by threads.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Unroll.Numerics;

/// <summary>A register-blocked micro-kernel: one MR × NR tile of C from packed panels of A and B.</summary>
internal interface IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows of the C tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the C tile.</summary>
    static abstract int NR { get; }

    /// <summary>Whether packing may use the AVX transposes (false for the scalar path, so tests reach the scalar packing).</summary>
    static abstract bool SimdPacking { get; }

    /// <summary>C (MR × NR, row stride <paramref name="ldc"/>) = or += aPanel (kc, MR)ᵀ · bPanel (kc, NR).</summary>
    static abstract void Run(nint kc, ref T aPanel, ref T bPanel, ref T c, nint ldc, bool add);
}

/// <summary>AVX-512 micro-kernel: 8 rows × 2 vectors (8 × 32 floats or 8 × 16 doubles), 16 accumulators.</summary>
internal readonly struct Kernel512<T> : IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 8;
    public static int NR => 2 * Vector512<T>.Count;
    public static bool SimdPacking => Avx.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref T c, Vector512<T> v0, Vector512<T> v1, bool add)
    {
        if (add)
        {
            v0 += Vector512.LoadUnsafe(ref c);
            v1 += Vector512.LoadUnsafe(ref c, (nuint)Vector512<T>.Count);
        }
        v0.StoreUnsafe(ref c);
        v1.StoreUnsafe(ref c, (nuint)Vector512<T>.Count);
    }

    /// <summary>
    /// Asks for the C tile's cache lines (2 per row) while the FMAs run, so the final loads and stores hit. A prefetch
    /// is only a hint: it never faults, so an address the GC has since moved is harmless.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchTile(ref T c, nint ldc)
    {
        if (!Sse.IsSupported)
            return;
        for (nint r = 0; r < 8; r++)
        {
            byte* row = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref c, r * ldc));
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 64);
        }
    }

    public static void Run(nint kc, ref T aPanel, ref T bPanel, ref T c, nint ldc, bool add)
    {
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<T> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<T> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default;
        PrefetchTile(ref c, ldc);
        ref T a = ref aPanel;
        ref T b = ref bPanel;
        for (nint p = 0; p < kc; p++)
        {
            // b0, b1: row p of the B panel (NR); each a: one element of column p of the A panel, broadcast.
            Vector512<T> b0 = Vector512.LoadUnsafe(ref b);
            Vector512<T> b1 = Vector512.LoadUnsafe(ref b, (nuint)Vector512<T>.Count);
            Vector512<T> a0 = Vector512.Create(a);
            c00 = Simd512<T>.Fma(a0, b0, c00); c01 = Simd512<T>.Fma(a0, b1, c01);
            Vector512<T> a1 = Vector512.Create(Unsafe.Add(ref a, 1));
            c10 = Simd512<T>.Fma(a1, b0, c10); c11 = Simd512<T>.Fma(a1, b1, c11);
            Vector512<T> a2 = Vector512.Create(Unsafe.Add(ref a, 2));
            c20 = Simd512<T>.Fma(a2, b0, c20); c21 = Simd512<T>.Fma(a2, b1, c21);
            Vector512<T> a3 = Vector512.Create(Unsafe.Add(ref a, 3));
            c30 = Simd512<T>.Fma(a3, b0, c30); c31 = Simd512<T>.Fma(a3, b1, c31);
            Vector512<T> a4 = Vector512.Create(Unsafe.Add(ref a, 4));
            c40 = Simd512<T>.Fma(a4, b0, c40); c41 = Simd512<T>.Fma(a4, b1, c41);
            Vector512<T> a5 = Vector512.Create(Unsafe.Add(ref a, 5));
            c50 = Simd512<T>.Fma(a5, b0, c50); c51 = Simd512<T>.Fma(a5, b1, c51);
            Vector512<T> a6 = Vector512.Create(Unsafe.Add(ref a, 6));
            c60 = Simd512<T>.Fma(a6, b0, c60); c61 = Simd512<T>.Fma(a6, b1, c61);
            Vector512<T> a7 = Vector512.Create(Unsafe.Add(ref a, 7));
            c70 = Simd512<T>.Fma(a7, b0, c70); c71 = Simd512<T>.Fma(a7, b1, c71);
            a = ref Unsafe.Add(ref a, 8);
            b = ref Unsafe.Add(ref b, 2 * Vector512<T>.Count);
        }
        Store(ref c, c00, c01, add);
        Store(ref Unsafe.Add(ref c, ldc), c10, c11, add);
        Store(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, add);
        Store(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, add);
        Store(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, add);
        Store(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, add);
        Store(ref Unsafe.Add(ref c, 6 * ldc), c60, c61, add);
        Store(ref Unsafe.Add(ref c, 7 * ldc), c70, c71, add);
    }
}

/// <summary>AVX2 micro-kernel: 6 rows × 2 vectors (6 × 16 floats or 6 × 8 doubles), 12 accumulators (fits 16 registers).</summary>
internal readonly struct Kernel256<T> : IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 6;
    public static int NR => 2 * Vector256<T>.Count;
    public static bool SimdPacking => Avx.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref T c, Vector256<T> v0, Vector256<T> v1, bool add)
    {
        if (add)
        {
            v0 += Vector256.LoadUnsafe(ref c);
            v1 += Vector256.LoadUnsafe(ref c, (nuint)Vector256<T>.Count);
        }
        v0.StoreUnsafe(ref c);
        v1.StoreUnsafe(ref c, (nuint)Vector256<T>.Count);
    }

    public static void Run(nint kc, ref T aPanel, ref T bPanel, ref T c, nint ldc, bool add)
    {
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<T> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<T> c40 = default, c41 = default, c50 = default, c51 = default;
        ref T a = ref aPanel;
        ref T b = ref bPanel;
        for (nint p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.LoadUnsafe(ref b);
            Vector256<T> b1 = Vector256.LoadUnsafe(ref b, (nuint)Vector256<T>.Count);
            Vector256<T> a0 = Vector256.Create(a);
            c00 = Simd256<T>.Fma(a0, b0, c00); c01 = Simd256<T>.Fma(a0, b1, c01);
            Vector256<T> a1 = Vector256.Create(Unsafe.Add(ref a, 1));
            c10 = Simd256<T>.Fma(a1, b0, c10); c11 = Simd256<T>.Fma(a1, b1, c11);
            Vector256<T> a2 = Vector256.Create(Unsafe.Add(ref a, 2));
            c20 = Simd256<T>.Fma(a2, b0, c20); c21 = Simd256<T>.Fma(a2, b1, c21);
            Vector256<T> a3 = Vector256.Create(Unsafe.Add(ref a, 3));
            c30 = Simd256<T>.Fma(a3, b0, c30); c31 = Simd256<T>.Fma(a3, b1, c31);
            Vector256<T> a4 = Vector256.Create(Unsafe.Add(ref a, 4));
            c40 = Simd256<T>.Fma(a4, b0, c40); c41 = Simd256<T>.Fma(a4, b1, c41);
            Vector256<T> a5 = Vector256.Create(Unsafe.Add(ref a, 5));
            c50 = Simd256<T>.Fma(a5, b0, c50); c51 = Simd256<T>.Fma(a5, b1, c51);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, 2 * Vector256<T>.Count);
        }
        Store(ref c, c00, c01, add);
        Store(ref Unsafe.Add(ref c, ldc), c10, c11, add);
        Store(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, add);
        Store(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, add);
        Store(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, add);
        Store(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, add);
    }
}

/// <summary>Scalar micro-kernel: 4 rows × 4 columns, 16 accumulators; plain multiply and add, any floating type.</summary>
internal readonly struct KernelScalar<T> : IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 4;
    public static int NR => 4;
    public static bool SimdPacking => false;

    public static void Run(nint kc, ref T aPanel, ref T bPanel, ref T c, nint ldc, bool add)
    {
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero;
        T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
        ref T a = ref aPanel;
        ref T b = ref bPanel;
        for (nint p = 0; p < kc; p++)
        {
            T b0 = b, b1 = Unsafe.Add(ref b, 1), b2 = Unsafe.Add(ref b, 2), b3 = Unsafe.Add(ref b, 3);
            T a0 = a;
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            T a1 = Unsafe.Add(ref a, 1);
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            T a2 = Unsafe.Add(ref a, 2);
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            T a3 = Unsafe.Add(ref a, 3);
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            a = ref Unsafe.Add(ref a, 4);
            b = ref Unsafe.Add(ref b, 4);
        }
        StoreRow(ref c, c00, c01, c02, c03, add);
        StoreRow(ref Unsafe.Add(ref c, ldc), c10, c11, c12, c13, add);
        StoreRow(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, c22, c23, add);
        StoreRow(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, c32, c33, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ref T c, T v0, T v1, T v2, T v3, bool add)
    {
        if (add)
        {
            v0 += c;
            v1 += Unsafe.Add(ref c, 1);
            v2 += Unsafe.Add(ref c, 2);
            v3 += Unsafe.Add(ref c, 3);
        }
        c = v0;
        Unsafe.Add(ref c, 1) = v1;
        Unsafe.Add(ref c, 2) = v2;
        Unsafe.Add(ref c, 3) = v3;
    }
}
