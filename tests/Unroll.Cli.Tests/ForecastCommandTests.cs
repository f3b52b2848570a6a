using System.Text.Json;

namespace Unroll.Cli.Tests;

public sealed class ForecastCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Stocks => CliRunner.RepoFile("data", "stocks.csv");

    private static string Months(string symbol, int count, Func<int, double> price)
        => string.Concat(Enumerable.Range(0, count).Select(i =>
            $"{symbol},{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM-dd},{price(i).ToString(System.Globalization.CultureInfo.InvariantCulture)}\n"));

    public static IEnumerable<object[]> BadCsvs() =>
    [
        ["empty.csv", "", "empty"],
        ["header.csv", "symbol,date,price\n", "no data rows"],
        ["text.csv", "symbol,date,price\nA,2000-01-01,1\nA,2000-02-01,abc\n", "line 3"],
        ["nan.csv", "symbol,date,price\nA,2000-01-01,1\nA,2000-02-01,NaN\n", "line 3"],
        ["inf.csv", "symbol,date,price\nA,2000-01-01,1\nA,2000-02-01,Infinity\n", "line 3"],
        ["dup.csv", "symbol,date,price\nA,2000-01-01,1\nA,2000-01-01,2\n", "line 3"],
        ["order.csv", "symbol,date,price\nA,2000-02-01,1\nA,2000-01-01,2\n", "--sort"],
        ["baddate.csv", "symbol,date,price\nA,someday,1\n", "line 2"],
        ["flat.csv", "symbol,date,price\n" + Months("A", 40, _ => 7), "'A'"],
    ];

    [Theory]
    [MemberData(nameof(BadCsvs))]
    public void Train_BadData_OneClearLineExitCode2AndNoModelWritten(string name, string csv, string expected)
    {
        var data = Write(name, csv);
        var model = Path.Combine(_folder, "model.safetensors");
        var r = CliRunner.Run("train", "--data", data, "--out", model, "--epochs", "2");
        r.AssertOneLineError(expected);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Train_ShortSeriesBesideALongOne_ShortensTheLookbackAndSaysSo()
    {
        var data = Write("short.csv", "symbol,date,price\n" + Months("A", 40, i => 10 + Math.Sin(i)) + Months("B", 8, i => 5 + i));
        var r = CliRunner.Run("train", "--data", data, "--out", Path.Combine(_folder, "m.safetensors"), "--epochs", "30", "--hidden", "8");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Note: the lookback is 5 instead of 12: series 'B' has 8 points, 6 in its training part.", r.Out);
        var explicitLookback = CliRunner.Run("train", "--data", data, "--out", Path.Combine(_folder, "m2.safetensors"), "--lookback", "12");
        explicitLookback.AssertOneLineError("'B'");
    }

    [Fact]
    public void Train_SeriesTooShortForTheNetwork_SaysPredictLeavesItOut_BacktestForecastsItClassically()
    {
        var data = Write("plus.csv", "symbol,date,price\n" + Months("A", 40, i => 10 + Math.Sin(i)) + Months("B", 40, i => 20 + Math.Cos(i)) + Months("TINY", 3, i => 5 + i));
        var model = Path.Combine(_folder, "m.safetensors");
        var r = CliRunner.Run("train", "--data", data, "--out", model, "--epochs", "30", "--hidden", "8");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("series 'TINY' has 3 points, too few for the network", r.Out);
        Assert.Contains("the model leaves it out, so predict forecasts it only once it is long enough", r.Out);
        CliRunner.Run("predict", "--model", model, "--data", data).AssertOneLineError("'TINY'");
        var backtest = CliRunner.Run("backtest", "--data", data, "--epochs", "3", "--hidden", "8");
        Assert.True(backtest.ExitCode == 0, backtest.Error);
        Assert.Contains("series 'TINY' has 3 points, too few for the network", backtest.Out);
        Assert.Contains("; the classical methods forecast it.", backtest.Out);
    }

    [Fact]
    public void Predict_FileWithoutTheModelsColumn_NamesTheModelAndColumn()
    {
        var data = Write("wave.csv", "symbol,date,price\n" + Months("A", 40, i => 10 + Math.Sin(i)));
        var model = Path.Combine(_folder, "m.safetensors");
        var r = CliRunner.Run("train", "--data", data, "--out", model, "--epochs", "30", "--hidden", "8");
        Assert.True(r.ExitCode == 0, r.Error);
        var other = Write("close.csv", "date,close\n" + string.Concat(Months("A", 40, i => 10 + Math.Sin(i)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line[(line.IndexOf(',') + 1)..] + "\n")));
        foreach (var command in new[] { "predict", "backtest" })
        {
            var refused = CliRunner.Run(command, "--model", model, "--data", other);
            refused.AssertOneLineError("there is no column 'price' (asked for as the column to forecast in the model, which was trained on that " +
                "column; name the file's column that holds it with --column, or rename it to match)");
            var read = CliRunner.Run(command, "--model", model, "--data", other, "--column", "close");
            Assert.True(read.ExitCode == 0, read.Error);
        }
    }

    [Fact]
    public void Train_BadData_LeavesAnExistingModelUnchanged()
    {
        var model = Write("keep.safetensors", "precious");
        var r = CliRunner.Run("train", "--data", Write("bad.csv", "symbol,date,price\nA,2000-01-01,x\n"), "--out", model);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("precious", File.ReadAllText(model));
    }

    [Theory]
    [InlineData("--column", "volume", "volume")]
    [InlineData("--features", "volume", "volume")]
    [InlineData("--symbol", "TSLA", "TSLA")]
    [InlineData("--lookback", "zero", "--lookback")]
    [InlineData("--cell", "transformer", "--cell 'transformer' is not one of rnn_relu, rnn_tanh, lstm or gru")]
    [InlineData("--optimizer", "rmsprop", "rmsprop")]
    public void Train_BadOption_OneClearLineAndExitCode2(string option, string value, string expected)
    {
        var model = Path.Combine(_folder, "m.safetensors");
        var r = CliRunner.Run("train", "--data", Stocks, "--out", model, option, value, "--epochs", "1");
        r.AssertOneLineError(expected);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Train_OutIntoMissingFolder_FailsBeforeTraining()
    {
        var r = CliRunner.Run("train", "--data", Stocks, "--out", Path.Combine(_folder, "nope", "m.safetensors"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not exist", r.Error);
    }

    [Fact]
    public void TrainPredictBacktest_OnTheSample_WorkEndToEnd()
    {
        var model = Path.Combine(_folder, "m.safetensors");
        var train = CliRunner.Run("train", "--data", Stocks, "--out", model, "--epochs", "3", "--hidden", "8", "--lookback", "all", "--json");
        Assert.True(train.ExitCode == 0, train.Error);
        using (var summary = JsonDocument.Parse(train.Out))
            Assert.Equal(5, summary.RootElement.GetProperty("series").GetArrayLength());

        var predict = CliRunner.Run("predict", "--model", model, "--data", Stocks, "--horizon", "3", "--json");
        Assert.True(predict.ExitCode == 0, predict.Error);
        using (var doc = JsonDocument.Parse(predict.Out))
        {
            var series = doc.RootElement.GetProperty("series");
            Assert.Equal(5, series.GetArrayLength());
            foreach (var s in series.EnumerateArray())
            {
                Assert.Equal(3, s.GetProperty("forecast").GetArrayLength());
                Assert.All(s.GetProperty("forecast").EnumerateArray(), v => Assert.True(v.GetDouble() > 0));
            }
        }

        var csv = CliRunner.Run("predict", "--model", model, "--data", Stocks, "--csv");
        Assert.Equal(6, csv.Out.Trim().Split('\n').Length);

        var backtest = CliRunner.Run("backtest", "--data", Stocks, "--model", model, "--json");
        Assert.True(backtest.ExitCode == 0, backtest.Error);
        using (var doc = JsonDocument.Parse(backtest.Out))
        {
            foreach (var method in new[] { "model", "naive", "drift", "moving_average" })
                foreach (var metric in new[] { "mae", "rmse", "mape_percent", "mase", "direction" })
                    Assert.True(doc.RootElement.GetProperty("overall").GetProperty(method).TryGetProperty(metric, out _), $"{method}.{metric}");
            Assert.Equal(5, doc.RootElement.GetProperty("series").GetArrayLength());
            // The naive forecast's MASE, recomputed from the CSV at the test starts the backtest reports: each one-step
            // error |y_t − y_t−1| over the test period, divided by its series' mean |Δy| before the test period.
            var prices = File.ReadAllLines(Stocks).Skip(1).Select(l => l.Split(','))
                .GroupBy(f => f[0]).ToDictionary(g => g.Key, g => g.Select(f => (Date: DateOnly.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), Value: double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture))).ToList());
            var scaled = new List<double>();
            foreach (var series in doc.RootElement.GetProperty("series").EnumerateArray())
            {
                var values = prices[series.GetProperty("symbol").GetString()!];
                var testStart = DateOnly.ParseExact(series.GetProperty("test_start").GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                int start = values.FindIndex(v => v.Date == testStart);
                Assert.True(start > 1);
                double scale = Enumerable.Range(1, start - 1).Average(t => Math.Abs(values[t].Value - values[t - 1].Value));
                for (int t = start; t < values.Count; t++) scaled.Add(Math.Abs(values[t].Value - values[t - 1].Value) / scale);
            }
            Assert.Equal(scaled.Average(), doc.RootElement.GetProperty("overall").GetProperty("naive").GetProperty("mase").GetDouble(), 12);
        }
    }

    [Fact]
    public void Predict_SymbolsTheModelNeverSaw_AreColdStartsNotRefusals()
    {
        var model = Path.Combine(_folder, "m.safetensors");
        var known = Write("known.csv", "symbol,date,price\n" + Months("A", 80, i => 50 + 10 * Math.Sin(i / 3.0)) + Months("B", 80, i => 30 + 5 * Math.Cos(i / 3.0)));
        var train = CliRunner.Run("train", "--data", known, "--out", model, "--epochs", "30", "--hidden", "8");
        Assert.True(train.ExitCode == 0, train.Error);
        var r = CliRunner.Run("predict", "--model", model, "--data", Stocks);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Cold start: 'MSFT', 'AMZN', 'IBM', 'GOOG', 'AAPL' are new to the model (trained on A, B)", r.Out);
        // A one-series file beside a model of two series: a cold start too (it stands in only for a one-series model).
        var sp = CliRunner.Run("predict", "--model", model, "--data", CliRunner.RepoFile("data", "sp500.csv"));
        Assert.True(sp.ExitCode == 0, sp.Error);
        Assert.Contains("Cold start: 'sp500' is new to the model", sp.Out);
    }

    [Fact]
    public void Predict_NotAForecastingModel_SaysSo()
    {
        var r = CliRunner.Run("predict", "--model", CliRunner.CoreFixture("torch_lstm.safetensors"), "--data", Stocks);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unroll train", r.Error);
    }

    [Fact]
    public void Backtest_TrainsAndReportsBaselines()
    {
        var r = CliRunner.Run("backtest", "--data", CliRunner.RepoFile("data", "sp500.csv"), "--epochs", "3", "--hidden", "8");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("moving_average", r.Out);
        Assert.Contains("naive forecast's", r.Out);
    }

    [Fact]
    public void Backtest_WithModel_ScoresTheModelsOwnColumnAndWarnsAboutSeenData()
    {
        var csv = Write("ohlc.csv", "date,open,close\n" + string.Concat(Enumerable.Range(0, 60).Select(i =>
            $"{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM-dd},{(100 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)},{(10 + Math.Sin(i)).ToString(System.Globalization.CultureInfo.InvariantCulture)}\n")));
        var model = Path.Combine(_folder, "open.safetensors");
        Assert.Equal(0, CliRunner.Run("train", "--data", csv, "--column", "open", "--out", model, "--epochs", "2", "--hidden", "4").ExitCode);
        var r = CliRunner.Run("backtest", "--data", csv, "--model", model, "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("warning:", r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        // Naive on the steadily rising 'open' column errs by exactly 1 each month; on 'close' it would not.
        Assert.Equal(1.0, doc.RootElement.GetProperty("overall").GetProperty("naive").GetProperty("mae").GetDouble(), 9);
    }

    [Fact]
    public void Backtest_HorizonLongerThanTheTestPeriod_FailsBeforeTraining()
    {
        var r = CliRunner.Run("backtest", "--data", Stocks, "--horizon", "40", "--epochs", "1");
        r.AssertOneLineError("fewer than the horizon 40");
    }

    [Fact]
    public void Predict_FolderGivenAsModel_SaysItIsAFolder()
    {
        var r = CliRunner.Run("predict", "--model", _folder, "--data", Stocks);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a folder", r.Error);
    }
}
