using System.Numerics;
using System.Runtime.InteropServices;
using Xunit;

namespace Unroll.Numerics.Tests;

/// <summary>Splitting C over threads never changes a bit of the result.</summary>
public class GemmThreadingTests
{
    public static TheoryData<string, int, int, int, int> LevelsShapesAndParts()
    {
        var data = new TheoryData<string, int, int, int, int>();
        foreach (SimdLevel level in GemmPaths.Supported)
        {
            foreach (int parts in new[] { 2, 3, 7 })
            {
                data.Add(level.ToString(), 203, 41, 300, parts);   // more row tiles: split rows
                data.Add(level.ToString(), 19, 301, 77, parts);    // more column tiles: split columns
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LevelsShapesAndParts))]
    public void Multiply_MultiThreaded_IsBitwiseIdenticalToSingleThreaded(string level, int m, int n, int k, int parts)
    {
        var simd = Enum.Parse<SimdLevel>(level);
        foreach (Transpose transA in new[] { Transpose.No, Transpose.Yes })
        {
            foreach (Transpose transB in new[] { Transpose.No, Transpose.Yes })
            {
                AssertSplitChangesNothing<float>(simd, transA, transB, m, n, k, parts);
                AssertSplitChangesNothing<double>(simd, transA, transB, m, n, k, parts);
            }
        }
    }

    [Fact]
    public void Multiply_MaxThreads_DoesNotChangeTheResult()
    {
        var problem = new GemmCase<float>(Transpose.No, Transpose.Yes, 96, 640, 300, seed: 3);
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 1;
            float[] one = problem.Run(accumulate: true, Gemm.Multiply);
            Gemm.MaxThreads = 4;
            float[] four = problem.Run(accumulate: true, Gemm.Multiply);
            Assert.True(MemoryMarshal.AsBytes(one.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(four.AsSpan())));
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Fact]
    public void MaxThreads_BelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxThreads = 0);
        Assert.True(Gemm.MaxThreads >= 1);
    }

    private static void AssertSplitChangesNothing<T>(SimdLevel level, Transpose transA, Transpose transB, int m, int n, int k, int parts)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var problem = new GemmCase<T>(transA, transB, m, n, k, seed: parts);
        T[] single = problem.Run(accumulate: true, GemmPaths.Packed<T>(level));
        T[] split = problem.Run(accumulate: true, (ta, tb, mm, nn, kk, a, lda, b, ldb, c, ldc, acc) =>
            Gemm.MultiplyWith(level, parts, parallelGrain: 1, smallPathLimit: -1, ta, tb, mm, nn, kk, a, lda, b, ldb, c, ldc, acc));
        Assert.True(MemoryMarshal.AsBytes(single.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(split.AsSpan())),
            $"{level} {transA}/{transB} {m}×{n}×{k} split in {parts} differs from one thread");
        problem.AssertMatchesReference(split, accumulate: true);
    }
}

/// <summary>Alone (it sets the process-wide thread count and counts the helper's jobs).</summary>
[Collection(nameof(AloneCollection))]
public class GemmThreadLimitTests
{
    /// <summary>
    /// A thread's limit (a half of a batch run on two threads) caps its products at that many threads, never more
    /// than <see cref="Gemm.MaxThreads"/>, and leaves other threads and the result alone; the value before comes back
    /// to restore, and 0 lifts it. A product of three parallel grains runs on one thread under a limit of 1 (the
    /// helper takes no job) and on two without it.
    /// </summary>
    [Fact]
    public void LimitThisThread_CapsThisThreadsProducts_NotTheResult()
    {
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 2;
            Assert.Equal(0, Gemm.LimitThisThread(1));
            Assert.Equal(1, Gemm.ThreadsHere);
            int elsewhere = 0;
            var other = new Thread(() => elsewhere = Gemm.ThreadsHere);
            other.Start();
            other.Join();
            Assert.Equal(2, elsewhere);
            Assert.Equal(1, Gemm.LimitThisThread(8));
            Assert.Equal(2, Gemm.ThreadsHere);

            var problem = new GemmCase<float>(Transpose.No, Transpose.Yes, 384, 512, 256, seed: 5);   // 50M multiply-adds
            Gemm.LimitThisThread(1);
            long jobs = SpinningWorker.Jobs;
            float[] limited = problem.Run(accumulate: true, Gemm.Multiply);
            Assert.Equal(jobs, SpinningWorker.Jobs);
            Gemm.LimitThisThread(0);
            Assert.Equal(2, Gemm.ThreadsHere);
            float[] free = problem.Run(accumulate: true, Gemm.Multiply);
            if (Environment.ProcessorCount >= 2)
                Assert.True(SpinningWorker.Jobs > jobs, "without the limit the product ran on two threads");
            Assert.True(MemoryMarshal.AsBytes(limited.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(free.AsSpan())));
        }
        finally
        {
            Gemm.LimitThisThread(0);
            Gemm.MaxThreads = saved;
        }
    }
}
