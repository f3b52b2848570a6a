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
    /// <summary>Steps of a fixed length within the day (<see cref="Frequency.Step"/>: every hour, every 30 minutes…);
    /// the gap from one day's last step to the next day's first (overnight, a weekend, a holiday) is one step.</summary>
    Intraday,
    /// <summary>None of the above; <see cref="Frequency.Reason"/> says why.</summary>
    Irregular,
}

/// <summary>
/// The spacing of a series' dates and its seasonal period m, inferred from the dates (<see cref="Infer(IReadOnlyList{DateTime})"/>) or given
/// (<see cref="WithSeason"/>), as R's <c>ts</c> frequency: m = 5 for business days (a weekly cycle of five trading
/// days), 7 for days (a weekly cycle), 52 for weeks, 12 for months, 4 for quarters, 1 for years and for irregular
/// dates (no season); for intraday data, the steps in a day (24 for hourly data around the clock, 13 for a trading
/// session of half hours).
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
/// <item>Dates with a time of day, and some day with more than one: intraday. The step is the most common gap between
/// two times of the same day; every such gap must be a whole number of steps, with missing steps as rare as above
/// (at most <see cref="MaxMissingSteps"/> each). The gap from a day's last time to the next day's first is one step
/// when it is at most 5 days (a weekend and a holiday). The season is the most common number of times in a day.
/// Times of day with one date each (a daily close stamped 16:00) are daily data.</item>
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
        Spacing.Intraday => 3,
        _ => 0,
    };

    /// <summary>The longest gap, in calendar days, from one day's last time to the next day's first that intraday
    /// data may have (a weekend and a holiday): 5.</summary>
    public const int MaxIntradayBreakDays = 5;

    private Frequency(Spacing spacing, int season, bool seasonGiven, bool endOfMonth, string? reason, Session? session = null)
    {
        Spacing = spacing;
        Season = season;
        SeasonGiven = seasonGiven;
        EndOfMonth = endOfMonth;
        Reason = reason;
        _session = session ?? new Session(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, Weekdays: false);
    }

    /// <summary>Where the steps of intraday data fall: their length, the first and last time of day seen, and
    /// whether weekends are absent. For daily data, <see cref="Start"/> is the time of day every date has.</summary>
    private readonly record struct Session(TimeSpan Step, TimeSpan Start, TimeSpan End, bool Weekdays);

    private readonly Session _session;

    /// <summary>For <see cref="Spacing.Intraday"/>: the length of one step (one hour, 30 minutes); zero otherwise.</summary>
    public TimeSpan Step => Spacing == Spacing.Intraday ? _session.Step : TimeSpan.Zero;

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
        _ => 1, // years, irregular; intraday data take theirs from the dates
    };

    /// <summary>A regular spacing with its usual season.</summary>
    /// <param name="spacing">Any spacing but <see cref="Spacing.Irregular"/> (use <see cref="Irregular"/>).</param>
    /// <param name="endOfMonth">For months, quarters and years: the dates are month ends.</param>
    public static Frequency Of(Spacing spacing, bool endOfMonth = false)
    {
        if (spacing == Spacing.Irregular)
            throw new ArgumentException("irregular dates need a reason: use Frequency.Irregular(reason).", nameof(spacing));
        if (spacing == Spacing.Intraday)
            throw new ArgumentException("intraday steps have a length: use Frequency.Intraday(step, season).", nameof(spacing));
        bool monthly = spacing is Spacing.Months or Spacing.Quarters or Spacing.Years;
        return new Frequency(spacing, SeasonOf(spacing), seasonGiven: false, endOfMonth && monthly, reason: null);
    }

    /// <summary>Intraday steps of length <paramref name="step"/>, <paramref name="season"/> to a day, around the clock
    /// unless <paramref name="sessionStart"/> and <paramref name="sessionEnd"/> say otherwise.</summary>
    /// <param name="step">The length of a step, positive and under a day.</param>
    /// <param name="season">Steps per cycle, usually per day; at least 1.</param>
    /// <param name="sessionStart">The first time of day a step falls on; null for midnight.</param>
    /// <param name="sessionEnd">The last time of day a step falls on; null for the last step before midnight.</param>
    /// <param name="weekdays">Steps fall on weekdays only.</param>
    public static Frequency Intraday(TimeSpan step, int season, TimeSpan? sessionStart = null, TimeSpan? sessionEnd = null, bool weekdays = false)
    {
        if (step <= TimeSpan.Zero || step >= TimeSpan.FromDays(1))
            throw new ArgumentOutOfRangeException(nameof(step), step, "an intraday step is longer than zero and shorter than a day.");
        ArgumentOutOfRangeException.ThrowIfLessThan(season, 1);
        var start = sessionStart ?? TimeSpan.Zero;
        var end = sessionEnd ?? TimeSpan.FromDays(1) - step;
        if (start < TimeSpan.Zero || end >= TimeSpan.FromDays(1) || end < start)
            throw new ArgumentException($"the session from {start} to {end} is not within one day.", nameof(sessionEnd));
        return new Frequency(Spacing.Intraday, season, seasonGiven: false, endOfMonth: false, reason: null,
            new Session(step, start, end, weekdays));
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
        return new Frequency(Spacing, season, seasonGiven: true, EndOfMonth, Reason, _session);
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
    public static Frequency Infer(IReadOnlyList<DateTime> dates)
    {
        ArgumentNullException.ThrowIfNull(dates);
        if (dates.Count < 2)
            return Irregular($"{Text.Count(dates.Count, "date")}: a spacing needs at least two");
        bool severalADay = false;
        for (int i = 0; i + 1 < dates.Count; i++)
        {
            if (dates[i + 1] <= dates[i])
                throw new ArgumentException($"dates must increase, but {Text.Date(dates[i + 1])} (step {i + 1}) is not after {Text.Date(dates[i])} (step {i}).", nameof(dates));
            severalADay |= dates[i + 1].Date == dates[i].Date;
        }
        if (severalADay) return InferIntraday(dates);

        var days = new DateOnly[dates.Count];
        for (int i = 0; i < days.Length; i++) days[i] = DateOnly.FromDateTime(dates[i]);
        var gaps = new int[days.Length - 1];
        for (int i = 0; i < gaps.Length; i++) gaps[i] = days[i + 1].DayNumber - days[i].DayNumber;
        var frequency = gaps.Min() >= 28 ? InferMonthly(days, gaps) : InferDaily(days, gaps);
        // A daily close stamped 16:00 keeps its time of day in the dates after the last.
        var time = dates[^1].TimeOfDay;
        return time == TimeSpan.Zero || !frequency.IsRegular ? frequency
            : new Frequency(frequency.Spacing, frequency.Season, seasonGiven: false, frequency.EndOfMonth, reason: null,
                new Session(TimeSpan.Zero, time, time, Weekdays: false));
    }

    /// <summary>Infers the spacing and season from daily or coarser dates (see the class remarks for the rules).</summary>
    /// <param name="dates">Strictly increasing dates.</param>
    /// <exception cref="ArgumentException">The dates do not increase.</exception>
    public static Frequency Infer(IReadOnlyList<DateOnly> dates)
    {
        ArgumentNullException.ThrowIfNull(dates);
        return Infer(dates.Select(d => d.ToDateTime(TimeOnly.MinValue)).ToArray());
    }

    /// <summary>"1 hour", "30 minutes", "1.5 seconds".</summary>
    private static string Duration(TimeSpan span) => Every(span) is var (count, unit) && count == "1" ? $"1 {unit}" : $"{count} {unit}s";

    /// <summary>A span as a count and a unit: ("1", "hour"), ("30", "minute"), ("1.5", "second").</summary>
    private static (string Count, string Unit) Every(TimeSpan span)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (span.TotalHours >= 1 && span.Ticks % TimeSpan.TicksPerHour == 0) return (((long)span.TotalHours).ToString(invariant), "hour");
        if (span.TotalMinutes >= 1 && span.Ticks % TimeSpan.TicksPerMinute == 0) return (((long)span.TotalMinutes).ToString(invariant), "minute");
        return (span.TotalSeconds.ToString("0.#######", invariant), "second");
    }

    private static Frequency InferIntraday(IReadOnlyList<DateTime> dates)
    {
        // The step: the most common gap within a day (ties go to the shorter).
        var sameDay = new Dictionary<long, int>();
        for (int i = 0; i + 1 < dates.Count; i++)
        {
            if (dates[i + 1].Date != dates[i].Date) continue;
            long gap = (dates[i + 1] - dates[i]).Ticks;
            sameDay[gap] = sameDay.GetValueOrDefault(gap) + 1;
        }
        var step = TimeSpan.FromTicks(sameDay.OrderByDescending(g => g.Value).ThenBy(g => g.Key).First().Key);

        int maxMissing = MaxMissingSteps(Spacing.Intraday), steps = 0, skipping = 0;
        for (int i = 0; i + 1 < dates.Count; i++)
        {
            steps++;
            var (a, b) = (dates[i], dates[i + 1]);
            if (b.Date != a.Date)
            {
                int days = (b.Date - a.Date).Days;
                if (days > MaxIntradayBreakDays)
                    return Irregular($"{Text.Date(b)} comes {Text.Count(days, "day")} after {Text.Date(a)}: more than {MaxIntradayBreakDays} days between two days of intraday data");
                continue;
            }
            long gap = (b - a).Ticks;
            if (gap % step.Ticks != 0)
                return Irregular($"{Text.Date(b)} comes {Duration(b - a)} after {Text.Date(a)}, where the other times are {Duration(step)} apart");
            long k = gap / step.Ticks;
            if (k - 1 > maxMissing)
                return Irregular($"{Text.Date(b)} comes {k} steps of {Duration(step)} after {Text.Date(a)}: more than {maxMissing} missing in a day of intraday data");
            if (k > 1) skipping++;
        }
        int allowed = Math.Max(1, (int)Math.Floor(MaxShareOfGaps * steps));
        if (skipping > allowed)
            return Irregular($"{skipping} of {steps} steps of {Duration(step)} skip times ({100.0 * skipping / steps:0.#}%, more than {MaxShareOfGaps:0%} for intraday data)");

        var perDay = dates.GroupBy(d => d.Date).Select(g => g.Count());
        int season = perDay.GroupBy(n => n).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First().Key;
        var start = dates.Min(d => d.TimeOfDay);
        var end = dates.Max(d => d.TimeOfDay);
        bool weekdays = !dates.Any(d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        return new Frequency(Spacing.Intraday, Math.Max(1, season), seasonGiven: false, endOfMonth: false, reason: null,
            new Session(step, start, end, weekdays));
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
        Spacing.Intraday => "intraday",
        _ => "irregular",
    };

    /// <summary>For output: "monthly, season 12"; "monthly, season 6 (given)"; "irregular (why), season 1".</summary>
    public string Describe()
    {
        string what = Reason is not null ? $"{Describe(Spacing)} ({Reason})"
            : Spacing == Spacing.Intraday ? $"intraday, every {(Every(Step) is ("1", var unit) ? unit : Duration(Step))}"
            : Describe(Spacing);
        return $"{what}, season {Season}{(SeasonGiven ? " (given)" : "")}";
    }

    /// <summary>Same as <see cref="Describe()"/>.</summary>
    public override string ToString() => Describe();

    /// <summary>The dates of the <paramref name="count"/> steps after <paramref name="last"/>, for forecasts: the next
    /// weekdays (no holiday calendar), days, weeks, or the same day of later months (clamped to the month's length,
    /// or the month's last day when <see cref="EndOfMonth"/>); for intraday data, the next steps of the session, then
    /// the next day's (a weekday's, when the data have no weekends) from the session's first time of day. Daily and
    /// coarser dates keep the time of day the data have.</summary>
    /// <param name="last">The series' last date.</param>
    /// <param name="count">How many dates, at least 0.</param>
    /// <exception cref="InvalidOperationException">The dates are irregular, so later steps have no dates.</exception>
    public DateOnly[] NextDates(DateOnly last, int count) =>
        NextDates(last.ToDateTime(TimeOnly.MinValue), count).Select(DateOnly.FromDateTime).ToArray();

    /// <summary>The dates of the <paramref name="count"/> steps after <paramref name="last"/> (see
    /// <see cref="NextDates(DateOnly, int)"/>), with times of day for intraday data.</summary>
    /// <param name="last">The series' last date or time.</param>
    /// <param name="count">How many dates, at least 0.</param>
    /// <exception cref="InvalidOperationException">The dates are irregular, so later steps have no dates.</exception>
    /// <exception cref="DataException">The steps would pass 9999-12-31, the last date a <see cref="DateTime"/> holds.</exception>
    public DateTime[] NextDates(DateTime last, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!IsRegular)
            throw new InvalidOperationException($"the dates are irregular ({Reason}), so the steps after {Text.Date(last)} have no dates; check Frequency.IsRegular first and label the forecasts by step (+1, +2, ...).");
        try { return Next(last, count); }
        catch (ArgumentOutOfRangeException)
        {
            throw new DataException($"the {count} step(s) after {Text.Date(last)} would pass 9999-12-31, the last date there is; check the dates in the data");
        }
    }

    private DateTime[] Next(DateTime last, int count)
    {
        var next = new DateTime[count];
        if (Spacing == Spacing.Intraday)
        {
            var t = last;
            for (int k = 0; k < count; k++)
            {
                var stepped = t + _session.Step;
                if (stepped.Date != t.Date || stepped.TimeOfDay > _session.End)
                {
                    var day = t.Date.AddDays(1);
                    while (_session.Weekdays && IsWeekend(DateOnly.FromDateTime(day))) day = day.AddDays(1);
                    stepped = day + _session.Start;
                }
                next[k] = t = stepped;
            }
            return next;
        }

        var d = DateOnly.FromDateTime(last);
        var lastDay = d;
        var time = TimeOnly.FromTimeSpan(last.TimeOfDay);
        for (int k = 1; k <= count; k++)
        {
            DateOnly day;
            switch (Spacing)
            {
                case Spacing.BusinessDays:
                    do d = d.AddDays(1); while (IsWeekend(d));
                    day = d;
                    break;
                case Spacing.Days:
                    day = lastDay.AddDays(k);
                    break;
                case Spacing.Weeks:
                    day = lastDay.AddDays(7 * k);
                    break;
                default:
                    int months = k * (Spacing switch { Spacing.Months => 1, Spacing.Quarters => 3, _ => 12 });
                    var m = lastDay.AddMonths(months);   // clamps the day to the month's length
                    day = EndOfMonth ? new DateOnly(m.Year, m.Month, DateTime.DaysInMonth(m.Year, m.Month)) : m;
                    break;
            }
            next[k - 1] = day.ToDateTime(time);
        }
        return next;
    }
}
