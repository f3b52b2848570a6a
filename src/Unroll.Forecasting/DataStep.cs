using System.Globalization;
using Unroll.Data;
using Unroll.Data.Csv;

namespace Unroll.Forecasting;

/// <summary>
/// What one step of a model's series is: a day (trading or calendar), a week, a month, a quarter, a year, or an intraday
/// step of a fixed length. A network learns how its series move from one step to the next, so it forecasts series of
/// its own step only: trained on monthly closes and given daily ones, it would read each day's move as a month's and
/// forecast months where the dates say days. Business days and calendar days are one step (a day) here.
/// </summary>
public sealed record DataStep
{
    private DataStep(Spacing spacing, TimeSpan intraday)
    {
        Spacing = spacing;
        Intraday = intraday;
    }

    /// <summary>The spacing, never <see cref="Spacing.Irregular"/>.</summary>
    public Spacing Spacing { get; }

    /// <summary>For <see cref="Spacing.Intraday"/>, the length of a step; zero otherwise.</summary>
    public TimeSpan Intraday { get; }

    /// <summary>The step of regular dates; null for irregular ones.</summary>
    public static DataStep? Of(Frequency frequency)
    {
        ArgumentNullException.ThrowIfNull(frequency);
        return frequency.IsRegular ? new DataStep(frequency.Spacing, frequency.Step) : null;
    }

    /// <summary>
    /// How far the median gap between the dates of a series that fits no spacing may be from <see cref="Typical"/>:
    /// less than 1.5 times, either way. Data every other month (twice the step) is not monthly; a month missing here and
    /// there leaves the median at a month.
    /// </summary>
    public const double IrregularSlack = 1.5;

    /// <summary>
    /// How <paramref name="series"/> departs from this step; null when it moves by it or has fewer than two dates. A
    /// series with regular dates is compared by its spacing (<see cref="Matches"/>); one without, by the median gap
    /// between its dates (<see cref="IrregularSlack"/>).
    /// </summary>
    public StepMismatch? MismatchOf(TimeSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series.Length < 2 ? null : MismatchGiven(series, Frequency.Infer(series));
    }

    // As above, with the series' frequency already inferred. The median gap is found only for dates that fit no
    // spacing: sorting every gap of a long regular series would cost more than the rest of the check.
    private StepMismatch? MismatchGiven(TimeSeries series, Frequency frequency)
    {
        if (series.Length < 2) return null;
        if (Of(frequency) is { } step)
            return step.Matches(this) ? null : new StepMismatch(step, step.Typical.TotalDays, step.Typical < Typical);
        double median = MedianGapDays(series);
        return Near(median) ? null : new StepMismatch(null, median, median < Typical.TotalDays);
    }

    // Whether a median gap between dates that fit no spacing is this step's (IrregularSlack).
    private bool Near(double medianGapDays)
    {
        double ratio = medianGapDays / Typical.TotalDays;
        return ratio < IrregularSlack && ratio > 1 / IrregularSlack;
    }

    // The median gap between consecutive dates of a series of at least two, in days.
    private static double MedianGapDays(TimeSeries series)
    {
        var gaps = new double[series.Length - 1];
        for (int t = 1; t < series.Length; t++) gaps[t - 1] = (series.Dates[t] - series.Dates[t - 1]).TotalDays;
        Array.Sort(gaps);
        return gaps.Length % 2 == 1 ? gaps[gaps.Length / 2] : (gaps[gaps.Length / 2 - 1] + gaps[gaps.Length / 2]) / 2;
    }

    // The steps a median gap may stand for when no series' dates fit a spacing: a day or longer. (Intraday bars that fit
    // no spacing have no one length to stand for.)
    private static readonly DataStep[] ByMedianGap =
        [.. new[] { Spacing.Days, Spacing.Weeks, Spacing.Months, Spacing.Quarters, Spacing.Years }.Select(s => new DataStep(s, TimeSpan.Zero))];

