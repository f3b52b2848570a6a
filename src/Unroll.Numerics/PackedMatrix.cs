// Glossary: op(B) is (K × N); B̃ is op(B) packed once into NR-wide panels per K block, the layout the micro-kernels read.
using System.Numerics;
using System.Runtime.Intrinsics;

namespace Unroll.Numerics;

/// <summary>
/// A right-hand matrix op(B) (K × N) packed once for <see cref="Multiply"/>: a recurrent layer multiplies by the same
/// W_hh at every time step, so packing it per step would copy the whole matrix T times. Results are bitwise those of
/// <see cref="Gemm.Multiply{T}"/> on its packed path.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class PackedMatrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // The packed panels start on a 64-byte boundary (the array is pinned, so the offset holds): a panel row is one
    // cache line, and a 64-byte vector load that straddled two lines would cost two. An array of the ordinary heap
    // starts wherever the allocator put it, so the same product ran at two speeds from run to run.
    private T[] _array = [];
    private int _offset, _length;

    private ReadOnlySpan<T> Packed => _array.AsSpan(_offset, _length);

    /// <summary>N, the columns of op(B).</summary>
    public int Columns { get; private set; }

    /// <summary>K, the rows of op(B).</summary>
    public int Rows { get; private set; }

    internal SimdLevel Level { get; private set; }

    internal ReadOnlySpan<T> Data => Packed;

    /// <summary>Packs op(B): B stored (K × N) when <paramref name="transB"/> is No, (N × K) when Yes. Reuses this object's storage.</summary>
    public void Pack(Transpose transB, int n, int k, ReadOnlySpan<T> b, int ldb) => Pack(Gemm.BestSimdLevel, transB, n, k, b, ldb);

    /// <summary><see cref="Pack(Transpose, int, int, ReadOnlySpan{T}, int)"/> for the kernels of a level, for tests.</summary>
    internal void Pack(SimdLevel level, Transpose transB, int n, int k, ReadOnlySpan<T> b, int ldb)
    {
        if (n < 1 || k < 1) throw new ArgumentException($"a packed matrix needs positive sizes, got {k} × {n}");
        Gemm.CheckLevel(level, Gemm.BestSimdLevel);
        GemmReference.CheckShapes(Transpose.No, transB, 1, n, k, k, k, b.Length, ldb, n, n);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) level = SimdLevel.Scalar;
        int length = level switch
        {
            SimdLevel.Vector512 => GemmPacked<T, KernelVector<T, Vector512<T>, Simd512<T>>>.PackedBLength(n, k),
            SimdLevel.Vector256 => GemmPacked<T, KernelVector<T, Vector256<T>, Simd256<T>>>.PackedBLength(n, k),
            _ => GemmPacked<T, KernelScalar<T>>.PackedBLength(n, k),
        };
        if (_array.Length - _offset < length) (_array, _offset) = PackBuffers<T>.Aligned(length);
        _length = length;
        var packed = _array.AsSpan(_offset, length);
        switch (level)
        {
            case SimdLevel.Vector512: GemmPacked<T, KernelVector<T, Vector512<T>, Simd512<T>>>.PackAllB(transB, n, k, b, ldb, packed); break;
            case SimdLevel.Vector256: GemmPacked<T, KernelVector<T, Vector256<T>, Simd256<T>>>.PackAllB(transB, n, k, b, ldb, packed); break;
            default: GemmPacked<T, KernelScalar<T>>.PackAllB(transB, n, k, b, ldb, packed); break;
        }
        (Columns, Rows, Level) = (n, k, level);
    }

    /// <summary>
    /// Whether <see cref="Gemm.Multiply{T}"/> would take its packed path for C (m × n) with inner dimension k, so that
    /// packing op(B) once and calling <see cref="Multiply"/> gives the same bits for less work.
    /// </summary>
    public static bool Pays(int m, int n, int k, Transpose transB)
        => (long)m * n * k > Gemm.DefaultSmallPathLimit && !Gemm.PrefersUnpacked(Gemm.BestSimdLevel, transB, m, n, k);

    /// <summary>
    /// C (m × N) = or += op(A) (m × K) · op(B), split over up to <see cref="Gemm.MaxThreads"/> threads for large
    /// products (bitwise the same whatever the split).
    /// </summary>
    public void Multiply(Transpose transA, int m, ReadOnlySpan<T> a, int lda, Span<T> c, int ldc, bool accumulate)
        => MultiplyOn(Gemm.ThreadsHere, transA, m, a, lda, c, ldc, accumulate);

    /// <summary><see cref="Multiply"/> on up to <paramref name="maxThreads"/> threads.</summary>
    private void MultiplyOn(int maxThreads, Transpose transA, int m, ReadOnlySpan<T> a, int lda, Span<T> c, int ldc, bool accumulate)
    {
        if (Columns == 0) throw new InvalidOperationException("pack a matrix first");
        GemmReference.CheckShapes(transA, Transpose.No, m, Columns, Rows, a.Length, lda, Columns * Rows, Columns, c.Length, ldc);
        if (m == 0) return;
        switch (Level)
        {
            case SimdLevel.Vector512: Run<KernelVector<T, Vector512<T>, Simd512<T>>>(maxThreads, transA, m, a, lda, c, ldc, accumulate); break;
            case SimdLevel.Vector256: Run<KernelVector<T, Vector256<T>, Simd256<T>>>(maxThreads, transA, m, a, lda, c, ldc, accumulate); break;
            default: Run<KernelScalar<T>>(maxThreads, transA, m, a, lda, c, ldc, accumulate); break;
        }
    }

    /// <summary>
    /// y (N) += x (K) · op(B) for a single row x: the product of one sequence's step. Each element of y is summed from
    /// zero in K order and then added, the same bits on every call (not those of <see cref="Multiply"/>, whose tiles
    /// sum in another order). With <paramref name="backwards"/> the columns are visited last to first, for the same bits:
    /// a caller multiplying by the same matrix step after step alternates it, so that each step starts on the part of
    /// the matrix the step before read last, still in the L1 cache when the whole matrix does not fit.
    /// </summary>
    public void MultiplyRow(ReadOnlySpan<T> x, Span<T> y, bool backwards = false)
    {
        if (Columns == 0) throw new InvalidOperationException("pack a matrix first");
        if (x.Length < Rows || y.Length < Columns)
            throw new ArgumentException($"a row product needs x of {Rows} and y of {Columns} values, got {x.Length} and {y.Length}");
        switch (Level)
        {
            case SimdLevel.Vector512:
                PackedRowProduct<T, Vector512<T>, Simd512<T>>.MultiplyAdd(x, Packed, Columns, Rows, GemmPacked<T, KernelVector<T, Vector512<T>, Simd512<T>>>.KBlock(Rows), y, backwards);
                break;
            case SimdLevel.Vector256:
                PackedRowProduct<T, Vector256<T>, Simd256<T>>.MultiplyAdd(x, Packed, Columns, Rows, GemmPacked<T, KernelVector<T, Vector256<T>, Simd256<T>>>.KBlock(Rows), y, backwards);
                break;
            default:
                MultiplyRowScalar(x, y, KernelScalar<T>.NR, GemmPacked<T, KernelScalar<T>>.KBlock(Rows));
                break;
        }
    }

    /// <summary><see cref="MultiplyRow"/> for panels <paramref name="nr"/> wide, one element at a time.</summary>
    private void MultiplyRowScalar(ReadOnlySpan<T> x, Span<T> y, int nr, int kcMax)
    {
        int n = Columns, k = Rows, nPadded = (n + nr - 1) / nr * nr;
        var packed = Packed;
        for (int j = 0; j < n; j++)
        {
            T sum = T.Zero;
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc), panel = pc * nPadded + j / nr * kc * nr + j % nr;
                for (int p = 0; p < kc; p++)
                    sum += x[pc + p] * packed[panel + p * nr];
            }
            y[j] += sum;
        }
    }

    /// <summary>
    /// <see cref="Multiply"/> on the calling thread only, for callers that run their own shares of rows on several
    /// threads: the same bits as <see cref="Multiply"/> for each row, whatever the rows.
    /// </summary>
    public void MultiplyOnThisThread(Transpose transA, int m, ReadOnlySpan<T> a, int lda, Span<T> c, int ldc, bool accumulate)
        => MultiplyOn(maxThreads: 1, transA, m, a, lda, c, ldc, accumulate);

    private unsafe void Run<TKernel>(int maxThreads, Transpose transA, int m, ReadOnlySpan<T> a, int lda, Span<T> c, int ldc, bool accumulate)
        where TKernel : IGemmKernel<T>
    {
        int n = Columns, k = Rows;
        int colTiles = (n + TKernel.NR - 1) / TKernel.NR, rowTiles = (m + TKernel.MR - 1) / TKernel.MR;
        long work = (long)m * n * k;
        bool splitRows = m > n;
        int parts = (int)Math.Min(Math.Min(maxThreads, Math.Max(1, work / Gemm.DefaultParallelGrain)), splitRows ? rowTiles : colTiles);
        if (parts <= 1)
        {
            GemmPacked<T, TKernel>.MultiplyPrepacked(transA, m, n, k, a, lda, Packed, n, 0, c, ldc, accumulate);
            return;
        }
        int tiles = splitRows ? rowTiles : colTiles, unit = splitRows ? TKernel.MR : TKernel.NR;
        fixed (T* pa = a, pc = c)
        {
            T* aPtr = pa, cPtr = pc;
            int aLength = a.Length, cLength = c.Length;
            var (array, offset, length) = (_array, _offset, _length);
            SpinningWorker.For(parts, part =>
            {
                int first = (int)((long)tiles * part / parts) * unit, last = Math.Min((int)((long)tiles * (part + 1) / parts) * unit, splitRows ? m : n);
                if (last <= first) return;
                var aSpan = new ReadOnlySpan<T>(aPtr, aLength);
                var cSpan = new Span<T>(cPtr, cLength);
                var data = new ReadOnlySpan<T>(array, offset, length);
                if (splitRows)
                {
                    // Rows first .. last of op(A) and C.
                    var aPart = transA == Transpose.No ? aSpan[(first * lda)..] : aSpan[first..];
                    GemmPacked<T, TKernel>.MultiplyPrepacked(transA, last - first, n, k, aPart, lda, data, n, 0, cSpan[(first * ldc)..], ldc, accumulate);
                }
                else
                {
                    GemmPacked<T, TKernel>.MultiplyPrepacked(transA, m, last - first, k, aSpan, lda, data, n, first, cSpan, ldc, accumulate);
                }
            });
        }
    }
}
