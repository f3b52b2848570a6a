// Glossary: one GEMM test problem. C (M × N) = op(A) (M × K) · op(B) (K × N), row-major with padded strides:
// lda, ldb, ldc are wider than the rows, and the padding holds a sentinel that no path may overwrite.
using System.Numerics;
using Xunit;

namespace Unroll.Numerics.Tests;

/// <summary>A seeded random GEMM problem with padded strides, checked against <see cref="GemmReference"/>.</summary>
internal sealed class GemmCase<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Sentinel = T.CreateChecked(12345.5);

    public Transpose TransA { get; }
    public Transpose TransB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public int Lda { get; }
    public int Ldb { get; }
    public int Ldc { get; }
    public T[] A { get; }
    public T[] B { get; }

    /// <summary>C before the product: random values in the rows, <see cref="Sentinel"/> in the padding.</summary>
    public T[] InitialC { get; }

    /// <summary>A random problem; <paramref name="tight"/> makes the strides equal to the rows (no padding, as the
    /// engine stores its matrices), else each stride is padded by about <paramref name="pad"/>.</summary>
    public GemmCase(Transpose transA, Transpose transB, int m, int n, int k, int seed, int pad = 3, bool tight = false)
    {
        TransA = transA; TransB = transB; M = m; N = n; K = k;
        var random = new Random(seed);
        int aRows = transA == Transpose.No ? m : k, aCols = transA == Transpose.No ? k : m;
        int bRows = transB == Transpose.No ? k : n, bCols = transB == Transpose.No ? n : k;
        Lda = aCols + pad; Ldb = bCols + pad + 2; Ldc = n + pad + 1;
        if (tight)
            (Lda, Ldb, Ldc) = (Math.Max(1, aCols), Math.Max(1, bCols), Math.Max(1, n));
        A = Random(random, aRows, aCols, Lda);
        B = Random(random, bRows, bCols, Ldb);
        InitialC = Random(random, m, n, Ldc);
    }

    private static T[] Random(Random random, int rows, int cols, int ld)
    {
        var data = new T[Math.Max(0, rows * ld)];
        Array.Fill(data, Sentinel);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                data[i * ld + j] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return data;
    }

    /// <summary>Runs <paramref name="multiply"/> on a copy of C and returns it.</summary>
    public T[] Run(bool accumulate, GemmAction<T> multiply)
    {
        var c = (T[])InitialC.Clone();
        multiply(TransA, TransB, M, N, K, A, Lda, B, Ldb, c, Ldc, accumulate);
        return c;
    }

    /// <summary>The product by <see cref="GemmReference"/>.</summary>
    public T[] Reference(bool accumulate) => Run(accumulate, GemmReference.Multiply);

    /// <summary>
    /// Asserts <paramref name="actual"/> matches the reference within a bound relative to Σ|a||b| (+ |C| when
    /// accumulating), and that the padding of C still holds the sentinel.
    /// </summary>
    public void AssertMatchesReference(T[] actual, bool accumulate)
    {
        T[] expected = Reference(accumulate);
        double eps = Math.Pow(2, 1 - Precision());   // machine epsilon of T
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double scale = accumulate ? Math.Abs(double.CreateChecked(InitialC[i * Ldc + j])) : 0;
                for (int p = 0; p < K; p++)
                    scale += Math.Abs(double.CreateChecked(OpA(i, p)) * double.CreateChecked(OpB(p, j)));
                double tolerance = 2 * (K + 2) * eps * scale;
                double e = double.CreateChecked(expected[i * Ldc + j]), a = double.CreateChecked(actual[i * Ldc + j]);
                Assert.True(Math.Abs(e - a) <= tolerance,
                    $"C[{i}, {j}] of {M}×{N}×{K} {TransA}/{TransB}: expected {e}, got {a}, tolerance {tolerance}");
            }
        }
        AssertPaddingUntouched(actual);
    }

    /// <summary>Asserts every element of C outside its M × N rows still holds its initial value.</summary>
    public void AssertPaddingUntouched(T[] actual)
    {
        for (int index = 0; index < actual.Length; index++)
        {
            if (index % Ldc >= N)
                Assert.True(actual[index] == InitialC[index], $"C's padding at {index} was overwritten with {actual[index]}");
        }
    }

    private T OpA(int i, int p) => TransA == Transpose.No ? A[i * Lda + p] : A[p * Lda + i];

    private T OpB(int p, int j) => TransB == Transpose.No ? B[p * Ldb + j] : B[j * Ldb + p];

    private static int Precision() => typeof(T) == typeof(float) ? 24 : typeof(T) == typeof(double) ? 53 : 11;
}

/// <summary>The shape of <see cref="Gemm.Multiply{T}"/>, so tests can pass any path.</summary>
internal delegate void GemmAction<T>(Transpose transA, Transpose transB, int m, int n, int k,
    ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate);

/// <summary>Names the SIMD paths this machine supports, for theory data.</summary>
internal static class GemmPaths
{
    /// <summary>Every <see cref="SimdLevel"/> this machine accelerates, narrowest first.</summary>
    public static IEnumerable<SimdLevel> Supported =>
        Enum.GetValues<SimdLevel>().Where(Gemm.IsSupported);

    /// <summary>The unpacked path at <paramref name="level"/>, whatever the shape, on one thread.</summary>
    public static GemmAction<T> Unpacked<T>(SimdLevel level) where T : unmanaged, IFloatingPointIeee754<T> =>
        (ta, tb, m, n, k, a, lda, b, ldb, c, ldc, acc) =>
            Gemm.MultiplyWith(level, 1, Gemm.DefaultParallelGrain, long.MaxValue, ta, tb, m, n, k, a, lda, b, ldb, c, ldc, acc);

    /// <summary>The public entry's choice of path at <paramref name="level"/> (Gemm.Multiply with the width forced).</summary>
    public static GemmAction<T> Default<T>(SimdLevel level) where T : unmanaged, IFloatingPointIeee754<T> =>
        (ta, tb, m, n, k, a, lda, b, ldb, c, ldc, acc) =>
            Gemm.MultiplyWith(level, Gemm.MaxThreads, Gemm.DefaultParallelGrain, Gemm.DefaultSmallPathLimit,
                ta, tb, m, n, k, a, lda, b, ldb, c, ldc, acc);

    /// <summary>The packed path at <paramref name="level"/>, never the small path, on one thread.</summary>
    public static GemmAction<T> Packed<T>(SimdLevel level) where T : unmanaged, IFloatingPointIeee754<T> =>
        (ta, tb, m, n, k, a, lda, b, ldb, c, ldc, acc) =>
            Gemm.MultiplyWith(level, 1, Gemm.DefaultParallelGrain, -1, ta, tb, m, n, k, a, lda, b, ldb, c, ldc, acc);
}
