// Glossary: the register-blocked micro-kernels of the packed GEMM (see GemmPacked.cs for the loops around them).
//   MR      rows of the C tile held in registers (one broadcast of A per row and k step)
//   NR      columns of the C tile held in registers (NR / W vectors of B per k step)
//   W       elements per vector: Vector512<float> 16, Vector512<double> 8, Vector256<float> 8, Vector256<double> 4
// Kernels: KernelVector at each vector width (8 × 2W with AVX-512, 6 × 2W with AVX2), KernelScalar (4 × 4).
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

    /// <summary>
    /// <see cref="Run"/>'s first row alone, C (1 × NR) = or += column 0 of aPanel (kc, MR)ᵀ · bPanel (kc, NR), in the same
    /// operations, so the same bits: the last tile of a product whose M is one past a multiple of MR (a joint weight
    /// gradient's J = I + H + 1) does one row's FMAs instead of MR rows'. Its two accumulator chains wait on the FMA
    /// latency, so it takes about half a full tile's time, not an MR-th.
    /// </summary>
    static abstract void RunOneRow(nint kc, ref T aPanel, ref T bPanel, ref T c, bool add);
}

/// <summary>
/// The vector micro-kernel at one width (<typeparamref name="TOps"/>): MR rows × 2 vectors of C, 2·MR accumulators.
/// With 64-byte vectors (AVX-512's 32 registers) 8 rows, and the C tile prefetched; with narrower ones (AVX2's 16
/// registers) 6 rows. The JIT drops the last two rows' code for the narrow width, so each compiles as if written apart.
/// </summary>
internal readonly struct KernelVector<T, TV, TOps> : IGemmKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TOps : struct, ISimd<T, TV>
{
    /// <summary>Whether the vectors are 64 bytes: 8 rows and a prefetched C tile, else 6 rows.</summary>
    private static bool Wide => TOps.Count * Unsafe.SizeOf<T>() == 64;

    public static int MR => Wide ? 8 : 6;
    public static int NR => 2 * TOps.Count;
    public static bool SimdPacking => Avx.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref T c, TV v0, TV v1, bool add)
    {
        ref T c1 = ref Unsafe.Add(ref c, TOps.Count);
        if (add)
        {
            v0 = TOps.Add(v0, TOps.Load(ref c));
            v1 = TOps.Add(v1, TOps.Load(ref c1));
        }
        TOps.Store(v0, ref c);
        TOps.Store(v1, ref c1);
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

    public static void RunOneRow(nint kc, ref T aPanel, ref T bPanel, ref T c, bool add)
    {
        TV c00 = default, c01 = default;
        ref T a = ref aPanel;
        ref T b = ref bPanel;
        for (nint p = 0; p < kc; p++)
        {
            TV a0 = TOps.Broadcast(a);
            c00 = TOps.Fma(a0, TOps.Load(ref b), c00);
            c01 = TOps.Fma(a0, TOps.Load(ref Unsafe.Add(ref b, TOps.Count)), c01);
            a = ref Unsafe.Add(ref a, MR);
            b = ref Unsafe.Add(ref b, 2 * TOps.Count);
        }
        Store(ref c, c00, c01, add);
    }

    public static void Run(nint kc, ref T aPanel, ref T bPanel, ref T c, nint ldc, bool add)
    {
        TV c00 = default, c01 = default, c10 = default, c11 = default;
        TV c20 = default, c21 = default, c30 = default, c31 = default;
        TV c40 = default, c41 = default, c50 = default, c51 = default;
        TV c60 = default, c61 = default, c70 = default, c71 = default;
        if (Wide)
            PrefetchTile(ref c, ldc);
        ref T a = ref aPanel;
        ref T b = ref bPanel;
        for (nint p = 0; p < kc; p++)
        {
            // b0, b1: row p of the B panel (NR); each a: one element of column p of the A panel, broadcast.
            TV b0 = TOps.Load(ref b);
            TV b1 = TOps.Load(ref Unsafe.Add(ref b, TOps.Count));
            TV a0 = TOps.Broadcast(a);
            c00 = TOps.Fma(a0, b0, c00); c01 = TOps.Fma(a0, b1, c01);
            TV a1 = TOps.Broadcast(Unsafe.Add(ref a, 1));
            c10 = TOps.Fma(a1, b0, c10); c11 = TOps.Fma(a1, b1, c11);
            TV a2 = TOps.Broadcast(Unsafe.Add(ref a, 2));
            c20 = TOps.Fma(a2, b0, c20); c21 = TOps.Fma(a2, b1, c21);
            TV a3 = TOps.Broadcast(Unsafe.Add(ref a, 3));
            c30 = TOps.Fma(a3, b0, c30); c31 = TOps.Fma(a3, b1, c31);
            TV a4 = TOps.Broadcast(Unsafe.Add(ref a, 4));
            c40 = TOps.Fma(a4, b0, c40); c41 = TOps.Fma(a4, b1, c41);
            TV a5 = TOps.Broadcast(Unsafe.Add(ref a, 5));
            c50 = TOps.Fma(a5, b0, c50); c51 = TOps.Fma(a5, b1, c51);
            if (Wide)
            {
                TV a6 = TOps.Broadcast(Unsafe.Add(ref a, 6));
                c60 = TOps.Fma(a6, b0, c60); c61 = TOps.Fma(a6, b1, c61);
                TV a7 = TOps.Broadcast(Unsafe.Add(ref a, 7));
                c70 = TOps.Fma(a7, b0, c70); c71 = TOps.Fma(a7, b1, c71);
            }
            a = ref Unsafe.Add(ref a, MR);
            b = ref Unsafe.Add(ref b, 2 * TOps.Count);
        }
        Store(ref c, c00, c01, add);
        Store(ref Unsafe.Add(ref c, ldc), c10, c11, add);
        Store(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, add);
        Store(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, add);
        Store(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, add);
        Store(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, add);
        if (Wide)
        {
            Store(ref Unsafe.Add(ref c, 6 * ldc), c60, c61, add);
            Store(ref Unsafe.Add(ref c, 7 * ldc), c70, c71, add);
        }
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

    public static void RunOneRow(nint kc, ref T aPanel, ref T bPanel, ref T c, bool add)
    {
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
        ref T a = ref aPanel;
        ref T b = ref bPanel;
        for (nint p = 0; p < kc; p++)
        {
            T a0 = a;
            c00 += a0 * b; c01 += a0 * Unsafe.Add(ref b, 1); c02 += a0 * Unsafe.Add(ref b, 2); c03 += a0 * Unsafe.Add(ref b, 3);
            a = ref Unsafe.Add(ref a, 4);
            b = ref Unsafe.Add(ref b, 4);
        }
        StoreRow(ref c, c00, c01, c02, c03, add);
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
