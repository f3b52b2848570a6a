using System.Diagnostics;
using Unroll.Numerics;

namespace Unroll.Benchmarks;

/// <summary>Stopwatch timing of one product for the quick tables: the best of several rounds after a warm-up.</summary>
internal static class GemmTimer
{
    /// <summary>
    /// Seconds per <see cref="Gemm.Multiply{T}"/> of <paramref name="shape"/> (float, seeded data): 300 ms of warm-up,
    /// then the best of <paramref name="rounds"/> rounds of about <paramref name="roundMilliseconds"/> each.
    /// </summary>
    public static double BestSeconds(GemmShape shape, bool accumulate, int rounds, int roundMilliseconds)
    {
        var random = new Random(1);
        float[] a = Fill(random, shape.M * shape.K), b = Fill(random, shape.K * shape.N), c = new float[shape.M * shape.N];
        int lda = shape.TransA == Transpose.No ? shape.K : shape.M, ldb = shape.TransB == Transpose.No ? shape.N : shape.K;
        return BestSeconds(() => Gemm.Multiply<float>(shape.TransA, shape.TransB, shape.M, shape.N, shape.K, a, lda, b, ldb, c, shape.N, accumulate),
            rounds, roundMilliseconds);
    }

    /// <summary>
    /// Seconds per call of <paramref name="once"/>: 300 ms of warm-up, then the best of <paramref name="rounds"/> rounds
    /// of about <paramref name="roundMilliseconds"/> each.
    /// </summary>
    public static double BestSeconds(Action once, int rounds, int roundMilliseconds)
    {
        const int warmupMilliseconds = 300;
        var clock = Stopwatch.StartNew();
        long warmups = 0;
        while (clock.ElapsedMilliseconds < warmupMilliseconds)
        {
            once();
            warmups++;
        }
        long repetitions = Math.Max(1, warmups * roundMilliseconds / warmupMilliseconds);
        double best = double.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            clock.Restart();
            for (long r = 0; r < repetitions; r++)
                once();
            best = Math.Min(best, clock.Elapsed.TotalSeconds / repetitions);
        }
        return best;
    }

    /// <summary>Seeded values in [−1, 1).</summary>
    public static float[] Fill(Random random, int length)
    {
        var data = new float[length];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        return data;
    }
}
