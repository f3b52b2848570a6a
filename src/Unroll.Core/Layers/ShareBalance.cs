// Glossary: a share is the sequences at sorted positions [first, last) that one thread steps through for a whole
// layer pass (RecurrentLayer.InShares); its work is the sum of their lengths (steps).
using System.Diagnostics;

namespace Unroll.Core.Layers;

/// <summary>
/// Where two shares of a layer's pass split its sequences: by the speed each share measured in the last passes, not by
/// the count of steps alone. The same rows cost the two threads different times: in W3's backward the second share
/// took 1.26–1.37 ms per sequence (its 100 steps) against the first share's 1.13–1.15, whichever thread ran it and
/// wherever the split fell (48 to 80 of 128 sequences), so halves left the first thread idle for 12 to 15 ms of 87.
/// Split where the times say (72 and 56 sequences), the two took 81 and 77–80 ms; W3's training step 277.5 → 272.8 ms
/// and its forward 86.6 → 83.8 (medians of three interleaved runs). Each row's numbers do not depend on the split
/// (each share's products and cells give every row the same bits), so the split may follow the clock.
/// </summary>
internal sealed class ShareBalance
{
    /// <summary>The most either share's cost per step may be taken to exceed the other's: a split stays within 1/3 to 2/3.</summary>
    internal const double MaxRatio = 2;

    private readonly long[] _ticks = new long[2];

    /// <summary>The first share's cost per step over the second's, smoothed over passes; 1 until measured.</summary>
    public double Ratio { get; internal set; } = 1;

    /// <summary>The part of the pass's steps the first share takes: equal times when the costs are as measured.</summary>
    public double FirstShare => 1 / (1 + Ratio);

    /// <summary>Runs share <paramref name="p"/> (0 or 1) through <paramref name="steps"/>, timing it.</summary>
    public void Run(int p, Action<int, int> steps, int first, int last)
    {
        long start = Stopwatch.GetTimestamp();
        steps(first, last);
        _ticks[p] = Stopwatch.GetTimestamp() - start;
    }

    /// <summary>The first share's end (a sorted position) in the last pass split in two, for tests.</summary>
    internal int LastSplit { get; set; }

    /// <summary>Takes in the times of the two shares just run (<see cref="Run"/>) over so many steps each.</summary>
    public void Record(long firstSteps, long secondSteps) => Record(_ticks[0], firstSteps, _ticks[1], secondSteps);

    /// <summary>
    /// Takes in two shares' times (any unit) over so many steps each: the ratio moves halfway (geometrically) to the
    /// measured one, clamped to <see cref="MaxRatio"/>, so that a pass slowed by another process moves the split by
    /// little. A share without steps or time says nothing.
    /// </summary>
    internal void Record(long firstTicks, long firstSteps, long secondTicks, long secondSteps)
    {
        if (firstSteps <= 0 || secondSteps <= 0 || firstTicks <= 0 || secondTicks <= 0) return;
        double measured = (double)firstTicks / firstSteps / ((double)secondTicks / secondSteps);
        Ratio = Math.Sqrt(Ratio * Math.Clamp(measured, 1 / MaxRatio, MaxRatio));
    }
}
