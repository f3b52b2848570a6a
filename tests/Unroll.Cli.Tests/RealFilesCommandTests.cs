using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Unroll.Cli.Tests;

/// <summary>The files pandas and brokers write: an unnamed index column, a date column of another name, intraday
/// timestamps with time zones, and --resample to aggregate them; train and predict read them alike.</summary>
public sealed class RealFilesCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-realfiles-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static double Price(int i) => 100 + 5 * Math.Sin(2 * Math.PI * i / 14) + 0.05 * i + Math.Sin(1.3 * i);

    /// <summary>Half-hour bars 09:30–16:00 over <paramref name="days"/> weekdays from Wednesday 2024-01-03, stamped with
    /// the exchange's offset, as a broker's download.</summary>
    private string Bars(string name, int days)
    {
        var csv = new StringBuilder("Datetime,Close,Volume\n");
        int i = 0;
        for (var (day, d) = (new DateTime(2024, 1, 3), 0); d < days; day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            for (var t = day.AddHours(9.5); t <= day.AddHours(16); t = t.AddMinutes(30), i++)
                csv.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-dd HH:mm:ss}-05:00,{Price(i):F3},{1000 + i}\n");
            d++;
        }
        return Write(name, csv.ToString());
    }

    [Fact]
    public void PandasExport_WithAnUnnamedDateIndex_TrainsAndPredicts()
    {
        var csv = new StringBuilder(",Open,High,Low,Close,Volume\n");
        var day = new DateTime(2023, 1, 2);
        for (int i = 0; i < 120; i++, day = day.AddDays(day.DayOfWeek == DayOfWeek.Friday ? 3 : 1))
            csv.Append(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd},{Price(i):F2},{Price(i) + 1:F2},{Price(i) - 1:F2},{Price(i):F2},{1000 + i}\n");
        var data = Write("pandas.csv", csv.ToString());
        var model = Path.Combine(_folder, "m.safetensors");

        var train = CliRunner.Run("train", "--data", data, "--out", model, "--epochs", "2", "--hidden", "8", "-q");
        Assert.True(train.ExitCode == 0, train.Error);
        var predict = CliRunner.Run("predict", "--model", model, "--data", data, "--json");
        Assert.True(predict.ExitCode == 0, predict.Error);

        var f = JsonDocument.Parse(predict.Out).RootElement.GetProperty("series")[0];
        Assert.Equal("2023-06-16", f.GetProperty("last_date").GetString());
        Assert.Equal("2023-06-19", f.GetProperty("dates")[0].GetString()); // Friday, then Monday
    }

    [Fact]
    public void PandasExport_WithAnIndexOfOtherValues_IsOneLineNamingIndexFalse()
    {
        var data = Write("odd.csv", ",date,price\na,2024-01-02,1\nb,2024-01-03,2\n");

        var r = CliRunner.Run("train", "--data", data, "--out", Path.Combine(_folder, "m.safetensors"));

        r.AssertOneLineError("line 2: the first column has no name and holds 'a', neither dates nor row numbers 0, 1, 2, …, so Unroll cannot tell what it is. Name it in the header; if the file comes from pandas, write it with df.to_csv(path, index=False), or name the index (df.index.name = 'date').");
    }

    [Fact]
    public void DateColumn_ReadsDatesUnderAnyName_AndTheNextHintRepeatsIt()
    {
        var csv = new StringBuilder("Handelstag;Schluss\n");
        var day = new DateTime(2015, 1, 31);
        for (int i = 0; i < 80; i++, day = day.AddDays(1).AddMonths(1).AddDays(-1))
            csv.Append(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd};{Price(i).ToString("F2", CultureInfo.InvariantCulture).Replace('.', ',')}\n");
        var data = Write("dax.csv", csv.ToString());
        var model = Path.Combine(_folder, "m.safetensors");

        var refused = CliRunner.Run("train", "--data", data, "--out", model, "--decimal", ",");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("there is no date column", refused.Error);

        var train = CliRunner.Run("train", "--data", data, "--out", model, "--decimal", ",", "--date-column", "handelstag", "--epochs", "2", "--hidden", "8");
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains($"Next: unroll predict --model {model} --data {data} --decimal , --date-column handelstag", train.Out);

        var predict = CliRunner.Run("predict", "--model", model, "--data", data, "--decimal", ",", "--date-column", "handelstag", "--csv");
        Assert.True(predict.ExitCode == 0, predict.Error);
        Assert.Contains(",1,2021-09-30,2021-08-31,", predict.Out); // the month end after the last
    }

    [Fact]
    public void AmericanSpreadsheetDates_AreRefusedNamingDateOrder_ThenReadWithIt()
    {
        // Month-first dates as a US-locale spreadsheet saves them: 1/5/2015 is read only once the order is named, and
        // train's suggested predict command carries the flag.
        var csv = new StringBuilder("Date,Close\n");
        for (var (day, i) = (new DateTime(2015, 1, 5), 0); i < 80; day = day.AddDays(7), i++)
            csv.Append(CultureInfo.InvariantCulture, $"{day.Month}/{day.Day}/{day.Year},{Price(i):F2}\n");
        var data = Write("us.csv", csv.ToString());
        var model = Path.Combine(_folder, "m.safetensors");

        CliRunner.Run("train", "--data", data, "--out", model)
            .AssertOneLineError("line 2, column 'Date': '1/5/2015' reads either way, and line 4's '1/19/2015' only month first, so the " +
                                "file writes its dates month first. Use --date-order mdy");
        Assert.False(File.Exists(model));

        var train = CliRunner.Run("train", "--data", data, "--out", model, "--date-order", "mdy", "--epochs", "2", "--hidden", "8");
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains($"Next: unroll predict --model {model} --data {data} --date-order mdy", train.Out);
        var predict = CliRunner.Run("predict", "--model", model, "--data", data, "--date-order", "us", "--csv");
        Assert.True(predict.ExitCode == 0, predict.Error);
        Assert.Contains(",1,2016-07-18,2016-07-11,", predict.Out);   // a week after the last date, 7/11/2016
        var backtest = CliRunner.Run("backtest", "--data", data, "--date-order", "dmy");
        backtest.AssertOneLineError("'1/19/2015' is not a date read day first (there is no such month and day), though it reads the other way. " +
                                    "If the file writes its dates that way, use --date-order mdy");
        CliRunner.Run("backtest", "--data", data, "--date-order", "yd").AssertOneLineError("--date-order 'yd' is not one of");
    }

    [Fact]
    public void IntradayBars_ForecastTheNextBarsOfTheSession()
    {
        var data = Bars("spy_30m.csv", 12);
        var model = Path.Combine(_folder, "m.safetensors");

        var train = CliRunner.Run("train", "--data", data, "--out", model, "--epochs", "2", "--hidden", "8", "-q");
        Assert.True(train.ExitCode == 0, train.Error);
        var predict = CliRunner.Run("predict", "--model", model, "--data", data, "--horizon", "2", "--json");
        Assert.True(predict.ExitCode == 0, predict.Error);

        var f = JsonDocument.Parse(predict.Out).RootElement.GetProperty("series")[0];
        // Twelve weekdays from Wednesday 3 January end on Thursday 18 January at 16:00; next is Friday's open.
        Assert.Equal("2024-01-18 16:00", f.GetProperty("last_date").GetString());
        Assert.Equal(["2024-01-19 09:30", "2024-01-19 10:00"], f.GetProperty("dates").EnumerateArray().Select(d => d.GetString()));
    }

    /// <summary>Weekday closes from Monday 2020-01-06 to <paramref name="end"/>, as a daily download.</summary>
    private static string Closes(string header, DateTime end, string? symbol = null)
    {
        var csv = new StringBuilder(header + "\n");
        int i = 0;
        for (var day = new DateTime(2020, 1, 6); day <= end; day = day.AddDays(1))
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                csv.Append(CultureInfo.InvariantCulture, $"{(symbol is null ? "" : symbol + ",")}{day:yyyy-MM-dd},{Price(i++):F2}\n");
        return csv.ToString();
    }

    [Fact]
    public void ResampleMonth_OfADownloadTakenMidMonth_NotesThatTheLastMonthStopsShort()
    {
        var data = Write("daily.csv", Closes("date,close", new DateTime(2024, 3, 15)));
        var model = Path.Combine(_folder, "m.safetensors");

        var train = CliRunner.Run("train", "--data", data, "--out", model, "--resample", "month", "--epochs", "2", "--hidden", "8");

        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("note: the last month stops short: the rows end on 2024-03-15, well before the month does, so its point " +
                        "(dated 2024-03-31) holds that day's values, not the month's close; end the rows at the last whole month " +
                        "to forecast from whole months", train.Error);
        var quiet = CliRunner.Run("train", "--data", data, "--out", model, "--resample", "month", "--epochs", "2", "--hidden", "8", "--quiet");
        Assert.DoesNotContain("stops short", quiet.Error);

        // A month that ends on a weekend after its last trading day is whole; in a long file only the short series is named.
        var whole = Unroll.Data.Csv.CsvSeriesReader.Parse(Closes("date,close", new DateTime(2024, 3, 29)), "whole.csv",
            new Unroll.Data.Csv.CsvReadOptions { Resample = Unroll.Data.Csv.ResamplePeriod.Month });
        Assert.DoesNotContain(ReadOptions.Notes(whole, Unroll.Data.Csv.MissingValues.Error), n => n.Contains("stops short", StringComparison.Ordinal));
        var both = Unroll.Data.Csv.CsvSeriesReader.Parse(Closes("symbol,date,close", new DateTime(2024, 3, 29), "A") +
            Closes("", new DateTime(2024, 3, 14), "B").TrimStart('\n'), "long.csv", new Unroll.Data.Csv.CsvReadOptions { Resample = Unroll.Data.Csv.ResamplePeriod.Month });
        Assert.Contains("note: the last month of 1 series stops short (B on 2024-03-14), so its point holds that day's values, not the month's close",
            ReadOptions.Notes(both, Unroll.Data.Csv.MissingValues.Error).Last());
        var two = Unroll.Data.Csv.CsvSeriesReader.Parse(Closes("symbol,date,close", new DateTime(2024, 3, 15), "A") +
            Closes("", new DateTime(2024, 3, 14), "B").TrimStart('\n'), "two.csv", new Unroll.Data.Csv.CsvReadOptions { Resample = Unroll.Data.Csv.ResamplePeriod.Month });
        Assert.Contains("note: the last month of 2 series stops short (A on 2024-03-15, B on 2024-03-14), so each one's point holds that day's values",
            ReadOptions.Notes(two, Unroll.Data.Csv.MissingValues.Error).Last());
    }

    [Fact]
    public void ModelTrainedOnMonths_RefusesDailyRows_UntilTheyAreReadAsMonths()
    {
        var data = Write("daily.csv", Closes("date,close", new DateTime(2024, 12, 31)));
        var model = Path.Combine(_folder, "m.safetensors");
        var train = CliRunner.Run("train", "--data", data, "--out", model, "--resample", "month", "--epochs", "2", "--hidden", "8", "-q");
        Assert.True(train.ExitCode == 0, train.Error);
        var saved = File.ReadAllBytes(model);

        const string Refusal = "daily.csv: series 'daily' has daily dates, but the model was trained on monthly data: read it as monthly " +
                               "points with --resample month, or train a model on daily data";
        CliRunner.Run("predict", "--model", model, "--data", data).AssertOneLineError(Refusal);
        CliRunner.Run("predict", "--model", model, "--data", data, "--json").AssertOneLineError(Refusal);
        CliRunner.Run("backtest", "--model", model, "--data", data).AssertOneLineError(Refusal);
        CliRunner.Run("predict", "--model", model, "--data", data, "--resample", "week", "-q").AssertOneLineError(
            "series 'daily' has weekly dates, but the model was trained on monthly data: read it with --resample month instead of --resample week, or train a model on weekly data");

        var predict = CliRunner.Run("predict", "--model", model, "--data", data, "--resample", "month", "--json");
        Assert.True(predict.ExitCode == 0, predict.Error);
        var f = JsonDocument.Parse(predict.Out).RootElement.GetProperty("series")[0];
        Assert.Equal("2024-12-31", f.GetProperty("last_date").GetString());
        Assert.Equal("2025-01-31", f.GetProperty("dates")[0].GetString());
        Assert.Equal(saved, File.ReadAllBytes(model));

        // The other way round: a daily model given the months it cannot forecast.
        var months = Write("months.csv", string.Join("\n", new[] { "date,close" }.Concat(
            Enumerable.Range(0, 36).Select(i => $"{new DateTime(2021, 1, 1).AddMonths(i):yyyy-MM-dd},{Price(i):F2}"))) + "\n");
        var daily = Path.Combine(_folder, "daily.safetensors");
        Assert.Equal(0, CliRunner.Run("train", "--data", data, "--out", daily, "--epochs", "1", "--hidden", "4", "-q").ExitCode);
        CliRunner.Run("predict", "--model", daily, "--data", months).AssertOneLineError(
            "months.csv: series 'months' has monthly dates, but the model was trained on daily data: give it daily " +
            "data (coarser data cannot be made finer), or train a model on monthly data");
        // A resampling of the user's own that made the data coarser is named, with the one that reads it as the model's.
        CliRunner.Run("predict", "--model", daily, "--data", data, "--resample", "week", "-q").AssertOneLineError(
            "series 'daily' has weekly dates, but the model was trained on daily data: read it with --resample day instead of --resample week");
    }

    [Fact]
    public void Resample_AggregatesBarsToDays_SumsVolume_AndNotesIt()
    {
        var data = Bars("spy_30m.csv", 60);
        var model = Path.Combine(_folder, "m.safetensors");

        var train = CliRunner.Run("train", "--data", data, "--out", model, "--features", "volume", "--resample", "day", "--sum", "volume", "--epochs", "2", "--hidden", "8");
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("note: resampled 840 rows of spy_30m.csv to 60 points, one per day (the last value of each, Volume summed)", train.Error);
        Assert.Contains("--resample day --sum volume", train.Out);

        var predict = CliRunner.Run("predict", "--model", model, "--data", data, "--resample", "day", "--sum", "volume", "--json");
        Assert.True(predict.ExitCode == 0, predict.Error);
        var f = JsonDocument.Parse(predict.Out).RootElement.GetProperty("series")[0];
        Assert.Equal("2024-03-26", f.GetProperty("last_date").GetString());
        Assert.Equal("2024-03-27", f.GetProperty("dates")[0].GetString());
    }

    [Fact]
    public void Sum_WithoutResample_IsOneLineNamingBothFlags()
    {
        var data = Bars("spy_30m.csv", 3);

        var r = CliRunner.Run("train", "--data", data, "--out", Path.Combine(_folder, "m.safetensors"), "--features", "volume", "--sum", "volume");

        r.AssertOneLineError("--sum sums columns over each period of --resample, which is not set. Set --resample (day, week or month), or leave --sum out.");
    }
}
