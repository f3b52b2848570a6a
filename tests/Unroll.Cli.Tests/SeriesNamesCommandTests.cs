using System.Globalization;
using System.Text.Json;

namespace Unroll.Cli.Tests;

/// <summary>Series by name, not by file: --name, a one-series file standing in for a one-series model's series, and
/// cold starts of series a global model never saw.</summary>
public sealed class SeriesNamesCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-names-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>A Yahoo Finance download of <paramref name="count"/> business days.</summary>
    private string Yahoo(string name, int count, double level, double phase)
    {
        var text = new System.Text.StringBuilder("Date,Open,High,Low,Close,Adj Close,Volume\n");
        var day = new DateOnly(2020, 1, 1);
        for (int i = 0; i < count; i++)
        {
            while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
            double p = level + 0.1 * level * Math.Sin(i / 5.0 + phase) + 0.1 * i;
            text.Append(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd},{p:F2},{p + 1:F2},{p - 1:F2},{p:F2},{p:F2},1000\n");
            day = day.AddDays(1);
        }
        File.WriteAllText(PathOf(name), text.ToString());
        return PathOf(name);
    }

    /// <summary>A long-format file of monthly prices, one series per symbol.</summary>
    private string LongFile(string name, params string[] symbols)
    {
        var text = new System.Text.StringBuilder("symbol,date,price\n");
        for (int s = 0; s < symbols.Length; s++)
            for (int i = 0; i < 80; i++)
                text.Append(CultureInfo.InvariantCulture, $"{symbols[s]},{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM-dd},{(20 + 15 * s) * (1 + 0.2 * Math.Sin(i / 3.0 + s)) + 0.2 * i:F3}\n");
        File.WriteAllText(PathOf(name), text.ToString());
        return PathOf(name);
    }

    private string Train(string data, params string[] more)
    {
        var model = PathOf(Path.GetFileNameWithoutExtension(data) + ".safetensors");
        var r = CliRunner.Run(["train", "--data", data, "--out", model, "--epochs", "10", "--hidden", "8", .. more]);
        Assert.True(r.ExitCode == 0, r.Error);
        return model;
    }

    private const string StandIn = "Series: AAPL_latest.csv holds one series, 'AAPL_latest', forecast as the model's one series, 'yahoo_clean', with the scaling and fits it was trained with.";

    [Fact]
    public void Predict_AFileWhoseTargetColumnHasAnotherName_ReadsItWithColumn_AndTheRefusalNamesIt()
    {
        var model = Train(LongFile("long.csv", "A", "B"));
        File.WriteAllText(PathOf("renamed.csv"), File.ReadAllText(PathOf("long.csv")).Replace("symbol,date,price", "symbol,date,close", StringComparison.Ordinal));

        CliRunner.Run("predict", "--model", model, "--data", PathOf("renamed.csv"))
            .AssertOneLineError("there is no column 'price' (asked for as the column to forecast in the model, which was trained on that column; name the file's column that holds it with --column, or rename it to match)");
        var read = CliRunner.Run("predict", "--model", model, "--data", PathOf("renamed.csv"), "--column", "close", "--csv");
        Assert.True(read.ExitCode == 0, read.Error);
        Assert.Equal(CliRunner.Run("predict", "--model", model, "--data", PathOf("long.csv"), "--csv").Out, read.Out);
        // The table and the JSON name the file's column.
        Assert.Contains("last close", CliRunner.Run("predict", "--model", model, "--data", PathOf("renamed.csv"), "--column", "close").Out);
        Assert.Equal("close", JsonDocument.Parse(CliRunner.Run("predict", "--model", model, "--data", PathOf("renamed.csv"), "--column", "close", "--json").Out).RootElement.GetProperty("column").GetString());
    }

    [Fact]
    public void Predict_OneSeriesWhosePartWasLeftOut_SaysWhatItsForecastIs_NotARuleWithItAsTheException()
    {
        // Daily values with days missing (a median gap of a day), trained briefly: Theta erred more than naive on the
        // validation part and was left out of this series' combination.
        var text = new System.Text.StringBuilder("date,close\n");
        for (int i = 0; i < 300; i++)
            if (i % 5 != 0 && i % 11 != 4)
                text.Append(CultureInfo.InvariantCulture, $"{new DateOnly(2020, 1, 1).AddDays(i):yyyy-MM-dd},{100 + 10 * Math.Sin(i / 5.0) + 0.05 * i:F3}\n");
        File.WriteAllText(PathOf("gappy.csv"), text.ToString());
        var model = PathOf("gappy.safetensors");
        Assert.Equal(0, CliRunner.Run("train", "--data", PathOf("gappy.csv"), "--out", model, "--epochs", "2").ExitCode);

        var r = CliRunner.Run("predict", "--model", model, "--data", PathOf("gappy.csv"), "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        string note = JsonDocument.Parse(r.Out).RootElement.GetProperty("intervals_note").GetString()!;
        Assert.StartsWith("forecasts are gappy: half the network, half ETS (Theta erred more than naive on the validation part); " +
                          "intervals are the widths of the ETS and Theta forecasts kept, around them", note);
    }

    [Fact]
    public void Predict_ASeriesWithAMonthMissing_SaysItsGapCountsAsOneStep()
    {
        var model = Train(LongFile("long.csv", "A", "B"));
        var lines = File.ReadAllLines(PathOf("long.csv")).Where(l => !l.StartsWith("B,2004-03-01", StringComparison.Ordinal));
        File.WriteAllLines(PathOf("gap.csv"), lines);

        var r = CliRunner.Run("predict", "--model", model, "--data", PathOf("gap.csv"), "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        var notes = JsonDocument.Parse(r.Out).RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Equal(["Dates: series 'B' has irregular dates (2004-04-01 comes 2 months after 2004-02-01, where the other dates are monthly " +
                      "(1 month apart)): its values are taken as consecutive steps, so a gap counts as one step and a season's pattern shifts " +
                      "past it, and its forecasts carry no dates. Add the missing rows to forecast it as its dates say."], notes);
        Assert.Empty(JsonDocument.Parse(CliRunner.Run("predict", "--model", model, "--data", PathOf("long.csv"), "--json").Out).RootElement.GetProperty("notes").EnumerateArray());
    }

    [Fact]
    public void Predict_ModelOfYahooCleanOnAaplLatest_ForecastsTheFileUnderItsOwnNameAndSaysWhatStandsIn()
    {
        var model = Train(Yahoo("yahoo_clean.csv", 150, 100, 0));
        var latest = Yahoo("AAPL_latest.csv", 120, 150, 1);

        var table = CliRunner.Run("predict", "--model", model, "--data", latest, "--horizon", "2");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains(table.Out.Split('\n'), l => l.StartsWith("AAPL_latest  ", StringComparison.Ordinal));   // the long layout (captured, as piped): its series cell
        Assert.DoesNotContain("yahoo_clean:", table.Out);                 // the intervals note speaks of the data's series
        Assert.Single(table.Out.Split('\n'), line => line == StandIn);

        var json = CliRunner.Run("predict", "--model", model, "--data", latest, "--horizon", "2", "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        using var doc = JsonDocument.Parse(json.Out);
        var series = Assert.Single(doc.RootElement.GetProperty("series").EnumerateArray());
        Assert.Equal("AAPL_latest", series.GetProperty("symbol").GetString());
        Assert.Equal("yahoo_clean", series.GetProperty("model_series").GetString());
        Assert.False(series.GetProperty("cold_start").GetBoolean());
        Assert.Equal([StandIn], doc.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));

        var csv = CliRunner.Run("predict", "--model", model, "--data", latest, "--horizon", "2", "--csv");
        Assert.True(csv.ExitCode == 0, csv.Error);
        Assert.StartsWith("AAPL_latest,1,", csv.Out.Split('\n')[1]);
        Assert.EndsWith(",false", csv.Out.Split('\n')[1].Trim());
        Assert.Contains("note: " + StandIn, csv.Error);
    }

    [Fact]
    public void Name_NamesTheSeriesOfTrainAndPredict_SoTheyMatchWithoutANote()
    {
        var model = PathOf("aapl.safetensors");
        var train = CliRunner.Run("train", "--data", Yahoo("yahoo_clean.csv", 150, 100, 0), "--name", "AAPL", "--out", model, "--epochs", "10", "--hidden", "8");
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("--name AAPL", train.Out.Split('\n').Single(l => l.Contains("Next: ", StringComparison.Ordinal)));

        var r = CliRunner.Run("predict", "--model", model, "--data", Yahoo("AAPL_latest.csv", 120, 150, 1), "--name", "AAPL", "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        var series = Assert.Single(doc.RootElement.GetProperty("series").EnumerateArray());
        Assert.Equal(("AAPL", "AAPL"), (series.GetProperty("symbol").GetString(), series.GetProperty("model_series").GetString()));
        Assert.Empty(doc.RootElement.GetProperty("notes").EnumerateArray());
    }

    [Theory]
    [InlineData("train")]
    [InlineData("predict")]
    [InlineData("backtest")]
    public void Name_OnALongFormatFile_IsOneLineExit2(string command)
    {
        var data = LongFile("long.csv", "A", "B");
        string[] args = command switch
        {
            "train" => ["train", "--data", data, "--name", "X", "--out", PathOf("m.safetensors")],
            "predict" => ["predict", "--model", Train(LongFile("other.csv", "A", "B")), "--data", data, "--name", "X"],
            _ => ["backtest", "--data", data, "--name", "X"],
        };

        CliRunner.Run(args).AssertOneLineError($"{data}: --name names the series of a one-series file, but this file is long-format: " +
            "its 'symbol' column names each row's series. Leave --name out, or choose series with --symbol.");
    }

    [Fact]
    public void Predict_GlobalModelOnANewSymbol_ColdStartsItAndSaysSoInTheTableJsonAndCsv()
    {
        var model = Train(LongFile("some.csv", "A", "B", "C"));
        var data = LongFile("more.csv", "A", "B", "C", "NEWCO");
        const string Note = "Cold start: 'NEWCO' is new to the model (trained on A, B, C): the trained network forecasts it with its typical relative one-step move, " +
                            "its seasonal pattern and its ETS and Theta fits estimated from its own history, as training estimates a series' from its training part.";

        var table = CliRunner.Run("predict", "--model", model, "--data", data);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains(table.Out.Split('\n'), l => l.StartsWith("NEWCO  ", StringComparison.Ordinal));   // the long layout (captured, as piped): its series cell
        Assert.Single(table.Out.Split('\n'), line => line == Note);

        var json = CliRunner.Run("predict", "--model", model, "--data", data, "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        using var doc = JsonDocument.Parse(json.Out);
        var series = doc.RootElement.GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("symbol").GetString()!);
        Assert.True(series["NEWCO"].GetProperty("cold_start").GetBoolean());
        Assert.Equal(JsonValueKind.Null, series["NEWCO"].GetProperty("model_series").ValueKind);
        Assert.All(["A", "B", "C"], s => Assert.False(series[s].GetProperty("cold_start").GetBoolean()));
        var forecast = series["NEWCO"].GetProperty("forecast").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.All(forecast, v => Assert.InRange(v, 30, 150));          // at NEWCO's level (65 ± 20%), not A's, B's or C's
        Assert.True(series["NEWCO"].GetProperty("intervals").GetProperty("upper_95").GetArrayLength() > 0);
        Assert.Equal([Note], doc.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));

        var csv = CliRunner.Run("predict", "--model", model, "--data", data, "--csv");
        Assert.True(csv.ExitCode == 0, csv.Error);
        Assert.All(csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1),
            row => Assert.EndsWith(row.StartsWith("NEWCO,", StringComparison.Ordinal) ? ",true" : ",false", row));
        Assert.Contains("note: " + Note, csv.Error);
    }

    [Fact]
    public void Predict_MinMaxModelOnANewSymbol_EstimatesItsRangeAndSaysSo()
    {
        var model = Train(LongFile("some.csv", "A", "B", "C"), "--scaling", "minmax", "--combine", "off");

        var r = CliRunner.Run("predict", "--model", model, "--data", LongFile("new.csv", "A", "NEWCO"), "--symbol", "NEWCO");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Cold start: 'NEWCO' is new to the model (trained on A, B, C): the trained network forecasts it with its minimum and maximum " +
                        "and its seasonal pattern estimated from its own history, as training estimates a series' from its training part; " +
                        "its intervals use the calibration measured on the training series.", r.Out);
    }

    [Fact]
    public void Predict_NewSymbolTooShortToEstimateFrom_IsOneLineNamingWhatItNeeds()
    {
        var model = Train(LongFile("some.csv", "A", "B"));
        var shortFile = PathOf("short.csv");
        File.WriteAllText(shortFile, "symbol,date,price\n" + string.Concat(Enumerable.Range(0, 10).Select(i =>
            FormattableString.Invariant($"NEWCO,{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM-dd},{10 + i % 3}\n"))));

        CliRunner.Run("predict", "--model", model, "--data", shortFile)
            .AssertOneLineError("series 'NEWCO' is new to the model, so its scaling is estimated from its history");
    }

    [Fact]
    public void Backtest_ModelOnANewSymbol_ScoresItAsAColdStartWithoutTheLeakWarning()
    {
        var model = Train(LongFile("some.csv", "A", "B", "C"));

        var r = CliRunner.Run("backtest", "--model", model, "--data", LongFile("new.csv", "A", "NEWCO"), "--symbol", "NEWCO", "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("note: Cold start: 'NEWCO' is new to the model (trained on A, B, C)", r.Error);
        Assert.DoesNotContain("flatter", r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.True(doc.RootElement.GetProperty("overall").GetProperty("model").GetProperty("mase").GetDouble() > 0);
    }
}
