using System.Numerics;
using Xunit;

namespace Unroll.Numerics.Tests;

/// <summary>The row kernels (bias broadcast, column sums) against their plain loops, bit for bit.</summary>
public class MatrixRowsTests
{
    private static readonly int[] Sizes = [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65];

    public static IEnumerable<object[]> Shapes()
    {
        foreach (int rows in new[] { 0, 1, 3, 17, 64 })
            foreach (int width in Sizes)
                yield return [rows, width];
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fill_AnyShape_EqualsReferenceAndLeavesTheRestAlone(int rows, int width)
    {
        var random = new Random(rows * 100 + width);
        var row = Values<float>(random, width);
        var fast = Values<float>(random, rows * width + 5);
        var plain = (float[])fast.Clone();
        MatrixRows.Fill<float>(fast, row, rows);
        MatrixRowsReference.Fill<float>(plain, row, rows);
        Assert.Equal(plain, fast);
        for (int r = 0; r < rows; r++) Assert.Equal(row, fast.AsSpan(r * width, width).ToArray());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ColumnSums_Float_EqualReferenceBitForBit(int rows, int width) => CheckColumnSums<float>(rows, width);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ColumnSums_Double_EqualReferenceBitForBit(int rows, int width) => CheckColumnSums<double>(rows, width);

    [Fact]
    public void ColumnSums_SignedZeroAndNonFinite_AsThePlainLoop()
    {
        float[] matrix = [-0f, float.NaN, float.PositiveInfinity, -0f, 1f, float.NegativeInfinity];
        var fast = new float[3];
        var plain = new float[3];
        MatrixRows.ColumnSums<float>(matrix, 2, fast, accumulate: false);
        MatrixRowsReference.ColumnSums<float>(matrix, 2, plain, accumulate: false);
        Assert.Equal(plain.Select(BitConverter.SingleToInt32Bits), fast.Select(BitConverter.SingleToInt32Bits));
        Assert.True(float.IsNaN(fast[1]) && float.IsNaN(fast[2]));
    }

    [Fact]
    public void Kernels_MatrixTooShort_ThrowBeforeWriting()
    {
        var sums = new float[4];
        var e = Assert.Throws<ArgumentException>(() => MatrixRows.ColumnSums<float>(new float[7], 2, sums, accumulate: false));
        Assert.Contains("a 2 × 4 matrix needs 8 values, the span has 7", e.Message);
        var matrix = new float[7];
        Assert.Throws<ArgumentException>(() => MatrixRows.Fill<float>(matrix, [1f, 2f, 3f, 4f], 2));
        Assert.All(matrix, v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentException>(() => MatrixRows.Fill<float>(matrix, [1f], -1));
    }

    private static void CheckColumnSums<T>(int rows, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(rows * 1000 + width);
        var matrix = Values<T>(random, rows * width);
        foreach (bool accumulate in new[] { false, true })
        {
            var start = Values<T>(random, width);
            T[] fast = (T[])start.Clone(), plain = (T[])start.Clone();
            MatrixRows.ColumnSums<T>(matrix, rows, fast, accumulate);
            MatrixRowsReference.ColumnSums<T>(matrix, rows, plain, accumulate);
            Assert.Equal(plain, fast);
            for (int j = 0; j < width; j++)
            {
                double expected = accumulate ? double.CreateChecked(start[j]) : 0;
                for (int r = 0; r < rows; r++) expected += double.CreateChecked(matrix[r * width + j]);
                Assert.Equal(expected, double.CreateChecked(fast[j]), 1e-4);
            }
        }
    }

    private static T[] Values<T>(Random random, int length) where T : INumberBase<T> =>
        Enumerable.Range(0, length).Select(_ => T.CreateChecked(random.NextDouble() * 2 - 1)).ToArray();
}
