using System.Globalization;
using System.Text.Json;

namespace Unroll.Cli.Tests;

/// <summary>The backtest's classical methods, seasons, intervals and JSON layout (docs/forecasting.md), end to end.</summary>
public sealed class BacktestMethodsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-bt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Classical = ["naive", "seasonal_naive", "drift", "moving_average", "theta", "ets"];

    private static readonly string[] Quick = ["--epochs", "2", "--hidden", "4", "--seed", "3"];

    /// <summary>Monthly anomalies around 0 (a season of 12, zeros and negative values): 72 months.</summary>
    private string Anomalies(int months = 72, string symbol = "T")
    {
        var path = Path.Combine(_folder, $"{symbol}-{months}.csv");
        var lines = Enumerable.Range(0, months).Select(i =>
            $"{symbol},{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM-dd},{(3 * Math.Sin(2 * Math.PI * i / 12) + 0.5 * Math.Cos(i * 1.7) + (i % 5 == 0 ? 0 : 0.01 * i)).ToString("R", CultureInfo.InvariantCulture)}");
        File.WriteAllLines(path, ["symbol,date,value", .. lines]);
        return path;
    }

    private static JsonElement Json(params string[] args)
    {
        var r = CliRunner.Run(["backtest", .. args, .. Quick, "--json"]);
        Assert.True(r.ExitCode == 0, r.Error);
        return JsonDocument.Parse(r.Out).RootElement.Clone();
    }

    [Fact]
    public void Json_HasEveryMethodWithIntervalScores_OnASeriesWithZerosAndNegatives()
    {
        var root = Json("--data", Anomalies(), "--column", "value");

        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        Assert.Equal([0.8, 0.95], root.GetProperty("levels").EnumerateArray().Select(l => l.GetDouble()));
        var series = Assert.Single(root.GetProperty("series").EnumerateArray());
        Assert.Equal(12, series.GetProperty("season").GetInt32());
        Assert.Equal("monthly, season 12", series.GetProperty("frequency").GetString());
        foreach (var key in (string[])["model", .. Classical])
        {
            var method = series.GetProperty(key);
            Assert.False(method.TryGetProperty("not_applicable", out var why), $"{key}: {why}");
            Assert.Equal(15, method.GetProperty("points").GetInt32());        // the last 20% of 72 months, one step each
            foreach (var field in (string[])["mae", "rmse", "mape_percent", "mase", "direction", "coverage_80", "coverage_95", "msis_80", "msis_95"])
                Assert.True(method.GetProperty(field).ValueKind == JsonValueKind.Number, $"{key}.{field}");
            Assert.InRange(method.GetProperty("coverage_80").GetDouble(), 0, method.GetProperty("coverage_95").GetDouble());
            Assert.True(root.GetProperty("overall").TryGetProperty(key, out _), key);
        }
        Assert.StartsWith("ETS(A,", series.GetProperty("ets").GetProperty("description").GetString());
        Assert.Contains(series.GetProperty("best").GetString(), (string[])["model", "network", .. Classical]);
        // The model combines the network with ETS and Theta; the network alone is scored beside it, without intervals.
        Assert.Contains("ETS and Theta", series.GetProperty("model").GetProperty("description").GetString());
        Assert.Equal(15, series.GetProperty("network").GetProperty("points").GetInt32());
        Assert.Equal("the recurrent network alone", series.GetProperty("network").GetProperty("description").GetString());
        Assert.StartsWith("additive, season 12 (strength ", series.GetProperty("seasonal_adjustment").GetString());
        Assert.Equal(JsonValueKind.Null, series.GetProperty("network").GetProperty("coverage_80").ValueKind);
    }

    [Fact]
    public void Levels_ChooseTheIntervalsScored()
    {
        var root = Json("--data", Anomalies(), "--column", "value", "--levels", "50,90");

        var theta = root.GetProperty("series")[0].GetProperty("theta");
        Assert.Equal([0.5, 0.9], root.GetProperty("levels").EnumerateArray().Select(l => l.GetDouble()));
        Assert.True(theta.TryGetProperty("coverage_50", out _));
        Assert.True(theta.TryGetProperty("msis_90", out _));
        Assert.False(theta.TryGetProperty("coverage_80", out _));
    }

    [Fact]
    public void Season_Overrides_AndSeasonOneMakesSeasonalNaiveNotApplicable()
    {
        var root = Json("--data", Anomalies(), "--column", "value", "--season", "1");

        var series = root.GetProperty("series")[0];
        Assert.Equal(1, series.GetProperty("season").GetInt32());
        Assert.Equal("not seasonal (season 1)", series.GetProperty("seasonal_naive").GetProperty("not_applicable").GetString());
        Assert.False(root.GetProperty("overall").GetProperty("seasonal_naive").TryGetProperty("mase", out _));
    }

    [Fact]
    public void Horizon_GivesMaseByStepWhoseMeanIsThePooledMase_AndTheSingleOriginScore()
    {
        var root = Json("--data", Anomalies(), "--column", "value", "--horizon", "3");

        Assert.Equal(3, root.GetProperty("horizon").GetInt32());
        foreach (var key in Classical)
        {
            var method = root.GetProperty("series")[0].GetProperty(key);
            var steps = method.GetProperty("mase_by_step").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(3, steps.Length);
            Assert.Equal(method.GetProperty("mase").GetDouble(), steps.Average(), 1e-12);
            Assert.Equal(3, method.GetProperty("single_origin").GetProperty("points").GetInt32());
        }
    }

    [Fact]
    public void RefitEvery_RefitsTheClassicalMethods_NotTheirPointsForNaive()
    {
        var once = Json("--data", Anomalies(), "--column", "value");
        var refit = Json("--data", Anomalies(), "--column", "value", "--refit-every", "1");

        double Score(JsonElement root, string method, string field) => root.GetProperty("series")[0].GetProperty(method).GetProperty(field).GetDouble();
        Assert.Equal(Score(once, "naive", "mase"), Score(refit, "naive", "mase"));               // the last value either way
        Assert.NotEqual(Score(once, "naive", "msis_95"), Score(refit, "naive", "msis_95"));      // σ from more data
        Assert.NotEqual(Score(once, "ets", "mase"), Score(refit, "ets", "mase"));
        Assert.Equal(Score(once, "model", "mase"), Score(refit, "model", "mase"));               // the network is trained once
    }

    [Fact]
    public void AShortSeriesBesideALongOne_GetsEveryApplicableMethod()
    {
        var data = Path.Combine(_folder, "two.csv");
        File.WriteAllLines(data, ["symbol,date,value", .. File.ReadAllLines(Anomalies(72, "LONG")).Skip(1), .. File.ReadAllLines(Anomalies(10, "SHORT")).Skip(1)]);

        var r = CliRunner.Run(["backtest", "--data", data, "--column", "value", .. Quick, "--json"]);

        Assert.True(r.ExitCode == 0, r.Error);
        var shortSeries = JsonDocument.Parse(r.Out).RootElement.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("symbol").GetString() == "SHORT");
        foreach (var key in (string[])["naive", "drift", "theta"])
            Assert.True(shortSeries.GetProperty(key).GetProperty("points").GetInt32() >= 1, key);
        Assert.Contains("two full seasons", shortSeries.GetProperty("seasonal_naive").GetProperty("not_applicable").GetString());
    }

    [Fact]
    public void Table_ShowsCoverageSeasonAndTheRanking()
    {
        var r = CliRunner.Run(["backtest", "--data", Anomalies(), "--column", "value", .. Quick, "--horizon", "2"]);

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Dates: monthly, season 12", r.Out);
        Assert.Contains("MASE by step", r.Out);
        Assert.Contains("Best by MASE", r.Out);
        foreach (var key in Classical) Assert.Contains(key, r.Out);
    }

    [Fact]
    public void Forecasts_WritesEveryTestForecastOfEveryMethod()
    {
        var data = Anomalies();
        var csv = Path.Combine(_folder, "forecasts.csv");

        var r = CliRunner.Run(["backtest", "--data", data, "--column", "value", .. Quick, "--horizon", "2", "--forecasts", csv]);

        Assert.True(r.ExitCode == 0, r.Error);
        var rows = File.ReadAllLines(csv);
        Assert.Equal("symbol,origin,step,date,actual,method,forecast,lower_80,upper_80,lower_95,upper_95", rows[0]);
        var fields = rows.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(14 * 2 * 8, fields.Count);                                  // origins 58..71 (14), 2 steps, 8 methods
        var values = File.ReadAllLines(data).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[1], f => f[2]);
        foreach (var f in fields)
        {
            Assert.Equal(values[f[3]], f[4]);                                     // the actual is the data's value that date
            if (f[5] == "naive") Assert.Equal(values[f[1]], f[6]);               // naive repeats the value at the origin
            if (f[5] == "network") { Assert.Equal("", f[7]); continue; }         // the network alone: the model's intervals are the combination's
            double lower = double.Parse(f[7], CultureInfo.InvariantCulture), upper = double.Parse(f[8], CultureInfo.InvariantCulture);
            Assert.InRange(double.Parse(f[6], CultureInfo.InvariantCulture), lower, upper);
        }
    }

    [Fact]
    public void Forecasts_IntoTheDataFile_IsRefusedAndTheDataKept()
    {
        var data = Anomalies();
        var before = File.ReadAllBytes(data);

        CliRunner.Run(["backtest", "--data", data, "--column", "value", .. Quick, "--forecasts", data]).AssertOneLineError("--forecasts");

        Assert.Equal(before, File.ReadAllBytes(data));
    }

    [Fact]
    public void CombineOff_TheModelIsTheNetworkAlone_AndNoNetworkRow()
    {
        var root = Json("--data", Anomalies(), "--column", "value", "--combine", "off");

        var series = root.GetProperty("series")[0];
        Assert.False(series.TryGetProperty("network", out _));
        Assert.False(series.GetProperty("model").TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String, "the network alone has no description");
    }

    [Fact]
    public void Train_SaysWhichSeasonsItTookOut_AndDeseasonalizeOffTakesNone()
    {
        var model = Path.Combine(_folder, "m.safetensors");
        var on = CliRunner.Run(["train", "--data", Anomalies(), "--column", "value", "--out", model, .. Quick]);
        var off = CliRunner.Run(["train", "--data", Anomalies(), "--column", "value", "--out", model, "--deseasonalize", "off", .. Quick]);

        Assert.True(on.ExitCode == 0, on.Error);
        Assert.Contains("seasonal patterns taken out before the network and put back into its forecasts for 1 of 1 series (T: additive, season 12", on.Out);
        Assert.True(off.ExitCode == 0, off.Error);
        Assert.DoesNotContain("seasonal patterns taken out", off.Out);
    }

    [Theory]
    [InlineData("--levels", "80,abc", "interval levels such as 80,95")]
    [InlineData("--levels", "100", "between 0 and 100%")]
    [InlineData("--levels", "0", "between 0 and 100%")]
    [InlineData("--season", "0", "--season")]
    [InlineData("--refit-every", "0", "--refit-every")]
    [InlineData("--combine", "maybe", "--combine")]
    [InlineData("--deseasonalize", "yes", "--deseasonalize")]
    public void BadIntervalOrSeasonOptions_OneLineExitCode2(string option, string value, string expected)
        => CliRunner.Run("backtest", "--data", Anomalies(), "--column", "value", option, value).AssertOneLineError(expected);
}

