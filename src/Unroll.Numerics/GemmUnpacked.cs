// Glossary: the unpacked GEMM path, for products too small, too skinny, too narrow or too shallow to repay packing.
//   C (M × N) = op(A) (M × K) · op(B) (K × N), row-major with strides lda, ldb, ldc
//   op(A)(i, p)   A[i · lda + p] as stored (M, K), or A[p · lda + i] when A is stored transposed (K, M)
//   op(B)(p, j)   B[p · ldb + j] as stored (K, N), or B[j · ldb + p] when B is stored transposed (N, K)
//   W             elements per vector: Vector512 16 floats / 8 doubles, Vector256 8 floats / 4 doubles
// Two loop orders, each vectorised along a direction in which its operands are contiguous:
//   row form  C[i, j .. j + W] = Σ_p op(A)(i, p) · op(B)[p, j .. j + W]     op(B)'s rows contiguous (B stored (K, N))
//             6 rows × 2 vectors of C in registers, K in blocks whose slice of B stays in L1 when several row blocks
//             read it; a single row splits p in two to keep 8 FMA chains in flight; rows split over threads in whole
//             blocks of 6 for large products. K = 1 (an outer product) is one FMA per element, without the blocks.
//             Transposed, it is the column form: Cᵀ = op(B)ᵀ · Aᵀ for A stored (K, M) and C narrower than W,
//             e.g. dWih = dGᵀ · X with one input feature, vectors running down C's columns.
//   dot form  C[i, j] = Σ_p A[i, p .. p + W] · B[j, p .. p + W]             A stored (M, K) and B stored (N, K)
//             eight dot products share one operand, one accumulator each; their lanes are reduced together.
//             One row of C (batch 1), or C narrower than W.
// A few shapes copy op(B) to a scratch buffer first: (K, N) for the row form when B is stored (N, K) and C has
// several rows (an input projection X · Wihᵀ with few features), (N, K) for the dot form when C is narrow.
// Where the width does not fit (N, K or M below W) the next narrower width is tried, then scalar loops.
// A last partial vector of C overlaps the one before and writes only its new lanes.
// Every element is summed from zero in an order fixed by the shape and the SIMD level (K blocks in order, FMAs in p
// order within a block), then written (or added) once: the same bits on every call, whatever the thread count.
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Unroll.Numerics;

/// <summary>GEMM without packing: cheap to start (no buffers but, for a few shapes, a copy of a small op(B)), right
/// for tiny products, C with few rows or columns, and products with a short inner dimension.</summary>
internal static class GemmUnpacked
{
    /// <summary>The largest op(B) (K · N elements) copied to scratch to give a loop order contiguous operands.</summary>
    internal const int ScratchLimit = 1 << 18;

    /// <summary>Rows of C per register block of the row form (and per thread's share, in whole blocks).</summary>
    private const int RowBlock = 6;

