using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

public sealed class FileLevelErrorTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void MissingFile_SaysItDoesNotExist()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "prices.csv");

        var e = Assert.Throws<DataException>(() => CsvSeriesReader.Read(path));

        Assert.Equal(path, e.File);
        Assert.Contains("prices.csv", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    public void EmptyFile_SaysEmptyAndShowsTheExpectedHeader(string content)
    {
        var e = _files.ReadFails("empty.csv", content);

        Assert.Contains("empty", e.Message);
        Assert.Contains("date,price", e.Message);
        Assert.Null(e.Line);
    }

    [Fact]
    public void HeaderOnly_SaysThereAreNoDataRows()
    {
        var e = _files.ReadFails("header.csv", "date,price\n");

        Assert.Contains("no data rows", e.Message);
        Assert.Contains("date,price", e.Message);
    }

    [Fact]
    public void DuplicateColumnNames_NameTheColumn()
    {
        var e = _files.ReadFails("dup.csv", "date,Close,close\n2020-01-01,1,2\n");

        Assert.Equal(1, e.Line);
        Assert.Equal("close", e.Column, ignoreCase: true);
        Assert.Contains("columns 2 and 3", e.Message);
    }

    [Fact]
    public void UnnamedColumn_SaysWhichColumnHasNoName()
    {
        var e = _files.ReadFails("noname.csv", "date,,price\n2020-01-01,1,2\n");

        Assert.Contains("column 2 of the header has no name", e.Message);
    }

    [Fact]
    public void MalformedQuotes_NameTheLine()
    {
        var e = _files.ReadFails("quotes.csv", "date,price\n2020-01-01,1\n2020-01-02,\"2\"x\n");

        Assert.Equal(3, e.Line);
        Assert.Contains("quote", e.Message);
    }

    [Fact]
    public void ShortRow_NamesLineAndTheMissingColumn()
    {
        var e = _files.ReadFails("short.csv", "date,price\n2020-01-01,1\n2020-01-02\n");

        Assert.Equal(3, e.Line);
        Assert.Equal("price", e.Column);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("1 value but the header has 2 columns", e.Message);
    }

    [Fact]
    public void PipeSeparatedFile_SaysWhichSeparatorsAreRead()
    {
        var e = _files.ReadFails("pipes.csv", "date|price\n2020-01-01|1.5\n");

        Assert.Equal(1, e.Line);
        Assert.Contains("'|'", e.Message);
        Assert.Contains("';'", e.Message);
        Assert.Contains("comma-separated", e.Message);
    }

    [Fact]
    public void WindowsLineEndings_KeepLineNumbersRight()
    {
        var e = _files.ReadFails("crlf.csv", "date,price\r\n2020-01-01,1\r\n\r\n2020-01-02,x\r\n");

        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void Folder_SaysItIsNotAFile()
    {
        var e = Assert.Throws<DataException>(() => CsvSeriesReader.Read(Path.GetTempPath()));

        Assert.Contains("folder", e.Message);
    }

    [Fact]
    public void LongRow_NamesTheLine()
    {
        var e = _files.ReadFails("long.csv", "date,price\n2020-01-01,1,9\n");

        Assert.Equal(2, e.Line);
        Assert.Contains("3 values but the header has 2 columns", e.Message);
    }
}

public sealed class ColumnErrorTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const string Ohlcv = "date,open,high,low,volume\n2020-01-01,1,2,0.5,100\n2020-01-02,1,2,0.5,100\n";

    [Fact]
    public void UnknownTargetColumn_ListsTheAvailableColumns()
    {
        var e = _files.ReadFails("p.csv", "date,price\n2020-01-01,1\n", new CsvReadOptions { Column = "close" });

        Assert.Equal("close", e.Column);
        Assert.Equal(1, e.Line);
        Assert.Contains("no column 'close'", e.Message);
        Assert.Contains("Available columns: date, price", e.Message);
    }

    [Fact]
    public void UnknownFeature_ListsTheAvailableColumns()
    {
        var e = _files.ReadFails("f.csv", Ohlcv, new CsvReadOptions { Column = "high", Features = ["volumes"] });

        Assert.Equal("volumes", e.Column);
        Assert.Contains("CsvReadOptions.Features", e.Message);
        Assert.Contains(CsvSettings.Features, e.Settings);
        Assert.Contains("date, open, high, low, volume", e.Message);
    }

    [Fact]
    public void MissingDateColumn_SaysWhatNameIsExpected()
    {
        var e = _files.ReadFails("nodate.csv", "when,price\n2020-01-01,1\n");

        Assert.Contains("no date column", e.Message);
        Assert.Contains("'date'", e.Message);
        Assert.Contains("when, price", e.Message);
    }

    [Fact]
    public void UnknownDateColumnOption_ListsTheAvailableColumns()
    {
        var e = _files.ReadFails("d.csv", "date,price\n2020-01-01,1\n", new CsvReadOptions { DateColumn = "day0" });

        Assert.Equal("day0", e.Column);
        Assert.Contains("date, price", e.Message);
    }

    [Fact]
    public void SeveralNumericColumnsAndNoDefaultName_ListsThemAndSuggestsColumn()
    {
        var e = _files.ReadFails("ambiguous.csv", Ohlcv);

        Assert.Contains("open, high, low, volume", e.Message);
        Assert.Contains("CsvReadOptions.Column", e.Message);
        Assert.Contains(CsvSettings.Column, e.Settings);
    }

    [Fact]
    public void NoNumericColumn_SaysSo()
    {
        var e = _files.ReadFails("text.csv", "date,mood\n2020-01-01,good\n");

        Assert.Contains("no numeric column", e.Message);
        Assert.Contains("mood", e.Message);
    }

    [Fact]
    public void FeatureThatIsTheTarget_IsRejected()
    {
        var e = _files.ReadFails("ft.csv", Ohlcv, new CsvReadOptions { Column = "high", Features = ["HIGH"] });

        Assert.Equal("high", e.Column);
        Assert.Contains("both the column to forecast and a feature", e.Message);
    }

    [Fact]
    public void DateColumnAsTargetOrFeature_IsRejected()
    {
        var asTarget = _files.ReadFails("dt.csv", Ohlcv, new CsvReadOptions { Column = "date" });
        var asFeature = _files.ReadFails("df.csv", Ohlcv, new CsvReadOptions { Column = "high", Features = ["date"] });

        Assert.Contains("holds dates", asTarget.Message);
        Assert.Contains("holds dates", asFeature.Message);
    }

    [Fact]
    public void FeatureNamedTwice_IsRejected()
    {
        var e = _files.ReadFails("ff.csv", Ohlcv, new CsvReadOptions { Column = "high", Features = ["low", "Low"] });

        Assert.Contains("named twice", e.Message);
    }
}

