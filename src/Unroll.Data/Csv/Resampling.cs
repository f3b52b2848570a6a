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
public sealed record ResampleSummary(ResamplePeriod Period, int RowsRead, int Points, IReadOnlyList<string> Summed);

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
}