    /// <summary>
    /// C = or += op(A) · op(B); shapes were checked by the caller, and m, n, k are positive. Large row-form products
    /// split C's rows over at most <paramref name="maxThreads"/> threads, one per <paramref name="parallelGrain"/>
    /// multiply-adds; the bits do not depend on the split.
    /// </summary>
    public static void Multiply<T>(SimdLevel level, int maxThreads, long parallelGrain, Transpose transA, Transpose transB,
        int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(m > 0 && n > 0 && k > 0);
        var threads = new Threads(maxThreads, parallelGrain);
        if (level != SimdLevel.Scalar && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            if (level == SimdLevel.Vector512 && Vector512.IsHardwareAccelerated
                && Vectorised<T, Vector512<T>, Simd512<T>>(threads, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate))
                return;
            if (Vector256.IsHardwareAccelerated
                && Vectorised<T, Vector256<T>, Simd256<T>>(threads, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate))
                return;
        }
        Scalar(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    /// <summary>How many threads a product may use, and the multiply-adds worth each.</summary>
    private readonly record struct Threads(int Max, long Grain);

    /// <summary>
    /// Runs the first loop order that fits the shape at vector width W (<typeparamref name="TOps"/>); false when none
    /// does (the caller tries a narrower width). The choice depends on the shape alone.
    /// </summary>
    private static bool Vectorised<T, TV, TOps>(Threads threads, Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        int w = TOps.Count;
        ref T aRef = ref MemoryMarshal.GetReference(a);
        ref T bRef = ref MemoryMarshal.GetReference(b);
        ref T cRef = ref MemoryMarshal.GetReference(c);
        // Element strides of op(A) along i and p, of op(B) along p and j.
        nint aI = transA == Transpose.No ? lda : 1, aP = transA == Transpose.No ? 1 : lda;
        nint bP = transB == Transpose.No ? ldb : 1, bJ = transB == Transpose.No ? 1 : ldb;

        if (transA == Transpose.Yes && n < w && m >= w)
        {
            // Column form: C narrower than a vector and A stored (K, M), e.g. dWih = dGᵀ · X with few input features.
            // The row form of Cᵀ (n × m) = op(B)ᵀ · Aᵀ, whose "B" is A itself, rows contiguous; C's strides swap.
            RowForm<T, TV, TOps>(threads, ref bRef, bJ, bP, ref aRef, lda, n, m, k, ref cRef, 1, ldc, accumulate);
            return true;
        }
        if (transB == Transpose.No && n >= w)
        {
            RowForm<T, TV, TOps>(threads, ref aRef, aI, aP, ref bRef, ldb, m, n, k, ref cRef, ldc, 1, accumulate);
            return true;
        }
        bool dot = transA == Transpose.No && transB == Transpose.Yes && k >= w;
        if (dot && m < 4)
        {
            // One row of C (batch 1) or a few: every element of B is read once either way, so read it in place.
            DotForm<T, TV, TOps>(ref aRef, lda, ref bRef, ldb, m, n, k, ref cRef, ldc, accumulate);
            return true;
        }
        if (transB == Transpose.Yes && n >= w && (long)k * n <= ScratchLimit)
        {
            // op(B) stored (N, K), e.g. an input projection X · Wihᵀ (an outer product when K = 1): copy it to (K, N)
            // for the row form, which reuses each row of it for every row of C.
            Span<T> scratch = PackBuffers<T>.ForB(k * n);
            ref T s = ref MemoryMarshal.GetReference(scratch);
            for (int j = 0; j < n; j++)
            {
                ref T bRow = ref Unsafe.Add(ref bRef, (nint)j * ldb);
                for (int p = 0; p < k; p++)
                    Unsafe.Add(ref s, p * n + j) = Unsafe.Add(ref bRow, p);
            }
            RowForm<T, TV, TOps>(threads, ref aRef, aI, aP, ref s, n, m, n, k, ref cRef, ldc, 1, accumulate);
            return true;
        }
        if (dot)
        {
            // C narrower than a vector (a one-output head: a row of B against eight rows of A), or op(B) too big to copy.
            DotForm<T, TV, TOps>(ref aRef, lda, ref bRef, ldb, m, n, k, ref cRef, ldc, accumulate);
            return true;
        }
        if (transA == Transpose.No && transB == Transpose.No && k >= w && (long)k * n <= ScratchLimit)
        {
            // C narrower than a vector from B stored (K, N): copy op(B)'s columns to (N, K) rows for the dot form.
            Span<T> scratch = PackBuffers<T>.ForB(k * n);
            ref T s = ref MemoryMarshal.GetReference(scratch);
            for (int p = 0; p < k; p++)
            {
                ref T bRow = ref Unsafe.Add(ref bRef, (nint)p * ldb);
                for (int j = 0; j < n; j++)
                    Unsafe.Add(ref s, j * k + p) = Unsafe.Add(ref bRow, j);
            }
            DotForm<T, TV, TOps>(ref aRef, lda, ref s, k, m, n, k, ref cRef, ldc, accumulate);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- row form: vectors along j

    /// <summary>
    /// C (m × n) = or += op(A) · B with B's rows contiguous (stride <paramref name="ldb"/>), n ≥ W; op(A)(i, p) is
    /// <c>a[i · aI + p · aP]</c>; C(i, j) is <c>c[i · ldc + j · cJ]</c> (cJ = 1 but for the column form).
    /// Picks the K blocks from the whole shape, then runs all rows here or splits them over threads.
    /// </summary>
    private static unsafe void RowForm<T, TV, TOps>(Threads threads, ref T a, nint aI, nint aP, ref T b, nint ldb,
        int m, int n, int k, ref T c, nint ldc, nint cJ, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        Debug.Assert(n >= TOps.Count);
        int kb = k;
        if (m > RowBlock && k > 64)
        {
            // Several blocks of rows read the same rows of B: take K in near-equal blocks whose (kb, n) slice of B
            // stays in L1 (about 24 KiB), each block added onto C in order. The blocks depend on the shape alone.
            // The column form (cJ ≠ 1) scatters C lane by lane after each block: there, blocks of 256 (in L2).
            int kbMax = cJ != 1 ? 256 : Math.Max(64, 24576 / (n * Unsafe.SizeOf<T>()));
            int blocks = (k + kbMax - 1) / kbMax;
            kb = (k + blocks - 1) / blocks;
        }
        int rowBlocks = m / RowBlock;
        int parts = (int)Math.Min(Math.Min(threads.Max, Math.Max(1, (long)m * n * k / threads.Grain)), rowBlocks);
        if (parts <= 1)
        {
            RowRange<T, TV, TOps>(ref a, aI, aP, ref b, ldb, m, n, k, kb, ref c, ldc, cJ, accumulate);
            return;
        }
        fixed (T* pa = &a, pb = &b, pc = &c)
        {
            var job = new RowJob<T, TV, TOps>
            {
                A = pa, AI = aI, AP = aP, B = pb, Ldb = ldb, M = m, N = n, K = k, KB = kb,
                C = pc, Ldc = ldc, CJ = cJ, Accumulate = accumulate, Parts = parts, RowBlocks = rowBlocks,
            };
            SpinningWorker.For(parts, job.Run);
        }
    }

    /// <summary>One row-form product's parts: whole blocks of 6 rows each, the last part also the leftover rows.</summary>
    private sealed unsafe class RowJob<T, TV, TOps>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        public T* A, B, C;
        public nint AI, AP, Ldb, Ldc, CJ;
        public int M, N, K, KB, Parts, RowBlocks;
        public bool Accumulate;

        public void Run(int part)
        {
            int from = (int)((long)RowBlocks * part / Parts) * RowBlock;
            int to = part == Parts - 1 ? M : (int)((long)RowBlocks * (part + 1) / Parts) * RowBlock;
            RowRange<T, TV, TOps>(ref Unsafe.AsRef<T>(A + from * AI), AI, AP, ref Unsafe.AsRef<T>(B), Ldb,
                to - from, N, K, KB, ref Unsafe.AsRef<T>(C + from * Ldc), Ldc, CJ, Accumulate);
        }
    }

    /// <summary>Rows 0 .. m of C, K in blocks of <paramref name="kb"/>: the first written (or added), the rest added.</summary>
    private static void RowRange<T, TV, TOps>(ref T a, nint aI, nint aP, ref T b, nint ldb, int m, int n, int k, int kb,
        ref T c, nint ldc, nint cJ, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        for (int pc = 0; pc < k; pc += kb)
            RowBlocks<T, TV, TOps>(ref Unsafe.Add(ref a, pc * aP), aI, aP, ref Unsafe.Add(ref b, pc * ldb), ldb,
                m, n, Math.Min(kb, k - pc), ref c, ldc, cJ, accumulate || pc > 0);
    }

    /// <summary>The row form's register blocks over C for one K block: 6 rows at a time, then single rows.</summary>
    private static void RowBlocks<T, TV, TOps>(ref T a, nint aI, nint aP, ref T b, nint ldb, int m, int n, int k,
        ref T c, nint ldc, nint cJ, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        int w = TOps.Count;
        if (k == 1)
        {
            OuterProduct<T, TV, TOps>(ref a, aI, ref b, m, n, ref c, ldc, cJ, accumulate);
            return;
        }
        int i = 0;
        for (; i + RowBlock <= m; i += RowBlock)
        {
            ref T aRows = ref Unsafe.Add(ref a, i * aI);
            ref T cRows = ref Unsafe.Add(ref c, i * ldc);
            int j = 0;
            for (; j + 2 * w <= n; j += 2 * w)
                Rows6x2<T, TV, TOps>(ref aRows, aI, aP, ref Unsafe.Add(ref b, j), ldb, k, ref Unsafe.Add(ref cRows, j * cJ), ldc, cJ, accumulate);
            for (; j + w <= n; j += w)
                Rows6x1<T, TV, TOps>(ref aRows, aI, aP, ref Unsafe.Add(ref b, j), ldb, k, ref Unsafe.Add(ref cRows, j * cJ), ldc, cJ, accumulate, 0);
            if (j < n)   // the last W columns again, writing only the lanes from j on
                Rows6x1<T, TV, TOps>(ref aRows, aI, aP, ref Unsafe.Add(ref b, n - w), ldb, k, ref Unsafe.Add(ref cRows, (n - w) * cJ), ldc, cJ, accumulate, j - (n - w));
        }
        for (; i < m; i++)
        {
            ref T aRow = ref Unsafe.Add(ref a, i * aI);
            ref T cRow = ref Unsafe.Add(ref c, i * ldc);
            int j = 0;
            for (; j + 8 * w <= n; j += 8 * w)
                Row1x8<T, TV, TOps>(ref aRow, aP, ref Unsafe.Add(ref b, j), ldb, k, ref Unsafe.Add(ref cRow, j * cJ), cJ, accumulate);
            for (; j + 4 * w <= n; j += 4 * w)
                Row1x4<T, TV, TOps>(ref aRow, aP, ref Unsafe.Add(ref b, j), ldb, k, ref Unsafe.Add(ref cRow, j * cJ), cJ, accumulate);
            for (; j + w <= n; j += w)
                Row1x1<T, TV, TOps>(ref aRow, aP, ref Unsafe.Add(ref b, j), ldb, k, ref Unsafe.Add(ref cRow, j * cJ), cJ, accumulate, 0);
            if (j < n)
                Row1x1<T, TV, TOps>(ref aRow, aP, ref Unsafe.Add(ref b, n - w), ldb, k, ref Unsafe.Add(ref cRow, (n - w) * cJ), cJ, accumulate, j - (n - w));
        }
    }

    /// <summary>
    /// C (m × n) = or += a (m × 1) · b (1 × n) with a[i · aI], n ≥ W: each element a single FMA onto zero, as in the
    /// other row-form kernels with k = 1, without their per-block set-up.
    /// </summary>
    private static void OuterProduct<T, TV, TOps>(ref T a, nint aI, ref T b, int m, int n, ref T c, nint ldc, nint cJ, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        int w = TOps.Count;
        int tail = n - w;
        for (int i = 0; i < m; i++)
        {
            TV x = TOps.Broadcast(Unsafe.Add(ref a, i * aI));
            ref T cRow = ref Unsafe.Add(ref c, i * ldc);
            int j = 0;
            if (cJ != 1)
            {
                for (; j <= tail; j += w)
                    Store<T, TV, TOps>(TOps.Fma(x, TOps.Load(ref Unsafe.Add(ref b, j)), default), ref Unsafe.Add(ref cRow, j * cJ), cJ, accumulate, 0);
            }
            else if (accumulate)
            {
                for (; j <= tail; j += w)
                {
                    ref T cj = ref Unsafe.Add(ref cRow, j);
                    TOps.Store(TOps.Add(TOps.Fma(x, TOps.Load(ref Unsafe.Add(ref b, j)), default), TOps.Load(ref cj)), ref cj);
                }
            }
            else
            {
                for (; j <= tail; j += w)
                    TOps.Store(TOps.Fma(x, TOps.Load(ref Unsafe.Add(ref b, j)), default), ref Unsafe.Add(ref cRow, j));
            }
            if (j < n)
                Store<T, TV, TOps>(TOps.Fma(x, TOps.Load(ref Unsafe.Add(ref b, tail)), default), ref Unsafe.Add(ref cRow, tail * cJ), cJ, accumulate, j - tail);
        }
    }

    /// <summary>C (6 × 2W) = or += op(A) rows (6 × k) · B (k × 2W): 12 accumulators, FMAs in p order.</summary>
    private static void Rows6x2<T, TV, TOps>(ref T a, nint aI, nint aP, ref T b, nint ldb, int k, ref T c, nint ldc, nint cJ, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        nint w = TOps.Count;
        TV c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TV c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        ref T a0 = ref a, a1 = ref Unsafe.Add(ref a, aI), a2 = ref Unsafe.Add(ref a, 2 * aI);
        ref T a3 = ref Unsafe.Add(ref a, 3 * aI), a4 = ref Unsafe.Add(ref a, 4 * aI), a5 = ref Unsafe.Add(ref a, 5 * aI);
        ref T bRow = ref b;
        nint ap = 0;
        for (int p = 0; p < k; p++)
        {
            TV b0 = TOps.Load(ref bRow), b1 = TOps.Load(ref Unsafe.Add(ref bRow, w));
            TV x = TOps.Broadcast(Unsafe.Add(ref a0, ap));
            c00 = TOps.Fma(x, b0, c00); c01 = TOps.Fma(x, b1, c01);
            x = TOps.Broadcast(Unsafe.Add(ref a1, ap));
            c10 = TOps.Fma(x, b0, c10); c11 = TOps.Fma(x, b1, c11);
            x = TOps.Broadcast(Unsafe.Add(ref a2, ap));
            c20 = TOps.Fma(x, b0, c20); c21 = TOps.Fma(x, b1, c21);
            x = TOps.Broadcast(Unsafe.Add(ref a3, ap));
            c30 = TOps.Fma(x, b0, c30); c31 = TOps.Fma(x, b1, c31);
            x = TOps.Broadcast(Unsafe.Add(ref a4, ap));
            c40 = TOps.Fma(x, b0, c40); c41 = TOps.Fma(x, b1, c41);
            x = TOps.Broadcast(Unsafe.Add(ref a5, ap));
            c50 = TOps.Fma(x, b0, c50); c51 = TOps.Fma(x, b1, c51);
            bRow = ref Unsafe.Add(ref bRow, ldb);
            ap += aP;
        }
        Store2<T, TV, TOps>(c00, c01, ref c, cJ, accumulate);
        Store2<T, TV, TOps>(c10, c11, ref Unsafe.Add(ref c, ldc), cJ, accumulate);
        Store2<T, TV, TOps>(c20, c21, ref Unsafe.Add(ref c, 2 * ldc), cJ, accumulate);
        Store2<T, TV, TOps>(c30, c31, ref Unsafe.Add(ref c, 3 * ldc), cJ, accumulate);
        Store2<T, TV, TOps>(c40, c41, ref Unsafe.Add(ref c, 4 * ldc), cJ, accumulate);
        Store2<T, TV, TOps>(c50, c51, ref Unsafe.Add(ref c, 5 * ldc), cJ, accumulate);
    }

    /// <summary>C (6 × W) = or += op(A) rows (6 × k) · B (k × W), lanes from <paramref name="skip"/> on.</summary>
    private static void Rows6x1<T, TV, TOps>(ref T a, nint aI, nint aP, ref T b, nint ldb, int k, ref T c, nint ldc, nint cJ, bool accumulate, int skip)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        TV c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        ref T a0 = ref a, a1 = ref Unsafe.Add(ref a, aI), a2 = ref Unsafe.Add(ref a, 2 * aI);
        ref T a3 = ref Unsafe.Add(ref a, 3 * aI), a4 = ref Unsafe.Add(ref a, 4 * aI), a5 = ref Unsafe.Add(ref a, 5 * aI);
        ref T bRow = ref b;
        nint ap = 0;
        for (int p = 0; p < k; p++)
        {
            TV b0 = TOps.Load(ref bRow);
            c0 = TOps.Fma(TOps.Broadcast(Unsafe.Add(ref a0, ap)), b0, c0);
            c1 = TOps.Fma(TOps.Broadcast(Unsafe.Add(ref a1, ap)), b0, c1);
            c2 = TOps.Fma(TOps.Broadcast(Unsafe.Add(ref a2, ap)), b0, c2);
            c3 = TOps.Fma(TOps.Broadcast(Unsafe.Add(ref a3, ap)), b0, c3);
            c4 = TOps.Fma(TOps.Broadcast(Unsafe.Add(ref a4, ap)), b0, c4);
            c5 = TOps.Fma(TOps.Broadcast(Unsafe.Add(ref a5, ap)), b0, c5);
            bRow = ref Unsafe.Add(ref bRow, ldb);
            ap += aP;
        }
        Store<T, TV, TOps>(c0, ref c, cJ, accumulate, skip);
        Store<T, TV, TOps>(c1, ref Unsafe.Add(ref c, ldc), cJ, accumulate, skip);
        Store<T, TV, TOps>(c2, ref Unsafe.Add(ref c, 2 * ldc), cJ, accumulate, skip);
        Store<T, TV, TOps>(c3, ref Unsafe.Add(ref c, 3 * ldc), cJ, accumulate, skip);
        Store<T, TV, TOps>(c4, ref Unsafe.Add(ref c, 4 * ldc), cJ, accumulate, skip);
        Store<T, TV, TOps>(c5, ref Unsafe.Add(ref c, 5 * ldc), cJ, accumulate, skip);
    }

    /// <summary>C (1 × 8W) = or += op(A) row (1 × k) · B (k × 8W): 8 accumulators, FMAs in p order.</summary>
    private static void Row1x8<T, TV, TOps>(ref T a, nint aP, ref T b, nint ldb, int k, ref T c, nint cJ, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        nint w = TOps.Count;
        TV s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        ref T bRow = ref b;
        nint ap = 0;
        for (int p = 0; p < k; p++)
        {
            TV x = TOps.Broadcast(Unsafe.Add(ref a, ap));
            s0 = TOps.Fma(x, TOps.Load(ref bRow), s0);
            s1 = TOps.Fma(x, TOps.Load(ref Unsafe.Add(ref bRow, w)), s1);
            s2 = TOps.Fma(x, TOps.Load(ref Unsafe.Add(ref bRow, 2 * w)), s2);
            s3 = TOps.Fma(x, TOps.Load(ref Unsafe.Add(ref bRow, 3 * w)), s3);
            s4 = TOps.Fma(x, TOps.Load(ref Unsafe.Add(ref bRow, 4 * w)), s4);
            s5 = TOps.Fma(x, TOps.Load(ref Unsafe.Add(ref bRow, 5 * w)), s5);
            s6 = TOps.Fma(x, TOps.Load(ref Unsafe.Add(ref bRow, 6 * w)), s6);
            s7 = TOps.Fma(x, TOps.Load(ref Unsafe.Add(ref bRow, 7 * w)), s7);
            bRow = ref Unsafe.Add(ref bRow, ldb);
            ap += aP;
        }
        Store2<T, TV, TOps>(s0, s1, ref c, cJ, accumulate);
        Store2<T, TV, TOps>(s2, s3, ref Unsafe.Add(ref c, 2 * w * cJ), cJ, accumulate);
        Store2<T, TV, TOps>(s4, s5, ref Unsafe.Add(ref c, 4 * w * cJ), cJ, accumulate);
        Store2<T, TV, TOps>(s6, s7, ref Unsafe.Add(ref c, 6 * w * cJ), cJ, accumulate);
    }

    /// <summary>
    /// C (1 × 4W) = or += op(A) row (1 × k) · B (k × 4W): even and odd p in separate accumulators (8 chains), added
    /// at the end.
    /// </summary>
    private static void Row1x4<T, TV, TOps>(ref T a, nint aP, ref T b, nint ldb, int k, ref T c, nint cJ, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        nint w = TOps.Count;
        TV e0 = default, e1 = default, e2 = default, e3 = default, o0 = default, o1 = default, o2 = default, o3 = default;
        ref T bEven = ref b;
        nint ap = 0, ldb2 = 2 * ldb, aP2 = 2 * aP;
        int p = 0;
        for (; p + 2 <= k; p += 2)
        {
            ref T bOdd = ref Unsafe.Add(ref bEven, ldb);
            TV xe = TOps.Broadcast(Unsafe.Add(ref a, ap)), xo = TOps.Broadcast(Unsafe.Add(ref a, ap + aP));
            e0 = TOps.Fma(xe, TOps.Load(ref bEven), e0);
            e1 = TOps.Fma(xe, TOps.Load(ref Unsafe.Add(ref bEven, w)), e1);
            e2 = TOps.Fma(xe, TOps.Load(ref Unsafe.Add(ref bEven, 2 * w)), e2);
            e3 = TOps.Fma(xe, TOps.Load(ref Unsafe.Add(ref bEven, 3 * w)), e3);
            o0 = TOps.Fma(xo, TOps.Load(ref bOdd), o0);
            o1 = TOps.Fma(xo, TOps.Load(ref Unsafe.Add(ref bOdd, w)), o1);
            o2 = TOps.Fma(xo, TOps.Load(ref Unsafe.Add(ref bOdd, 2 * w)), o2);
            o3 = TOps.Fma(xo, TOps.Load(ref Unsafe.Add(ref bOdd, 3 * w)), o3);
            bEven = ref Unsafe.Add(ref bEven, ldb2);
            ap += aP2;
        }
        if (p < k)
        {
            TV xe = TOps.Broadcast(Unsafe.Add(ref a, ap));
            e0 = TOps.Fma(xe, TOps.Load(ref bEven), e0);
            e1 = TOps.Fma(xe, TOps.Load(ref Unsafe.Add(ref bEven, w)), e1);
            e2 = TOps.Fma(xe, TOps.Load(ref Unsafe.Add(ref bEven, 2 * w)), e2);
            e3 = TOps.Fma(xe, TOps.Load(ref Unsafe.Add(ref bEven, 3 * w)), e3);
        }
        Store2<T, TV, TOps>(TOps.Add(e0, o0), TOps.Add(e1, o1), ref c, cJ, accumulate);
        Store2<T, TV, TOps>(TOps.Add(e2, o2), TOps.Add(e3, o3), ref Unsafe.Add(ref c, 2 * w * cJ), cJ, accumulate);
    }

    /// <summary>C (1 × W) = or += op(A) row (1 × k) · B (k × W): p mod 4 in separate accumulators, lanes from <paramref name="skip"/> on.</summary>
    private static void Row1x1<T, TV, TOps>(ref T a, nint aP, ref T b, nint ldb, int k, ref T c, nint cJ, bool accumulate, int skip)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        TV s0 = default, s1 = default, s2 = default, s3 = default;
        nint p = 0;
        for (; p + 4 <= k; p += 4)
        {
            s0 = TOps.Fma(TOps.Broadcast(Unsafe.Add(ref a, p * aP)), TOps.Load(ref Unsafe.Add(ref b, p * ldb)), s0);
            s1 = TOps.Fma(TOps.Broadcast(Unsafe.Add(ref a, (p + 1) * aP)), TOps.Load(ref Unsafe.Add(ref b, (p + 1) * ldb)), s1);
            s2 = TOps.Fma(TOps.Broadcast(Unsafe.Add(ref a, (p + 2) * aP)), TOps.Load(ref Unsafe.Add(ref b, (p + 2) * ldb)), s2);
            s3 = TOps.Fma(TOps.Broadcast(Unsafe.Add(ref a, (p + 3) * aP)), TOps.Load(ref Unsafe.Add(ref b, (p + 3) * ldb)), s3);
        }
        for (; p < k; p++)
            s0 = TOps.Fma(TOps.Broadcast(Unsafe.Add(ref a, p * aP)), TOps.Load(ref Unsafe.Add(ref b, p * ldb)), s0);
        Store<T, TV, TOps>(TOps.Add(TOps.Add(s0, s1), TOps.Add(s2, s3)), ref c, cJ, accumulate, skip);
    }

    // ---------------------------------------------------------------- dot form: vectors along p

    /// <summary>
    /// C (m × n) = or += A · Bᵀ with A stored (m × k) and B stored (n × k), both contiguous along p. Eight dot products
    /// share one operand: a row of A against eight rows of B, or, when C has fewer than 8 columns and at least 8 rows,
    /// a row of B against eight rows of A. A last partial group of 8 overlaps the previous one.
    /// </summary>
    private static void DotForm<T, TV, TOps>(ref T a, nint lda, ref T b, nint ldb, int m, int n, int k, ref T c, nint ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        if (n < 8 && m >= 8)
        {
            for (int j = 0; j < n; j++)
            {
                ref T bRow = ref Unsafe.Add(ref b, j * ldb);
                ref T cColumn = ref Unsafe.Add(ref c, j);
                int i = 0;
                for (; i + 8 <= m; i += 8)
                    Dot8<T, TV, TOps>(ref bRow, ref Unsafe.Add(ref a, i * lda), lda, k, ref Unsafe.Add(ref cColumn, i * ldc), ldc, accumulate, 0);
                if (i < m)
                    Dot8<T, TV, TOps>(ref bRow, ref Unsafe.Add(ref a, (m - 8) * lda), lda, k, ref Unsafe.Add(ref cColumn, (m - 8) * ldc), ldc, accumulate, i - (m - 8));
            }
            return;
        }
        for (int i = 0; i < m; i++)
        {
            ref T aRow = ref Unsafe.Add(ref a, i * lda);
            ref T cRow = ref Unsafe.Add(ref c, i * ldc);
            if (n < 8)
            {
                for (int j = 0; j < n; j++)
                    Write(ref Unsafe.Add(ref cRow, j), Dot1<T, TV, TOps>(ref aRow, ref Unsafe.Add(ref b, j * ldb), k), accumulate);
                continue;
            }
            int jj = 0;
            for (; jj + 8 <= n; jj += 8)
                Dot8<T, TV, TOps>(ref aRow, ref Unsafe.Add(ref b, jj * ldb), ldb, k, ref Unsafe.Add(ref cRow, jj), 1, accumulate, 0);
            if (jj < n)
                Dot8<T, TV, TOps>(ref aRow, ref Unsafe.Add(ref b, (n - 8) * ldb), ldb, k, ref Unsafe.Add(ref cRow, n - 8), 1, accumulate, jj - (n - 8));
        }
    }

    /// <summary>
    /// c[q · cStride] = or += Σ_p x[p] · y[q · ldy + p] for q from <paramref name="skip"/> to 8: one vector accumulator
    /// per dot (FMAs in p order), each folded to 256 bits, the eight reduced together, then the scalar tail
    /// (p past the last whole vector) in p order. Every dot is summed the same way whatever its q.
    /// </summary>
    private static void Dot8<T, TV, TOps>(ref T x, ref T y, nint ldy, int k, ref T c, nint cStride, bool accumulate, int skip)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        nint w = TOps.Count;
        ref T y0 = ref y, y1 = ref Unsafe.Add(ref y, ldy), y2 = ref Unsafe.Add(ref y, 2 * ldy), y3 = ref Unsafe.Add(ref y, 3 * ldy);
        ref T y4 = ref Unsafe.Add(ref y, 4 * ldy), y5 = ref Unsafe.Add(ref y, 5 * ldy), y6 = ref Unsafe.Add(ref y, 6 * ldy), y7 = ref Unsafe.Add(ref y, 7 * ldy);
        TV s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        nint p = 0;
        for (; p + w <= k; p += w)
        {
            TV xv = TOps.Load(ref Unsafe.Add(ref x, p));
            s0 = TOps.Fma(xv, TOps.Load(ref Unsafe.Add(ref y0, p)), s0);
            s1 = TOps.Fma(xv, TOps.Load(ref Unsafe.Add(ref y1, p)), s1);
            s2 = TOps.Fma(xv, TOps.Load(ref Unsafe.Add(ref y2, p)), s2);
            s3 = TOps.Fma(xv, TOps.Load(ref Unsafe.Add(ref y3, p)), s3);
            s4 = TOps.Fma(xv, TOps.Load(ref Unsafe.Add(ref y4, p)), s4);
            s5 = TOps.Fma(xv, TOps.Load(ref Unsafe.Add(ref y5, p)), s5);
            s6 = TOps.Fma(xv, TOps.Load(ref Unsafe.Add(ref y6, p)), s6);
            s7 = TOps.Fma(xv, TOps.Load(ref Unsafe.Add(ref y7, p)), s7);
        }
        Reduce8(TOps.Fold256(s0), TOps.Fold256(s1), TOps.Fold256(s2), TOps.Fold256(s3),
            TOps.Fold256(s4), TOps.Fold256(s5), TOps.Fold256(s6), TOps.Fold256(s7), out Vector256<T> low, out Vector256<T> high);
        if (p == k && skip == 0 && cStride == 1)
        {
            // No tail: the sums go to C as one or two vectors.
            if (Vector256<T>.Count == 8)
            {
                if (accumulate) low += Vector256.LoadUnsafe(ref c);
                low.StoreUnsafe(ref c);
            }
            else
            {
                ref T c4 = ref Unsafe.Add(ref c, 4);
                if (accumulate)
                {
                    low += Vector256.LoadUnsafe(ref c);
                    high += Vector256.LoadUnsafe(ref c4);
                }
                low.StoreUnsafe(ref c);
                high.StoreUnsafe(ref c4);
            }
            return;
        }
        for (int q = skip; q < 8; q++)
        {
            T sum = Vector256<T>.Count == 8 || q < 4 ? low.GetElement(q) : high.GetElement(q - 4);
            ref T yq = ref Unsafe.Add(ref y, q * ldy);
            for (nint r = p; r < k; r++)
                sum += Unsafe.Add(ref x, r) * Unsafe.Add(ref yq, r);
            Write(ref Unsafe.Add(ref c, q * cStride), sum, accumulate);
        }
    }

