namespace Unroll.Data;

/// <summary>How far apart a series' dates are: one step of the series.</summary>
public enum Spacing
{
    /// <summary>Monday to Friday (trading days): no dates on weekends; a missing weekday (a holiday) now and then.</summary>
    BusinessDays,
    /// <summary>Every calendar day, weekends included; a missing day now and then.</summary>
    Days,
    /// <summary>Every seven days, on the same weekday; a missing week now and then.</summary>
    Weeks,
    /// <summary>Every calendar month, on any day of it (the 1st, the last, the first trading day).</summary>
    Months,
    /// <summary>Every three calendar months.</summary>
    Quarters,
    /// <summary>Every twelve calendar months.</summary>
    Years,
    /// <summary>None of the above; <see cref="Frequency.Reason"/> says why.</summary>
    Irregular,
}

/// <summary>
/// The spacing of a series' dates and its seasonal period m, inferred from the dates (<see cref="Infer(IReadOnlyList{DateOnly})"/>) or given
/// (<see cref="WithSeason"/>), as R's <c>ts</c> frequency: m = 5 for business days (a weekly cycle of five trading
/// days), 7 for days (a weekly cycle), 52 for weeks, 12 for months, 4 for quarters, 1 for years and for irregular
/// dates (no season).
/// </summary>
/// <remarks>
/// <para>Rules, applied to the gaps between consecutive dates:</para>
/// <list type="bullet">
/// <item>Every gap at least 28 days: calendar months between consecutive dates (year·12 + month) all 1, all 3 or all 12
/// give months, quarters or years, when each gap is within a week of k·30.44 days (k = 1, 3, 12). A missing month,
/// quarter or year makes the dates irregular: a seasonal model counts steps, so one missing month would shift every
/// later season.</item>
/// <item>Otherwise the step is 7 days when every gap is a multiple of 7; a calendar day when some date falls on a
/// Saturday or Sunday, or when no gap spans a weekend; else a business day (Monday to Friday, no dates on
/// weekends: the gap from Friday to Monday is one step). Missing steps are normal when they are rare: at most
/// <see cref="MaxShareOfGaps"/> of the steps (or one) may skip steps, each skipping at most
/// <see cref="MaxMissingSteps"/> steps (a holiday, the four days markets closed in September 2001).</item>
/// </list>
/// </remarks>
public sealed class Frequency
{
    /// <summary>The largest share of steps that may skip steps (holidays, a missing week) before the dates count as
    /// irregular: 10%. A trading calendar misses about 4% of weekdays.</summary>
    public const double MaxShareOfGaps = 0.10;

    /// <summary>The most steps one gap may skip: 5 business days, 3 calendar days, 1 week.</summary>
    public static int MaxMissingSteps(Spacing spacing) => spacing switch
    {
        Spacing.BusinessDays => 5,
        Spacing.Days => 3,
        Spacing.Weeks => 1,
        _ => 0,
    };

    private Frequency(Spacing spacing, int season, bool seasonGiven, bool endOfMonth, string? reason)
    {
        Spacing = spacing;
        Season = season;
        SeasonGiven = seasonGiven;
        EndOfMonth = endOfMonth;
        Reason = reason;
    }

    /// <summary>The spacing of the dates.</summary>
    public Spacing Spacing { get; }

    /// <summary>The seasonal period m: steps per cycle (1 for none).</summary>
    public int Season { get; }

    /// <summary>True when <see cref="Season"/> was given (<see cref="WithSeason"/>) rather than inferred.</summary>
    public bool SeasonGiven { get; }

    /// <summary>For months, quarters and years: every date is the last day of its month, so the dates after the last
    /// are month ends too (2024-02-29, 2024-03-31).</summary>
    public bool EndOfMonth { get; }

    /// <summary>Why the dates are irregular, in plain words; null when they are regular.</summary>
    public string? Reason { get; }

    /// <summary>True unless the spacing is <see cref="Spacing.Irregular"/>.</summary>
    public bool IsRegular => Spacing != Spacing.Irregular;

    /// <summary>The seasonal period R uses for a spacing: 5, 7, 52, 12, 4, 1 (1 for irregular).</summary>
    public static int SeasonOf(Spacing spacing) => spacing switch
    {
        Spacing.BusinessDays => 5,
        Spacing.Days => 7,
        Spacing.Weeks => 52,
        Spacing.Months => 12,
        Spacing.Quarters => 4,
        _ => 1,
    };

