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
