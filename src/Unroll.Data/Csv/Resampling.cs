namespace Unroll.Data.Csv;

/// <summary>The period <see cref="CsvSeriesReader"/> aggregates each series' rows to
/// (<see cref="CsvReadOptions.Resample"/>).</summary>
public enum ResamplePeriod
{
    /// <summary>No aggregation: one point per row (the default).</summary>
    None,

    /// <summary>One point per calendar day (intraday bars to daily), dated at midnight.</summary>
    Day,

    /// <summary>One point per week, Monday to Sunday, dated on the Sunday that ends it (as pandas' <c>"W"</c>).</summary>
    Week,

    /// <summary>One point per calendar month, dated on its last day (as pandas' <c>"M"</c>).</summary>
    Month,
}

/// <summary>What a read with <see cref="CsvReadOptions.Resample"/> did.</summary>
/// <param name="Period">The period aggregated to.</param>
/// <param name="RowsRead">The points of the chosen series before aggregating.</param>
/// <param name="Points">The points after.</param>
/// <param name="Summed">The columns summed over each period (the others take the period's last value).</param>
public sealed record ResampleSummary(ResamplePeriod Period, int RowsRead, int Points, IReadOnlyList<string> Summed)
{
    /// <summary>The series whose last period the rows stop well short of (a download taken mid-month): its point
    /// holds the last row's values, not the period's close. "Well short": more time from the last row to the period's
    /// end than the series' longest gap between rows, so a month that ends on a weekend or holiday is not one.</summary>
    public IReadOnlyList<PartialPeriod> PartialLast { get; init; } = [];
}

/// <summary>A series' last period that its rows stop short of (see <see cref="ResampleSummary.PartialLast"/>).</summary>
/// <param name="Symbol">The series.</param>
/// <param name="Period">The date the period's point carries (its last day).</param>
/// <param name="LastRow">The date of the last row read in it.</param>
public sealed record PartialPeriod(string Symbol, DateTime Period, DateTime LastRow);

/// <summary>Where a period of <see cref="ResamplePeriod"/> ends: the date a resampled point carries.</summary>
internal static class Resampling
{
    /// <summary>The date (at midnight) of the period that holds <paramref name="time"/>.</summary>
    public static DateTime PeriodOf(DateTime time, ResamplePeriod period) => period switch
    {
        ResamplePeriod.Day => time.Date,
        ResamplePeriod.Week => time.Date.AddDays((7 - (int)time.DayOfWeek) % 7),
        ResamplePeriod.Month => new DateTime(time.Year, time.Month, DateTime.DaysInMonth(time.Year, time.Month)),
        _ => time,
    };

    /// <summary>Whether rows at <paramref name="dates"/> (in order) stop short of the period that holds the last of
    /// them: more time from the last row to the period's end than the longest gap between two rows.</summary>
    public static bool StopsShort(ReadOnlySpan<DateTime> dates, ResamplePeriod period)
    {
        if (dates.Length < 2 || period == ResamplePeriod.None) return false;
        var longest = TimeSpan.Zero;
        for (int i = 1; i < dates.Length; i++)
            if (dates[i] - dates[i - 1] > longest) longest = dates[i] - dates[i - 1];
        var end = PeriodOf(dates[^1], period).AddDays(1);     // midnight after the period's last day
        return end - dates[^1] > longest;
    }
}
