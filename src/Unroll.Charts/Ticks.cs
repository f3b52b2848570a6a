using System.Globalization;

namespace Unroll.Charts;

/// <summary>Maps a data interval onto a pixel interval, linearly or on log10 (pixel intervals may run backwards, as y does).</summary>
/// <param name="DomainMin">The data value at <paramref name="RangeMin"/>.</param>
/// <param name="DomainMax">The data value at <paramref name="RangeMax"/>.</param>
/// <param name="RangeMin">The pixel for <paramref name="DomainMin"/>.</param>
/// <param name="RangeMax">The pixel for <paramref name="DomainMax"/>.</param>
/// <param name="Log">Map log10 of the values (the domain must be positive).</param>
public readonly record struct AxisScale(double DomainMin, double DomainMax, double RangeMin, double RangeMax, bool Log = false)
{
    /// <summary>The pixel of a data value.</summary>
    public double Map(double value)
    {
        double lo = Log ? Math.Log10(DomainMin) : DomainMin;
        double hi = Log ? Math.Log10(DomainMax) : DomainMax;
        double v = Log ? Math.Log10(value) : value;
        double t = hi == lo ? 0.5 : (v - lo) / (hi - lo);
        return RangeMin + t * (RangeMax - RangeMin);
    }
}

/// <summary>Ticks on an axis: the (possibly widened) domain they cover, their values and their labels.</summary>
/// <param name="Min">The axis' lower end.</param>
/// <param name="Max">The axis' upper end.</param>
/// <param name="Values">The tick values, increasing, all within [Min, Max].</param>
/// <param name="Labels">One label per tick.</param>
public sealed record TickSet(double Min, double Max, IReadOnlyList<double> Values, IReadOnlyList<string> Labels);

