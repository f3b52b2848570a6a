using System.Globalization;

namespace Unroll.Data.Tests;

public sealed class FrequencyTests
{
    private static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly[] RealDates(string name) =>
        File.ReadAllLines(TestFiles.Fixture(Path.Combine("dates", name + ".txt"))).Where(l => l.Length > 0).Select(D).ToArray();

    /// <summary>The dates of the forecast suite's files (fixtures/dates/README.md) and what R's ts frequency would be.</summary>
    [Theory]
    [InlineData("gas", Spacing.Months, 12, "monthly, season 12")]
    [InlineData("woolyrnq", Spacing.Quarters, 4, "quarterly, season 4")]
    [InlineData("airmiles", Spacing.Years, 1, "yearly, season 1")]
    [InlineData("gold", Spacing.BusinessDays, 5, "business daily, season 5")]
    [InlineData("msft_close", Spacing.BusinessDays, 5, "business daily, season 5")]
    [InlineData("taylor_daily", Spacing.Days, 7, "daily, season 7")]
    public void Infer_RealSeries_GivesItsSpacingAndSeason(string file, Spacing spacing, int season, string described)
    {
        var f = Frequency.Infer(RealDates(file));

        Assert.Equal(spacing, f.Spacing);
        Assert.Equal(season, f.Season);
        Assert.True(f.IsRegular);
        Assert.Null(f.Reason);
        Assert.False(f.SeasonGiven);
        Assert.Equal(described, f.Describe());
    }

    [Fact]
    public void NextDates_PastTheLastDateThereIs_IsADataErrorNamingIt()
    {
        var monthly = Frequency.Infer(Enumerable.Range(0, 24).Select(i => new DateOnly(9998, 1, 1).AddMonths(i)).ToArray());
        Assert.Equal([D("9999-12-01")], monthly.NextDates(D("9999-11-01"), 1));
        var e = Assert.Throws<DataException>(() => monthly.NextDates(D("9999-11-01"), 3));
        Assert.Contains("the 3 step(s) after 9999-11-01 would pass 9999-12-31", e.Message);
    }

    [Fact]
    public void Infer_RealSeries_NextDatesContinueTheSeries()
    {
        Assert.Equal([D("1995-09-01"), D("1995-10-01")], Frequency.Infer(RealDates("gas")).NextDates(D("1995-08-01"), 2));
        Assert.Equal([D("1994-10-01"), D("1995-01-01")], Frequency.Infer(RealDates("woolyrnq")).NextDates(D("1994-07-01"), 2));
        Assert.Equal([D("1961-01-01")], Frequency.Infer(RealDates("airmiles")).NextDates(D("1960-01-01"), 1));
        // 1989-03-31 was a Friday: the next business days are Monday 3 April on.
        Assert.Equal([D("1989-04-03"), D("1989-04-04")], Frequency.Infer(RealDates("gold")).NextDates(D("1989-03-31"), 2));
        Assert.Equal([D("2000-08-28"), D("2000-08-29")], Frequency.Infer(RealDates("taylor_daily")).NextDates(D("2000-08-27"), 2));
    }

    private static DateOnly[] Steps(DateOnly start, int count, Func<DateOnly, DateOnly> next)
    {
        var dates = new DateOnly[count];
        dates[0] = start;
        for (int i = 1; i < count; i++) dates[i] = next(dates[i - 1]);
        return dates;
    }