    /// <summary>
    /// The step the series of <paramref name="data"/> share: that of each series whose dates are regular, when they all
    /// agree (<see cref="Matches"/>) and no other series departs from it (<see cref="MismatchOf"/>). When no series' dates
    /// fit a spacing (daily data with days missing here and there), the one step of a day or longer whose usual gap is
    /// near every series' median gap (<see cref="IrregularSlack"/>), the step their dates stand for. Null otherwise: then
    /// no step is checked later.
    /// </summary>
    public static DataStep? Common(SeriesSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var frequencies = data.Series.Select(Frequency.Infer).ToList();
        DataStep? common = null;
        foreach (var frequency in frequencies)
        {
            if (Of(frequency) is not { } step) continue;
            if (common is null) common = step;
            else if (!common.Matches(step)) return null;
        }
        if (common is null)
        {
            var medians = data.Series.Where(s => s.Length >= 2).Select(MedianGapDays).ToList();
            return medians.Count == 0 ? null : ByMedianGap.FirstOrDefault(step => medians.All(step.Near));
        }
        // A model must take the data it was trained on: an irregular series off the step leaves it unknown.
        return data.Series.Where((s, i) => common.MismatchGiven(s, frequencies[i]) is not null).Any() ? null : common;
    }

    /// <summary>Whether a series of step <paramref name="other"/> moves by the same step: the same spacing, with business
    /// days and calendar days alike, and intraday steps of the same length.</summary>
    public bool Matches(DataStep other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Spacing == Spacing.Intraday || other.Spacing == Spacing.Intraday
            ? Spacing == other.Spacing && Intraday == other.Intraday
            : Group(Spacing) == Group(other.Spacing);
    }

    /// <summary>The usual gap between two dates one step apart (a trading day's is one day: most of them are).</summary>
    public TimeSpan Typical => Spacing switch
    {
        Spacing.BusinessDays or Spacing.Days => TimeSpan.FromDays(1),
        Spacing.Weeks => TimeSpan.FromDays(7),
        Spacing.Months => TimeSpan.FromDays(365.25 / 12),
        Spacing.Quarters => TimeSpan.FromDays(365.25 / 4),
        Spacing.Years => TimeSpan.FromDays(365.25),
        _ => Intraday,
    };

    /// <summary>The resampling that makes finer dates this step (a day, a week or a month); null for the others.</summary>
    public ResamplePeriod? Resample => Spacing switch
    {
        Spacing.BusinessDays or Spacing.Days => ResamplePeriod.Day,
        Spacing.Weeks => ResamplePeriod.Week,
        Spacing.Months => ResamplePeriod.Month,
        _ => null,
    };

    /// <summary>In words, as an adjective: daily, weekly, monthly, quarterly, yearly, hourly, or "30-minute".</summary>
    public string Adjective => Spacing switch
    {
        Spacing.BusinessDays or Spacing.Days => "daily",
        Spacing.Weeks => "weekly",
        Spacing.Months => "monthly",
        Spacing.Quarters => "quarterly",
        Spacing.Years => "yearly",
        _ => Intraday == TimeSpan.FromHours(1) ? "hourly" : $"{Length(Intraday).Count}-{Length(Intraday).Unit}",
    };

    /// <summary>One step in words: a day, a week, a month, a quarter, a year, 30 minutes.</summary>
    public string Unit => Spacing switch
    {
        Spacing.BusinessDays or Spacing.Days => "a day",
        Spacing.Weeks => "a week",
        Spacing.Months => "a month",
        Spacing.Quarters => "a quarter",
        Spacing.Years => "a year",
        _ => Intraday == TimeSpan.FromHours(1) ? "an hour" : Duration(Intraday),
    };

    /// <summary>Steps of it in words, plural: days, weeks, months, quarters, years, "30-minute bars".</summary>
    public string Plural => Spacing switch
    {
        Spacing.BusinessDays or Spacing.Days => "days",
        Spacing.Weeks => "weeks",
        Spacing.Months => "months",
        Spacing.Quarters => "quarters",
        Spacing.Years => "years",
        _ => Adjective + " bars",
    };

