using System.Globalization;

namespace Unroll.Cli.Tests;

/// <summary>--missing: Yahoo's null holiday rows are dropped with a note; other missing values are one line naming
/// --missing, or dropped or filled as it says.</summary>
public sealed class MissingValuesCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-missing-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>A Yahoo Finance download: business days, with a row of nulls on every 25th (a holiday), and
    /// <paramref name="gap"/> written over the close and adj close of row 40 when given.</summary>
    private string Yahoo(string name, string? gap = null)
    {
        var text = new System.Text.StringBuilder("Date,Open,High,Low,Close,Adj Close,Volume\n");
        var day = new DateOnly(2020, 1, 1);
        for (int i = 0; i < 150; i++)
        {
            while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
            string date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            day = day.AddDays(1);
            if (i % 25 == 24)
            {
                text.Append(date).Append(",null,null,null,null,null,null\n");
                continue;
            }
            double p = 100 + 10 * Math.Sin(i / 5.0) + 0.1 * i;
            string close = i == 40 && gap is not null ? gap : p.ToString("F2", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{date},{p:F2},{p + 1:F2},{p - 1:F2},{close},{close},1000\n");
        }
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private const string Note = "note: dropped 6 rows of prices.csv whose values were all missing (holidays?); --missing decides what happens to other missing values";

    [Fact]
    public void Train_YahooFileWithNullHolidays_TrainsWithDefaultsAndNotesTheDroppedRows()
    {
        var model = PathOf("m.safetensors");
        var r = CliRunner.Run("train", "--data", Yahoo("prices.csv"), "--out", model, "--epochs", "3", "--hidden", "8", "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains(Note, r.Error);
        Assert.True(File.Exists(model));
    }

    [Fact]
    public void Backtest_YahooFileWithNullHolidays_RunsWithDefaultsAndNotesTheDroppedRows()
    {
        var r = CliRunner.Run("backtest", "--data", Yahoo("prices.csv"), "--epochs", "3", "--hidden", "8", "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains(Note, r.Error);
    }

    [Fact]
    public void Backtest_Quiet_LeavesTheNoteOut()
    {
        var r = CliRunner.Run("backtest", "--data", Yahoo("prices.csv"), "--epochs", "3", "--hidden", "8", "--json", "-q");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.DoesNotContain("note:", r.Error);
    }

    [Fact]
    public void Predict_Quiet_LeavesTheReadNoteAndTheSeriesNotesOut()
    {
        var model = PathOf("m.safetensors");
        Assert.Equal(0, CliRunner.Run("train", "--data", Yahoo("prices.csv"), "--out", model, "--epochs", "3", "--hidden", "8", "-q").ExitCode);
        var other = Yahoo("other.csv");   // a one-series file of another name: forecast as the model's series, with a note

        var loud = CliRunner.Run("predict", "--model", model, "--data", other);
        var quiet = CliRunner.Run("predict", "--model", model, "--data", other, "--quiet");
        var quietCsv = CliRunner.Run("predict", "--model", model, "--data", other, "--csv", "-q");

        Assert.True(quiet.ExitCode == 0, quiet.Error);
        Assert.Contains("note: dropped 6 rows of other.csv", loud.Error);
        Assert.Contains("Series: other.csv holds one series", loud.Out);
        Assert.DoesNotContain("note:", quiet.Error + quietCsv.Error);
        Assert.DoesNotContain("Series: other.csv", quiet.Out);
        Assert.Contains("naive", quiet.Out);                     // the forecast table itself stays
    }

    [Fact]
    public void Train_MissingValueMidRow_IsOneLineNamingMissing()
    {
        var model = PathOf("m.safetensors");
        var r = CliRunner.Run("train", "--data", Yahoo("prices.csv", gap: "null"), "--out", model, "--epochs", "3");

        r.AssertOneLineError("line 42, column 'Adj Close': the value is missing ('null'); expected a number in every row. Use --missing drop (drop those rows), --missing ffill (carry the last value forward) or --missing interpolate, or fill them in.");
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Backtest_MissingValuesInAFeature_ListsThemAll()
    {
        var path = PathOf("feature.csv");
        File.WriteAllText(path, "date,close,volume\n" + string.Concat(Enumerable.Range(0, 40).Select(i =>
            FormattableString.Invariant($"{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM-dd},{50 + i % 7},{(i % 10 == 3 ? "" : "5")}\n"))));

        CliRunner.Run("backtest", "--data", path, "--features", "volume", "--epochs", "1")
            .AssertOneLineError("4 values of column 'volume' are missing (empty, null or NA) on lines 5, 15, 25, 35; expected a number in every row. Use --missing drop");
    }

    [Theory]
    [InlineData("ffill", "note: filled in 1 missing value of prices.csv (--missing ffill)")]
    [InlineData("interpolate", "note: filled in 1 missing value of prices.csv (--missing interpolate)")]
    [InlineData("drop", "note: dropped 1 row of prices.csv with a missing value (--missing drop)")]
    public void Backtest_MissingOption_DropsOrFillsAndSaysSo(string mode, string note)
    {
        var r = CliRunner.Run("backtest", "--data", Yahoo("prices.csv", gap: ""), "--missing", mode, "--epochs", "2", "--hidden", "8", "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains(Note, r.Error);
        Assert.Contains(note, r.Error);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("backtest")]
    [InlineData("predict")]
    [InlineData("demo")]
    public void BadMissingOption_IsOneLine(string command)
    {
        string[] args = command switch
        {
            "predict" => ["predict", "--model", "m", "--data", "d.csv", "--missing", "maybe"],
            "demo" => ["demo", "--missing", "maybe"],
            _ => [command, "--data", "d.csv", "--missing", "maybe"],
        };
        CliRunner.Run(args).AssertOneLineError("--missing 'maybe' is not one of error, drop, ffill or interpolate");
    }

    [Fact]
    public void Predict_ReadsMissingValuesAsTold()
    {
        var model = PathOf("m.safetensors");
        var train = CliRunner.Run("train", "--data", Yahoo("prices.csv"), "--out", model, "--epochs", "2", "--hidden", "8", "--json");
        Assert.True(train.ExitCode == 0, train.Error);

        // The same series (named after the file), now with a value missing.
        var gap = Yahoo(Path.Combine("later", "prices.csv"), gap: "NA");
        CliRunner.Run("predict", "--model", model, "--data", gap).AssertOneLineError("--missing ffill");
        var r = CliRunner.Run("predict", "--model", model, "--data", gap, "--missing", "interpolate", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("note: filled in 1 missing value of prices.csv (--missing interpolate)", r.Error);
    }
}
