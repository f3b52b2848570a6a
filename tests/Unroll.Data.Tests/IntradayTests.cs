using System.Globalization;
using System.Text;
using Unroll.Data;
using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>Timestamps with a time of day and a time zone: read with the clock time as written; the spacing and
/// season inferred from them; the times after the last laid out as the data's session.</summary>
public sealed class IntradayTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static DateTime T(string iso) => DateTime.ParseExact(iso, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A trading session of half hours from 09:30 to 16:00 (14 bars) on the weekdays from
    /// <paramref name="first"/>, for <paramref name="days"/> weekdays.</summary>
    private static List<DateTime> Session(DateTime first, int days)
    {
        var times = new List<DateTime>();
        var day = first.Date;
        for (int d = 0; d < days; day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            for (var t = day.AddHours(9.5); t <= day.AddHours(16); t = t.AddMinutes(30)) times.Add(t);
            d++;
        }
        return times;
    }

    [Theory]
    [InlineData("2024-01-02 09:30:00", "2024-01-02 09:30")]
    [InlineData("2024-01-02T09:30:00Z", "2024-01-02 09:30")]
    [InlineData("2024-01-02 09:30:00-05:00", "2024-01-02 09:30")]
    [InlineData("2024-01-02T09:30:15+0100", "2024-01-02 09:30:15")]
    [InlineData("2024-01-02 9:30", "2024-01-02 09:30")]
    [InlineData("2024-01-02 09:30:00.250 UTC", "2024-01-02 09:30:00.25")]
    public void Timestamp_IsReadWithTheClockTimeAsWritten(string field, string expected)
    {
        var set = CsvSeriesReader.Parse($"date,price\n{field},1\n", "x.csv");

        Assert.Equal(expected, Timestamps.Format(set.Series[0].Dates[0]));
    }

    [Fact]
    public void MidnightTimestamps_AreDates()
    {
        var set = CsvSeriesReader.Parse("date,price\n2024-01-02 00:00:00,1\n2024-01-03T00:00:00Z,2\n", "x.csv");

        Assert.Equal([new DateTime(2024, 1, 2), new DateTime(2024, 1, 3)], set.Series[0].Dates);
        Assert.Equal("2024-01-02", Timestamps.Format(set.Series[0].Dates[0]));
    }

    [Fact]
    public void Hourly_AroundTheClock_IsIntradayWithSeason24()
    {
        var times = Enumerable.Range(0, 24 * 5).Select(h => new DateTime(2024, 3, 1).AddHours(h)).ToArray();

        var f = Frequency.Infer(times);

        Assert.Equal(Spacing.Intraday, f.Spacing);
        Assert.Equal(TimeSpan.FromHours(1), f.Step);
        Assert.Equal(24, f.Season);
        Assert.Equal("intraday, every hour, season 24", f.Describe());
        Assert.Equal([T("2024-03-05 23:00").AddHours(1), T("2024-03-06 01:00")], f.NextDates(times[^1], 2));
    }

    [Fact]
    public void TradingSession_OvernightAndWeekendAreOneStep_NextTimesFollowTheSession()
    {
        // Wednesday 2024-01-03 to Tuesday 2024-01-09: 5 weekdays of 14 bars.
        var times = Session(new DateTime(2024, 1, 3), 5);

        var f = Frequency.Infer(times);

        Assert.Equal(Spacing.Intraday, f.Spacing);
        Assert.Equal(TimeSpan.FromMinutes(30), f.Step);
        Assert.Equal(14, f.Season);
        Assert.Equal("intraday, every 30 minutes, season 14", f.Describe());
        // The last bar is Tuesday 16:00; the next are Wednesday 09:30, 10:00.
        Assert.Equal(T("2024-01-09 16:00"), times[^1]);
        Assert.Equal([T("2024-01-10 09:30"), T("2024-01-10 10:00")], f.NextDates(times[^1], 2));
        // From Friday's close, the next bar is Monday's open.
        var friday = times.Where(t => t.DayOfWeek == DayOfWeek.Friday).Max();
        Assert.Equal([T("2024-01-08 09:30")], f.NextDates(friday, 1));
    }

    [Theory]
    [InlineData(11, "intraday, every 11 minutes, season 131")]   // 00:00, 00:11, … 23:50: 131 a day
    [InlineData(120, "intraday, every 2 hours, season 12")]
    public void Describe_NamesTheStep(int minutes, string expected)
    {
        var times = new List<DateTime>();
        for (var day = new DateTime(2024, 3, 1); day < new DateTime(2024, 3, 4); day = day.AddDays(1))
            for (int m = 0; m < 24 * 60; m += minutes) times.Add(day.AddMinutes(m));

        Assert.Equal(expected, Frequency.Infer(times).Describe());
    }

    [Fact]
    public void TradingSession_AMissingBarNowAndThen_IsStillIntraday()
    {
        var times = Session(new DateTime(2024, 1, 3), 5);
        times.RemoveAt(20);

        Assert.Equal(Spacing.Intraday, Frequency.Infer(times).Spacing);
    }

    [Fact]
    public void OffTheGridTime_IsIrregular_SayingWhere()
    {
        var times = Session(new DateTime(2024, 1, 3), 3);
        times[5] = times[5].AddMinutes(7);

        var f = Frequency.Infer(times);

        Assert.Equal(Spacing.Irregular, f.Spacing);
        Assert.Contains("2024-01-03 12:07 comes 37 minutes after 2024-01-03 11:30", f.Reason);
        Assert.Contains("30 minutes apart", f.Reason);
    }

    [Fact]
    public void ALongBreakBetweenDays_IsIrregular()
    {
        var times = Session(new DateTime(2024, 1, 3), 2).Concat(Session(new DateTime(2024, 2, 1), 2)).ToArray();

        var f = Frequency.Infer(times);

        Assert.Equal(Spacing.Irregular, f.Spacing);
        Assert.Contains("more than 5 days", f.Reason);
    }

    [Fact]
    public void DailyCloseStampedWithATime_IsBusinessDaily_AndKeepsTheTime()
    {
        var days = Session(new DateTime(2024, 1, 3), 10).Where(t => t.Hour == 16).ToArray();

        var f = Frequency.Infer(days);

        Assert.Equal(Spacing.BusinessDays, f.Spacing);
        Assert.Equal(5, f.Season);
        Assert.Equal([T("2024-01-17 16:00"), T("2024-01-18 16:00")], f.NextDates(days[^1], 2));
    }

    [Fact]
    public void IntradayFile_ReadsEveryBar_AndInfersTheSession()
    {
        var csv = new StringBuilder("Datetime,Open,High,Low,Close,Volume\n");
        var times = Session(new DateTime(2024, 1, 3), 5);
        for (int i = 0; i < times.Count; i++)
        {
            // As a broker writes it: ISO with the exchange's offset.
            csv.Append(CultureInfo.InvariantCulture, $"{times[i]:yyyy-MM-dd HH:mm:ss}-05:00,{100 + i},{101 + i},{99 + i},{100.5 + i},{1000 + i}\n");
        }

        var set = CsvSeriesReader.Parse(csv.ToString(), "spy_30m.csv");
        var s = set.Series[0];

        Assert.Equal("Close", set.TargetColumn);
        Assert.Equal(times, s.Dates);
        Assert.Equal(Spacing.Intraday, Frequency.Infer(s).Spacing);
    }

    [Fact]
    public void DuplicateTimestamp_IsNamed()
    {
        var e = _files.ReadFails("dup.csv", "date,price\n2024-01-02 09:30,1\n2024-01-02 10:00,2\n2024-01-02 10:00,3\n");

        Assert.Equal(4, e.Line);
        Assert.Contains("2024-01-02 10:00", e.Message);
        Assert.Contains("appears twice", e.Message);
    }

    [Theory]
    [InlineData("2024-01-02", "2024-01-02")]
    [InlineData("2024-01-02 09:30", "2024-01-02 09:30")]
    [InlineData("2024-01-02 09:30:05", "2024-01-02 09:30:05")]
    public void Format_ShowsTheTimeOnlyWhenThereIsOne(string iso, string expected)
    {
        var t = DateTime.Parse(iso, CultureInfo.InvariantCulture);

        Assert.Equal(expected, Timestamps.Format(t));
    }
}