    /// <summary>
    /// The lane sums of eight vectors: <paramref name="low"/> holds Σv0 .. Σv7 (float) or Σv0 .. Σv3 (double, with
    /// Σv4 .. Σv7 in <paramref name="high"/>). Every vector is summed by the same tree: adjacent pairs, then pairs of
    /// pairs, then the two 128-bit halves (AVX horizontal adds; other CPUs sum each vector).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Reduce8<T>(Vector256<T> v0, Vector256<T> v1, Vector256<T> v2, Vector256<T> v3,
        Vector256<T> v4, Vector256<T> v5, Vector256<T> v6, Vector256<T> v7, out Vector256<T> low, out Vector256<T> high)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Avx.IsSupported && typeof(T) == typeof(float))
        {
            // hadd(a, b) per 128-bit half: (a0+a1, a2+a3, b0+b1, b2+b3); twice gives each vector's half sums in order.
            Vector256<float> h01 = Avx.HorizontalAdd(v0.AsSingle(), v1.AsSingle()), h23 = Avx.HorizontalAdd(v2.AsSingle(), v3.AsSingle());
            Vector256<float> h45 = Avx.HorizontalAdd(v4.AsSingle(), v5.AsSingle()), h67 = Avx.HorizontalAdd(v6.AsSingle(), v7.AsSingle());
            Vector256<float> q0 = Avx.HorizontalAdd(h01, h23), q1 = Avx.HorizontalAdd(h45, h67);
            low = (Avx.Permute2x128(q0, q1, 0x20) + Avx.Permute2x128(q0, q1, 0x31)).As<float, T>();
            high = default;
            return;
        }
        if (Avx.IsSupported && typeof(T) == typeof(double))
        {
            Vector256<double> h01 = Avx.HorizontalAdd(v0.AsDouble(), v1.AsDouble()), h23 = Avx.HorizontalAdd(v2.AsDouble(), v3.AsDouble());
            Vector256<double> h45 = Avx.HorizontalAdd(v4.AsDouble(), v5.AsDouble()), h67 = Avx.HorizontalAdd(v6.AsDouble(), v7.AsDouble());
            low = (Avx.Permute2x128(h01, h23, 0x20) + Avx.Permute2x128(h01, h23, 0x31)).As<double, T>();
            high = (Avx.Permute2x128(h45, h67, 0x20) + Avx.Permute2x128(h45, h67, 0x31)).As<double, T>();
            return;
        }
        Reduce8Portable(v0, v1, v2, v3, v4, v5, v6, v7, out low, out high);
    }

    /// <summary><see cref="Reduce8{T}"/> without AVX: each vector summed by the runtime.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Reduce8Portable<T>(Vector256<T> v0, Vector256<T> v1, Vector256<T> v2, Vector256<T> v3,
        Vector256<T> v4, Vector256<T> v5, Vector256<T> v6, Vector256<T> v7, out Vector256<T> low, out Vector256<T> high)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> sums = [Vector256.Sum(v0), Vector256.Sum(v1), Vector256.Sum(v2), Vector256.Sum(v3),
            Vector256.Sum(v4), Vector256.Sum(v5), Vector256.Sum(v6), Vector256.Sum(v7)];
        low = Vector256.LoadUnsafe(ref sums[0]);
        high = Vector256<T>.Count == 8 ? default : Vector256.LoadUnsafe(ref sums[4]);
    }

    /// <summary>Σ_p x[p] · y[p] for contiguous x and y: two vector partial sums, their lanes, then the scalar tail.</summary>
    private static T Dot1<T, TV, TOps>(ref T x, ref T y, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        nint w = TOps.Count;
        TV acc0 = default, acc1 = default;
        nint p = 0;
        for (; p + 2 * w <= k; p += 2 * w)
        {
            acc0 = TOps.Fma(TOps.Load(ref Unsafe.Add(ref x, p)), TOps.Load(ref Unsafe.Add(ref y, p)), acc0);
            acc1 = TOps.Fma(TOps.Load(ref Unsafe.Add(ref x, p + w)), TOps.Load(ref Unsafe.Add(ref y, p + w)), acc1);
        }
        if (p + w <= k)
        {
            acc0 = TOps.Fma(TOps.Load(ref Unsafe.Add(ref x, p)), TOps.Load(ref Unsafe.Add(ref y, p)), acc0);
            p += w;
        }
        T sum = TOps.Sum(TOps.Add(acc0, acc1));
        for (; p < k; p++)
            sum += Unsafe.Add(ref x, p) * Unsafe.Add(ref y, p);
        return sum;
    }

    // ---------------------------------------------------------------- stores

    /// <summary>C[0, 0 .. 2W) = or += (v0, v1), column stride <paramref name="cJ"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2<T, TV, TOps>(TV v0, TV v1, ref T c, nint cJ, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        Store<T, TV, TOps>(v0, ref c, cJ, accumulate, 0);
        Store<T, TV, TOps>(v1, ref Unsafe.Add(ref c, TOps.Count * cJ), cJ, accumulate, 0);
    }

    /// <summary>
    /// C[0, l] = or += v[l] for lanes l from <paramref name="skip"/> on, column stride <paramref name="cJ"/>: one vector
    /// store when the lanes are contiguous and all wanted, else lane by lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T, TV, TOps>(TV v, ref T c, nint cJ, bool accumulate, int skip)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        if (skip == 0 && cJ == 1)
        {
            if (accumulate)
                v = TOps.Add(v, TOps.Load(ref c));
            TOps.Store(v, ref c);
            return;
        }
        for (int l = skip; l < TOps.Count; l++)
            Write(ref Unsafe.Add(ref c, l * cJ), TOps.Lane(v, l), accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write<T>(ref T c, T value, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        c = accumulate ? c + value : value;

    // ---------------------------------------------------------------- scalar: any machine, any floating type

    /// <summary>The scalar loops: row form when B is stored (K, N), dot form when it is stored (N, K).</summary>
    private static void Scalar<T>(Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint aRowStride = transA == Transpose.No ? lda : 1, aColStride = transA == Transpose.No ? 1 : lda;
        ref T aRef = ref MemoryMarshal.GetReference(a);
        ref T bRef = ref MemoryMarshal.GetReference(b);
        ref T cRef = ref MemoryMarshal.GetReference(c);
        for (int i = 0; i < m; i++)
        {
            ref T aRow = ref Unsafe.Add(ref aRef, i * aRowStride);
            ref T cRow = ref Unsafe.Add(ref cRef, (nint)i * ldc);
            Debug.Assert((long)i * ldc + n <= c.Length);
            int j = 0;
            // Row form: B's rows are contiguous along j. Dot form: B's row j is op(B)'s column j, contiguous along p.
            nint bNext = transB == Transpose.No ? 1 : ldb, bStride = transB == Transpose.No ? ldb : 1;
            for (; j + 4 <= n; j += 4)
                ScalarDot4(ref aRow, aColStride, ref Unsafe.Add(ref bRef, j * bNext), bStride, bNext, k, ref Unsafe.Add(ref cRow, j), accumulate);
            for (; j < n; j++)
                Write(ref Unsafe.Add(ref cRow, j), ScalarDot(ref aRow, aColStride, ref Unsafe.Add(ref bRef, j * bNext), bStride, k), accumulate);
        }
    }

    /// <summary>
    /// c[q] = or += Σ_p x[p · xStride] · y[p · yStride + q · yNext] for q &lt; 4: four scalar chains that share x.
    /// </summary>
    private static void ScalarDot4<T>(ref T x, nint xStride, ref T y, nint yStride, nint yNext, int k, ref T c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
        for (nint p = 0; p < k; p++)
        {
            T xp = Unsafe.Add(ref x, p * xStride);
            ref T yp = ref Unsafe.Add(ref y, p * yStride);
            s0 += xp * yp;
            s1 += xp * Unsafe.Add(ref yp, yNext);
            s2 += xp * Unsafe.Add(ref yp, 2 * yNext);
            s3 += xp * Unsafe.Add(ref yp, 3 * yNext);
        }
        Write(ref c, s0, accumulate);
        Write(ref Unsafe.Add(ref c, 1), s1, accumulate);
        Write(ref Unsafe.Add(ref c, 2), s2, accumulate);
        Write(ref Unsafe.Add(ref c, 3), s3, accumulate);
    }

    /// <summary>Σ_p x[p · xStride] · y[p · yStride]: four scalar partial sums (p mod 4), then the tail.</summary>
    private static T ScalarDot<T>(ref T x, nint xStride, ref T y, nint yStride, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
        nint p = 0;
        for (; p + 4 <= k; p += 4)
        {
            s0 += Unsafe.Add(ref x, p * xStride) * Unsafe.Add(ref y, p * yStride);
            s1 += Unsafe.Add(ref x, (p + 1) * xStride) * Unsafe.Add(ref y, (p + 1) * yStride);
            s2 += Unsafe.Add(ref x, (p + 2) * xStride) * Unsafe.Add(ref y, (p + 2) * yStride);
            s3 += Unsafe.Add(ref x, (p + 3) * xStride) * Unsafe.Add(ref y, (p + 3) * yStride);
        }
        T sum = (s0 + s1) + (s2 + s3);
        for (; p < k; p++)
            sum += Unsafe.Add(ref x, p * xStride) * Unsafe.Add(ref y, p * yStride);
        return sum;
    }
}
