using System.Numerics;
using Xunit;

namespace Unroll.Numerics.Tests;

/// <summary>The public entry, the small path, random shapes and other element types, against the reference.</summary>
public class GemmPathTests
{
    public static TheoryData<Transpose, Transpose> Transpositions() => new()
    {
        { Transpose.No, Transpose.No }, { Transpose.Yes, Transpose.No },
        { Transpose.No, Transpose.Yes }, { Transpose.Yes, Transpose.Yes },
    };

    public static TheoryData<string, Transpose, Transpose> LevelsAndTranspositions()
    {
        var data = new TheoryData<string, Transpose, Transpose>();
        foreach (SimdLevel level in GemmPaths.Supported)
            foreach (var (transA, transB) in new[] { (Transpose.No, Transpose.No), (Transpose.Yes, Transpose.No), (Transpose.No, Transpose.Yes), (Transpose.Yes, Transpose.Yes) })
                data.Add(level.ToString(), transA, transB);
        return data;
    }

    [Theory]
    [MemberData(nameof(LevelsAndTranspositions))]
    public void Multiply_UnpackedPath_MatchesReference(string level, Transpose transA, Transpose transB)
    {
        // Columns around the vector blocks (8, 32 floats; 4, 16 doubles) and the groups of 4; k around the vector steps.
        var simd = Enum.Parse<SimdLevel>(level);
        foreach (var (m, n, k) in new[] { (1, 1, 1), (4, 1, 1), (2, 3, 7), (1, 4, 8), (3, 5, 9), (2, 7, 15), (1, 8, 16),
                     (3, 9, 17), (2, 31, 33), (1, 32, 31), (3, 33, 64), (1, 40, 65), (5, 17, 3), (9, 2, 40) })
        {
            CheckUnpacked<float>(simd, transA, transB, m, n, k);
            CheckUnpacked<double>(simd, transA, transB, m, n, k);
        }
    }

    private static void CheckUnpacked<T>(SimdLevel level, Transpose transA, Transpose transB, int m, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmAction<T> unpacked = (ta, tb, mm, nn, kk, a, lda, b, ldb, c, ldc, acc) =>
            Gemm.MultiplyWith(level, 1, Gemm.DefaultParallelGrain, long.MaxValue, ta, tb, mm, nn, kk, a, lda, b, ldb, c, ldc, acc);
        var problem = new GemmCase<T>(transA, transB, m, n, k, seed: 31 * m + 7 * n + k);
        foreach (bool accumulate in new[] { false, true })
            problem.AssertMatchesReference(problem.Run(accumulate, unpacked), accumulate);
    }

    [Theory]
    [MemberData(nameof(Transpositions))]
    public void Multiply_PublicEntryAtRnnShapes_MatchesReference(Transpose transA, Transpose transB)
    {
        // Tiny and one-row (unpacked), a batch step (packed, maybe two threads), tall-skinny, a one-output head.
        foreach (var (m, n, k) in new[] { (4, 1, 1), (1, 300, 70), (8, 32, 16), (64, 512, 128), (300, 96, 20), (70, 1, 40) })
        {
            var problem = new GemmCase<float>(transA, transB, m, n, k, seed: 7 * m + n + k);
            foreach (bool accumulate in new[] { false, true })
                problem.AssertMatchesReference(problem.Run(accumulate, Gemm.Multiply), accumulate);
        }
    }

    [Fact]
    public void Multiply_RandomShapes_MatchesReference()
    {
        var random = new Random(20240611);
        SimdLevel[] levels = GemmPaths.Supported.ToArray();
        for (int trial = 0; trial < 40; trial++)
        {
            var transA = (Transpose)random.Next(2);
            var transB = (Transpose)random.Next(2);
            int m = random.Next(0, 140), n = random.Next(0, 140), k = random.Next(0, 140);
            SimdLevel level = levels[random.Next(levels.Length)];
            bool accumulate = random.Next(2) == 1;
            if (random.Next(2) == 0)
            {
                var problem = new GemmCase<float>(transA, transB, m, n, k, seed: trial, pad: random.Next(0, 5));
                problem.AssertMatchesReference(problem.Run(accumulate, GemmPaths.Packed<float>(level)), accumulate);
            }
            else
            {
                var problem = new GemmCase<double>(transA, transB, m, n, k, seed: trial, pad: random.Next(0, 5));
                problem.AssertMatchesReference(problem.Run(accumulate, GemmPaths.Packed<double>(level)), accumulate);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Transpositions))]
    public void Multiply_HalfPrecision_TakesScalarPathAndMatchesReference(Transpose transA, Transpose transB)
    {
        var problem = new GemmCase<Half>(transA, transB, 17, 9, 40, seed: 5);
        foreach (bool accumulate in new[] { false, true })
            problem.AssertMatchesReference(problem.Run(accumulate, GemmPaths.Packed<Half>(Gemm.BestSimdLevel)), accumulate);
    }
}
