using Xunit;

namespace Unroll.Numerics.Tests;

/// <summary>Empty products: K = 0 zeroes or keeps C; M = 0 or N = 0 touches nothing.</summary>
public class GemmEdgeTests
{
    public static TheoryData<string> Levels()
    {
        var data = new TheoryData<string>();
        foreach (SimdLevel level in GemmPaths.Supported)
            data.Add(level.ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Multiply_ZeroK_ZeroesCUnlessAccumulating(string level)
    {
        var problem = new GemmCase<float>(Transpose.No, Transpose.Yes, 9, 17, 0, seed: 1);
        var path = GemmPaths.Packed<float>(Enum.Parse<SimdLevel>(level));

        float[] overwritten = problem.Run(accumulate: false, path);
        for (int i = 0; i < problem.M; i++)
            for (int j = 0; j < problem.N; j++)
                Assert.Equal(0f, overwritten[i * problem.Ldc + j]);
        problem.AssertPaddingUntouched(overwritten);

        Assert.Equal(problem.InitialC, problem.Run(accumulate: true, path));
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Multiply_EmptyRowsOrColumns_TouchesNothing(string level)
    {
        var path = GemmPaths.Packed<double>(Enum.Parse<SimdLevel>(level));
        foreach (var (m, n) in new[] { (0, 5), (5, 0), (0, 0) })
        {
            var problem = new GemmCase<double>(Transpose.Yes, Transpose.No, m, n, 4, seed: 2);
            Assert.Equal(problem.InitialC, problem.Run(accumulate: false, path));
        }
        // Empty spans are enough when nothing is read.
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 0, 0, 3, [], 3, [], 0, [], 0, accumulate: false);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Multiply_LastTileOfOneRow_GivesTheBitsOfThatRowInAFullTile(string level)
    {
        // M one past a multiple of MR (a joint weight gradient's J = I + H + 1) runs its last tile through the one-row
        // kernel; a product with MR − 1 more rows computes the same row inside a full tile. Both must agree to the bit,
        // over several K blocks (KC 296), with whole and partial column tiles, both transpositions and both modes.
        var simd = Enum.Parse<SimdLevel>(level);
        CheckOneRowTile<float>(simd, simd switch { SimdLevel.Vector512 => 8, SimdLevel.Vector256 => 6, _ => 4 });
        CheckOneRowTile<double>(simd, simd switch { SimdLevel.Vector512 => 8, SimdLevel.Vector256 => 6, _ => 4 });
    }

    private static void CheckOneRowTile<T>(SimdLevel level, int mr) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(5);
        T Next() => T.CreateTruncating(random.NextDouble() * 2 - 1);
        int m = 2 * mr + 1, mFull = 3 * mr, k = 600;
        foreach (int n in new[] { 64, 77 })
            foreach (var ta in new[] { Transpose.No, Transpose.Yes })
                foreach (var tb in new[] { Transpose.No, Transpose.Yes })
                    foreach (bool accumulate in new[] { false, true })
                    {
                        int lda = ta == Transpose.No ? k : mFull, ldb = tb == Transpose.No ? n : k;
                        var a = Enumerable.Range(0, (ta == Transpose.No ? mFull : k) * lda).Select(_ => Next()).ToArray();
                        var b = Enumerable.Range(0, (tb == Transpose.No ? k : n) * ldb).Select(_ => Next()).ToArray();
                        var start = Enumerable.Range(0, mFull * n).Select(_ => Next()).ToArray();
                        var full = (T[])start.Clone();
                        var partial = (T[])start.Clone();
                        Gemm.MultiplyWith<T>(level, 1, Gemm.DefaultParallelGrain, -1, ta, tb, mFull, n, k, a, lda, b, ldb, full, n, accumulate);
                        Gemm.MultiplyWith<T>(level, 1, Gemm.DefaultParallelGrain, -1, ta, tb, m, n, k, a, lda, b, ldb, partial, n, accumulate);
                        Assert.Equal(full.AsSpan(0, m * n).ToArray(), partial.AsSpan(0, m * n).ToArray());
                        Assert.Equal(start.AsSpan(m * n).ToArray(), partial.AsSpan(m * n).ToArray());
                    }
    }

    [Fact]
    public void Multiply_OneByOneByOne_MultipliesTheScalars()
    {
        float[] c = [10f];
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 1, 1, 1, [3f], 1, [4f], 1, c, 1, accumulate: true);
        Assert.Equal(22f, c[0]);
        Gemm.Multiply<float>(Transpose.Yes, Transpose.Yes, 1, 1, 1, [3f], 1, [4f], 1, c, 1, accumulate: false);
        Assert.Equal(12f, c[0]);
    }
}