    /// <summary>A regular spacing with its usual season.</summary>
    /// <param name="spacing">Any spacing but <see cref="Spacing.Irregular"/> (use <see cref="Irregular"/>).</param>
    /// <param name="endOfMonth">For months, quarters and years: the dates are month ends.</param>
    public static Frequency Of(Spacing spacing, bool endOfMonth = false)
    {
        if (spacing == Spacing.Irregular)
            throw new ArgumentException("irregular dates need a reason: use Frequency.Irregular(reason).", nameof(spacing));
        bool monthly = spacing is Spacing.Months or Spacing.Quarters or Spacing.Years;
        return new Frequency(spacing, SeasonOf(spacing), seasonGiven: false, endOfMonth && monthly, reason: null);
    }

    /// <summary>Irregular dates (season 1), with the reason.</summary>
    /// <param name="reason">Why, in plain words: "1990-05-01 comes 2 months after 1990-03-01; the other dates are monthly".</param>
    public static Frequency Irregular(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new Frequency(Spacing.Irregular, 1, seasonGiven: false, endOfMonth: false, reason);
    }

    /// <summary>The same spacing with the seasonal period <paramref name="season"/> (a user's <c>--season</c>).</summary>
    /// <param name="season">Steps per cycle, at least 1.</param>
    public Frequency WithSeason(int season)
    {
        if (season < 1)
            throw new ArgumentOutOfRangeException(nameof(season), season, "the season (steps per cycle) must be at least 1; 1 means not seasonal.");
        return new Frequency(Spacing, season, seasonGiven: true, EndOfMonth, Reason);
    }

    /// <summary>Infers the spacing and season of <paramref name="series"/>'s dates.</summary>
    public static Frequency Infer(TimeSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return Infer(series.Dates);
    }

    /// <summary>Infers the spacing and season from dates (see the class remarks for the rules).</summary>
    /// <param name="dates">Strictly increasing dates.</param>
    /// <returns>The frequency; <see cref="Spacing.Irregular"/> with <see cref="Reason"/> when no spacing fits.</returns>
    /// <exception cref="ArgumentException">The dates do not increase.</exception>
    public static Frequency Infer(IReadOnlyList<DateOnly> dates)
    {
        ArgumentNullException.ThrowIfNull(dates);
        if (dates.Count < 2)
            return Irregular($"{Text.Count(dates.Count, "date")}: a spacing needs at least two");
        var gaps = new int[dates.Count - 1];
        for (int i = 0; i < gaps.Length; i++)
        {
            gaps[i] = dates[i + 1].DayNumber - dates[i].DayNumber;
            if (gaps[i] <= 0)
                throw new ArgumentException($"dates must increase, but {Text.Date(dates[i + 1])} (step {i + 1}) is not after {Text.Date(dates[i])} (step {i}).", nameof(dates));
        }
        return gaps.Min() >= 28 ? InferMonthly(dates, gaps) : InferDaily(dates, gaps);
    }

    private static int MonthIndex(DateOnly d) => d.Year * 12 + d.Month - 1;

    private static bool IsMonthEnd(DateOnly d) => d.Day == DateTime.DaysInMonth(d.Year, d.Month);

    private static Frequency InferMonthly(IReadOnlyList<DateOnly> dates, int[] gaps)
    {
        var months = new int[gaps.Length];
        for (int i = 0; i < gaps.Length; i++) months[i] = MonthIndex(dates[i + 1]) - MonthIndex(dates[i]);
        // The most common step decides what the dates mean to be; any other step is named as the culprit.
        int k = months.GroupBy(x => x).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        var spacing = k switch { 1 => Spacing.Months, 3 => Spacing.Quarters, 12 => Spacing.Years, _ => Spacing.Irregular };
        if (spacing == Spacing.Irregular)
            return Irregular($"the dates are {Text.Count(k, "month")} apart most often (gaps of {gaps.Min()} to {gaps.Max()} days), which is not monthly, quarterly or yearly");
        string name = Describe(spacing);
        for (int i = 0; i < gaps.Length; i++)
        {
            if (months[i] != k)
                return Irregular($"{Text.Date(dates[i + 1])} comes {Text.Count(months[i], "month")} after {Text.Date(dates[i])}, where the other dates are {name} ({Text.Count(k, "month")} apart)");
            if (Math.Abs(gaps[i] - k * 30.436875) > 7)
                return Irregular($"{Text.Date(dates[i + 1])} comes {gaps[i]} days after {Text.Date(dates[i])}, more than a week off {name} spacing");
        }
        bool endOfMonth = dates.All(IsMonthEnd) && dates.Any(d => d.Day != 1);
        return Of(spacing, endOfMonth);
    }

    private static bool IsWeekend(DateOnly d) => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    /// <summary>Weekdays in (a, b]: the business days from a to b.</summary>
    private static int BusinessDaysBetween(DateOnly a, DateOnly b)
    {
        int days = b.DayNumber - a.DayNumber;
        int count = days / 7 * 5;
        for (var d = a.AddDays(days / 7 * 7 + 1); d <= b; d = d.AddDays(1))
            if (!IsWeekend(d)) count++;
        return count;
    }