    private static DateOnly NextWeekday(DateOnly d)
    {
        do d = d.AddDays(1); while (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        return d;
    }

    [Fact]
    public void Infer_MonthEnds_AreMonthlyAndContinueAtMonthEnds()
    {
        var dates = Steps(D("2023-01-31"), 14, d => { var m = d.AddMonths(1); return new DateOnly(m.Year, m.Month, DateTime.DaysInMonth(m.Year, m.Month)); });

        var f = Frequency.Infer(dates);

        Assert.Equal(Spacing.Months, f.Spacing);
        Assert.True(f.EndOfMonth);
        Assert.Equal(D("2024-02-29"), dates[^1]);
        Assert.Equal([D("2024-03-31"), D("2024-04-30"), D("2024-05-31")], f.NextDates(dates[^1], 3));
    }

    [Fact]
    public void Infer_FirstTradingDayOfEachMonth_IsMonthly()
    {
        // Day of month 1 to 4: still one calendar month apart, within a week of 30.4 days.
        var dates = new[] { "2020-01-02", "2020-02-03", "2020-03-02", "2020-04-01", "2020-05-01", "2020-06-01", "2020-07-01" }.Select(D).ToArray();

        var f = Frequency.Infer(dates);

        Assert.Equal(Spacing.Months, f.Spacing);
        Assert.False(f.EndOfMonth);
    }

    [Fact]
    public void Infer_MonthlyWithAMissingMonth_IsIrregularAndNamesTheGap()
    {
        var dates = Steps(D("1990-01-01"), 24, d => d.AddMonths(1)).Where(d => d != D("1990-04-01")).ToArray();

        var f = Frequency.Infer(dates);

        Assert.Equal(Spacing.Irregular, f.Spacing);
        Assert.Equal(1, f.Season);
        Assert.False(f.IsRegular);
        Assert.Contains("1990-05-01 comes 2 months after 1990-03-01", f.Reason);
        Assert.Contains("monthly", f.Reason);
        Assert.StartsWith("irregular (1990-05-01", f.Describe());
        Assert.EndsWith(", season 1", f.Describe());
    }

    [Fact]
    public void Infer_QuarterlyOnLastDayOfQuarter_IsQuarterly()
    {
        var dates = new[] { "2019-03-31", "2019-06-30", "2019-09-30", "2019-12-31", "2020-03-31" }.Select(D).ToArray();

        var f = Frequency.Infer(dates);

        Assert.Equal(Spacing.Quarters, f.Spacing);
        Assert.Equal(4, f.Season);
        Assert.Equal([D("2020-06-30"), D("2020-09-30")], f.NextDates(dates[^1], 2));
    }

    [Fact]
    public void Infer_Weekly_IsSeason52AndToleratesAMissingWeek()
    {
        var dates = Steps(D("2021-01-04"), 60, d => d.AddDays(7)).Where(d => d != D("2021-03-01")).ToArray();

        var f = Frequency.Infer(dates);

        Assert.Equal(Spacing.Weeks, f.Spacing);
        Assert.Equal(52, f.Season);
        Assert.Equal([D("2022-03-07")], f.NextDates(D("2022-02-28"), 1));
    }

    [Fact]
    public void Infer_WeekdaysWithHolidays_AreBusinessDays()
    {
        // Four weeks of weekdays without New Year's Day and the Friday of the second week.
        var dates = Steps(D("2024-01-01"), 20, NextWeekday).Where(d => d != D("2024-01-01") && d != D("2024-01-12")).ToArray();

        var f = Frequency.Infer(dates);

        Assert.Equal(Spacing.BusinessDays, f.Spacing);
        Assert.Equal(5, f.Season);
        // Friday 26 January: the next is Monday.
        Assert.Equal([D("2024-01-29"), D("2024-01-30")], f.NextDates(D("2024-01-26"), 2));
    }

    [Fact]
    public void Infer_WeekdaysWithinOneWeek_AreDaysForLackOfAWeekend()
    {
        var f = Frequency.Infer(Steps(D("2024-01-01"), 5, d => d.AddDays(1)));   // Monday to Friday

        Assert.Equal(Spacing.Days, f.Spacing);
        Assert.Equal(7, f.Season);
    }

    [Fact]
    public void Infer_EveryDayWithARareMissingDay_IsDaily()
    {
        var dates = Steps(D("2024-01-01"), 60, d => d.AddDays(1)).Where(d => d != D("2024-01-20")).ToArray();

        Assert.Equal(Spacing.Days, Frequency.Infer(dates).Spacing);
    }

    [Fact]
    public void Infer_DailyWithManyMissingDays_IsIrregularAndSaysHowMany()
    {
        // Every day, but each seventh missing: about 8 of 51 steps skip.
        var dates = Steps(D("2024-01-01"), 60, d => d.AddDays(1)).Where(d => d.DayNumber % 7 != 0).ToArray();

        var f = Frequency.Infer(dates);

        Assert.Equal(Spacing.Irregular, f.Spacing);
        Assert.Contains("steps skip days", f.Reason);
        Assert.Contains("more than 10%", f.Reason);
    }

    [Fact]
    public void Infer_BusinessDaysWithAGapOfTwoWeeks_IsIrregularAndNamesTheGap()
    {
        var dates = Steps(D("2024-01-01"), 60, NextWeekday).Where(d => d < D("2024-01-15") || d >= D("2024-01-29")).ToArray();

        var f = Frequency.Infer(dates);

        Assert.Equal(Spacing.Irregular, f.Spacing);
        Assert.Equal("2024-01-29 comes 11 business days after 2024-01-12: more than 5 business days missing in business daily data", f.Reason);
    }

    [Fact]
    public void Infer_MixedSpacing_IsIrregular()
    {
        var dates = new[] { "2020-01-01", "2020-01-02", "2020-02-15", "2020-05-01" }.Select(D).ToArray();

        var f = Frequency.Infer(dates);

        Assert.Equal(Spacing.Irregular, f.Spacing);
        Assert.NotNull(f.Reason);
        Assert.Throws<InvalidOperationException>(() => f.NextDates(D("2020-05-01"), 1));
    }

    [Fact]
    public void Infer_EveryTwoMonths_IsIrregularAndSaysWhy()
    {
        var f = Frequency.Infer(Steps(D("2020-01-01"), 6, d => d.AddMonths(2)));

        Assert.Equal(Spacing.Irregular, f.Spacing);
        Assert.Contains("2 months apart most often", f.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Infer_FewerThanTwoDates_IsIrregular(int count)
    {
        var f = Frequency.Infer(Steps(D("2020-01-01"), Math.Max(count, 1), d => d).Take(count).ToArray());

        Assert.Equal(Spacing.Irregular, f.Spacing);
        Assert.Contains("at least two", f.Reason);
    }

    [Fact]
    public void Infer_TwoDatesAMonthApart_IsMonthly()
        => Assert.Equal(Spacing.Months, Frequency.Infer([D("2020-01-01"), D("2020-02-01")]).Spacing);

    [Fact]
    public void Infer_DatesNotIncreasing_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Frequency.Infer([D("2020-01-02"), D("2020-01-02")]));
        Assert.Contains("dates must increase", e.Message);
    }

    [Fact]
    public void WithSeason_OverridesAndSaysSo()
    {
        var f = Frequency.Of(Spacing.Months).WithSeason(6);

        Assert.Equal(6, f.Season);
        Assert.True(f.SeasonGiven);
        Assert.Equal("monthly, season 6 (given)", f.Describe());
        Assert.Throws<ArgumentOutOfRangeException>(() => f.WithSeason(0));
    }

    [Fact]
    public void NextDates_From31January_ClampsToEachMonthsLength()
    {
        var f = Frequency.Of(Spacing.Months);

        Assert.Equal([D("2024-02-29"), D("2024-03-31"), D("2024-04-30")], f.NextDates(D("2024-01-31"), 3));
        Assert.Empty(f.NextDates(D("2024-01-31"), 0));
    }

    [Fact]
    public void NextDates_Yearly_From29February_GivesTheLastDayOfFebruary()
        => Assert.Equal([D("2025-02-28")], Frequency.Of(Spacing.Years).NextDates(D("2024-02-29"), 1));

    [Fact]
    public void Infer_TimeSeries_UsesItsDates()
    {
        var dates = Steps(D("2000-01-01"), 8, d => d.AddMonths(3));
        var series = new TimeSeries("s", dates.Select(d => d.ToDateTime(TimeOnly.MinValue)).ToArray(), new double[8]);

        Assert.Equal(Spacing.Quarters, Frequency.Infer(series).Spacing);
    }
}
