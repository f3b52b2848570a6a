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

    /// <summary>One level past this machine's best (Vector512 on an AVX2 machine; past Vector512 on an AVX-512 one).</summary>
    [Fact]
    public void MultiplyWith_UnsupportedLevel_ThrowsArgumentException()
    {
        SimdLevel beyond = Gemm.BestSimdLevel + 1;
        Assert.False(Gemm.IsSupported(beyond));
        var c = new float[] { 7 };
        var e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyWith<float>(beyond, 1, 1, -1,
            Transpose.No, Transpose.No, 1, 1, 1, new float[1], 1, new float[1], 1, c, 1, false));
        Assert.Contains($"the best is {Gemm.BestSimdLevel}", e.Message);
        Assert.Equal(7, c[0]);
    }

    /// <summary>The refusal a narrower machine makes, checked on this one with that machine's best level.</summary>
    [Theory]
    [InlineData("Vector512", "Vector256")]
    [InlineData("Vector512", "Scalar")]
    [InlineData("Vector256", "Scalar")]
    public void CheckLevel_WiderThanTheMachine_ThrowsNamingBoth(string wider, string machine)
    {
        SimdLevel level = Enum.Parse<SimdLevel>(wider), best = Enum.Parse<SimdLevel>(machine);
        var e = Assert.Throws<ArgumentException>(() => Gemm.CheckLevel(level, best));
        Assert.Contains($"{level} is not accelerated on this machine; the best is {best}", e.Message);
        Gemm.CheckLevel(best, best);
        Gemm.CheckLevel(SimdLevel.Scalar, best);
    }

    private static string Throws(Transpose transA, Transpose transB, float[] a, int lda, float[] b, int ldb, float[] c, int ldc)
    {
        float[] before = (float[])c.Clone();
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(transA, transB, 3, 4, 5, a, lda, b, ldb, c, ldc, false));
        Assert.Equal(before, c);
        return e.Message;
    }
}
