using System.Diagnostics;
using System.Numerics;

namespace Unroll.Numerics;

/// <summary>The plain triple-loop matrix multiply: the reference every fast kernel is tested against.</summary>
public static class GemmReference
{
    /// <summary>Same contract as <see cref="Gemm.Multiply{T}"/>, computed with the obvious loops.</summary>
    public static void Multiply<T>(Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        MultiplyUnchecked(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    internal static void MultiplyUnchecked<T>(Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T av = transA == Transpose.No ? a[i * lda + p] : a[p * lda + i];
                    T bv = transB == Transpose.No ? b[p * ldb + j] : b[j * ldb + p];
                    sum += av * bv;
                }
                Debug.Assert(i * ldc + j < c.Length);
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
            }
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a span is too short for the shapes given.</summary>
    public static void CheckShapes(Transpose transA, Transpose transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"matrix sizes must not be negative: m = {m}, n = {n}, k = {k}");
        int aRows = transA == Transpose.No ? m : k, aCols = transA == Transpose.No ? k : m;
        int bRows = transB == Transpose.No ? k : n, bCols = transB == Transpose.No ? n : k;
        Require("A", aRows, aCols, aLength, lda);
        Require("B", bRows, bCols, bLength, ldb);
        Require("C", m, n, cLength, ldc);
    }

    private static void Require(string name, int rows, int cols, int length, int ld)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
            throw new ArgumentException($"{name}: row stride {ld} is smaller than its {cols} columns");
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"{name}: a {rows} × {cols} matrix with row stride {ld} needs {needed} elements, the span has {length}");
    }
}