    /// <summary>As a model file stores it (<c>forecast.step</c>): <c>business_days</c>, <c>days</c>, <c>weeks</c>,
    /// <c>months</c>, <c>quarters</c>, <c>years</c>, or <c>intraday:SECONDS</c> (<c>intraday:1800</c>).</summary>
    public override string ToString() => Spacing switch
    {
        Spacing.BusinessDays => "business_days",
        Spacing.Days => "days",
        Spacing.Weeks => "weeks",
        Spacing.Months => "months",
        Spacing.Quarters => "quarters",
        Spacing.Years => "years",
        _ => "intraday:" + ((long)Intraday.TotalSeconds).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Reads what <see cref="ToString"/> wrote.</summary>
    public static bool TryParse(string? text, out DataStep step)
    {
        step = null!;
        Spacing? spacing = text switch
        {
            "business_days" => Spacing.BusinessDays,
            "days" => Spacing.Days,
            "weeks" => Spacing.Weeks,
            "months" => Spacing.Months,
            "quarters" => Spacing.Quarters,
            "years" => Spacing.Years,
            _ => null,
        };
        if (spacing is { } s)
        {
            step = new DataStep(s, TimeSpan.Zero);
            return true;
        }
        const string Prefix = "intraday:";
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal)
            || !long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            || seconds < 1 || seconds >= 86_400)
            return false;
        step = new DataStep(Spacing.Intraday, TimeSpan.FromSeconds(seconds));
        return true;
    }

    /// <summary>
    /// The steps from <paramref name="from"/> to <paramref name="to"/> (negative when it is earlier): calendar months,
    /// quarters or years between their months; weeks and days by the calendar; business days as the weekdays between
    /// them (holidays are not known here); intraday bars by the time of day alone, the place in a day's bars.
    /// </summary>
    public long StepsBetween(DateTime from, DateTime to)
    {
        static long MonthIndex(DateTime d) => d.Year * 12L + d.Month - 1;
        // Weekdays from Monday 0001-01-01 (DateTime.MinValue): a Saturday or Sunday counts as the Monday after.
        static long Weekday(DateTime d) { long days = (long)(d.Date - DateTime.MinValue).TotalDays; return days / 7 * 5 + Math.Min(days % 7, 5); }
        return Spacing switch
        {
            Spacing.Months => MonthIndex(to) - MonthIndex(from),
            Spacing.Quarters => MonthIndex(to) / 3 - MonthIndex(from) / 3,
            Spacing.Years => to.Year - from.Year,
            Spacing.Weeks => (long)Math.Round((to.Date - from.Date).TotalDays / 7),
            Spacing.Days => (long)(to.Date - from.Date).TotalDays,
            Spacing.BusinessDays => Weekday(to) - Weekday(from),
            _ => (long)Math.Round((to.TimeOfDay - from.TimeOfDay) / Intraday),
        };
    }

    // Business days and calendar days are both a day's step.
    private static Spacing Group(Spacing spacing) => spacing == Spacing.BusinessDays ? Spacing.Days : spacing;

    /// <summary><paramref name="count"/> steps in words: "1 day", "3 months", "2 30-minute bars".</summary>
    public string Count(int count) => Counted(count, Plural.EndsWith('s') ? Plural[..^1] : Plural);

    /// <summary>"1 day", "2.5 days": <paramref name="n"/> of <paramref name="unit"/>, plural unless 1.</summary>
    internal static string Counted(double n, string unit) => n == 1 ? $"1 {unit}" : $"{n.ToString("0.#", CultureInfo.InvariantCulture)} {unit}s";

    // 30 minutes, 1 hour, 4 hours, 90 seconds.
    private static string Duration(TimeSpan length) => Counted(Length(length).Count, Length(length).Unit);

    // An intraday step as a whole number of the largest unit that measures it: (30, minute), (4, hour), (90, second).
    private static (double Count, string Unit) Length(TimeSpan length)
        => length.TotalHours is var h && h == Math.Floor(h) ? (h, "hour")
            : length.TotalMinutes is var m && m == Math.Floor(m) ? (m, "minute")
            : (Math.Round(length.TotalSeconds), "second");
}

/// <summary>How a series departs from a model's step (<see cref="DataStep.MismatchOf"/>).</summary>
/// <param name="Seen">The series' own step; null when its dates fit no spacing.</param>
/// <param name="MedianGapDays">The median gap between its dates, in days, when they fit no spacing; its step's usual gap
/// (<see cref="DataStep.Typical"/>) when they do.</param>
/// <param name="Finer">Its steps are shorter than the model's (daily data for a monthly model).</param>
public sealed record StepMismatch(DataStep? Seen, double MedianGapDays, bool Finer);
