namespace Unroll.Data;

/// <summary>
/// A split of one series' time axis into train [0, <see cref="TrainEnd"/>), validation
/// [<see cref="TrainEnd"/>, <see cref="ValidationEnd"/>) and test [<see cref="ValidationEnd"/>,
/// <see cref="Length"/>): consecutive, in time order, test at the end; nothing is shuffled across time.
/// </summary>
public readonly record struct TimeSplit
{
    /// <summary>Creates a split from its boundaries.</summary>
    /// <param name="length">The series' length.</param>
    /// <param name="trainEnd">The first step after the training part.</param>
    /// <param name="validationEnd">The first step after the validation part (the first test step).</param>
    /// <exception cref="ArgumentOutOfRangeException">The boundaries are not 0 ≤ trainEnd ≤ validationEnd ≤ length.</exception>
    public TimeSplit(int length, int trainEnd, int validationEnd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trainEnd);
        ArgumentOutOfRangeException.ThrowIfLessThan(validationEnd, trainEnd);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, validationEnd);
        Length = length;
        TrainEnd = trainEnd;
        ValidationEnd = validationEnd;
    }

    /// <summary>The series' length.</summary>
    public int Length { get; }

    /// <summary>The first step after the training part; also the training part's length.</summary>
    public int TrainEnd { get; }

    /// <summary>The first step after the validation part, where the test part starts.</summary>
    public int ValidationEnd { get; }

    /// <summary>The number of validation steps.</summary>
    public int ValidationLength => ValidationEnd - TrainEnd;

    /// <summary>The number of test steps.</summary>
    public int TestLength => Length - ValidationEnd;

    /// <summary>Splits <paramref name="length"/> steps by fractions: the first ⌊length·train⌋ steps train, up to
    /// ⌊length·(train + validation)⌋ validate, the rest test.</summary>
    /// <param name="length">The series' length.</param>
    /// <param name="train">The training fraction, in (0, 1].</param>
    /// <param name="validation">The validation fraction, in [0, 1 − train].</param>
    /// <exception cref="ArgumentOutOfRangeException">A fraction is out of range.</exception>
    public static TimeSplit ByFractions(int length, double train, double validation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!(train > 0 && train <= 1))
            throw new ArgumentOutOfRangeException(nameof(train), train, "the training fraction must be above 0 and at most 1.");
        if (!(validation >= 0 && train + validation <= 1 + 1e-12))
            throw new ArgumentOutOfRangeException(nameof(validation), validation, $"the validation fraction must be at least 0 and at most 1 − train ({1 - train}).");
        // The small epsilon keeps 0.7 · 10 (6.9999…) at 7.
        int trainEnd = Math.Min(length, (int)Math.Floor(length * train + 1e-9));
        int validationEnd = Math.Min(length, Math.Max(trainEnd, (int)Math.Floor(length * (train + validation) + 1e-9)));
        return new TimeSplit(length, trainEnd, validationEnd);
    }
}
