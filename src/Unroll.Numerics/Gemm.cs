// Glossary: M, N, K are the sizes of C (M × N) = op(A) (M × K) · op(B) (K × N); all matrices row-major,
// with leading dimensions lda, ldb, ldc (the distance between consecutive rows in the span).
//   unpacked path  GemmUnpacked: products of at most 2048 multiply-adds, C with at most 3 rows or columns
//                  (batch 1, a one-output head), and with vectors K of at most 8 (an input projection with few
//                  features) or C at most 32 columns wide with B stored (K, N) (dWhh, dh with H ≤ 32); no packing,
//                  rows split over threads in whole register blocks
//   packed path    GemmPacked (blocking, packing, register micro-kernels) on 1..MaxThreads threads
//   part           one thread's share: a range of C's rows, or of its columns, rounded to whole MR / NR tiles
// Typical RNN shapes (B batch, T steps, I inputs, H hidden, G gates):
//   gates  (B, GH) += h (B, H) · Whhᵀ          NT      dh (B, H) += dG (B, GH) · Whh      NN
//   dWhh (GH, H)  += dGᵀ (GH, T·B) · h (T·B, H) TN      input projection (T·B, GH) = X (T·B, I) · Wihᵀ   NT
using System.Numerics;
using System.Runtime.Intrinsics;

namespace Unroll.Numerics;

/// <summary>Whether a matrix operand is used as stored or transposed.</summary>
public enum Transpose
{
    /// <summary>Use the matrix as stored.</summary>
    No,
    /// <summary>Use the transpose of the stored matrix.</summary>
    Yes,
}

/// <summary>The widest vector the GEMM kernels use; internal so tests can force the narrower paths.</summary>
internal enum SimdLevel
{
    /// <summary>Plain scalar arithmetic: any machine, any floating type.</summary>
    Scalar,
    /// <summary>256-bit vectors (AVX2, with FMA where present).</summary>
    Vector256,
    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512,
}

/// <summary>
/// General matrix multiply on row-major spans: <c>C = op(A)·op(B)</c> or <c>C += op(A)·op(B)</c>.
/// </summary>
/// <remarks>
/// <para>Lengths are checked once at entry; the inner loops only assert. <see cref="GemmReference"/> is the plain
/// triple loop that every fast path is tested against.</para>
/// <para>Large products are blocked and packed for a register micro-kernel (Vector512, else Vector256, else scalar,
/// with fused multiply-add) and split over up to <see cref="MaxThreads"/> threads. Each element of C is summed in an
/// order fixed by the shape alone, so the result is bitwise the same whatever the number of threads. Tiny products,
/// C with one to three rows or columns, products with K of at most 8, and C at most 32 columns wide with B stored
/// (K, N) take vectorised loops without packing (<c>GemmUnpacked</c>).</para>
/// </remarks>
public static class Gemm
{
    /// <summary>Products with at most this many multiply-adds take the unpacked path (packing would cost more).</summary>
    internal const long DefaultSmallPathLimit = 2048;

    /// <summary>C with at most this many rows or columns takes the unpacked path: a row (or column) of dot products.</summary>
    internal const int SkinnyLimit = 3;

    /// <summary>Products with at most this inner dimension take the unpacked path (with vectors).</summary>
    internal const int ShallowLimit = 8;

    /// <summary>C at most this wide, with B stored (K, N), takes the unpacked path (with vectors).</summary>
    internal const int NarrowLimit = 32;

    /// <summary>Multiply-adds worth one extra thread: about 150 µs of one core's work, since waking a second thread costs tens of µs (measured on 2-vCPU machines, where mid-size products ran slower split).</summary>
    internal const long DefaultParallelGrain = 1L << 24;

    private static int s_maxThreads = Environment.ProcessorCount;
    [ThreadStatic] private static int t_threadsHere;   // 0: no limit on this thread

    /// <summary>
    /// The most threads a product started on this thread may use: <see cref="MaxThreads"/>, or fewer while this thread
    /// runs one part of a job split over threads (<see cref="LimitThisThread"/>). The results do not depend on it.
    /// </summary>
    internal static int ThreadsHere => t_threadsHere > 0 ? Math.Min(t_threadsHere, MaxThreads) : MaxThreads;

