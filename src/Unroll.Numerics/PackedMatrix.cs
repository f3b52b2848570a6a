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
    private T[] _data = [];

    /// <summary>N, the columns of op(B).</summary>
    public int Columns { get; private set; }

    /// <summary>K, the rows of op(B).</summary>
    public int Rows { get; private set; }

    internal SimdLevel Level { get; private set; }

    internal ReadOnlySpan<T> Data => _data;

    /// <summary>Packs op(B): B stored (K × N) when <paramref name="transB"/> is No, (N × K) when Yes. Reuses this object's storage.</summary>
    public void Pack(Transpose transB, int n, int k, ReadOnlySpan<T> b, int ldb)
    {
        if (n < 1 || k < 1) throw new ArgumentException($"a packed matrix needs positive sizes, got {k} × {n}");
        GemmReference.CheckShapes(Transpose.No, transB, 1, n, k, k, k, b.Length, ldb, n, n);
        var level = typeof(T) == typeof(float) || typeof(T) == typeof(double) ? Gemm.BestSimdLevel : SimdLevel.Scalar;
        int length = level switch
        {
            SimdLevel.Vector512 => GemmPacked<T, KernelVector<T, Vector512<T>, Simd512<T>>>.PackedBLength(n, k),
            SimdLevel.Vector256 => GemmPacked<T, KernelVector<T, Vector256<T>, Simd256<T>>>.PackedBLength(n, k),
            _ => GemmPacked<T, KernelScalar<T>>.PackedBLength(n, k),
        };
        if (_data.Length < length) _data = GC.AllocateUninitializedArray<T>(length);
        switch (level)
        {
            case SimdLevel.Vector512: GemmPacked<T, KernelVector<T, Vector512<T>, Simd512<T>>>.PackAllB(transB, n, k, b, ldb, _data); break;
            case SimdLevel.Vector256: GemmPacked<T, KernelVector<T, Vector256<T>, Simd256<T>>>.PackAllB(transB, n, k, b, ldb, _data); break;
            default: GemmPacked<T, KernelScalar<T>>.PackAllB(transB, n, k, b, ldb, _data); break;
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
    {
        if (Columns == 0) throw new InvalidOperationException("pack a matrix first");
        GemmReference.CheckShapes(transA, Transpose.No, m, Columns, Rows, a.Length, lda, Columns * Rows, Columns, c.Length, ldc);
        if (m == 0) return;
        switch (Level)
        {
            case SimdLevel.Vector512: Run<KernelVector<T, Vector512<T>, Simd512<T>>>(transA, m, a, lda, c, ldc, accumulate); break;
            case SimdLevel.Vector256: Run<KernelVector<T, Vector256<T>, Simd256<T>>>(transA, m, a, lda, c, ldc, accumulate); break;
            default: Run<KernelScalar<T>>(transA, m, a, lda, c, ldc, accumulate); break;
        }
    }

    private unsafe void Run<TKernel>(Transpose transA, int m, ReadOnlySpan<T> a, int lda, Span<T> c, int ldc, bool accumulate)
        where TKernel : IGemmKernel<T>
    {
        int n = Columns, k = Rows;
        int colTiles = (n + TKernel.NR - 1) / TKernel.NR, rowTiles = (m + TKernel.MR - 1) / TKernel.MR;
        long work = (long)m * n * k;
        bool splitRows = m > n;
        int parts = (int)Math.Min(Math.Min(Gemm.MaxThreads, Math.Max(1, work / Gemm.DefaultParallelGrain)), splitRows ? rowTiles : colTiles);
        if (parts <= 1)
        {
            GemmPacked<T, TKernel>.MultiplyPrepacked(transA, m, n, k, a, lda, _data, n, 0, c, ldc, accumulate);
            return;
        }
        int tiles = splitRows ? rowTiles : colTiles, unit = splitRows ? TKernel.MR : TKernel.NR;
        fixed (T* pa = a, pc = c)
        {
            T* aPtr = pa, cPtr = pc;
            int aLength = a.Length, cLength = c.Length;
            var data = _data;
            System.Threading.Tasks.Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
            {
                int first = (int)((long)tiles * part / parts) * unit, last = Math.Min((int)((long)tiles * (part + 1) / parts) * unit, splitRows ? m : n);
                if (last <= first) return;
                var aSpan = new ReadOnlySpan<T>(aPtr, aLength);
                var cSpan = new Span<T>(cPtr, cLength);
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