/// <summary>predict's intervals: table, --json, --csv and --levels.</summary>
public sealed class PredictIntervalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-pi-").FullName;
    private readonly string _model;

    public PredictIntervalTests()
    {
        _model = Path.Combine(_folder, "m.safetensors");
        var train = CliRunner.Run("train", "--data", Stocks, "--out", _model, "--epochs", "2", "--hidden", "4", "--seed", "5");
        Assert.True(train.ExitCode == 0, train.Error);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Stocks => CliRunner.RepoFile("data", "stocks.csv");

    [Fact]
    public void Json_GivesNestedIntervalsAroundTheForecast_ForEveryStep()
    {
        var r = CliRunner.Run("predict", "--model", _model, "--data", Stocks, "--horizon", "3", "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        foreach (var s in JsonDocument.Parse(r.Out).RootElement.GetProperty("series").EnumerateArray())
        {
            var forecast = s.GetProperty("forecast").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(["2010-04-01", "2010-05-01", "2010-06-01"], s.GetProperty("dates").EnumerateArray().Select(d => d.GetString()));
            var i = s.GetProperty("intervals");
            double[] Get(string name) => i.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var (l80, u80, l95, u95) = (Get("lower_80"), Get("upper_80"), Get("lower_95"), Get("upper_95"));
            for (int k = 0; k < 3; k++)
            {
                Assert.True(l95[k] < l80[k] && l80[k] < forecast[k] && forecast[k] < u80[k] && u80[k] < u95[k], $"step {k + 1}");
                Assert.Equal(forecast[k] - l80[k], u80[k] - forecast[k], 1e-9 * Math.Abs(forecast[k]));   // symmetric
            }
        }
    }

    [Fact]
    public void Csv_HasLowerAndUpperColumnsPerLevel_AndLevelsChoosesThem()
    {
        var both = CliRunner.Run("predict", "--model", _model, "--data", Stocks, "--csv");
        var one = CliRunner.Run("predict", "--model", _model, "--data", Stocks, "--csv", "--levels", "90");

        Assert.Equal("symbol,step,date,last_date,forecast,lower_80,upper_80,lower_95,upper_95,naive,cold_start", both.Out.Split('\n')[0].Trim());
        Assert.Equal("symbol,step,date,last_date,forecast,lower_90,upper_90,naive,cold_start", one.Out.Split('\n')[0].Trim());
        var row = one.Out.Split('\n')[1].Split(',');
        Assert.Equal(("1", "2010-04-01", "2010-03-01"), (row[1], row[2], row[3]));     // monthly: the step after the last date
        double forecast = double.Parse(row[4], CultureInfo.InvariantCulture);
        Assert.InRange(forecast, double.Parse(row[5], CultureInfo.InvariantCulture), double.Parse(row[6], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Table_HasAnIntervalColumnPerLevel()
    {
        var r = CliRunner.Run("predict", "--model", _model, "--data", Stocks, "--horizon", "2");

        Assert.True(r.ExitCode == 0, r.Error);
        // Captured, as piped: the long layout, each interval's bounds in two columns.
        Assert.Contains("80% low", r.Out);
        Assert.Contains("95% high", r.Out);
        Assert.Contains("+2", r.Out);
    }
}

/// <summary>The command train suggests next reads the data as train did.</summary>
public sealed class NextHintTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-next-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Train_SuggestsAPredictThatRepeatsTheDataOptions_AndItRuns()
    {
        var data = Path.Combine(_folder, "two.csv");
        var rows = new[] { ("AAA", 100.0), ("B B", 50.0) }.SelectMany(s => Enumerable.Range(0, 60).Reverse().Select(i =>
            $"{s.Item1},{new DateOnly(2010, 1, 1).AddMonths(i):yyyy-MM-dd},{(s.Item2 + i % 7 + 0.3 * i).ToString(CultureInfo.InvariantCulture)}"));
        File.WriteAllLines(data, ["symbol,date,price", .. rows]);                   // newest first: needs --sort
        var model = Path.Combine(_folder, "m.safetensors");

        var train = CliRunner.Run("train", "--data", data, "--symbol", "B B", "--sort", "--out", model, "--epochs", "3", "--hidden", "4");

        Assert.True(train.ExitCode == 0, train.Error);
        string next = train.Out.Split('\n').Single(l => l.Contains("Next: ", StringComparison.Ordinal));
        Assert.EndsWith($"Next: unroll predict --model {model} --data {data} --symbol 'B B' --sort", next.Trim());
        var predict = CliRunner.Run("predict", "--model", model, "--data", data, "--symbol", "B B", "--sort");
        Assert.True(predict.ExitCode == 0, predict.Error);
    }
}
