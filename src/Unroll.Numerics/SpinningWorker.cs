// One long-lived helper thread that runs the second half of a fork-join: the caller publishes a job, runs part 0 itself
// while the helper runs part 1, and waits for it. After each job the helper spins for a while before it sleeps, so that
// jobs in quick succession (the layers of a forward pass, the forward and backward of a training step, a loop of
// predictions) start without a wake-up: waking a sleeping thread on a virtual CPU took tens of microseconds here, as
// long as a small layer's whole time loop, which is why Parallel.For's hand-off measured no gain for such layers.
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Unroll.Numerics;

/// <summary>
/// Runs a two-part job on the calling thread and one helper thread (<see cref="TryRun"/>). One job at a time in the
/// process: a caller that finds the helper busy, or <see cref="Gemm.MaxThreads"/> at 1, is told so and runs both parts
/// itself.
/// </summary>
internal static class SpinningWorker
{
    /// <summary>How long the helper spins for the next job before it sleeps.</summary>
    internal static readonly long SpinTicks = Stopwatch.Frequency / 5000;   // 200 µs

    private static readonly object s_start = new();
    private static readonly SemaphoreSlim s_wake = new(0);
    private static Thread? s_thread;
    private static Action<int>? s_job;
    private static Exception? s_error;
    private static int s_busy, s_sleeping, s_posted, s_finished;
    private static long s_jobs;

    /// <summary>Jobs run on both threads since the process started (for tests).</summary>
    internal static long Jobs => Interlocked.Read(ref s_jobs);

    /// <summary>
    /// Runs <paramref name="job"/>(0) here and <paramref name="job"/>(1) on the helper, and returns when both are done;
    /// false, running nothing, when the helper is taken or only one thread may be used. An exception from either part
    /// is thrown here once both have ended.
    /// </summary>
    public static bool TryRun(Action<int> job)
    {
        if (Gemm.MaxThreads < 2 || Environment.ProcessorCount < 2 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
            return false;
        try
        {
            EnsureStarted();
            s_error = null;
            s_job = job;
            int posted = Interlocked.Increment(ref s_posted);          // a full fence: the job is visible first
            // If the helper decided to sleep just as this was posted, the release may find it awake: the spare permit
            // only makes its next sleep return at once, to look for a job and spin again.
            if (Volatile.Read(ref s_sleeping) == 1) s_wake.Release();
            Exception? mine = null;
            try { job(0); }
            catch (Exception e) { mine = e; }
            var wait = new SpinWait();
            while (Volatile.Read(ref s_finished) != posted) wait.SpinOnce(sleep1Threshold: -1);
            s_job = null;
            var failure = mine ?? s_error;
            s_error = null;                                              // not kept alive until the next job
            Interlocked.Increment(ref s_jobs);
            if (failure is not null) ExceptionDispatchInfo.Throw(failure);
            return true;
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>(0 … parts − 1) and returns when all have ended: two parts on this thread and the
    /// helper (<see cref="TryRun"/>), else (more parts, or the helper taken) through <see cref="Parallel.For(int, int,
    /// ParallelOptions, Action{int})"/>. The large products split this way, so that a product right after a layer's
    /// shares does not wait for a pool thread to wake, nor share a vCPU with the helper still spinning for its next job.
    /// </summary>
    public static void For(int parts, Action<int> body)
    {
        if (parts == 2 && TryRun(body)) return;
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, body);
    }

    private static void EnsureStarted()
    {
        if (s_thread is not null) return;
        lock (s_start)
        {
            s_thread ??= StartHelper();
        }
    }

    private static Thread StartHelper()
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = "Unroll second thread" };
        thread.Start();
        return thread;
    }

    private static void Loop()
    {
        int done = 0;
        while (true)
        {
            long since = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref s_posted) == done)
            {
                if (Stopwatch.GetTimestamp() - since < SpinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }
                Interlocked.Exchange(ref s_sleeping, 1);               // a full fence: then look once more
                if (Volatile.Read(ref s_posted) == done) s_wake.Wait();
                Interlocked.Exchange(ref s_sleeping, 0);
                since = Stopwatch.GetTimestamp();
            }
            done = Volatile.Read(ref s_posted);
            try { s_job!(1); }
            catch (Exception e) { s_error = e; }
            Volatile.Write(ref s_finished, done);
        }
    }
}
