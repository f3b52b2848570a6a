using Xunit;

namespace Unroll.Numerics.Tests;

/// <summary>Tests that need <see cref="Gemm.MaxThreads"/> left alone while they run: never alongside other classes.</summary>
[CollectionDefinition(nameof(AloneCollection), DisableParallelization = true)]
public class AloneCollection;

/// <summary>The fork-join helper: both parts run, on two threads, errors come back, and a busy helper says so.</summary>
[Collection(nameof(AloneCollection))]
public class SpinningWorkerTests
{
    [Fact]
    public void TryRun_RunsPartZeroHereAndPartOneOnTheHelper()
    {
        if (Environment.ProcessorCount < 2)
        {
            Assert.False(SpinningWorker.TryRun(_ => { }));   // one CPU: never a second thread
            return;
        }
        int here = Environment.CurrentManagedThreadId;
        var threads = new int[2];
        var ran = new bool[2];
        for (int round = 0; round < 50; round++)   // back to back, then after the helper has gone to sleep
        {
            if (round == 49) Thread.Sleep(50);
            Array.Clear(ran);
            Assert.True(SpinningWorker.TryRun(part => { threads[part] = Environment.CurrentManagedThreadId; ran[part] = true; }));
            Assert.Equal([true, true], ran);
            Assert.Equal(here, threads[0]);
            Assert.NotEqual(here, threads[1]);
        }
    }

    [Fact]
    public void TryRun_AnErrorInEitherPart_IsThrownHereAfterBothEnd()
    {
        if (Environment.ProcessorCount < 2) return;   // (the test above checks the one-CPU answer)
        int finished = 0;
        var error = Assert.Throws<InvalidOperationException>(() => SpinningWorker.TryRun(part =>
        {
            if (part == 1) throw new InvalidOperationException("part 1");
            Thread.Sleep(20);
            Interlocked.Increment(ref finished);
        }));
        Assert.Equal("part 1", error.Message);
        Assert.Equal(1, finished);
        Assert.Throws<ArgumentException>(() => SpinningWorker.TryRun(part => { if (part == 0) throw new ArgumentException("part 0"); }));
        Assert.True(SpinningWorker.TryRun(_ => { }));   // and it still works
    }

    [Fact]
    public void TryRun_WhileTheHelperIsBusy_OrOnOneThread_RunsNothingAndSaysSo()
    {
        if (Environment.ProcessorCount < 2) return;
        bool inner = true;
        int calls = 0;
        Assert.True(SpinningWorker.TryRun(part =>
        {
            if (part == 0) inner = SpinningWorker.TryRun(_ => Interlocked.Increment(ref calls));
        }));
        Assert.False(inner);
        Assert.Equal(0, calls);
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = 1;
        try
        {
            Assert.False(SpinningWorker.TryRun(_ => Interlocked.Increment(ref calls)));
            Assert.Equal(0, calls);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Fact]
    public void For_TwoPartsOnTheHelper_MorePartsOrABusyHelperOnThePool()
    {
        int here = Environment.CurrentManagedThreadId;
        var threads = new int[3];
        var ran = new int[3];
        long jobs = SpinningWorker.Jobs;
        SpinningWorker.For(2, part => { threads[part] = Environment.CurrentManagedThreadId; Interlocked.Increment(ref ran[part]); });
        Assert.Equal([1, 1, 0], ran);
        if (Environment.ProcessorCount >= 2)
        {
            Assert.Equal(jobs + 1, SpinningWorker.Jobs);            // the helper ran part 1, this thread part 0
            Assert.Equal(here, threads[0]);
            Assert.NotEqual(here, threads[1]);
        }
        Array.Clear(ran);
        jobs = SpinningWorker.Jobs;
        SpinningWorker.For(3, part => Interlocked.Increment(ref ran[part]));
        Assert.Equal([1, 1, 1], ran);
        Assert.Equal(jobs, SpinningWorker.Jobs);                    // three parts: the pool's Parallel.For
        // Called from inside a job, the helper is taken: both parts still run, through the pool.
        Array.Clear(ran);
        bool outer = SpinningWorker.TryRun(part => { if (part == 0) SpinningWorker.For(2, inner => Interlocked.Increment(ref ran[inner])); });
        Assert.Equal(Environment.ProcessorCount >= 2, outer);
        Assert.Equal([1, 1, 0], ran);
    }

    [Fact]
    public void Gemm_ALargeProductInTwoParts_RunsOnTheHelper_AndGivesTheSameBits()
    {
        var problem = new GemmCase<float>(Transpose.Yes, Transpose.No, 203, 41, 300, seed: 5);
        float[] single = problem.Run(accumulate: true, (ta, tb, m, n, k, a, lda, b, ldb, c, ldc, acc) =>
            Gemm.MultiplyWith(Gemm.BestSimdLevel, 1, parallelGrain: 1, smallPathLimit: -1, ta, tb, m, n, k, a, lda, b, ldb, c, ldc, acc));
        long jobs = SpinningWorker.Jobs;
        float[] split = problem.Run(accumulate: true, (ta, tb, m, n, k, a, lda, b, ldb, c, ldc, acc) =>
            Gemm.MultiplyWith(Gemm.BestSimdLevel, 2, parallelGrain: 1, smallPathLimit: -1, ta, tb, m, n, k, a, lda, b, ldb, c, ldc, acc));
        if (Environment.ProcessorCount >= 2 && Gemm.MaxThreads >= 2)
            Assert.Equal(jobs + 1, SpinningWorker.Jobs);
        Assert.True(single.AsSpan().SequenceEqual(split), "two parts on the helper differ from one thread");
        problem.AssertMatchesReference(split, accumulate: true);
    }
}
