using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

public sealed class SharedDataTests
{
    [Fact]
    public void Stocks_LongFormat_GivesFiveSeriesWithGoogShorter()
    {
        var set = CsvSeriesReader.Read(TestFiles.Fixture("stocks.csv"));

        Assert.Equal(["MSFT", "AMZN", "IBM", "GOOG", "AAPL"], set.Series.Select(s => s.Symbol));
        Assert.Equal("price", set.TargetColumn);
        Assert.Empty(set.FeatureNames);
        Assert.Equal(68, set.Series.Single(s => s.Symbol == "GOOG").Length);
        Assert.All(set.Series.Where(s => s.Symbol != "GOOG"), s => Assert.Equal(123, s.Length));
    }

    [Fact]
    public void Stocks_MonthNameDates_AreReadInOrderWithValues()
    {
        var msft = CsvSeriesReader.Read(TestFiles.Fixture("stocks.csv")).Series[0];

        Assert.Equal(new DateTime(2000, 1, 1), msft.Dates[0]);
        Assert.Equal(new DateTime(2000, 2, 1), msft.Dates[1]);
        Assert.Equal(39.81, msft.Values[0]);
        Assert.Equal(36.35, msft.Values[1]);
        Assert.Equal(new DateTime(2010, 3, 1), msft.Dates[^1]);
        Assert.All(msft.Features, f => Assert.Empty(f));
    }

    [Fact]
    public void Sp500_OneSeriesFile_IsNamedAfterTheFileWith123Points()
    {
        var set = CsvSeriesReader.Read(TestFiles.Fixture("sp500.csv"));

        var s = Assert.Single(set.Series);
        Assert.Equal("sp500", s.Symbol);
        Assert.Equal(123, s.Length);
        Assert.Equal(1394.46, s.Values[0]);
        Assert.Equal(1140.45, s.Values[^1]);
        Assert.Equal(new DateTime(2010, 3, 1), s.Dates[^1]);
        Assert.EndsWith("sp500.csv", set.SourceFile);
    }

    [Fact]
    public void Stocks_SymbolOption_KeepsTheAskedSymbolsInTheAskedOrderIgnoringCase()
    {
        var set = CsvSeriesReader.Read(TestFiles.Fixture("stocks.csv"),
            new CsvReadOptions { Symbols = ["goog", "MSFT", "GOOG"] });

        Assert.Equal(["GOOG", "MSFT"], set.Series.Select(s => s.Symbol));
    }

    [Fact]
    public void Sp500_SymbolOption_MatchesTheFileName()
    {
        var set = CsvSeriesReader.Read(TestFiles.Fixture("sp500.csv"), new CsvReadOptions { Symbols = ["SP500"] });

        Assert.Equal("sp500", Assert.Single(set.Series).Symbol);
    }
}

public sealed class OneSeriesFileTests
{
    [Fact]
    public void Ohlcv_DefaultTarget_IsAdjCloseSpelledWithSpace()
    {
        var set = CsvSeriesReader.Read(TestFiles.Fixture("ohlcv.csv"));

        var s = Assert.Single(set.Series);
        Assert.Equal("Adj Close", set.TargetColumn);
        Assert.Equal("ohlcv", s.Symbol);
        Assert.Equal([10.25, 10.75, 11.25, 11.75, 12.25, 12.75], s.Values);
    }

    [Fact]
    public void Ohlcv_IsoDatesWithWeekendGap_AreNotMissingData()
    {
        var s = CsvSeriesReader.Read(TestFiles.Fixture("ohlcv.csv")).Series[0];

        Assert.Equal(new DateTime(2020, 1, 31), s.Dates[0]);
        Assert.Equal(new DateTime(2020, 2, 3), s.Dates[1]); // Friday, then Monday
        Assert.Equal(6, s.Length);
    }

    [Fact]
    public void Ohlcv_ColumnOption_IsMatchedIgnoringCase()
    {
        var set = CsvSeriesReader.Read(TestFiles.Fixture("ohlcv.csv"), new CsvReadOptions { Column = "CLOSE" });

        Assert.Equal("Close", set.TargetColumn);
        Assert.Equal(10.5, set.Series[0].Values[0]);
    }

    [Fact]
    public void Ohlcv_Features_AreAddedPerStepInTheAskedOrder()
    {
        var set = CsvSeriesReader.Read(TestFiles.Fixture("ohlcv.csv"),
            new CsvReadOptions { Column = "close", Features = ["volume", "high"] });

        var s = set.Series[0];
        Assert.Equal(["Volume", "High"], set.FeatureNames);
        Assert.Equal(["Volume", "High"], s.FeatureNames);
        Assert.Equal([1000.0, 11.0], s.Features[0]);
        Assert.Equal([1300.0, 13.5], s.Features[5]);
        Assert.Equal([1000.0, 1200, 900, 1500, 1100, 1300], s.FeatureColumn(0));
    }

    [Fact]
    public void DefaultTarget_SkipsColumnsChosenAsFeatures()
    {
        using var files = new TestFiles();
        string path = files.Write("t.csv", "date,close,price\n2020-01-01,1,2\n");

        var set = CsvSeriesReader.Read(path, new CsvReadOptions { Features = ["close"] });

        Assert.Equal("price", set.TargetColumn);
        Assert.Equal([1.0], set.Series[0].Features[0]);
    }

