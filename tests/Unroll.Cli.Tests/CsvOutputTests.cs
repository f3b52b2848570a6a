using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Unroll.Cli.Commands;
using Unroll.Data.Csv;
using Unroll.Forecasting;
using Unroll.Forecasting.Methods;

namespace Unroll.Cli.Tests;

/// <summary>The CSV Unroll writes (predict --csv, backtest --forecasts) reads back as written, in Unroll and in Python.</summary>
public sealed class CsvOutputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-csvout-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Symbols = ["Microsoft, Inc", "Say \"Hi\" Co", "Plain", "AMZN", "GOOG"];

    private static readonly string[] Quick = ["--epochs", "2", "--hidden", "4", "--seed", "5"];

    /// <summary>The bundled stocks with symbols that need quoting (a comma, quotes) in place of MSFT, IBM and AAPL.</summary>
    private string Data()
    {
        var path = Path.Combine(_folder, "quoted.csv");
        File.WriteAllText(path, File.ReadAllText(CliRunner.RepoFile("data", "stocks.csv"))
            .Replace("\nMSFT,", "\n\"Microsoft, Inc\",", StringComparison.Ordinal)
            .Replace("\nIBM,", "\n\"Say \"\"Hi\"\" Co\",", StringComparison.Ordinal)
            .Replace("\nAAPL,", "\nPlain,", StringComparison.Ordinal));
        return path;
    }

    [Fact]
    public void PredictCsv_IsCsvHelpersRfc4180_WithQuotedSymbolsAndRoundTripNumbers()
    {
        var forecasts = new[]
        {
            new SeriesForecast("Microsoft, Inc", new DateTime(2024, 1, 2), 100, [101.5, 0.1 + 0.2])
            {
                Intervals = [new PredictionInterval(0.8, [99, 98], [104, 105.25])],
                Dates = [new DateTime(2024, 1, 3), new DateTime(2024, 1, 4)],
            },
            new SeriesForecast("Say \"Hi\" Co", new DateTime(2024, 1, 2), 7, [8, 9])
            {
                Intervals = [new PredictionInterval(0.8, [6, 5], [10, 11])],
            },
        };
        var text = new StringWriter();

        PredictCommand.WriteCsv(text, forecasts, symbol => symbol.StartsWith("Say", StringComparison.Ordinal));

        Assert.Equal(
            "symbol,step,date,last_date,forecast,lower_80,upper_80,naive,cold_start\n" +
            "\"Microsoft, Inc\",1,2024-01-03,2024-01-02,101.5,99,104,100,false\n" +
            "\"Microsoft, Inc\",2,2024-01-04,2024-01-02,0.30000000000000004,98,105.25,100,false\n" +
            "\"Say \"\"Hi\"\" Co\",1,,2024-01-02,8,6,10,7,true\n" +
            "\"Say \"\"Hi\"\" Co\",2,,2024-01-02,9,5,11,7,true\n", text.ToString());
    }

    [Fact]
    public void PredictCsv_SymbolsWithCommasAndQuotes_ReadBackByUnrollAndByPython()
    {
        var data = Data();
        var model = Path.Combine(_folder, "m.safetensors");
        var train = CliRunner.Run(["train", "--data", data, "--out", model, .. Quick]);
        Assert.True(train.ExitCode == 0, train.Error);

        var csv = CliRunner.Run("predict", "--model", model, "--data", data, "--csv");
        var json = CliRunner.Run("predict", "--model", model, "--data", data, "--json");

        Assert.True(csv.ExitCode == 0, csv.Error);
        var expected = JsonDocument.Parse(json.Out).RootElement.GetProperty("series").EnumerateArray()
            .ToDictionary(s => s.GetProperty("symbol").GetString()!, s => s.GetProperty("forecast")[0].GetDouble());
        Assert.Equal(Symbols.Order(), expected.Keys.Order());
        // Unroll's own reader takes predict's CSV as a long file: symbol, date and the forecast as the column.
        var read = CsvSeriesReader.Parse(csv.Out, "predict.csv", new CsvReadOptions { Column = "forecast" });
        Assert.Equal(Symbols.Order(), read.Series.Select(s => s.Symbol).Order());
        foreach (var s in read.Series) Assert.Equal(expected[s.Symbol], s.Values.Single());
        // Python's csv module: every row has the header's fields, and the symbols come back whole.
        var rows = PythonCsv(csv.Out);
        Assert.Equal(["symbol", "step", "date", "last_date", "forecast", "lower_80", "upper_80", "lower_95", "upper_95", "naive", "cold_start"], rows[0]);
        Assert.All(rows, r => Assert.Equal(11, r.Length));
        Assert.Equal(Symbols.Order(), rows.Skip(1).Select(r => r[0]).Order());
        foreach (var r in rows.Skip(1)) Assert.Equal(expected[r[0]], double.Parse(r[4], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void BacktestForecasts_SymbolsWithCommasAndQuotes_ReadBackByPython()
    {
        var data = Data();
        var path = Path.Combine(_folder, "forecasts.csv");

        var r = CliRunner.Run(["backtest", "--data", data, .. Quick, "--forecasts", path]);

        Assert.True(r.ExitCode == 0, r.Error);
        var rows = PythonCsv(File.ReadAllText(path));
        Assert.Equal(11, rows[0].Length);
        Assert.All(rows, row => Assert.Equal(11, row.Length));
        Assert.Equal(Symbols.Order(), rows.Skip(1).Select(row => row[0]).Distinct().Order());
        Assert.All(rows.Skip(1), row => DateOnly.ParseExact(row[1], "yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>The rows Python's csv module reads from <paramref name="text"/> (python3 must be on the PATH).</summary>
    private static string[][] PythonCsv(string text)
    {
        var start = new ProcessStartInfo("python3", ["-c", "import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin))))"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var python = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start; this test needs it on the PATH");
        var output = python.StandardOutput.ReadToEndAsync();
        var error = python.StandardError.ReadToEndAsync();
        python.StandardInput.Write(text);
        python.StandardInput.Close();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, error.Result);
        return JsonSerializer.Deserialize<string[][]>(output.Result)!;
    }
}
