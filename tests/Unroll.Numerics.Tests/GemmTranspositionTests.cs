using System.Numerics;
using Xunit;

namespace Unroll.Numerics.Tests;

/// <summary>The packed path at every supported SIMD level, for each transposition, against the reference.</summary>
public class GemmTranspositionTests
{
    /// <summary>(m, n, k) around every tile edge: MR 4, 6, 8; NR 4, 8, 16, 32; one K block just below KC (296), two, and four.</summary>
    private static readonly (int M, int N, int K)[] Sizes =
    [
        (1, 1, 1), (0, 17, 9), (17, 0, 9), (17, 9, 0),
        (7, 8, 9), (8, 9, 7), (9, 7, 8),
        (15, 16, 17), (16, 17, 15), (17, 15, 16),
        (31, 33, 63), (33, 31, 64), (63, 64, 65), (64, 65, 31), (65, 63, 33),
        (100, 129, 17), (129, 100, 65), (1, 129, 100), (129, 1, 64),
        (17, 33, 295), (17, 33, 300), (9, 65, 513), (5, 40, 889),
    ];

    public static TheoryData<string, int, int, int> LevelsAndSizes()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (SimdLevel level in GemmPaths.Supported)
            foreach (var (m, n, k) in Sizes)
                data.Add(level.ToString(), m, n, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(LevelsAndSizes))]
    public void Multiply_NoTranspose_MatchesReference(string level, int m, int n, int k) =>
        CheckBothTypes(Enum.Parse<SimdLevel>(level), Transpose.No, Transpose.No, m, n, k);

    [Theory]
    [MemberData(nameof(LevelsAndSizes))]
    public void Multiply_TransposedA_MatchesReference(string level, int m, int n, int k) =>
        CheckBothTypes(Enum.Parse<SimdLevel>(level), Transpose.Yes, Transpose.No, m, n, k);

    [Theory]
    [MemberData(nameof(LevelsAndSizes))]
    public void Multiply_TransposedB_MatchesReference(string level, int m, int n, int k) =>
        CheckBothTypes(Enum.Parse<SimdLevel>(level), Transpose.No, Transpose.Yes, m, n, k);

    [Theory]
    [MemberData(nameof(LevelsAndSizes))]
    public void Multiply_BothTransposed_MatchesReference(string level, int m, int n, int k) =>
        CheckBothTypes(Enum.Parse<SimdLevel>(level), Transpose.Yes, Transpose.Yes, m, n, k);

    private static void CheckBothTypes(SimdLevel level, Transpose transA, Transpose transB, int m, int n, int k)
    {
        Check<float>(level, transA, transB, m, n, k);
        Check<double>(level, transA, transB, m, n, k);
    }

    private static void Check<T>(SimdLevel level, Transpose transA, Transpose transB, int m, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var problem = new GemmCase<T>(transA, transB, m, n, k, seed: m * 10007 + n * 101 + k);
        foreach (bool accumulate in new[] { false, true })
            problem.AssertMatchesReference(problem.Run(accumulate, GemmPaths.Packed<T>(level)), accumulate);
    }
}
