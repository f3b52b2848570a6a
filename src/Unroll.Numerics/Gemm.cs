// Glossary: M, N, K are the sizes of C (M × N) = op(A) (M × K) · op(B) (K × N); all matrices row-major,
// with leading dimensions lda, ldb, ldc (the distance between consecutive rows in the span).
using System.Numerics;

namespace Unroll.Numerics;

/// <summary>Whether a matrix operand is used as stored or transposed.</summary>
public enum Transpose
{
    /// <summary>Use the matrix as stored.</summary>
    No,
    /// <summary>Use the transpose of the stored matrix.</summary>
    Yes,
}

/// <summary>
/// General matrix multiply on row-major spans: <c>C = op(A)·op(B)</c> or <c>C += op(A)·op(B)</c>.
/// </summary>
/// <remarks>
/// Lengths are checked once at entry; the inner loops only assert. <see cref="GemmReference"/> is the plain
/// triple loop that every fast path is tested against.
/// </remarks>
public static class Gemm
{
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
    public static void Multiply<T>(Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmReference.CheckShapes(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        GemmReference.MultiplyUnchecked(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }
}