public sealed class ValueErrorTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void NonNumericValue_NamesFileLineColumnAndValue()
    {
        var e = _files.ReadFails("prices.csv", "date,price\n2020-01-01,1\n2020-01-02,2\n2020-01-03,$13\n");

        Assert.Equal(4, e.Line);
        Assert.Equal("price", e.Column);
        Assert.Contains("prices.csv, line 4, column 'price'", e.Message);
        Assert.Contains("'$13' is not a number", e.Message);
        Assert.Contains("such as 12.5", e.Message);
    }

    [Fact]
    public void NonNumericFeature_NamesTheFeatureColumn()
    {
        var e = _files.ReadFails("f.csv", "date,close,volume\n2020-01-01,1,100\n2020-01-02,2,lots\n",
            new CsvReadOptions { Features = ["volume"] });

        Assert.Equal(3, e.Line);
        Assert.Equal("volume", e.Column);
        Assert.Contains("'lots' is not a number", e.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("Infinity")]
    [InlineData("-inf")]
    public void NaNOrInfiniteValue_SaysItIsNotFinite(string value)
    {
        var e = _files.ReadFails("nan.csv", $"date,price\n2020-01-01,1\n2020-01-02,{value}\n");

        Assert.Equal(3, e.Line);
        Assert.Equal("price", e.Column);
        Assert.Contains("not a finite number", e.Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("NA", "missing ('NA')")]
    [InlineData("#N/A", "missing ('#N/A')")]
    [InlineData(".", "missing ('.')")]
    public void MissingValue_SaysItIsMissing(string value, string expected)
    {
        var e = _files.ReadFails("gap.csv", $"date,price,volume\n2020-01-01,1,5\n2020-01-02,{value},5\n2020-01-03,3,5\n");

        Assert.Equal(3, e.Line);
        Assert.Contains(expected, e.Message);
        Assert.Contains("expected a number", e.Message);
    }

    [Theory]
    [InlineData("01/02/20")]
    [InlineData("2020-13-01")]
    [InlineData("yesterday")]
    public void UnparsableDate_NamesLineAndColumnAndShowsTheExpectedForm(string date)
    {
        var e = _files.ReadFails("dates.csv", $"Date,price\n2020-01-01,1\n{date},2\n");

        Assert.Equal(3, e.Line);
        Assert.Equal("Date", e.Column);
        Assert.Contains($"'{date}' is not a date", e.Message);
        Assert.Contains("2020-01-31", e.Message);
    }

    [Fact]
    public void EmptyDate_SaysItIsEmpty()
    {
        var e = _files.ReadFails("nodate.csv", "date,price\n2020-01-01,1\n,2\n");

        Assert.Equal(3, e.Line);
        Assert.Contains("date is empty", e.Message);
    }

    [Fact]
    public void TimeOfDayOutOfRange_SaysWhichTimesExist()
    {
        var e = _files.ReadFails("intraday.csv", "date,price\n2020-01-01 09:30:00,1\n2020-01-01 24:30:00,2\n");

        Assert.Equal(3, e.Line);
        Assert.Contains("no such time of day", e.Message);
        Assert.Contains("00–23", e.Message);
    }

    [Fact]
    public void EmptySymbol_NamesLineAndSymbolColumn()
    {
        var e = _files.ReadFails("nosym.csv", "symbol,date,price\nA,2020-01-01,1\n,2020-01-02,2\n");

        Assert.Equal(3, e.Line);
        Assert.Equal("symbol", e.Column);
        Assert.Contains("symbol is empty", e.Message);
    }
}

public sealed class SeriesErrorTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void DuplicateDate_NamesBothLinesAndTheSeries()
    {
        var e = _files.ReadFails("dup.csv", "symbol,date,price\nA,2020-01-01,1\nB,2020-01-01,5\nA,2020-01-01,2\n");

        Assert.Equal(4, e.Line);
        Assert.Equal("date", e.Column);
        Assert.Contains("2020-01-01", e.Message);
        Assert.Contains("'A'", e.Message);
        Assert.Contains("lines 2 and 4", e.Message);
    }

    [Fact]
    public void DuplicateDate_IsAnErrorEvenWhenSorting()
    {
        var e = _files.ReadFails("dup.csv", "date,price\n2020-01-03,1\n2020-01-01,2\n2020-01-03,3\n",
            new CsvReadOptions { Sort = true });

        Assert.Equal(4, e.Line);
        Assert.Contains("lines 2 and 4", e.Message);
    }

    [Fact]
    public void SeveralSeriesInAColumnOfAnotherName_AreReadWithSymbolColumn_AndTheOrderRefusalNamesIt()
    {
        const string stores = "store,date,sales\nnorth,2020-01-01,5\nnorth,2020-01-02,6\nsouth,2020-01-01,50\nsouth,2020-01-02,60\n";
        var e = _files.ReadFails("stores.csv", stores);
        Assert.EndsWith("or use CsvReadOptions.Sort = true to have the rows sorted; or, if column 'store' names each row's series, " +
                        "read it with CsvReadOptions.SymbolColumn = store.", e.Message);
        Assert.Equal([CsvSettings.SymbolColumnOf("store"), CsvSettings.Sort], e.Settings);

        var read = CsvSeriesReader.Read(_files.Write("stores.csv", stores), new CsvReadOptions { SymbolColumn = "Store" });
        Assert.Equal(["north", "south"], read.Series.Select(s => s.Symbol));
        Assert.Equal([50.0, 60], read.Series[1].Values);
        Assert.Contains("there is no column 'shop' (asked for as the symbol column)",
            _files.ReadFails("stores.csv", stores, new CsvReadOptions { SymbolColumn = "shop" }).Message);
        Assert.Contains("cannot be both the date column and the symbol column",
            _files.ReadFails("stores.csv", stores, new CsvReadOptions { SymbolColumn = "date" }).Message);
        // A duplicate date names it too; a column of one value (or of numbers) does not.
        Assert.Contains("Delete one of the rows; or, if column 'store' names each row's series",
            _files.ReadFails("dup.csv", "store,date,sales\nnorth,2020-01-01,5\nsouth,2020-01-01,50\n", new CsvReadOptions { Sort = true }).Message);
        Assert.DoesNotContain("--symbol-column", _files.ReadFails("one.csv", "store,date,sales\nnorth,2020-01-02,5\nnorth,2020-01-01,6\n").Message);
        Assert.DoesNotContain("SymbolColumn", _files.ReadFails("one.csv", "store,date,sales\nnorth,2020-01-02,5\nnorth,2020-01-01,6\n").Message);
    }

    [Fact]
    public void YfinanceDownload_WithItsThreeHeaderRows_IsReadAsOneSeries_AndSeveralTickersAreRefusedNamingThem()
    {
        // yf.download("AAPL").to_csv() since yfinance 0.2.51: Price/Ticker/Date rows above the data.
        const string header = "Price,Close,High,Low,Open,Volume\nTicker,AAPL,AAPL,AAPL,AAPL,AAPL\nDate,,,,,\n";
        var read = CsvSeriesReader.Read(_files.Write("AAPL.csv", header + "2023-01-03,125.07,130.90,124.17,130.28,112117500\n2023-01-04,126.36,128.66,125.08,126.89,89113600\n"));
        Assert.Equal([125.07, 126.36], read.Series[0].Values);
        Assert.Equal([new DateTime(2023, 1, 3), new DateTime(2023, 1, 4)], read.Series[0].Dates);
        var bad = _files.ReadFails("bad.csv", header + "2023-01-03,x,1,1,1,1\n");
        Assert.Equal(4, bad.Line);

        var two = _files.ReadFails("two.csv", "Price,Close,Close,High,High\nTicker,AAPL,MSFT,AAPL,MSFT\nDate,,,,\n2023-01-03,1,2,3,4\n");
        Assert.Contains("a yfinance download of 2 tickers side by side (AAPL, MSFT)", two.Message);
        Assert.Equal(2, two.Line);   // the Ticker row
        Assert.Contains("yf.download('AAPL')", two.Message);
        Assert.Contains("the next two rows are not its 'Ticker,…' and 'Date,,…' rows",
            _files.ReadFails("odd.csv", "Price,Close\n2023-01-03,1\n2023-01-04,2\n").Message);
    }

    [Fact]
    public void BinaryFile_IsRefusedAsNotCsv_ASafetensorsModelByName_WhileUtf16TextReads()
    {
        string model = _files.Write("m.safetensors", "");
        File.WriteAllBytes(model, [.. BitConverter.GetBytes(20UL), .. "{\"__metadata__\":{}}"u8, 0, 0, 0, 0]);
        var e = Assert.Throws<DataException>(() => CsvSeriesReader.Read(model));
        Assert.EndsWith("m.safetensors: the file is a safetensors model, not CSV data; give the CSV file of the series (a model goes to --model).", e.Message);

        string binary = _files.Write("bin.csv", "");
        File.WriteAllBytes(binary, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0]);
        Assert.Contains("the file holds binary data (a NUL character at position 7), not CSV text", Assert.Throws<DataException>(() => CsvSeriesReader.Read(binary)).Message);

        string onnx = _files.Write("m.onnx", "");
        File.WriteAllBytes(onnx, [0x08, 0x07, 0x12, 0x07, (byte)'p', (byte)'y', 0, 0]);
        Assert.EndsWith("m.onnx: the file is an ONNX model, not CSV data; give the CSV file of the series (a model goes to --model).", Assert.Throws<DataException>(() => CsvSeriesReader.Read(onnx)).Message);

        string utf16 = _files.Write("u16.csv", "");
        File.WriteAllText(utf16, "date,price\n2020-01-01,1\n2020-01-02,2\n", System.Text.Encoding.Unicode);
        Assert.Equal([1.0, 2], CsvSeriesReader.Read(utf16).Series[0].Values);
    }

    [Fact]
    public void NixtlasLongFormat_UniqueIdDsY_IsReadAsSeveralSeries()
    {
        var read = CsvSeriesReader.Read(_files.Write("nixtla.csv", "unique_id,ds,y\nA,2020-01-01,1\nA,2020-01-02,2\nB,2020-01-01,3\nB,2020-01-02,4\n"));
        Assert.Equal(["A", "B"], read.Series.Select(s => s.Symbol));
        Assert.Equal([3.0, 4], read.Series[1].Values);
    }

    [Fact]
    public void DateOutOfOrder_NamesLineAndSuggestsSort()
    {
        var e = _files.ReadFails("order.csv", "date,price\nJan 1 2000,1\nMar 1 2000,2\nFeb 1 2000,3\n");

        Assert.Equal(4, e.Line);
        Assert.Equal("date", e.Column);
        Assert.Contains("2000-02-01", e.Message);
        Assert.Contains("follows 2000-03-01 of line 3 but is not later", e.Message);
        Assert.Contains("CsvReadOptions.Sort = true", e.Message);
        Assert.Contains(CsvSettings.Sort, e.Settings);
    }

    [Fact]
    public void TooShortSeries_NamesSeriesLengthAndMinimum()
    {
        var e = _files.ReadFails("short.csv", "symbol,date,price\nA,2020-01-01,1\nA,2020-01-02,2\nA,2020-01-03,3\nB,2020-01-01,1\n",
            new CsvReadOptions { MinLength = 3 });

        Assert.Contains("series 'B'", e.Message);
        Assert.Contains("1 point", e.Message);
        Assert.Contains("3 needed", e.Message);
    }

    [Fact]
    public void OneSeriesFileWithoutAnyValue_SaysSoInsteadOfAskingForAShorterLookback()
    {
        // Every row lacks the price, so each is dropped as blank and the series ends with no points; a one-series file
        // has no series to leave out and no lookback is involved.
        var e = _files.ReadFails("empty.csv", "date,price\n2020-01-01,\n2020-01-02,NA\n2020-01-03,null\n");

        Assert.EndsWith("empty.csv, column 'price': no value in any of its 3 rows (each empty, null or NA): nothing to read. " +
                     "Fill the column in, or read another column", e.Message);
        Assert.Empty(e.Settings);
    }

    [Fact]
    public void SeriesWithoutAnyValueInALongFile_IsNamedWithLeavingItOutAsTheFix()
    {
        var e = _files.ReadFails("long.csv", "symbol,date,price\nA,2020-01-01,1\nA,2020-01-02,2\nB,2020-01-01,\n");

        Assert.EndsWith("long.csv, column 'price': series 'B' has no value in its one row (empty, null or NA). Fill them in, " +
                     "or leave the series out (CsvReadOptions.Symbols)", e.Message);
        Assert.Contains(CsvSettings.Symbols, e.Settings);
    }

    [Fact]
    public void ColumnWithoutAnyValue_IsSaidBeforeTheMissingValuesFixesThatCannotHelp()
    {
        // The volume is there, the close never: dropping or filling the missing closes cannot help.
        var one = _files.ReadFails("vol.csv", "date,close,volume\n2020-01-01,,5\n2020-01-02,,6\n", new CsvReadOptions { Features = ["volume"] });
        var every = _files.ReadFails("all.csv", "symbol,date,price\nA,2020-01-01,\nA,2020-01-02,\nB,2020-01-01,\n");

        Assert.EndsWith("vol.csv, column 'close': no value in any of its 2 rows (each empty, null or NA): nothing to read. " +
                        "Fill the column in, or read another column", one.Message);
        Assert.EndsWith("all.csv, column 'price': no value in any of its 3 rows (each empty, null or NA): nothing to read. " +
                        "Fill the column in, or read another column", every.Message);
    }

    [Fact]
    public void FeatureMissingInEveryRow_UnderDrop_NamesTheFeatureNotTheTarget()
    {
        // The price is there in every row; the volume never is, so dropping rows with a missing value leaves none.
        var e = _files.ReadFails("novolume.csv", "date,price,volume\n2020-01-01,1,\n2020-01-02,2,NA\n",
            new CsvReadOptions { Features = ["volume"], Missing = MissingValues.Drop });
        var inLong = _files.ReadFails("novolume2.csv", "symbol,date,price,volume\nA,2020-01-01,1,5\nB,2020-01-01,1,\n",
            new CsvReadOptions { Features = ["volume"], Missing = MissingValues.Drop });

        Assert.EndsWith("novolume.csv: every one of the 2 rows misses a value in 'volume', so CsvReadOptions.Missing = MissingValues.Drop " +
                        "left none. Fill them in, or read fewer columns (CsvReadOptions.Features)", e.Message);
        Assert.Contains("the only row of series 'B' misses a value in 'volume'", inLong.Message);
        Assert.DoesNotContain("column 'price'", e.Message);
    }

    [Fact]
    public void SeriesWhoseRowsAllDropAsMissing_CountsEveryRowItHad()
    {
        // --missing drop takes the rows whose price is missing but whose volume is not; the blank ones go regardless.
        var e = _files.ReadFails("drop.csv", "date,price,volume\n2020-01-01,,5\n2020-01-02,,\n",
            new CsvReadOptions { Features = ["volume"], Missing = MissingValues.Drop });

        Assert.Contains("drop.csv, column 'price': no value in any of its 2 rows", e.Message);
    }

    [Fact]
    public void RequireMinLength_NamesTheShortSeriesAndTheReason()
    {
        var set = CsvSeriesReader.Read(TestFiles.Fixture("stocks.csv"));

        var e = Assert.Throws<DataException>(() => set.RequireMinLength(100, "lookback 90 + horizon 10"));

        Assert.Contains("series 'GOOG' has 68 points", e.Message);
        Assert.Contains("100 needed (lookback 90 + horizon 10)", e.Message);
        Assert.Contains("stocks.csv", e.Message);
        set.RequireMinLength(68); // every series is long enough
    }

    [Fact]
    public void UnknownSymbol_ListsTheKnownSymbols()
    {
        string path = TestFiles.Fixture("stocks.csv");

        var e = Assert.Throws<DataException>(() =>
            CsvSeriesReader.Read(path, new CsvReadOptions { Symbols = ["MSFT", "TSLA"] }));

        Assert.Contains("'TSLA'", e.Message);
        Assert.Contains("MSFT, AMZN, IBM, GOOG, AAPL", e.Message);
        Assert.Equal("symbol", e.Column);
    }

    [Fact]
    public void UnknownSymbolInOneSeriesFile_SaysTheFileHoldsOneSeries()
    {
        var e = Assert.Throws<DataException>(() =>
            CsvSeriesReader.Read(TestFiles.Fixture("sp500.csv"), new CsvReadOptions { Symbols = ["MSFT"] }));

        Assert.Contains("'sp500'", e.Message);
        Assert.Contains("no 'symbol' column", e.Message);
    }

    [Fact]
    public void FirstProblemInFileOrder_IsTheOneReported()
    {
        var e = _files.ReadFails("two.csv", "date,price\n2020-01-02,1\n2020-01-01,2\n2020-01-03,x\n");

        Assert.Equal(3, e.Line);
        Assert.Contains("CsvReadOptions.Sort = true", e.Message);
        Assert.Contains(CsvSettings.Sort, e.Settings);
    }
}
