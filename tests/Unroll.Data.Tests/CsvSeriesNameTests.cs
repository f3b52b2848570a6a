using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>CsvReadOptions.Name: the name of a one-series file's series; the symbol column names a long file's.</summary>
public sealed class CsvSeriesNameTests
{
    private const string OneSeries = "date,price\n2020-01-01,1\n2020-02-01,2\n2020-03-01,3\n";
    private const string Long = "symbol,date,price\nA,2020-01-01,1\nA,2020-02-01,2\nB,2020-01-01,5\n";

    [Fact]
    public void OneSeriesFile_WithoutName_IsNamedAfterTheFileAndHasNoSymbolColumn()
    {
        var set = CsvSeriesReader.Parse(OneSeries, Path.Combine("prices", "AAPL_latest.csv"));

        Assert.Equal("AAPL_latest", Assert.Single(set.Series).Symbol);
        Assert.Null(set.SymbolColumn);
    }

    [Fact]
    public void OneSeriesFile_WithName_IsNamedSoAndSymbolsMatchTheName()
    {
        var set = CsvSeriesReader.Parse(OneSeries, "AAPL_latest.csv", new CsvReadOptions { Name = "AAPL" });
        Assert.Equal("AAPL", Assert.Single(set.Series).Symbol);

        var chosen = CsvSeriesReader.Parse(OneSeries, "AAPL_latest.csv", new CsvReadOptions { Name = "AAPL", Symbols = ["aapl"] });
        Assert.Equal("AAPL", Assert.Single(chosen.Series).Symbol);
        var e = Assert.Throws<DataException>(() => CsvSeriesReader.Parse(OneSeries, "AAPL_latest.csv", new CsvReadOptions { Name = "AAPL", Symbols = ["AAPL_latest"] }));
        Assert.Contains("one series, named 'AAPL'.", e.Message);
    }

    [Fact]
    public void LongFile_NamesItsSeriesBySymbolAndSaysWhichColumn()
    {
        var set = CsvSeriesReader.Parse(Long, "long.csv");

        Assert.Equal(["A", "B"], set.Series.Select(s => s.Symbol));
        Assert.Equal("symbol", set.SymbolColumn);
    }

    [Fact]
    public void LongFile_WithName_IsRefusedNamingTheSymbolColumnAndTheFix()
    {
        var e = Assert.Throws<DataException>(() => CsvSeriesReader.Parse(Long, "long.csv", new CsvReadOptions { Name = "X" }));

        Assert.Equal("long.csv: CsvReadOptions.Name names the series of a one-series file, but this file is long-format: its 'symbol' column " +
                     "names each row's series. Leave CsvReadOptions.Name out, or choose series with CsvReadOptions.Symbols.", e.Message);
        Assert.Equal([CsvSettings.Name, CsvSettings.Symbols], e.Settings);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void BlankName_IsRefused(string name)
    {
        var e = Assert.Throws<DataException>(() => CsvSeriesReader.Parse(OneSeries, "one.csv", new CsvReadOptions { Name = name }));

        Assert.Contains("CsvReadOptions.Name is blank", e.Message);
    }
}