/// <summary>Tick placement: nice numbers (1, 2, 5 × 10^k), decades on log axes, calendar steps on date axes.</summary>
public static class Ticks
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly double[] Mantissas = [1, 2, 5];

    /// <summary>The smallest nice number (1, 2 or 5 × 10^k) at least <paramref name="rough"/>.</summary>
    public static double NiceStep(double rough)
    {
        if (!(rough > 0) || !double.IsFinite(rough)) throw new ArgumentOutOfRangeException(nameof(rough), rough, "a step must be positive and finite");
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        foreach (double m in Mantissas)
        {
            // The tolerance keeps 0.3/0.1 = 2.9999999999999996 from choosing the next mantissa up.
            if (m * power >= rough * (1 - 1e-9)) return m * power;
        }
        return 10 * power;
    }

    /// <summary>The next nice number above a nice step: 1 → 2 → 5 → 10.</summary>
    public static double NextNiceStep(double step) => NiceStep(step * 1.5);

    /// <summary>
    /// Ticks for a linear axis: the largest count up to <paramref name="maxCount"/> of evenly spaced nice values whose
    /// outer ticks enclose [<paramref name="min"/>, <paramref name="max"/>]; the axis is widened to those outer ticks.
    /// </summary>
    /// <param name="min">The smallest data value.</param>
    /// <param name="max">The largest data value.</param>
    /// <param name="maxCount">The most ticks wanted; at least 3 are allowed, since data on both sides of 0 needs them.</param>
    /// <param name="minStep">The smallest step allowed (1 for integer axes such as epochs), or 0.</param>
    public static TickSet Linear(double min, double max, int maxCount, double minStep = 0)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) throw new ArgumentException($"axis bounds must be finite, got [{min}, {max}]");
        if (min > max) (min, max) = (max, min);
        if (min == max)
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        maxCount = Math.Max(3, maxCount);
        double step = NiceStep(Math.Max((max - min) / (maxCount - 1), minStep > 0 ? minStep : double.Epsilon));
        while (true)
        {
            double first = Math.Floor(min / step + 1e-9), last = Math.Ceiling(max / step - 1e-9);
            if (last - first + 1 <= maxCount) return Build(first, last, step);
            step = NextNiceStep(step);
        }
    }

    /// <summary>
    /// Ticks at the multiples of <paramref name="step"/> within [<paramref name="min"/>, <paramref name="max"/>],
    /// labelled as <see cref="Linear"/> labels them; the axis is not widened.
    /// </summary>
    public static TickSet Within(double min, double max, double step)
    {
        if (!(step > 0) || !double.IsFinite(step)) throw new ArgumentOutOfRangeException(nameof(step), step, "a step must be positive and finite");
        double first = Math.Ceiling(min / step - 1e-9), last = Math.Floor(max / step + 1e-9);
        if (last < first) return new TickSet(min, max, [], []);
        return Build(first, last, step) with { Min = min, Max = max };
    }

    /// <summary>
    /// Whether a log axis suits these values better than a linear one: every finite value is positive and the largest
    /// is more than ten times the smallest. Within one decade a log axis only squashes a curve (a loss from 1.6 to 1.1
    /// would be a flat line near the bottom of a 1 to 10 axis); a linear axis spreads it over the plot.
    /// </summary>
    /// <param name="values">The values to plot; non-finite ones (gaps) are ignored.</param>
    public static bool PreferLog(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (!double.IsFinite(v)) continue;
            if (!(v > 0)) return false;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return max > 10 * min;
    }

    /// <summary>Ticks for a log10 axis over positive data: decades, with 2 and 5 between them when the axis spans two
    /// decades or fewer, and every second (third, ...) decade from the bottom when it spans many. The axis is widened
    /// to whole decades.</summary>
    public static TickSet Log(double min, double max)
    {
        var (lo, hi) = DecadeRange(min, max);
        if (hi <= lo) { if (hi < MaxDecade) hi++; else lo--; }
        int decades = hi - lo;
        var values = new List<double>();
        if (decades <= 2)
        {
            for (int k = lo; k <= hi; k++)
            {
                foreach (double m in Mantissas)
                {
                    if (k == hi && m > 1) break;
                    values.Add(Pow10(k) * m);
                }
            }
        }
        else
        {
            int every = DecadeStep(decades, 7);
            for (int k = lo; k <= hi; k++)
                if ((k - lo) % every == 0) values.Add(Pow10(k));
        }
        return new TickSet(Pow10(lo), Pow10(hi), values, values.Select(FormatLog).ToArray());
    }

    /// <summary>
    /// Ticks for a log10 axis of whole decades only, labelled 10⁻², 10⁰, 10³: every decade, or every second (third, ...)
    /// so that at most <paramref name="maxCount"/> are labelled, on multiples of that step so that 10⁰ is one when in
    /// range. The axis is widened to whole decades, then to labelled ones, so that both ends carry a label; an axis of
    /// fewer than two decades gets one more at each end.
    /// </summary>
    /// <param name="min">The smallest positive data value.</param>
    /// <param name="max">The largest data value.</param>
    /// <param name="maxCount">The most labelled decades, at least 2.</param>
    public static TickSet Decades(double min, double max, int maxCount)
    {
        var (lo, hi) = DecadeRange(min, max);
        if (hi - lo < 2) { lo = Math.Max(MinDecade, lo - 1); hi = Math.Min(MaxDecade, hi + 1); }
        maxCount = Math.Max(2, maxCount);
        // Widening to multiples of the step can add a label at each end, so a step may have to grow once more; it
        // grows on while the widened ends would leave the range of double (10³⁰⁸ down to 10⁻³²³).
        int least = DecadeStep(hi - lo, maxCount);
        for (int step = least; step <= hi - lo; step++)
        {
            int first = (int)Math.Floor(lo / (double)step) * step, last = (int)Math.Ceiling(hi / (double)step) * step;
            int count = (last - first) / step + 1;
            if (count > maxCount || first < MinDecade || last > MaxDecade) continue;
            return DecadeTicks(first, last, first, step);
        }
        // An axis across nearly all of double's range cannot widen: it labels the multiples of the step inside it.
        return DecadeTicks(lo, hi, (int)Math.Ceiling(lo / (double)least) * least, least);
    }

    /// <summary>An axis from 10^<paramref name="lo"/> to 10^<paramref name="hi"/> labelled every <paramref name="step"/>
    /// decades from 10^<paramref name="first"/>.</summary>
    private static TickSet DecadeTicks(int lo, int hi, int first, int step)
    {
        var exponents = new List<int>();
        for (int k = first; k <= hi; k += step) exponents.Add(k);
        return new TickSet(Pow10(lo), Pow10(hi), exponents.Select(Pow10).ToArray(), exponents.Select(PowerOfTen).ToArray());
    }

    // The decades a double can reach: 10³⁰⁸ is finite and 10⁻³²³ above 0 (a subnormal).
    private const int MaxDecade = 308, MinDecade = -323;

    /// <summary>The whole decades enclosing [<paramref name="min"/>, <paramref name="max"/>], as powers of ten.</summary>
    private static (int Lo, int Hi) DecadeRange(double min, double max)
    {
        if (!(min > 0) || !(max > 0) || !double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException($"a log axis needs positive finite bounds, got [{min}, {max}]");
        if (min > max) (min, max) = (max, min);
        // Clamped to the decades a double can reach; a value beyond them sits within a pixel of the axis' end.
        return (Math.Max(MinDecade, (int)Math.Floor(Math.Log10(min) + 1e-9)), Math.Min(MaxDecade, (int)Math.Ceiling(Math.Log10(max) - 1e-9)));
    }

    /// <summary>The fewest decades between labels that leave at most <paramref name="maxCount"/> labels over <paramref name="decades"/>.</summary>
    private static int DecadeStep(int decades, int maxCount) => Math.Max(1, (decades + maxCount - 2) / (maxCount - 1));

    /// <summary>10 with a superscript exponent: 10⁻¹⁵, 10⁰, 10¹⁴.</summary>
    public static string PowerOfTen(int exponent)
    {
        const string digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        var text = Math.Abs(exponent).ToString(Invariant);
        return "10" + (exponent < 0 ? "⁻" : "") + string.Concat(text.Select(c => digits[c - '0']));
    }

    /// <summary>A label for a log-axis tick: plain below 100 000 and from 0.001, otherwise "1e-5" style.</summary>
    public static string FormatLog(double value)
    {
        if (value >= 1e-3 && value < 1e5) return value.ToString("0.######", Invariant);
        int exponent = (int)Math.Floor(Math.Log10(value) + 1e-9);
        double mantissa = Math.Round(value / Pow10(exponent), 2);
        string m = mantissa == 1 ? "1" : mantissa.ToString("0.##", Invariant);
        return $"{m}e{exponent.ToString(Invariant)}";
    }

    /// <summary>The decimals a step needs to be written exactly (0.25 → 2, 5 → 0).</summary>
    public static int Decimals(double step)
    {
        for (int d = 0; d < 12; d++)
        {
            double scaled = step * Math.Pow(10, d);
            if (Math.Round(scaled) >= 1 && Math.Abs(scaled - Math.Round(scaled)) < 1e-6 * scaled) return d;
        }
        return 12;
    }

    private static TickSet Build(double first, double last, double step)
    {
        int decimals = Decimals(step);
        string format = "N" + decimals.ToString(Invariant);
        var values = new List<double>();
        var labels = new List<string>();
        for (double k = first; k <= last; k++)
        {
            double v = Math.Round(k * step, Math.Min(15, decimals + 1));
            if (v == 0) v = 0; // no "-0"
            values.Add(v);
            labels.Add(v.ToString(format, Invariant));
        }
        return new TickSet(values[0], values[^1], values, labels);
    }

    /// <summary>10^<paramref name="k"/>, exactly as the literal 1e<paramref name="k"/> (Math.Pow can be an ulp off).</summary>
    private static double Pow10(int k) => double.Parse("1e" + k.ToString(Invariant), Invariant);

    // ---- dates ---------------------------------------------------------------------------------------------------

    private enum DateUnit { Day, Week, Month, Year }

    private readonly record struct DateStep(DateUnit Unit, int Count)
    {
        /// <summary>The shortest gap between two ticks, in days.</summary>
        public int MinDays => Unit switch
        {
            DateUnit.Day => Count,
            DateUnit.Week => 7 * Count,
            DateUnit.Month => Count switch { 1 => 28, 2 => 59, 3 => 89, _ => 181 },
            _ => 365 * Count,
        };

        /// <summary>The label format: ISO dates for day and week steps, "Jan 2024" for months, "2024" for years.</summary>
        public string Format => Unit switch
        {
            DateUnit.Day or DateUnit.Week => "yyyy-MM-dd",
            DateUnit.Month => "MMM yyyy",
            _ => "yyyy",
        };
    }

    private static readonly DateStep[] DateSteps =
    [
        new(DateUnit.Day, 1), new(DateUnit.Day, 2), new(DateUnit.Day, 3), new(DateUnit.Week, 1), new(DateUnit.Week, 2),
        new(DateUnit.Month, 1), new(DateUnit.Month, 2), new(DateUnit.Month, 3), new(DateUnit.Month, 6),
        new(DateUnit.Year, 1), new(DateUnit.Year, 2), new(DateUnit.Year, 5), new(DateUnit.Year, 10), new(DateUnit.Year, 20),
        new(DateUnit.Year, 50), new(DateUnit.Year, 100), new(DateUnit.Year, 200), new(DateUnit.Year, 500), new(DateUnit.Year, 1000),
    ];

    /// <summary>
    /// Calendar ticks between two dates (as <see cref="DateOnly.DayNumber"/>): the finest of days, weeks (Mondays),
    /// months, quarters, half years and years whose labels, <paramref name="charWidth"/> pixels a character, fit
    /// side by side with a gap in <paramref name="pixels"/>, or just the two ends when no step gives two ticks. The axis
    /// is not widened.
    /// </summary>
    public static TickSet Dates(double fromDay, double toDay, double pixels, double charWidth)
    {
        if (toDay < fromDay) (fromDay, toDay) = (toDay, fromDay);
        var from = DateOnly.FromDayNumber((int)Math.Ceiling(fromDay));
        var to = DateOnly.FromDayNumber((int)Math.Floor(toDay));
        double pixelsPerDay = pixels / Math.Max(1, toDay - fromDay);
        foreach (var step in DateSteps)
        {
            double labelWidth = step.Format.Length * charWidth;
            if (step.MinDays * pixelsPerDay < labelWidth + 2 * charWidth + 8) continue;
            var dates = DateTicks(from, to, step);
            if (dates.Count < 2) break; // coarser steps give no more

            return new TickSet(fromDay, toDay, dates.Select(d => (double)d.DayNumber).ToArray(),
                dates.Select(d => d.ToString(step.Format, Invariant)).ToArray());
        }
        // Too narrow for two ticks of any calendar step inside the range: label the ends.
        var ends = from == to ? new[] { from } : new[] { from, to };
        return new TickSet(fromDay, toDay, ends.Select(d => (double)d.DayNumber).ToArray(),
            ends.Select(d => d.ToString("yyyy-MM-dd", Invariant)).ToArray());
    }

    private static List<DateOnly> DateTicks(DateOnly from, DateOnly to, DateStep step)
    {
        var result = new List<DateOnly>();
        if (to < from) return result;
        switch (step.Unit)
        {
            case DateUnit.Day:
                for (var d = from; d <= to; d = d.AddDays(1))
                    if (d.DayNumber % step.Count == 0) result.Add(d);
                break;
            case DateUnit.Week:
                // DayNumber 0 (0001-01-01) is a Monday, so Mondays are multiples of 7.
                int firstMonday = (from.DayNumber + 6) / 7 * 7;
                for (int day = firstMonday; day <= to.DayNumber; day += 7)
                    if ((day / 7) % step.Count == 0) result.Add(DateOnly.FromDayNumber(day));
                break;
            case DateUnit.Month:
                var month = new DateOnly(from.Year, from.Month, 1);
                if (month < from) month = month.AddMonths(1);
                for (; month <= to; month = month.AddMonths(1))
                    if ((month.Month - 1) % step.Count == 0) result.Add(month);
                break;
            default:
                int year = from.Month == 1 && from.Day == 1 ? from.Year : from.Year + 1;
                for (; year <= to.Year; year++)
                    if (year % step.Count == 0) result.Add(new DateOnly(year, 1, 1));
                break;
        }
        return result;
    }
}