    private static Frequency InferDaily(IReadOnlyList<DateOnly> dates, int[] gaps)
    {
        Spacing spacing;
        var steps = new int[gaps.Length];
        if (gaps.All(g => g % 7 == 0))
        {
            spacing = Spacing.Weeks;
            for (int i = 0; i < gaps.Length; i++) steps[i] = gaps[i] / 7;
        }
        else if (dates.Any(IsWeekend))
        {
            spacing = Spacing.Days;
            gaps.CopyTo(steps, 0);
        }
        else
        {
            for (int i = 0; i < gaps.Length; i++) steps[i] = BusinessDaysBetween(dates[i], dates[i + 1]);
            // Weekdays only, but no gap spans a weekend: nothing tells business days from calendar days; say days.
            bool spansWeekend = false;
            for (int i = 0; i < gaps.Length && !spansWeekend; i++) spansWeekend = steps[i] < gaps[i];
            spacing = spansWeekend ? Spacing.BusinessDays : Spacing.Days;
            if (!spansWeekend) gaps.CopyTo(steps, 0);
        }

        string name = Describe(spacing);
        string unit = spacing switch { Spacing.BusinessDays => "business day", Spacing.Weeks => "week", _ => "day" };
        int maxMissing = MaxMissingSteps(spacing);
        int skipping = 0, worst = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            if (steps[i] > 1) skipping++;
            if (steps[i] > steps[worst]) worst = i;
        }
        if (steps[worst] - 1 > maxMissing)
            return Irregular($"{Text.Date(dates[worst + 1])} comes {Text.Count(steps[worst], unit)} after {Text.Date(dates[worst])}: more than {Text.Count(maxMissing, unit)} missing in {name} data");
        int allowed = Math.Max(1, (int)Math.Floor(MaxShareOfGaps * steps.Length));
        if (skipping > allowed)
            return Irregular($"{skipping} of {steps.Length} steps skip {unit}s ({100.0 * skipping / steps.Length:0.#}%, more than {MaxShareOfGaps:0%} for {name} data)");
        return Of(spacing);
    }

    /// <summary>The spacing in a word: "business daily", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular".</summary>
    public static string Describe(Spacing spacing) => spacing switch
    {
        Spacing.BusinessDays => "business daily",
        Spacing.Days => "daily",
        Spacing.Weeks => "weekly",
        Spacing.Months => "monthly",
        Spacing.Quarters => "quarterly",
        Spacing.Years => "yearly",
        _ => "irregular",
    };

    /// <summary>For output: "monthly, season 12"; "monthly, season 6 (given)"; "irregular (why), season 1".</summary>
    public string Describe()
    {
        string what = Reason is null ? Describe(Spacing) : $"{Describe(Spacing)} ({Reason})";
        return $"{what}, season {Season}{(SeasonGiven ? " (given)" : "")}";
    }

    /// <summary>Same as <see cref="Describe()"/>.</summary>
    public override string ToString() => Describe();

    /// <summary>The dates of the <paramref name="count"/> steps after <paramref name="last"/>, for forecasts: the next
    /// weekdays (no holiday calendar), days, weeks, or the same day of later months (clamped to the month's length,
    /// or the month's last day when <see cref="EndOfMonth"/>).</summary>
    /// <param name="last">The series' last date.</param>
    /// <param name="count">How many dates, at least 0.</param>
    /// <exception cref="InvalidOperationException">The dates are irregular, so later steps have no dates.</exception>
    public DateOnly[] NextDates(DateOnly last, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!IsRegular)
            throw new InvalidOperationException($"the dates are irregular ({Reason}), so the steps after {Text.Date(last)} have no dates; check Frequency.IsRegular first and label the forecasts by step (+1, +2, ...).");
        var next = new DateOnly[count];
        var d = last;
        for (int k = 1; k <= count; k++)
        {
            switch (Spacing)
            {
                case Spacing.BusinessDays:
                    do d = d.AddDays(1); while (IsWeekend(d));
                    next[k - 1] = d;
                    break;
                case Spacing.Days:
                    next[k - 1] = last.AddDays(k);
                    break;
                case Spacing.Weeks:
                    next[k - 1] = last.AddDays(7 * k);
                    break;
                default:
                    int months = k * (Spacing switch { Spacing.Months => 1, Spacing.Quarters => 3, _ => 12 });
                    var m = last.AddMonths(months);   // clamps the day to the month's length
                    next[k - 1] = EndOfMonth ? new DateOnly(m.Year, m.Month, DateTime.DaysInMonth(m.Year, m.Month)) : m;
                    break;
            }
        }
        return next;
    }
}
