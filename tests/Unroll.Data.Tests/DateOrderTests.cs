using System.Globalization;
using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>Dates written as three numbers with the year last (01/02/2020): read only in the order the user names,
/// refused otherwise with the order (or orders) that would read them.</summary>
public sealed class DateOrderTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static DateTime Read(string field, DateOrder order)
    {
        Assert.True(FieldParsing.TryParseDate(field, order, out var date, out var problem), problem);
        Assert.Null(problem);
        return date;
    }

    private static string Refused(string field, DateOrder order)
    {
        Assert.False(FieldParsing.TryParseDate(field, order, out _, out var problem));
        Assert.NotNull(problem);
        return problem;
    }

    [Theory]
    [InlineData("1/2/2020", 2020, 1, 2, 0, 0, 0)]
    [InlineData("01/02/2020", 2020, 1, 2, 0, 0, 0)]
    [InlineData("1-2-2020", 2020, 1, 2, 0, 0, 0)]
    [InlineData("12.31.2019", 2019, 12, 31, 0, 0, 0)]
    [InlineData("2/29/2020 9:30", 2020, 2, 29, 9, 30, 0)]
    [InlineData("2/29/2020 09:30:15", 2020, 2, 29, 9, 30, 15)]
    [InlineData("1/2/2020 9:30 PM", 2020, 1, 2, 21, 30, 0)]
    [InlineData("1/2/2020 12:05:07 AM", 2020, 1, 2, 0, 5, 7)]
    [InlineData(" 1/2/2020 ", 2020, 1, 2, 0, 0, 0)]
    public void MonthFirst_ReadsMonthThenDay(string field, int year, int month, int day, int hour, int minute, int second)
        => Assert.Equal(new DateTime(year, month, day, hour, minute, second), Read(field, DateOrder.MonthFirst));

    [Theory]
    [InlineData("1/2/2020", 2020, 2, 1, 0, 0)]
    [InlineData("01.02.2020", 2020, 2, 1, 0, 0)]
    [InlineData("31-12-2019", 2019, 12, 31, 0, 0)]
    [InlineData("29.02.2020 23:59", 2020, 2, 29, 23, 59)]
    public void DayFirst_ReadsDayThenMonth(string field, int year, int month, int day, int hour, int minute)
        => Assert.Equal(new DateTime(year, month, day, hour, minute, 0), Read(field, DateOrder.DayFirst));

    [Fact]
    public void EveryDayOfFourYears_ReadsBackInBothOrders()
    {
        // A reference independent of the parser: each date written by .NET's own formatting, in each order.
        for (var d = new DateTime(2019, 1, 1); d < new DateTime(2023, 1, 1); d = d.AddDays(1))
        {
            Assert.Equal(d, Read(d.ToString("M/d/yyyy", CultureInfo.InvariantCulture), DateOrder.MonthFirst));
            Assert.Equal(d, Read(d.ToString("MM-dd-yyyy", CultureInfo.InvariantCulture), DateOrder.MonthFirst));
            Assert.Equal(d, Read(d.ToString("d.M.yyyy", CultureInfo.InvariantCulture), DateOrder.DayFirst));
            Assert.Equal(d, Read(d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), DateOrder.DayFirst));
        }
    }

    [Theory]
    [InlineData(DateOrder.YearFirst)]
    [InlineData(DateOrder.MonthFirst)]
    [InlineData(DateOrder.DayFirst)]
    public void UnambiguousDates_ReadTheSameInEveryOrder(DateOrder order)
    {
        Assert.Equal(new DateTime(2020, 1, 2), Read("2020-01-02", order));
        Assert.Equal(new DateTime(2020, 1, 2), Read("Jan 2 2020", order));
        Assert.Equal(new DateTime(2020, 1, 2, 9, 30, 0), Read("2020-01-02 09:30", order));
    }

    [Fact]
    public void WithoutAnOrder_AnAmbiguousDateIsRefusedNamingBothReadings()
    {
        string problem = Refused("01/02/2020", DateOrder.YearFirst);

        Assert.Equal("'01/02/2020' could be Jan 2 2020 (month first) or Feb 1 2020 (day first), so Unroll reads such dates only " +
                     "when told which. Use CsvReadOptions.DateOrder = DateOrder.MonthFirst (as American spreadsheets write dates) or " +
                     "CsvReadOptions.DateOrder = DateOrder.DayFirst, or rewrite the dates as yyyy-MM-dd.", problem);
        Assert.Contains("either way", Refused("3/3/2020", DateOrder.YearFirst));
    }

    [Fact]
    public void WithoutAnOrder_ADateThatReadsOneWayOnly_NamesThatOrder()
    {
        Assert.Equal("'13/01/2020' reads only day first (Jan 13 2020). Use CsvReadOptions.DateOrder = DateOrder.DayFirst, " +
                     "or rewrite the dates as yyyy-MM-dd.", Refused("13/01/2020", DateOrder.YearFirst));
        Assert.Contains("reads only month first (Jan 13 2020)", Refused("01/13/2020", DateOrder.YearFirst));
        Assert.Contains("is no date in either order", Refused("31/31/2020", DateOrder.YearFirst));
    }

    [Fact]
    public void InTheWrongOrder_ADateThatReadsTheOtherWay_NamesTheOtherOrder()
    {
        Assert.Contains("is not a date read month first", Refused("13/01/2020", DateOrder.MonthFirst));
        Assert.Contains("use CsvReadOptions.DateOrder = DateOrder.DayFirst", Refused("13/01/2020", DateOrder.MonthFirst));
        Assert.Contains("use CsvReadOptions.DateOrder = DateOrder.MonthFirst", Refused("1/31/2020", DateOrder.DayFirst));
        Assert.Contains("Correct it", Refused("2/30/2021", DateOrder.MonthFirst));
        Assert.Contains("has a time of day Unroll cannot read", Refused("1/2/2020 25:00", DateOrder.MonthFirst));
    }

    [Theory]
    [InlineData("1/2-2020")]      // the separators differ
    [InlineData("01/02/20")]      // a two-digit year
    [InlineData("1/2/2020/3")]
    public void OtherNumberForms_AreNotDatesInAnyOrder(string field)
    {
        foreach (var order in Enum.GetValues<DateOrder>())
            Assert.Contains("is not a date Unroll can read", Refused(field, order));
    }

    [Fact]
    public void Reader_ReadsMonthFirstDatesWhenTold_AndRefusesThemOtherwiseNamingTheSettings()
    {
        const string Csv = "date,price\n12/30/2019,1\n12/31/2019,2\n1/2/2020,3\n";
        var set = CsvSeriesReader.Read(_files.Write("us.csv", Csv), new CsvReadOptions { DateOrder = DateOrder.MonthFirst });

        Assert.Equal([new DateTime(2019, 12, 30), new DateTime(2019, 12, 31), new DateTime(2020, 1, 2)], set.Series[0].Dates);
        var e = _files.ReadFails("us2.csv", Csv);
        Assert.Equal(2, e.Line);
        Assert.Contains("reads only month first (Dec 30 2019)", e.Message);
        Assert.Equal([CsvSettings.MonthFirst], e.Settings);
        var both = _files.ReadFails("us3.csv", "date,price\n1/2/2020,3\n");
        Assert.Equal([CsvSettings.MonthFirst, CsvSettings.DayFirst], both.Settings);
    }

    [Fact]
    public void Reader_WithoutAnOrder_ALaterDateThatReadsOneWayNamesThatOrder()
    {
        var dayFirst = _files.ReadFails("dmy.csv", "date,price\n01/01/2020,1\n02/01/2020,2\n13/01/2020,3\n");
        var mixed = _files.ReadFails("mixed.csv", "date,price\n01/02/2020,1\n13/02/2020,2\n02/14/2020,3\n");
        var alone = _files.ReadFails("alone.csv", "date,price\n12/30/2019,1\n12/31/2019,2\n");

        Assert.Equal(2, dayFirst.Line);
        Assert.EndsWith("'01/01/2020' reads either way, and line 4's '13/01/2020' only day first, so the file writes its dates day " +
                        "first. Use CsvReadOptions.DateOrder = DateOrder.DayFirst, or rewrite the dates as yyyy-MM-dd.", dayFirst.Message);
        Assert.Equal([CsvSettings.DayFirst], dayFirst.Settings);
        Assert.Contains("do not keep one order: line 3's '13/02/2020' reads only day first and line 4's '02/14/2020' only month first", mixed.Message);
        Assert.Empty(mixed.Settings);
        Assert.Contains("'12/30/2019' reads only month first (Dec 30 2019)", alone.Message);
    }

    [Fact]
    public void Reader_InTheWrongOrder_DatesThatFitTheOtherOrderAreRefused_EvenWhenSorting()
    {
        // Month-first dates whose days are all 12 or less read day first as dates too, out of order: sorting them would
        // scramble the series without a word.
        const string Csv = "date,price\n01/10/2020,1\n01/11/2020,2\n01/12/2020,3\n02/01/2020,4\n";
        foreach (bool sort in new[] { false, true })
        {
            var e = _files.ReadFails($"us{sort}.csv", Csv, new CsvReadOptions { DateOrder = DateOrder.DayFirst, Sort = sort });
            Assert.Contains("the dates of series", e.Message);
            Assert.Contains("are out of order read day first, and in order read month first, so the file writes them that way. " +
                            "Use CsvReadOptions.DateOrder = DateOrder.MonthFirst", e.Message);
            Assert.Equal([CsvSettings.MonthFirst], e.Settings);
        }
        Assert.Equal(4, CsvSeriesReader.Read(_files.Write("us.csv", Csv), new CsvReadOptions { DateOrder = DateOrder.MonthFirst }).Series[0].Length);
        // Out of order either way: the plain message, with --sort as its fix.
        var e2 = _files.ReadFails("both.csv", "date,price\n01/10/2020,1\n01/09/2020,2\n", new CsvReadOptions { DateOrder = DateOrder.DayFirst });
        Assert.Contains("but is not later", e2.Message);
    }

    [Fact]
    public void Reader_AnUnnamedIndexOfNumericDatesWithoutAnOrder_NamesTheOrder()
    {
        var e = _files.ReadFails("index2.csv", ",price\n31.12.2019,1\n01.01.2020,2\n");

        Assert.Contains("'31.12.2019' reads only day first", e.Message);
        Assert.Equal([CsvSettings.DayFirst], e.Settings);
    }

    [Fact]
    public void Reader_AnUnnamedIndexOfDayFirstDates_IsTheDateColumn()
    {
        var set = CsvSeriesReader.Read(_files.Write("index.csv", ",price\n31.12.2019,1\n01.01.2020,2\n"),
            new CsvReadOptions { DateOrder = DateOrder.DayFirst });

        Assert.Equal([new DateTime(2019, 12, 31), new DateTime(2020, 1, 1)], set.Series[0].Dates);
    }
}