    [Fact]
    public void DefaultTarget_PrefersAdjCloseThenCloseThenPriceThenValue()
    {
        using var files = new TestFiles();
        string Target(string header, string row) =>
            CsvSeriesReader.Read(files.Write("t.csv", header + "\n" + row + "\n")).TargetColumn;

        Assert.Equal("adj_close", Target("date,value,price,close,adj_close", "2020-01-01,1,2,3,4"));
        Assert.Equal("close", Target("date,value,price,close", "2020-01-01,1,2,3"));
        Assert.Equal("price", Target("date,value,price", "2020-01-01,1,2"));
        Assert.Equal("VALUE", Target("date,VALUE,other", "2020-01-01,1,2"));
    }

    [Fact]
    public void DefaultTarget_IsTheOnlyNumericColumnWhenNoneHasADefaultName()
    {
        using var files = new TestFiles();
        var set = CsvSeriesReader.Read(files.Write("rates.csv", "date,note,level\n2020-01-01,calm,1.5\n2020-01-02,busy,1.75\n"));

        Assert.Equal("level", set.TargetColumn);
        Assert.Equal([1.5, 1.75], set.Series[0].Values);
    }

    [Fact]
    public void FixtureWithOtherValueName_UsesItsOnlyNumericColumn()
    {
        var set = CsvSeriesReader.Read(TestFiles.Fixture("unnamed_value.csv"));

        Assert.Equal("level", set.TargetColumn);
        Assert.Equal([5.5, 6.25, 7.0], set.Series[0].Values);
    }

    [Fact]
    public void DateColumn_IsFoundByOtherCommonNamesOrTheOption()
    {
        using var files = new TestFiles();
        var fred = CsvSeriesReader.Read(files.Write("fred.csv", "observation_date,GDP\n2020-01-01,1\n2020-04-01,2\n"));
        var named = CsvSeriesReader.Read(files.Write("named.csv", "when,price\n2020-01-01,1\n2020-04-01,2\n"),
            new CsvReadOptions { DateColumn = "WHEN" });

        Assert.Equal(new DateTime(2020, 4, 1), fred.Series[0].Dates[1]);
        Assert.Equal("GDP", fred.TargetColumn);
        Assert.Equal([1.0, 2.0], named.Series[0].Values);
    }

    [Fact]
    public void Lenient_QuotesThousandsBlankLinesBomTrailingCommaAndMidnightTimes_AreAccepted()
    {
        using var files = new TestFiles();
        string path = files.Write("messy.csv",
            "\uFEFF Date , Price \n" +
            "2020-01-01T00:00:00,\"1,234.5\"\n" +
            "\n" +
            "2020-01-02 00:00:00Z, 7 ,\n" +
            "\"Jan 3, 2020\",8e1\n" +
            "4 Jan 2020,-2.5\n");

        var s = CsvSeriesReader.Read(path).Series[0];

        Assert.Equal([1234.5, 7, 80, -2.5], s.Values);
        Assert.Equal(
            [new DateTime(2020, 1, 1), new DateTime(2020, 1, 2), new DateTime(2020, 1, 3), new DateTime(2020, 1, 4)],
            s.Dates);
    }

    [Fact]
    public void Sort_SortsRowsByDateWhenAsked()
    {
        using var files = new TestFiles();
        string path = files.Write("desc.csv", "date,price\n2020-01-03,3\n2020-01-01,1\n2020-01-02,2\n");

        var s = CsvSeriesReader.Read(path, new CsvReadOptions { Sort = true }).Series[0];

        Assert.Equal([1.0, 2, 3], s.Values);
        Assert.Equal(new DateTime(2020, 1, 1), s.Dates[0]);
    }

    [Fact]
    public void Parse_ReadsTextAndNamesTheSeriesAfterTheSourceName()
    {
        var set = CsvSeriesReader.Parse("date,price\n2020-01-01,1\n2020-01-02,2\n", "data/gold.csv");

        Assert.Equal("gold", set.Series[0].Symbol);
        Assert.Equal("data/gold.csv", set.SourceFile);
    }
}

public sealed class LongFileTests
{
    [Fact]
    public void InterleavedRows_AreGroupedBySymbolInFirstAppearanceOrder()
    {
        var set = CsvSeriesReader.Read(TestFiles.Fixture("long_interleaved.csv"), new CsvReadOptions { Features = ["Volume"] });

        Assert.Equal(["AAA", "BBB"], set.Series.Select(s => s.Symbol));
        Assert.Equal("close", set.TargetColumn);
        Assert.Equal([1.5, 1.75, 2.0, 2.25], set.Series[0].Values);
        Assert.Equal([20, 21, 19.5], set.Series[1].Values);
        Assert.Equal([5000.0], set.Series[1].Features[0]);
    }

    [Fact]
    public void SameDateInTwoSymbols_IsNotADuplicate()
    {
        var set = CsvSeriesReader.Read(TestFiles.Fixture("long_interleaved.csv"));

        Assert.Equal(set.Series[0].Dates[0], set.Series[1].Dates[0]);
    }

    [Fact]
    public void SymbolFilter_SkipsBadRowsOfOtherSymbols()
    {
        using var files = new TestFiles();
        string path = files.Write("l.csv", "symbol,date,price\nA,2020-01-01,1\nB,2020-01-01,oops\nA,2020-01-02,2\n");

        var set = CsvSeriesReader.Read(path, new CsvReadOptions { Symbols = ["A"] });

        Assert.Equal([1.0, 2], Assert.Single(set.Series).Values);
    }

    [Fact]
    public void TickerColumn_IsASymbolColumnToo()
    {
        using var files = new TestFiles();
        string path = files.Write("t.csv", "Ticker,Date,Close\nX,2020-01-01,1\nY,2020-01-01,2\n");

        Assert.Equal(["X", "Y"], CsvSeriesReader.Read(path).Series.Select(s => s.Symbol));
    }
}
