using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>The field separator comes from the header line; files with ';' between fields (and, usually, decimal
/// commas) are read with the decimal mark they use or refused naming --decimal ,.</summary>
public sealed class CsvSeparatorTests : IDisposable
{
    private readonly TestFiles _files = new();
    private static readonly CsvReadOptions DecimalComma = new() { DecimalSeparator = ',' };

    public void Dispose() => _files.Dispose();

    private SeriesSet Read(string content, CsvReadOptions? options = null) =>
        CsvSeriesReader.Read(_files.Write("s.csv", content), options);

    [Fact]
    public void SemicolonSeparatedFile_IsReadWithItsColumns()
    {
        var set = Read("date;price;volume\n2020-01-01;1.5;100\n2020-01-02;2.5;200\n",
            new CsvReadOptions { Features = ["volume"] });

        Assert.Equal("price", set.TargetColumn);
        Assert.Equal([1.5, 2.5], set.Series[0].Values);
        Assert.Equal([200.0], set.Series[0].FeatureRow(1).ToArray());
    }

    [Fact]
    public void TabSeparatedFile_IsRead()
    {
        var s = Read("symbol\tdate\tprice\nA\t2020-01-01\t1.5\nA\t2020-01-02\t 2 \n").Series[0];

        Assert.Equal("A", s.Symbol);
        Assert.Equal([1.5, 2], s.Values);
    }

    [Fact]
    public void HeaderWithCommasAndSemicolons_IsCommaSeparatedAsBefore()
    {
        var set = Read("date,price;usd\n2020-01-01,1.5\n");

        Assert.Equal("price;usd", set.TargetColumn);
        Assert.Equal([1.5], set.Series[0].Values);
    }

    [Fact]
    public void QuotedSemicolonsInTheHeader_DoNotMakeItSemicolonSeparated()
    {
        var set = Read("\"date;day\"\tprice\n2020-01-01\t1.5\n", new CsvReadOptions { DateColumn = "date;day" });

        Assert.Equal([1.5], set.Series[0].Values);
    }

    [Fact]
    public void ExcelSepLine_NamesTheSeparatorAndKeepsLineNumbers()
    {
        var set = Read("sep=;\ndate;price\n2020-01-01;1.5\n");
        var e = _files.ReadFails("sep.csv", "sep=;\r\ndate;price\r\n2020-01-01;1.5\r\n2020-01-02;x\r\n");

        Assert.Equal([1.5], set.Series[0].Values);
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void SemicolonFileWithDecimalCommas_IsRefusedSayingItLooksLikeADecimalCommaFile()
    {
        var e = _files.ReadFails("euro.csv", "date;price\n2020-01-01;164,42\n2020-01-02;165,5\n");

        Assert.Equal(2, e.Line);
        Assert.Equal("price", e.Column);
        Assert.Contains("'164,42'", e.Message);
        Assert.Contains("',' as the decimal mark, with ';' between fields", e.Message);
        Assert.Contains("CsvReadOptions.DecimalSeparator = ','", e.Message);
        Assert.Contains(CsvSettings.DecimalComma, e.Settings);
    }

    [Fact]
    public void SemicolonFileWithThreeDecimalCommaDigits_IsRefusedAsAmbiguousNamingTheDecimalOption()
    {
        var e = _files.ReadFails("euro3.csv", "date;price\n2020-01-01;1,234\n2020-01-02;2,5\n");

        Assert.Equal(2, e.Line);
        Assert.Contains("'1,234' could be 1234", e.Message);
        Assert.Contains("';' between fields", e.Message);
        Assert.Contains("CsvReadOptions.DecimalSeparator = ','", e.Message);
        Assert.Contains(CsvSettings.DecimalComma, e.Settings);
    }

    [Fact]
    public void SemicolonFileWithOnlyThreeDecimalPointDigits_IsRefusedAsAmbiguousNamingBothReadings()
    {
        var e = _files.ReadFails("us3.csv", "date;price\n2020-01-01;1.500\n2020-01-02;2.250\n");

        Assert.Equal(2, e.Line);
        Assert.Contains("'1.500' could be 1500 ('.' separating thousands) or 1.5 ('.' as the decimal mark)", e.Message);
        Assert.EndsWith("Give CsvReadOptions.DecimalSeparator = '.' to read it as 1.5 if the file uses '.' for decimals (the default alone " +
                        "settles nothing), or CsvReadOptions.DecimalSeparator = ',' if it uses ','.", e.Message);
        Assert.Equal(2, e.Settings.Count);
        Assert.Contains(CsvSettings.DecimalPoint, e.Settings);
        Assert.Contains(CsvSettings.DecimalComma, e.Settings);
    }

    [Fact]
    public void ThreeDecimalDigits_WithTheMarkSet_ReadWithIt_AndTheOtherMarkStillNeedsSettling()
    {
        // The fix the refusal names: a mark that is set reads a number whose only separator it is.
        Assert.Equal([1.5, 2.25], CsvSeriesReader.Read(_files.Write("us3.csv", "date;price\n2020-01-01;1.500\n2020-01-02;2.250\n"), new CsvReadOptions { DecimalSeparator = '.' }).Series[0].Values);
        Assert.Equal([103.17, 109.532], CsvSeriesReader.Read(_files.Write("eu3.csv", "date;price\n2020-01-01;103,170\n2020-01-02;109,532\n"), new CsvReadOptions { DecimalSeparator = ',' }).Series[0].Values);
        // 1.234 under a set ',' has '.' as a thousands mark or a decimal point: nothing here says which.
        var e = _files.ReadFails("amb.csv", "date;price\n2020-01-01;1.234\n2020-01-02;7\n", new CsvReadOptions { DecimalSeparator = ',' });
        Assert.Contains("'1.234' could be 1234", e.Message);
    }

    [Fact]
    public void SemicolonFileWithDecimalCommas_WithDecimalCommaOption_IsRead()
    {
        var set = Read(
            "date;price;volume\n2020-01-01;1.234,5;1.000\n2020-01-02;164,42;2.500.000\n2020-01-03;7;12\n",
            DecimalComma with { Features = ["volume"] });

        var s = set.Series[0];
        Assert.Equal([1234.5, 164.42, 7], s.Values);
        Assert.Equal([1000.0], s.FeatureRow(0).ToArray());
        Assert.Equal([2500000.0], s.FeatureRow(1).ToArray());
    }

    [Fact]
    public void SemicolonFileWithPointDecimals_ReadsCommaThousandsOnceAValueSettlesTheMark()
    {
        var s = Read("date;price\n2020-01-01;1,234\n2020-01-02;12.5\n").Series[0];

        Assert.Equal([1234, 12.5], s.Values);
    }
}