    /// <summary>Limits the products started on this thread to <paramref name="threads"/> (0 lifts the limit); returns the limit before, to restore.</summary>
    internal static int LimitThisThread(int threads)
    {
        int before = t_threadsHere;
        t_threadsHere = threads;
        return before;
    }

    /// <summary>
    /// The most threads one large product may use; defaults to <see cref="Environment.ProcessorCount"/>.
    /// Set it to 1 when the caller already runs products in parallel. The result does not depend on it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => Volatile.Read(ref s_maxThreads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref s_maxThreads, value);
        }
    }

    /// <summary>The widest path this machine accelerates.</summary>
    internal static SimdLevel BestSimdLevel =>
        Vector512.IsHardwareAccelerated ? SimdLevel.Vector512 :
        Vector256.IsHardwareAccelerated ? SimdLevel.Vector256 : SimdLevel.Scalar;

    /// <summary>Whether <paramref name="level"/> runs on this machine (the scalar path always does).</summary>
    internal static bool IsSupported(SimdLevel level) => level <= BestSimdLevel;

    /// <summary>Refuses a <paramref name="level"/> wider than <paramref name="best"/>, the widest a machine accelerates.</summary>
    /// <exception cref="ArgumentException">The level is wider.</exception>
    internal static void CheckLevel(SimdLevel level, SimdLevel best)
    {
        if (level > best)
            throw new ArgumentException($"{level} is not accelerated on this machine; the best is {best}", nameof(level));
    }

    /// <summary>Computes <c>C (m × n) = op(A) · op(B)</c>, or adds it to C when <paramref name="accumulate"/> is true.</summary>
    /// <param name="transA">Whether A is stored transposed (k × m) rather than as m × k.</param>
    /// <param name="transB">Whether B is stored transposed (n × k) rather than as k × n.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="a">A's elements, row-major with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B's elements, row-major with row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="c">C's elements, row-major with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="accumulate">Add to C instead of overwriting it.</param>
    /// <exception cref="ArgumentException">A size is negative, a stride is smaller than its row, or a span is too short.</exception>
    public static void Multiply<T>(Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmReference.CheckShapes(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        MultiplyUnchecked(BestSimdLevel, ThreadsHere, DefaultParallelGrain, DefaultSmallPathLimit,
            transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    /// <summary>
    /// <see cref="Multiply{T}"/> with its choices forced, for tests: the vector width, the thread count, the work per
    /// extra thread (1 splits anything that can be split) and the unpacked-path limit (-1 never takes the unpacked path,
    /// not even for skinny C; <see cref="long.MaxValue"/> always does).
    /// </summary>
    internal static void MultiplyWith<T>(SimdLevel level, int maxThreads, long parallelGrain, long smallPathLimit,
        Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLevel(level, BestSimdLevel);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelGrain, 1);
        GemmReference.CheckShapes(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        MultiplyUnchecked(level, maxThreads, parallelGrain, smallPathLimit, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    private static void MultiplyUnchecked<T>(SimdLevel level, int maxThreads, long parallelGrain, long smallPathLimit,
        Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            // op(A) · op(B) is the zero matrix: overwrite with zeros, or add nothing.
            if (!accumulate)
            {
                for (int i = 0; i < m; i++)
                    c.Slice(i * ldc, n).Clear();
            }
            return;
        }
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            level = SimdLevel.Scalar;   // Half, NFloat: no vector kernels
        if ((long)m * n * k <= smallPathLimit || (smallPathLimit >= 0 && PrefersUnpacked(level, transB, m, n, k)))
        {
            GemmUnpacked.Multiply(level, maxThreads, parallelGrain, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }
        switch (level)
        {
            case SimdLevel.Vector512:
                Parallel<T, KernelVector<T, Vector512<T>, Simd512<T>>>(maxThreads, parallelGrain, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
                break;
            case SimdLevel.Vector256:
                Parallel<T, KernelVector<T, Vector256<T>, Simd256<T>>>(maxThreads, parallelGrain, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
                break;
            default:
                Parallel<T, KernelScalar<T>>(maxThreads, parallelGrain, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
                break;
        }
    }

    /// <summary>
    /// Whether a product that is not tiny still runs faster unpacked: C so thin (at most 3 rows or columns) that the
    /// packed tiles (8 × 32) would mostly multiply padding; and, with vectors, a K of at most 8 (an input projection
    /// with few features, where packing and the tile loads cost more than the FMAs) or a C at most 32 columns wide with
    /// B stored (K, N) (a weight gradient or dh with H ≤ 32: one or two vectors of columns, which the packed tile would
    /// pad to 32).
    /// </summary>
    internal static bool PrefersUnpacked(SimdLevel level, Transpose transB, int m, int n, int k)
    {
        if (m <= SkinnyLimit || n <= SkinnyLimit)
            return true;
        if (level == SimdLevel.Scalar)
            return false;
        return (k <= ShallowLimit && (transB == Transpose.No || (long)k * n <= GemmUnpacked.ScratchLimit))
            || (transB == Transpose.No && n <= NarrowLimit);
    }

    /// <summary>
    /// Splits C into parts of whole tiles and runs each part. Every part packs all of the operand it does not split,
    /// so split the longer side of C: rows (each part packs all of op(B), K × N) when M &gt; N, else columns.
    /// </summary>
    private static unsafe void Parallel<T, TKernel>(int maxThreads, long parallelGrain,
        Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmKernel<T>
    {
        int rowTiles = (m + TKernel.MR - 1) / TKernel.MR;
        int colTiles = (n + TKernel.NR - 1) / TKernel.NR;
        bool splitRows = m > n;
        long work = (long)m * n * k;
        int parts = (int)Math.Min(Math.Min(maxThreads, Math.Max(1, work / parallelGrain)), splitRows ? rowTiles : colTiles);
        if (parts <= 1)
        {
            GemmPacked<T, TKernel>.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }
        fixed (T* pa = a, pb = b, pc = c)
        {
            var job = new ParallelJob<T, TKernel>
            {
                TransA = transA, TransB = transB, M = m, N = n, K = k,
                A = pa, ALength = a.Length, Lda = lda, B = pb, BLength = b.Length, Ldb = ldb,
                C = pc, CLength = c.Length, Ldc = ldc, Accumulate = accumulate,
                SplitRows = splitRows, Parts = parts, Tiles = splitRows ? rowTiles : colTiles,
            };
            SpinningWorker.For(parts, job.Run);
        }
    }

    /// <summary>One product's parts for <see cref="SpinningWorker.For"/>: pointers to the pinned spans.</summary>
    private sealed unsafe class ParallelJob<T, TKernel>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmKernel<T>
    {
        public Transpose TransA, TransB;
        public int M, N, K, ALength, Lda, BLength, Ldb, CLength, Ldc, Parts, Tiles;
        public T* A, B, C;
        public bool Accumulate, SplitRows;

        public void Run(int part)
        {
            var a = new ReadOnlySpan<T>(A, ALength);
            var b = new ReadOnlySpan<T>(B, BLength);
            var c = new Span<T>(C, CLength);
            int tile = SplitRows ? TKernel.MR : TKernel.NR;
            int extent = SplitRows ? M : N;
            int from = (int)((long)Tiles * part / Parts) * tile;
            int to = Math.Min(extent, (int)((long)Tiles * (part + 1) / Parts) * tile);
            if (from >= to)
                return;
            if (SplitRows)
            {
                // Rows from..to of C and of op(A): a row offset in A stored (M, K), a column offset in A stored (K, M).
                int aOffset = TransA == Transpose.No ? from * Lda : from;
                GemmPacked<T, TKernel>.Multiply(TransA, TransB, to - from, N, K,
                    a[aOffset..], Lda, b, Ldb, c[(from * Ldc)..], Ldc, Accumulate);
            }
            else
            {
                // Columns from..to of C and of op(B): a column offset in B stored (K, N), a row offset in B stored (N, K).
                int bOffset = TransB == Transpose.No ? from : from * Ldb;
                GemmPacked<T, TKernel>.Multiply(TransA, TransB, M, to - from, K,
                    a, Lda, b[bOffset..], Ldb, c[from..], Ldc, Accumulate);
            }
        }
    }
}
