// Glossary: row-wise kernels on a row-major matrix (rows × W) stored tightly (row r at r · W), W the length of the
// row or of the sums. In an RNN: a bias broadcast over the rows before a product adds onto it, e.g. the gates
// (N, GH) = b_ih + b_hh, then += X·W_ihᵀ; and a bias gradient as the column sums of a pre-activation gradient,
// db (GH) = Σ_rows dA (N, GH).
using System.Numerics;
using System.Numerics.Tensors;

namespace Unroll.Numerics;

/// <summary>
/// Bias broadcast and column sums on row-major spans. Lengths are checked once at entry. <see cref="MatrixRowsReference"/>
/// is the plain loop each is tested against, bit for bit: both sum every column over the rows in row order.
/// </summary>
internal static class MatrixRows
{
    /// <summary>matrix[r, ·] = row for r &lt; <paramref name="rows"/>: W = row.Length columns.</summary>
    /// <exception cref="ArgumentException">The matrix holds fewer than rows × W values.</exception>
    public static void Fill<T>(Span<T> matrix, ReadOnlySpan<T> row, int rows)
    {
        int width = row.Length;
        Check(matrix.Length, rows, width);
        for (int r = 0; r < rows; r++) row.CopyTo(matrix.Slice(r * width, width));
    }

    /// <summary>
    /// sums[j] = Σ_r matrix[r, j] over r &lt; <paramref name="rows"/> in row order, or added to sums when
    /// <paramref name="accumulate"/> is true: W = sums.Length columns.
    /// </summary>
    /// <exception cref="ArgumentException">The matrix holds fewer than rows × W values.</exception>
    public static void ColumnSums<T>(ReadOnlySpan<T> matrix, int rows, Span<T> sums, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = sums.Length;
        Check(matrix.Length, rows, width);
        if (!accumulate) sums.Clear();
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(sums, matrix.Slice(r * width, width), sums);
    }

    internal static void Check(int length, int rows, int width)
    {
        if (rows < 0)
            throw new ArgumentException($"rows must not be negative, got {rows}");
        if ((long)rows * width > length)
            throw new ArgumentException($"a {rows} × {width} matrix needs {(long)rows * width} values, the span has {length}");
    }
}

/// <summary>The plain loops of <see cref="MatrixRows"/>: the reference its kernels are tested against.</summary>
internal static class MatrixRowsReference
{
    /// <summary>Same contract as <see cref="MatrixRows.Fill{T}"/>, element by element.</summary>
    public static void Fill<T>(Span<T> matrix, ReadOnlySpan<T> row, int rows)
    {
        MatrixRows.Check(matrix.Length, rows, row.Length);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < row.Length; j++)
                matrix[r * row.Length + j] = row[j];
    }

    /// <summary>Same contract as <see cref="MatrixRows.ColumnSums{T}"/>: each column summed down the rows.</summary>
    public static void ColumnSums<T>(ReadOnlySpan<T> matrix, int rows, Span<T> sums, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = sums.Length;
        MatrixRows.Check(matrix.Length, rows, width);
        for (int j = 0; j < width; j++)
        {
            T sum = accumulate ? sums[j] : T.Zero;
            for (int r = 0; r < rows; r++) sum += matrix[r * width + j];
            sums[j] = sum;
        }
    }
}
