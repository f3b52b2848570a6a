using System.Globalization;

namespace Unroll.Data;

/// <summary>
/// How Unroll writes the dates of a series. A series' dates are <see cref="DateTime"/> values: midnight for daily and
/// coarser data, the time of day for intraday data. A time zone in the file (<c>2024-01-02T09:30:00-05:00</c>) is read
/// and the clock time is kept as written, so a session that opens at 09:30 opens at 09:30 all year, across daylight
/// saving changes; the offset is not carried further.
/// </summary>
public static class Timestamps
{
    /// <summary>ISO 8601: <c>2024-01-31</c> at midnight, <c>2024-01-31 09:30</c> with a time of day, seconds and
    /// fractions only when they are not zero (<c>2024-01-31 09:30:15</c>).</summary>
    /// <param name="time">The date or timestamp.</param>
    public static string Format(DateTime time)
    {
        var t = time.TimeOfDay;
        string format = t == TimeSpan.Zero ? "yyyy-MM-dd"
            : t.Ticks % TimeSpan.TicksPerSecond != 0 ? "yyyy-MM-dd HH:mm:ss.FFFFFFF"
            : t.Seconds != 0 ? "yyyy-MM-dd HH:mm:ss"
            : "yyyy-MM-dd HH:mm";
        return time.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>Whether every time is midnight: daily or coarser data.</summary>
    /// <param name="times">The dates.</param>
    public static bool AllMidnight(IEnumerable<DateTime> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        foreach (var t in times)
        {
            if (t.TimeOfDay != TimeSpan.Zero) return false;
        }
        return true;
    }
}
