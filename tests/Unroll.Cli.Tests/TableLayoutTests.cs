using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console;
using Unroll.Cli.Commands;
using Unroll.Data.Csv;
using Unroll.Forecasting;

namespace Unroll.Cli.Tests;

/// <summary>Result tables never break a number across lines: bordered only on a terminal wide enough, else the long layout.</summary>
public sealed partial class TableLayoutTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-tables-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Gap();

    /// <summary>The cells of a long-layout line: columns are two or more spaces apart; a cell holds at most single spaces.</summary>
    private static string[] Cells(string line) => Gap().Split(line.Trim());

    private static bool IsNumber(string cell) =>
        double.TryParse(cell.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>The bundled stocks eight times over (40 series, names with spaces), each copy scaled a little.</summary>
    private string ManySeries()
    {
        var rows = File.ReadAllLines(CliRunner.RepoFile("data", "stocks.csv"));
        var path = Path.Combine(_folder, "many.csv");
        File.WriteAllLines(path, [rows[0], .. Enumerable.Range(0, 8).SelectMany(k => rows.Skip(1).Select(r =>
        {
            var f = r.Split(',');
            double price = double.Parse(f[2], CultureInfo.InvariantCulture) * (1 + 0.03 * k);
            return $"{f[0]} listing {k},{f[1]},{Math.Round(price, 4).ToString(CultureInfo.InvariantCulture)}";
        }))]);
        return path;
    }

    [Fact]
    public void Predict_Piped_ManySeriesLongHorizon_EveryLineIsOneWholeRowOfNumbers()
    {
        var data = ManySeries();
        var model = Path.Combine(_folder, "m.safetensors");
        var train = CliRunner.Run("train", "--data", data, "--out", model, "--epochs", "2", "--hidden", "4", "--seed", "5");
        Assert.True(train.ExitCode == 0, train.Error);

        var r = CliRunner.Run("predict", "--model", model, "--data", data, "--horizon", "24");

        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] header = Cells(lines[0]);
        Assert.Equal(["series", "last date", "last price", "step", "date", "forecast", "80% low", "80% high", "95% low", "95% high", "naive", "change"], header);
        var rows = lines.Skip(1).TakeWhile(l => !l.StartsWith("naive = ", StringComparison.Ordinal)).ToList();
        Assert.Equal(40 * 24, rows.Count);                                        // one line per series and step
        Assert.DoesNotContain("│", r.Out);
        foreach (var line in rows)
        {
            var cells = Cells(line);
            Assert.True(cells.Length == header.Length, $"not one whole row: '{line}'");
            Assert.Matches(@"^(AAPL|AMZN|GOOG|IBM|MSFT) listing \d$", cells[0]);
            Assert.Matches(@"^\+\d+$", cells[3]);
            DateOnly.ParseExact(cells[4], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (int c in (int[])[2, 5, 6, 7, 8, 9, 10, 11]) Assert.True(IsNumber(cells[c]), $"column {header[c]} of '{line}' is not a number");
        }
        Assert.Equal(Enumerable.Range(1, 24).Select(k => $"+{k}"), rows.Take(24).Select(l => Cells(l)[3]));
    }

    [Fact]
    public void Backtest_Piped_LongHorizon_GivesMaseByStepOneLinePerMethodAndStep()
    {
        var data = Path.Combine(_folder, "wave.csv");
        File.WriteAllLines(data, ["symbol,date,value", .. Enumerable.Range(0, 90).Select(i =>
            $"W,{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM-dd},{(10 + 3 * Math.Sin(2 * Math.PI * i / 12) + 0.05 * i).ToString("R", CultureInfo.InvariantCulture)}")]);

        var r = CliRunner.Run("backtest", "--data", data, "--column", "value", "--epochs", "2", "--hidden", "4", "--seed", "3", "--horizon", "12");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.DoesNotContain("│", r.Out);
        var lines = r.Out.Split('\n').ToList();
        int scores = lines.FindIndex(l => l.StartsWith("series ", StringComparison.Ordinal));
        Assert.Equal(["series", "method", "MAE", "RMSE", "MAPE %", "MASE", "direction %", "80% cover", "95% cover", "MSIS 95"], Cells(lines[scores]));
        int steps = lines.FindIndex(l => l.StartsWith("method ", StringComparison.Ordinal));
        Assert.Equal(["method", "step", "MASE by step"], Cells(lines[steps]));
        var stepRows = lines.Skip(steps + 1).TakeWhile(l => Cells(l).Length == 3).ToList();
        Assert.True(stepRows.Count >= 12 * 3, $"{stepRows.Count} lines of MASE by step");
        Assert.Equal(0, stepRows.Count % 12);
        Assert.All(stepRows, l => Assert.True(IsNumber(Cells(l)[2]) && Cells(l)[1].StartsWith('+'), l));
        Assert.All(lines.Skip(scores + 1).Take(8), l => Assert.Equal(10, Cells(l).Length));
    }

    private static Table Wide()
    {
        var table = new Table().AddColumn("series");
        for (int k = 1; k <= 12; k++) table.AddColumn(new TableColumn($"+{k}").RightAligned());
        table.AddRow(["MSFT", .. Enumerable.Range(1, 12).Select(k => (1000.125 * k).ToString(CultureInfo.InvariantCulture))]);
        return table;
    }

    private static string Write(int? terminalWidth)
    {
        var output = new StringWriter();
        var context = new CliContext(new StringReader(""), output, new StringWriter(), terminalWidth);
        var tall = new LongTable("series", "step", "value").RightAligned(1, 2);
        for (int k = 1; k <= 12; k++) tall.AddRow("MSFT", $"+{k}", (1000.125 * k).ToString(CultureInfo.InvariantCulture));
        TableOutput.Write(context, Wide(), tall);
        return output.ToString();
    }

    [Fact]
    public void TableOutput_BordersOnlyOnATerminalWideEnough()
    {
        var console = new CliContext(new StringReader(""), new StringWriter(), new StringWriter(), 500).Console;
        int width = TableOutput.Width(console, Wide());
        Assert.InRange(width, 12 * 9, 200);                                       // 12 numbers of 8 characters and borders

        string wide = Write(terminalWidth: width);
        string narrow = Write(terminalWidth: width - 1);
        string piped = Write(terminalWidth: null);

        Assert.Contains("│ MSFT ", wide);
        Assert.Contains("12001.5", wide);
        Assert.Equal(narrow, piped);
        Assert.DoesNotContain("│", narrow);
        Assert.Equal(13, narrow.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("MSFT     +12    12001.5", narrow.Split('\n')[12]);
    }

    [Fact]
    public void LongTable_FillsEmptyCells_AndRefusesARowOfTheWrongWidth()
    {
        var tall = new LongTable("a", "b");
        tall.AddRow("x", "");
        var output = new StringWriter();
        tall.Write(output);

        Assert.Equal("a  b\nx  –\n", output.ToString().ReplaceLineEndings("\n"));
        Assert.Throws<ArgumentException>(() => tall.AddRow("only one"));
    }

    [Fact]
    public void PredictRender_OnATerminal_IsTheBorderedTableWhenItFits_AndTheLongLayoutWhenNot()
    {
        var model = Path.Combine(_folder, "m.safetensors");
        var stocks = CliRunner.RepoFile("data", "stocks.csv");
        Assert.Equal(0, CliRunner.Run("train", "--data", stocks, "--out", model, "--epochs", "2", "--hidden", "4", "--seed", "5").ExitCode);
        var forecaster = ModelBundle.Load(model);
        var forecasts = CsvSeriesReader.Read(stocks).Series.Select(s => forecaster.Predict(s, 2, [0.8, 0.95])).ToList();

        string Render(int width)
        {
            var output = new StringWriter();
            PredictCommand.Render(new CliContext(new StringReader(""), output, new StringWriter(), width), forecaster, forecasts);
            return output.ToString();
        }
        string wide = Render(400), narrow = Render(60);

        Assert.Contains("80% interval", wide);
        Assert.Contains("│", wide);
        Assert.DoesNotContain("│", narrow);
        Assert.Contains("80% low", narrow);
        Assert.Equal(1 + 5 * 2, narrow.Split('\n').TakeWhile(l => !l.StartsWith("naive = ", StringComparison.Ordinal)).Count());
    }
}
