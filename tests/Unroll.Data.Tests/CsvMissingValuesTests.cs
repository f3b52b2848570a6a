using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>Missing values (empty, null, NA…): blank rows dropped, others an error or dropped or filled as
/// <see cref="CsvReadOptions.Missing"/> says.</summary>
public sealed class CsvMissingValuesTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const string Yahoo =
        "Date,Open,High,Low,Close,Adj Close,Volume\n" +
        "2020-12-23,10,11,9,10,10,100\n" +
        "2020-12-24,10,11,9,11,11,100\n" +
        "2020-12-25,null,null,null,null,null,null\n" +
        "2020-12-28,11,12,10,12,12,100\n" +
        "2021-01-01,null,null,null,null,null,null\n" +
        "2021-01-04,12,13,11,13,13,100\n";

    private SeriesSet Read(string name, string content, CsvReadOptions? options = null)
        => CsvSeriesReader.Read(_files.Write(name, content), options);

    [Fact]
    public void YahooHolidayRows_AreDroppedByDefaultAndCounted()
    {
        var set = Read("prices.csv", Yahoo);

        Assert.Equal("Adj Close", set.TargetColumn);
        Assert.Equal([10.0, 11, 12, 13], set.Series[0].Values);
        Assert.Equal(new MissingSummary(2, 0, 0), set.Missing);
    }

    [Fact]
    public void BlankRowsOfALongFile_AreDroppedForTheChosenSymbolsOnly()
    {
        var set = Read("long.csv",
            "symbol,date,price\nA,2020-01-01,1\nA,2020-01-02,NA\nB,2020-01-01,5\nB,2020-01-02,\nA,2020-01-03,3\nB,2020-01-03,7\n",
            new CsvReadOptions { Symbols = ["B"] });

        Assert.Equal([5.0, 7], set.Series[0].Values);
        Assert.Equal(1, set.Missing.BlankRowsDropped);
    }

    [Fact]
    public void NothingMissing_SummaryIsNone()
        => Assert.Equal(MissingSummary.None, Read("ok.csv", "date,price\n2020-01-01,1\n2020-01-02,2\n").Missing);

    [Fact]
    public void MissingTargetValues_ByDefault_AreOneErrorListingEveryLineAndTheFix()
    {
        string rows = string.Concat(Enumerable.Range(0, 14).Select(i =>
            $"2020-01-{i + 1:00},{(i % 2 == 1 ? "null" : (i + 1).ToString())},100\n"));

        var e = _files.ReadFails("gaps.csv", "date,close,volume\n" + rows);

        Assert.Null(e.Line);
        Assert.Contains("7 values of column 'close' are missing", e.Message);
        Assert.Contains("on lines 3, 5, 7, 9, 11, 13, 15", e.Message);
        Assert.Contains("CsvReadOptions.Missing = MissingValues.Drop", e.Message);
        Assert.Contains("CsvReadOptions.Missing = MissingValues.ForwardFill", e.Message);
        Assert.Contains("CsvReadOptions.Missing = MissingValues.Interpolate", e.Message);
        Assert.Equal(3, e.Settings.Count);
    }

    [Fact]
    public void ManyMissingValues_ListTheFirstTenLinesAndTheTotal()
    {
        string rows = string.Concat(Enumerable.Range(0, 30).Select(i =>
            $"2020-01-{i + 1:00},{(i >= 5 ? "" : "1")},{(i == 2 ? "NA" : "100")}\n"));

        var e = _files.ReadFails("many.csv", "date,close,volume\n" + rows, new CsvReadOptions { Features = ["volume"] });

        Assert.Contains("26 values of columns 'close', 'volume' are missing", e.Message);
        Assert.Contains("on 26 lines: 4, 7, 8, 9, 10, 11, 12, 13, 14, 15, … (the first 10)", e.Message);
    }

    [Fact]
    public void MissingFeatureValue_IsAnErrorToo()
    {
        var e = _files.ReadFails("feature.csv", "date,close,volume\n2020-01-01,1,5\n2020-01-02,2,\n2020-01-03,3,7\n",
            new CsvReadOptions { Features = ["volume"] });

        Assert.Equal(3, e.Line);
        Assert.Equal("volume", e.Column);
        Assert.Contains("the value is empty", e.Message);
    }

    [Fact]
    public void Drop_DropsEveryRowWithAMissingTargetOrFeature()
    {
        var set = Read("drop.csv", "date,close,volume\n2020-01-01,1,5\n2020-01-02,,6\n2020-01-03,3,null\n2020-01-04,4,8\n",
            new CsvReadOptions { Features = ["volume"], Missing = MissingValues.Drop });

        Assert.Equal([1.0, 4], set.Series[0].Values);
        Assert.Equal(new MissingSummary(0, 2, 0), set.Missing);
    }

    [Fact]
    public void ForwardFill_CarriesTheLastValueOfEachColumnForward()
    {
        var set = Read("ffill.csv", "date,close,volume,open\n2020-01-01,1,5,1\n2020-01-02,,6,1\n2020-01-03,NA,null,1\n2020-01-04,4,8,1\n",
            new CsvReadOptions { Features = ["volume"], Missing = MissingValues.ForwardFill });

        var s = set.Series[0];
        Assert.Equal([1.0, 1, 1, 4], s.Values);
        Assert.Equal([5.0, 6, 6, 8], s.FeatureColumn(0));
        Assert.Equal(new MissingSummary(0, 0, 3), set.Missing);
    }

    [Fact]
    public void Interpolate_IsLinearByPositionNotByDate()
    {
        var set = Read("interp.csv", "date,close,volume\n2020-01-01,1,1\n2020-01-02,,1\n2020-01-03,null,1\n" +
                                     "2020-01-06,4,1\n2020-01-07,8,1\n2020-01-08,NA,1\n2020-01-09,9,1\n",
            new CsvReadOptions { Missing = MissingValues.Interpolate });

        Assert.Equal([1.0, 2, 3, 4, 8, 8.5, 9], set.Series[0].Values);
        Assert.Equal(new MissingSummary(0, 0, 3), set.Missing);
    }

    [Fact]
    public void Fill_LeavesBlankRowsDropped()
    {
        var set = Read("prices.csv", Yahoo, new CsvReadOptions { Missing = MissingValues.Interpolate });

        Assert.Equal([10.0, 11, 12, 13], set.Series[0].Values);
        Assert.Equal(new MissingSummary(2, 0, 0), set.Missing);
    }

    [Fact]
    public void Interpolate_MissingEnd_IsCarriedForward()
    {
        var set = Read("end.csv", "date,close,volume\n2020-01-01,1,1\n2020-01-02,3,1\n2020-01-03,,1\n2020-01-04,,1\n",
            new CsvReadOptions { Missing = MissingValues.Interpolate });

        Assert.Equal([1.0, 3, 3, 3], set.Series[0].Values);
    }

    [Fact]
    public void Interpolate_InALongFile_StaysWithinEachSeriesInDateOrder()
    {
        var set = Read("long.csv",
            "symbol,date,price,volume\nA,2020-01-03,30,1\nB,2020-01-01,1,1\nA,2020-01-01,10,1\nB,2020-01-02,,1\nA,2020-01-02,,1\nB,2020-01-03,5,1\n",
            new CsvReadOptions { Missing = MissingValues.Interpolate, Sort = true });

        Assert.Equal([10.0, 20, 30], set.Series[0].Values);
        Assert.Equal([1.0, 3, 5], set.Series[1].Values);
        Assert.Equal(2, set.Missing.ValuesFilled);
    }

    [Theory]
    [InlineData(MissingValues.ForwardFill)]
    [InlineData(MissingValues.Interpolate)]
    public void Fill_MissingFirstValue_IsAnErrorNamingTheSeries(MissingValues mode)
    {
        var e = _files.ReadFails("first.csv", "symbol,date,price,volume\nAAPL,2020-01-01,,1\nAAPL,2020-01-02,2,1\n",
            new CsvReadOptions { Missing = mode });

        Assert.Equal(2, e.Line);
        Assert.Contains("series 'AAPL' starts with a missing value of column 'price'", e.Message);
        Assert.Contains("CsvReadOptions.Missing = MissingValues.Drop", e.Message);
    }

    [Theory]
    [InlineData(MissingValues.Drop, new[] { 1.0, 4 })]
    [InlineData(MissingValues.ForwardFill, new[] { 1.0, 1, 1, 4 })]
    [InlineData(MissingValues.Interpolate, new[] { 1.0, 2, 3, 4 })]
    public void NaNText_IsAMissingValueUnderAMissingValueMode_AsPandasWritesOneWithNaRepNaN(MissingValues mode, double[] expected)
    {
        string path = _files.Write("nan.csv", "date,price\n2020-01-01,1\n2020-01-02,NaN\n2020-01-03,nan\n2020-01-04,4\n");

        Assert.Equal(expected, CsvSeriesReader.Read(path, new CsvReadOptions { Missing = mode }).Series[0].Values);
        // Infinity is no missing value: still refused.
        Assert.Contains("not a finite number", _files.ReadFails("inf.csv", "date,price\n2020-01-01,1\n2020-01-02,inf\n2020-01-03,3\n", new CsvReadOptions { Missing = mode }).Message);
    }

    [Fact]
    public void NaNText_ByDefault_IsRefusedNamingTheModesThatReadIt()
    {
        var e = _files.ReadFails("nan.csv", "date,price\n2020-01-01,1\n2020-01-02,NaN\n2020-01-03,3\n");

        Assert.EndsWith("'NaN' is not a finite number (NaN); expected a finite number. Replace it with a real value or delete the row, or read NaN as a missing value " +
                        "with CsvReadOptions.Missing = MissingValues.Drop, CsvReadOptions.Missing = MissingValues.ForwardFill or CsvReadOptions.Missing = MissingValues.Interpolate.", e.Message);
        Assert.Contains(CsvSettings.MissingInterpolate, e.Settings);
    }
}
