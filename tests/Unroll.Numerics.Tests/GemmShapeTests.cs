using Xunit;

namespace Unroll.Numerics.Tests;

/// <summary>Shapes that do not fit their spans throw <see cref="ArgumentException"/> before any work.</summary>
public class GemmShapeTests
{
    [Fact]
    public void Multiply_NegativeSize_ThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply<float>(Transpose.No, Transpose.No, -1, 2, 2, new float[4], 2, new float[4], 2, new float[4], 2, false));
        Assert.Contains("m = -1", e.Message);
    }

    [Theory]
    [InlineData(Transpose.No, Transpose.No)]
    [InlineData(Transpose.Yes, Transpose.No)]
    [InlineData(Transpose.No, Transpose.Yes)]
    [InlineData(Transpose.Yes, Transpose.Yes)]
    public void Multiply_SpanTooShort_ThrowsArgumentExceptionNamingTheMatrix(Transpose transA, Transpose transB)
    {
        // m = 3, n = 4, k = 5: A holds 15, B 20, C 12 elements when packed tightly.
        int lda = transA == Transpose.No ? 5 : 3, ldb = transB == Transpose.No ? 4 : 5;
        Assert.Contains("A:", Throws(transA, transB, new float[14], lda, new float[20], ldb, new float[12], 4));
        Assert.Contains("B:", Throws(transA, transB, new float[15], lda, new float[19], ldb, new float[12], 4));
        Assert.Contains("C:", Throws(transA, transB, new float[15], lda, new float[20], ldb, new float[11], 4));
    }

    [Fact]
    public void Multiply_StrideSmallerThanRow_ThrowsArgumentException()
    {
        string message = Throws(Transpose.No, Transpose.No, new float[100], 4, new float[100], 4, new float[100], 4);
        Assert.Contains("row stride 4 is smaller than its 5 columns", message);
        Assert.Contains("C:", Throws(Transpose.No, Transpose.No, new float[100], 5, new float[100], 4, new float[100], 3));
    }

    [Fact]
    public void MultiplyWith_UnsupportedLevel_ThrowsArgumentException()
    {
        if (Gemm.IsSupported(SimdLevel.Vector512))
            return;
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyWith<float>(SimdLevel.Vector512, 1, 1, -1,
            Transpose.No, Transpose.No, 1, 1, 1, new float[1], 1, new float[1], 1, new float[1], 1, false));
    }

    private static string Throws(Transpose transA, Transpose transB, float[] a, int lda, float[] b, int ldb, float[] c, int ldc)
    {
        float[] before = (float[])c.Clone();
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(transA, transB, 3, 4, 5, a, lda, b, ldb, c, ldc, false));
        Assert.Equal(before, c);
        return e.Message;
    }
}
