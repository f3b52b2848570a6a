using System.Globalization;
using System.Text;
using Unroll.Data;
using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>The files pandas writes (an unnamed index column first), a date column named by the user, and series
/// aggregated to days, weeks or months.</summary>
public sealed class PandasAndResampleTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static SeriesSet Parse(string csv, CsvReadOptions? options = null) => CsvSeriesReader.Parse(csv, "x.csv", options);

    [Fact]
    public void PandasDateIndex_IsTheDateColumn()
    {
        // df.to_csv() of a frame indexed by an unnamed DatetimeIndex.
        var set = Parse(",Open,Close\n2024-01-02,10,11\n2024-01-03,11,12\n2024-01-04,12,13\n");

        Assert.Equal([new DateTime(2024, 1, 2), new DateTime(2024, 1, 3), new DateTime(2024, 1, 4)], set.Series[0].Dates);
        Assert.Equal("Close", set.TargetColumn);
        Assert.Equal([11.0, 12, 13], set.Series[0].Values);
    }

    [Fact]
    public void PandasRowNumberIndex_IsIgnored_InBothShapes()
    {
        var one = Parse(",date,price\n0,2024-01-02,5\n1,2024-01-03,6\n2,2024-01-04,7\n");
        Assert.Equal([5.0, 6, 7], one.Series[0].Values);

        // A long file whose index comes from a filtered frame: whole numbers, not 0, 1, 2 in order.
        var longFile = Parse("Unnamed: 0,symbol,date,price\n4,A,2024-01-02,5\n7,B,2024-01-02,50\n9,A,2024-01-03,6\n10,B,2024-01-03,60\n");
        Assert.Equal(["A", "B"], longFile.Series.Select(s => s.Symbol));
        Assert.Equal([50.0, 60], longFile.Series[1].Values);
    }

    [Fact]
    public void RowNumberIndex_IsNeverTheTarget()
    {
        // With the index ignored, 'level' is the only numeric column left.
        var set = Parse(",date,level\n0,2024-01-02,5\n1,2024-01-03,6\n");

        Assert.Equal("level", set.TargetColumn);
    }

    [Fact]
    public void UnnamedFirstColumnOfOtherValues_NamesIndexFalse()
    {
        var e = _files.ReadFails("export.csv", ",date,price\nx,2024-01-02,5\ny,2024-01-03,6\n");

        Assert.Equal(2, e.Line);
        Assert.Contains("first column has no name", e.Message);
        Assert.Contains("'x'", e.Message);
        Assert.Contains("index=False", e.Message);
    }

    [Fact]
    public void RepeatedRowNumbers_AreNotAnIndex()
    {
        var e = _files.ReadFails("export.csv", ",date,price\n1,2024-01-02,5\n1,2024-01-03,6\n");

        Assert.Contains("index=False", e.Message);
    }

    [Fact]
    public void UnnamedColumnElsewhere_IsStillRefused()
    {
        var e = _files.ReadFails("gap.csv", "date,,price\n2024-01-02,1,5\n");

        Assert.Contains("column 2 of the header has no name", e.Message);
    }

    [Fact]
    public void DateColumn_NamesTheDates_WhenTheNameIsNotOneUnrollGuesses()
    {
        const string csv = "when,price\n2024-01-02,5\n2024-01-03,6\n";
        var e = Assert.Throws<DataException>(() => Parse(csv));
        Assert.Contains("there is no date column", e.Message);

        var set = Parse(csv, new CsvReadOptions { DateColumn = "WHEN" });
        Assert.Equal(new DateTime(2024, 1, 3), set.Series[0].Dates[1]);
    }

    [Fact]
    public void DateColumn_Unknown_ListsTheColumns()
    {
        var e = Assert.Throws<DataException>(() => Parse("when,price\n2024-01-02,5\n", new CsvReadOptions { DateColumn = "day_of" }));

        Assert.Contains("no column 'day_of'", e.Message);
        Assert.Contains("when, price", e.Message);
    }

    [Fact]
    public void SemicolonsAndDecimalCommas_ReadWithTheCommaMark()
    {
        var set = Parse("Datum;Schluss\n2024-01-02;164,42\n2024-01-03;1.164,5\n",
            new CsvReadOptions { DateColumn = "Datum", Column = "Schluss", DecimalSeparator = ',' });

        Assert.Equal([164.42, 1164.5], set.Series[0].Values);
    }

    /// <summary>Half-hour bars, 09:30 to 16:00, price = the bar's number, volume 1 per bar, over the weekdays from
    /// Wednesday 2024-01-03 for <paramref name="days"/> weekdays.</summary>
    private static string Bars(int days)
    {
        var csv = new StringBuilder("datetime,close,volume\n");
        int bar = 0;
        for (var (day, d) = (new DateTime(2024, 1, 3), 0); d < days; day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            for (var t = day.AddHours(9.5); t <= day.AddHours(16); t = t.AddMinutes(30))
                csv.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-dd HH:mm},{bar++},1\n");
            d++;
        }
        return csv.ToString();
    }

    [Fact]
    public void ResampleDay_TakesTheLastBar_AndSumsWhatIsAsked()
    {
        var set = Parse(Bars(3), new CsvReadOptions { Features = ["volume"], Resample = ResamplePeriod.Day, Sum = ["VOLUME"] });
        var s = set.Series[0];

        Assert.Equal([new DateTime(2024, 1, 3), new DateTime(2024, 1, 4), new DateTime(2024, 1, 5)], s.Dates);
        Assert.Equal([13.0, 27, 41], s.Values);              // 14 bars a day: the last is bar 13, 27, 41
        Assert.All(s.FeatureColumn(0), v => Assert.Equal(14.0, v)); // volume summed over the 14 bars
        var r = set.Resampled!;
        Assert.Equal((ResamplePeriod.Day, 42, 3), (r.Period, r.RowsRead, r.Points));
        Assert.Equal(["volume"], r.Summed);
        // Across a weekend, the days are business days.
        var week = Parse(Bars(6), new CsvReadOptions { Resample = ResamplePeriod.Day }).Series[0];
        Assert.Equal(Spacing.BusinessDays, Frequency.Infer(week).Spacing);
    }

    private static DateTime[] Days(DateTime from, DateTime to, bool weekdays)
        => Enumerable.Range(0, (to - from).Days + 1).Select(i => from.AddDays(i))
            .Where(d => !weekdays || d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToArray();

    [Fact]
    public void StopsShort_OnlyWhenTheRowsEndWellBeforeThePeriodDoes()
    {
        // Trading days: March 2024 ends on a Sunday, its last row on Friday the 29th, a gap no longer than a weekend.
        Assert.False(Resampling.StopsShort(Days(new(2024, 1, 1), new(2024, 3, 29), weekdays: true), ResamplePeriod.Month));
        Assert.True(Resampling.StopsShort(Days(new(2024, 1, 1), new(2024, 3, 15), weekdays: true), ResamplePeriod.Month));
        // Every calendar day: one missing day at the end is short of the month; a Wednesday is short of its week.
        Assert.True(Resampling.StopsShort(Days(new(2024, 1, 1), new(2024, 3, 30), weekdays: false), ResamplePeriod.Month));
        Assert.False(Resampling.StopsShort(Days(new(2024, 1, 1), new(2024, 3, 31), weekdays: false), ResamplePeriod.Month));
        Assert.True(Resampling.StopsShort(Days(new(2024, 1, 1), new(2024, 3, 13), weekdays: true), ResamplePeriod.Week));
        Assert.False(Resampling.StopsShort(Days(new(2024, 1, 1), new(2024, 3, 15), weekdays: true), ResamplePeriod.Week));
        // Monthly rows dated on the 1st, weekly rows on Mondays: each row is its whole period.
        var months = Enumerable.Range(0, 24).Select(i => new DateTime(2022, 1, 1).AddMonths(i)).ToArray();
        Assert.False(Resampling.StopsShort(months, ResamplePeriod.Month));
        var mondays = Enumerable.Range(0, 20).Select(i => new DateTime(2024, 1, 1).AddDays(7 * i)).ToArray();
        Assert.False(Resampling.StopsShort(mondays, ResamplePeriod.Week));
        // Bars to days: a session that ends at noon is not told apart from a short one (a night is a longer gap).
        Assert.False(Resampling.StopsShort([new(2024, 1, 2, 9, 30, 0), new(2024, 1, 2, 16, 0, 0), new(2024, 1, 3, 9, 30, 0), new(2024, 1, 3, 12, 0, 0)], ResamplePeriod.Day));
        Assert.False(Resampling.StopsShort([new(2024, 3, 1)], ResamplePeriod.Month));
        Assert.False(Resampling.StopsShort(Days(new(2024, 1, 1), new(2024, 3, 15), weekdays: true), ResamplePeriod.None));
    }

    [Fact]
    public void ResampleMonth_NamesTheSeriesWhoseLastMonthStopsShort()
    {
        var csv = new StringBuilder("symbol,date,price\n");
        foreach (var (symbol, end) in new[] { ("WHOLE", new DateTime(2024, 3, 29)), ("SHORT", new DateTime(2024, 3, 15)) })
            foreach (var d in Days(new(2024, 1, 1), end, weekdays: true))
                csv.Append(CultureInfo.InvariantCulture, $"{symbol},{d:yyyy-MM-dd},{d.Day}\n");

        var r = Parse(csv.ToString(), new CsvReadOptions { Resample = ResamplePeriod.Month }).Resampled!;

        Assert.Equal([new PartialPeriod("SHORT", new DateTime(2024, 3, 31), new DateTime(2024, 3, 15))], r.PartialLast);
        Assert.Empty(Parse(csv.ToString(), new CsvReadOptions { Resample = ResamplePeriod.Month, Symbols = ["WHOLE"] }).Resampled!.PartialLast);
    }

    [Fact]
    public void ResampleDay_WithoutSum_TakesTheLastValueOfEveryColumn()
    {
        var set = Parse(Bars(2), new CsvReadOptions { Features = ["volume"], Resample = ResamplePeriod.Day });

        Assert.All(set.Series[0].FeatureColumn(0), v => Assert.Equal(1.0, v));
        Assert.Empty(set.Resampled!.Summed);
    }

    [Fact]
    public void ResampleWeek_DatesEachWeekOnItsSunday_AndIsWeekly()
    {
        var csv = new StringBuilder("date,price\n");
        for (var (day, i) = (new DateTime(2024, 1, 1), 0); day < new DateTime(2024, 3, 1); day = day.AddDays(1), i++)
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) csv.Append(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd},{i}\n");

        var s = Parse(csv.ToString(), new CsvReadOptions { Resample = ResamplePeriod.Week }).Series[0];

        Assert.Equal(new DateTime(2024, 1, 7), s.Dates[0]);   // Monday 1 to Friday 5 January: the week ending Sunday the 7th
        Assert.Equal(4.0, s.Values[0]);                       // Friday's value
        Assert.All(s.Dates, d => Assert.Equal(DayOfWeek.Sunday, d.DayOfWeek));
        Assert.Equal(Spacing.Weeks, Frequency.Infer(s).Spacing);
    }

    [Fact]
    public void ResampleMonth_DatesAtMonthEnds_AndIsMonthly()
    {
        var csv = new StringBuilder("date,price\n");
        for (var (day, i) = (new DateTime(2023, 1, 2), 0); day < new DateTime(2024, 1, 1); day = day.AddDays(1), i++)
            csv.Append(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd},{i}\n");

        var s = Parse(csv.ToString(), new CsvReadOptions { Resample = ResamplePeriod.Month }).Series[0];

        Assert.Equal(12, s.Length);
        Assert.Equal(new DateTime(2023, 2, 28), s.Dates[1]);
        Assert.Equal(57.0, s.Values[1]);                      // 2023-02-28 is day 57 after 2023-01-02
        var f = Frequency.Infer(s);
        Assert.Equal(Spacing.Months, f.Spacing);
        Assert.True(f.EndOfMonth);
    }

    [Fact]
    public void ResampleOfALongFile_AggregatesEachSeriesOnItsOwn()
    {
        var set = Parse("symbol,date,price\nA,2024-01-02,1\nB,2024-01-02,10\nA,2024-01-03,2\nB,2024-01-31,30\nA,2024-02-01,3\n",
            new CsvReadOptions { Resample = ResamplePeriod.Month });

        Assert.Equal([2.0, 3], set.Series[0].Values);
        Assert.Equal([30.0], set.Series[1].Values);
    }

    [Fact]
    public void Sum_WithoutResample_NamesBothSettings()
    {
        var e = Assert.Throws<DataException>(() => Parse(Bars(1), new CsvReadOptions { Features = ["volume"], Sum = ["volume"] }));

        Assert.Contains(CsvSettings.Resample.ToString(), e.Message);
        Assert.Contains(CsvSettings.Sum, e.Settings);
    }

    [Fact]
    public void Sum_OfAColumnNotRead_SaysToAddItAsAFeature()
    {
        var e = Assert.Throws<DataException>(() => Parse(Bars(1), new CsvReadOptions { Resample = ResamplePeriod.Day, Sum = ["volume"] }));

        Assert.Contains("'volume' is to be summed", e.Message);
        Assert.Contains(CsvSettings.Features.ToString(), e.Message);
    }

    [Fact]
    public void Sum_OfAColumnThatDoesNotExist_ListsTheReadColumns()
    {
        var e = Assert.Throws<DataException>(() => Parse(Bars(1), new CsvReadOptions { Resample = ResamplePeriod.Day, Sum = ["vol"] }));

        Assert.Contains("no column 'vol'", e.Message);
        Assert.Contains("close", e.Message);
    }
}
