using System.Globalization;
using System.Text;
using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>The reader streams: files longer than the sample it resolves columns on read, check and convert every
/// row as the whole-text reader did, and tell a progress callback how far they are.</summary>
public sealed class CsvStreamingTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly int Beyond = CsvSeriesReader.SampleRows + 500;

    private static string Date(int day) => new DateTime(2000, 1, 1).AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>date,price,volume: price 10 + t/4, volume 1000 + t, <paramref name="rows"/> rows; <paramref name="edit"/>
    /// may rewrite row t (0-based) as its own line text.</summary>
    private static string OneSeries(int rows, Func<int, string, string>? edit = null)
    {
        var text = new StringBuilder("date,price,volume\n");
        for (int t = 0; t < rows; t++)
        {
            string line = string.Create(CultureInfo.InvariantCulture, $"{Date(t)},{10 + t / 4.0},{1000 + t}");
            text.Append(edit is null ? line : edit(t, line)).Append('\n');
        }
        return text.ToString();
    }

    [Fact]
    public void FileLongerThanTheSample_ReadsEveryRowAndEveryColumnAsked()
    {
        string path = _files.Write("long.csv", OneSeries(Beyond));

        var s = CsvSeriesReader.Read(path, new CsvReadOptions { Features = ["volume"] }).Series.Single();

        Assert.Equal(Beyond, s.Length);
        Assert.Equal(Enumerable.Range(0, Beyond).Select(t => 10 + t / 4.0), s.Values);
        Assert.Equal(Enumerable.Range(0, Beyond).Select(t => 1000.0 + t), s.FeatureColumn(0));
        Assert.Equal(new DateTime(2000, 1, 1).AddDays(Beyond - 1), s.Dates[^1]);
    }

    [Fact]
    public void ReadingAFile_GivesWhatParsingItsTextGives()
    {
        string text = OneSeries(Beyond);
        string path = _files.Write("same.csv", text);

        var fromFile = CsvSeriesReader.Read(path, new CsvReadOptions { Features = ["volume"] }).Series.Single();
        var fromText = CsvSeriesReader.Parse(text, path, new CsvReadOptions { Features = ["volume"] }).Series.Single();

        Assert.Equal(fromText.Values, fromFile.Values);
        Assert.Equal(fromText.Features, fromFile.Features);
        Assert.Equal(fromText.Dates, fromFile.Dates);
    }

    [Fact]
    public void BadNumberPastTheSample_NamesItsLineAndColumn()
    {
        int bad = Beyond - 3;
        var e = _files.ReadFails("bad.csv", OneSeries(Beyond, (t, line) => t == bad ? $"{Date(t)},12$,5" : line));

        Assert.Equal(bad + 2, e.Line);          // the header is line 1
        Assert.Equal("price", e.Column);
        Assert.Contains("'12$' is not a number", e.Message);
    }

    [Fact]
    public void WrongFieldCountPastTheSample_IsRefusedOnItsLine()
    {
        int bad = CsvSeriesReader.SampleRows + 10;
        var e = _files.ReadFails("count.csv", OneSeries(Beyond, (t, line) => t == bad ? $"{Date(t)},12" : line));

        Assert.Equal(bad + 2, e.Line);
        Assert.Contains("the row has 2 values but the header has 3 columns", e.Message);
    }

    [Fact]
    public void DateOutOfOrderPastTheSample_NamesBothLines()
    {
        int bad = CsvSeriesReader.SampleRows + 100;
        var e = _files.ReadFails("order.csv", OneSeries(Beyond, (t, line) => t == bad ? $"{Date(3)},1,1" : line));

        Assert.Equal(bad + 2, e.Line);
        Assert.Contains($"follows {Date(bad - 1)} of line {bad + 1} but is not later", e.Message);
    }

    [Fact]
    public void SortPastTheSample_SortsAndNamesDuplicatesByTheirLines()
    {
        // Rows in reverse date order, sorted on reading.
        var text = new StringBuilder("date,price\n");
        for (int t = Beyond - 1; t >= 0; t--) text.Append(CultureInfo.InvariantCulture, $"{Date(t)},{t + 1}\n");
        string path = _files.Write("reverse.csv", text.ToString());

        var s = CsvSeriesReader.Read(path, new CsvReadOptions { Sort = true }).Series.Single();

        Assert.Equal(Enumerable.Range(1, Beyond).Select(t => (double)t), s.Values);

        text.Append(CultureInfo.InvariantCulture, $"{Date(7)},5\n");   // the last line repeats a date
        var e = _files.ReadFails("duplicate.csv", text.ToString(), new CsvReadOptions { Sort = true });
        Assert.Contains($"appears twice, on lines {Beyond - 7 + 1} and {Beyond + 2}", e.Message);
    }

    [Fact]
    public void OneMissingValuePastTheSample_IsNamedWithItsField()
    {
        int bad = Beyond - 1;
        var e = _files.ReadFails("missing.csv", OneSeries(Beyond, (t, line) => t == bad ? $"{Date(t)},NA,1" : line));

        Assert.Equal(bad + 2, e.Line);
        Assert.Contains("the value is missing ('NA')", e.Message);
    }

    [Fact]
    public void MissingValuesPastTheSample_AreFilledAsAsked()
    {
        int gap = Beyond - 10;
        string text = OneSeries(Beyond, (t, line) => t == gap ? $"{Date(t)},,{1000 + t}" : line);

        var s = CsvSeriesReader.Read(_files.Write("gap.csv", text), new CsvReadOptions { Missing = MissingValues.Interpolate }).Series.Single();

        Assert.Equal(10 + gap / 4.0, s.Values[gap], 12);
    }

    [Fact]
    public void LongFileInterleaved_KeepsEachSeriesInFileOrder()
    {
        var text = new StringBuilder("symbol,date,close\n");
        for (int t = 0; t < Beyond; t++)
            foreach (var (symbol, price) in new[] { ("AAA", 10.0 + t), ("BBB", 500.0 - t / 8.0), ("CCC", 1.5 * t + 1) })
                text.Append(CultureInfo.InvariantCulture, $"{symbol},{Date(t)},{price}\n");

        var set = CsvSeriesReader.Read(_files.Write("panel.csv", text.ToString()));

        Assert.Equal(["AAA", "BBB", "CCC"], set.Series.Select(s => s.Symbol));
        Assert.All(set.Series, s => Assert.Equal(Beyond, s.Length));
        Assert.Equal(Enumerable.Range(0, Beyond).Select(t => 500.0 - t / 8.0), set.Series[1].Values);
    }

    [Fact]
    public void SymbolAskedFor_ExactMatchFirstSeenPastTheSampleWinsOverAnotherCase()
    {
        var text = new StringBuilder("symbol,date,close\n");
        for (int t = 0; t < Beyond; t++) text.Append(CultureInfo.InvariantCulture, $"MSFT,{Date(t)},{t + 1}\n");
        for (int t = 0; t < 5; t++) text.Append(CultureInfo.InvariantCulture, $"msft,{Date(t)},{-t - 1}\n");

        var set = CsvSeriesReader.Read(_files.Write("case.csv", text.ToString()), new CsvReadOptions { Symbols = ["msft"] });

        var s = Assert.Single(set.Series);
        Assert.Equal("msft", s.Symbol);
        Assert.Equal([-1.0, -2, -3, -4, -5], s.Values);
    }

    [Fact]
    public void AmbiguousNumberBeforeTheSampleEnds_IsSettledByARowPastIt()
    {
        // ';' between fields and ',' as the decimal mark: 1.234 is 1234 or 1.234 until 12,5 (past the sample) says
        // which mark the file writes.
        var text = new StringBuilder("date;price\n");
        for (int t = 0; t < Beyond; t++) text.Append(CultureInfo.InvariantCulture, $"{Date(t)};{(t == 0 ? "1.234" : t == Beyond - 1 ? "12,5" : "7")}\n");

        var s = CsvSeriesReader.Read(_files.Write("settled.csv", text.ToString()), new CsvReadOptions { DecimalSeparator = ',' }).Series.Single();

        Assert.Equal(1234, s.Values[0]);
        Assert.Equal(12.5, s.Values[^1]);
    }

    [Fact]
    public void AmbiguousNumberNeverSettled_IsRefusedOnItsOwnLineAtTheEnd()
    {
        var text = new StringBuilder("date;price\n");
        for (int t = 0; t < Beyond; t++) text.Append(CultureInfo.InvariantCulture, $"{Date(t)};{(t == 3 ? "1.234" : "7")}\n");

        var e = _files.ReadFails("unsettled.csv", text.ToString(), new CsvReadOptions { DecimalSeparator = ',' });

        Assert.Equal(5, e.Line);
        Assert.Contains("'1.234' could be", e.Message);
    }

    [Fact]
    public void TargetFoundAsTheOnlyNumericColumn_ByTheSample()
    {
        var text = new StringBuilder("date,level,note\n");
        for (int t = 0; t < Beyond; t++) text.Append(CultureInfo.InvariantCulture, $"{Date(t)},{t * 2},word{t}\n");

        var set = CsvSeriesReader.Read(_files.Write("only.csv", text.ToString()));

        Assert.Equal("level", set.TargetColumn);
        Assert.Equal(2.0 * (Beyond - 1), set.Series[0].Values[^1]);
    }

    [Fact]
    public void ExcelSepLine_KeepsLineNumbersPastTheSample()
    {
        int bad = Beyond - 2;
        var text = new StringBuilder("sep=;\ndate;price\n");
        for (int t = 0; t < Beyond; t++) text.Append(CultureInfo.InvariantCulture, $"{Date(t)};{(t == bad ? "x" : "3")}\n");

        var e = _files.ReadFails("sep.csv", text.ToString());

        Assert.Equal(bad + 3, e.Line);
        Assert.Equal("price", e.Column);
    }

    [Fact]
    public void ResampleWeek_SumsEachWeeksOwnRowsAndKeepsItsLastValue()
    {
        // 2024-01-01 is a Monday: three weeks of days, price t + 1 and volume 10·(t + 1); the target summed too.
        var text = new StringBuilder("date,price,volume\n");
        for (int t = 0; t < 21; t++) text.Append(CultureInfo.InvariantCulture, $"{new DateTime(2024, 1, 1).AddDays(t):yyyy-MM-dd},{t + 1},{10 * (t + 1)}\n");

        var s = CsvSeriesReader.Parse(text.ToString(), "weeks.csv",
            new CsvReadOptions { Features = ["volume"], Resample = ResamplePeriod.Week, Sum = ["volume"] }).Series.Single();
        var summed = CsvSeriesReader.Parse(text.ToString(), "weeks.csv",
            new CsvReadOptions { Features = ["volume"], Resample = ResamplePeriod.Week, Sum = ["price"] }).Series.Single();

        Assert.Equal([7.0, 14, 21], s.Values);
        Assert.Equal([10.0 * 28, 10.0 * 77, 10.0 * 126], s.FeatureColumn(0));   // 1+…+7, 8+…+14, 15+…+21
        Assert.Equal([28.0, 77, 126], summed.Values);
        Assert.Equal([70.0, 140, 210], summed.FeatureColumn(0));
    }

    [Fact]
    public void Progress_IsToldTheBytesReadUpToTheFileLength()
    {
        // Over 2 MiB, so that the stream reports on the way and once at the end.
        string path = _files.Write("big.csv", OneSeries(120_000));
        long length = new FileInfo(path).Length;
        var reports = new Recorder();

        CsvSeriesReader.Read(path, progress: reports);

        Assert.True(reports.Values.Count >= 3, $"{reports.Values.Count} reports");
        Assert.Equal(length, reports.Values[^1]);
        Assert.True(reports.Values.Zip(reports.Values.Skip(1)).All(p => p.First < p.Second), "the bytes read only grow");
    }

    [Fact]
    public void Progress_IsToldTheEndOfASmallFileOnce()
    {
        string path = _files.Write("small.csv", "date,price\n2020-01-01,1\n");
        var reports = new Recorder();

        CsvSeriesReader.Read(path, progress: reports);

        Assert.Equal([new FileInfo(path).Length], reports.Values);
    }

    /// <summary>Keeps what it is told, on the caller's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Recorder : IProgress<long>
    {
        public List<long> Values { get; } = [];
        public void Report(long value) => Values.Add(value);
    }
}
