using Xunit;
using Unroll.Numerics;

namespace Unroll.Numerics.Tests;

public class PackedMatrixTests
{
    public static IEnumerable<object[]> Shapes()
    {
        foreach (var (m, n, k) in new[] { (4, 4, 1), (8, 32, 16), (9, 33, 17), (64, 128, 32), (65, 96, 31), (128, 2048, 64), (300, 40, 513), (7, 1100, 9) })
            foreach (var ta in new[] { Transpose.No, Transpose.Yes })
                foreach (var tb in new[] { Transpose.No, Transpose.Yes })
                    yield return [m, n, k, ta, tb];
    }

    private static float[] Random(int count, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Multiply_Prepacked_EqualsTheOrdinaryProductBitwise(int m, int n, int k, Transpose ta, Transpose tb)
    {
        int lda = (ta == Transpose.No ? k : m) + 3, ldb = (tb == Transpose.No ? n : k) + 1, ldc = n + 2;
        var a = Random((ta == Transpose.No ? m : k) * lda, 1);
        var b = Random((tb == Transpose.No ? k : n) * ldb, 2);
        var expected = Random(m * ldc, 3);
        var actual = (float[])expected.Clone();
        var reference = (float[])expected.Clone();
        var packed = new PackedMatrix<float>();
        packed.Pack(tb, n, k, b, ldb);
        foreach (var threads in new[] { 1, 2, 3 })
        {
            Gemm.MaxThreads = threads;
            try
            {
                var c = (float[])actual.Clone();
                packed.Multiply(ta, m, a, lda, c, ldc, accumulate: true);
                var e = (float[])expected.Clone();
                // The ordinary product forced onto its packed path: the same summation order, so the same bits.
                Gemm.MultiplyWith<float>(Gemm.BestSimdLevel, 1, Gemm.DefaultParallelGrain, -1, ta, tb, m, n, k, a, lda, b, ldb, e, ldc, accumulate: true);
                Assert.Equal(e, c);
                GemmReference.Multiply<float>(ta, tb, m, n, k, a, lda, b, ldb, reference, ldc, accumulate: true);
                for (int i = 0; i < c.Length; i++) Assert.True(Math.Abs(c[i] - reference[i]) <= 1e-4f * (1 + k), $"element {i}");
                reference = (float[])expected.Clone();
            }
            finally
            {
                Gemm.MaxThreads = Environment.ProcessorCount;
            }
        }
    }

    [Fact]
    public void Pack_AgainWithNewValues_ReusesStorageAndUsesTheNewValues()
    {
        var packed = new PackedMatrix<double>();
        var b = new double[] { 1, 2, 3, 4 };
        packed.Pack(Transpose.No, 2, 2, b, 2);
        b[0] = 10;
        packed.Pack(Transpose.No, 2, 2, b, 2);
        var c = new double[2];
        packed.Multiply(Transpose.No, 1, [1.0, 0.0], 2, c, 2, accumulate: false);
        Assert.Equal([10.0, 2.0], c);
    }
}
