using System.Reflection;

namespace Unroll.Cli.Tests;

/// <summary>What a command line is expected to do before any command runs: help, version, typos.</summary>
public class ConventionsTests
{
    [Fact]
    public void BareUnrollPrintsTheHelp()
    {
        var r = CliRunner.Run();
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Error);
        Assert.Contains("Usage:", r.Out);
        foreach (var command in new[] { "train", "predict", "backtest", "demo" }) Assert.Contains(command, r.Out);
    }

    [Fact]
    public void VersionPrintsTheAssemblyVersion()
    {
        var r = CliRunner.Run("--version");
        Assert.Equal(0, r.ExitCode);
        string version = typeof(UnrollCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(version, r.Out.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", r.Out);
    }

    [Fact]
    public void Help_ShowsChoicesAndDefaultsAsTheCommandLineSpellsThem()
    {
        var commands = CliRunner.Run("--help").Out.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && char.IsLower(l[0]))
            .Select(l => l.Split(' ')[0]).ToList();
        Assert.Contains("predict", commands);
        int rows = 0;
        foreach (var command in commands)
        {
            var help = CliRunner.Run(command, "--help");
            Assert.Equal(0, help.ExitCode);
            // .NET's names of the values (ForwardFill, YearFirst, 0.8|0.95) are not what the options take: a row's
            // default is one of the choices it lists.
            Assert.DoesNotMatch(@"<[A-Z][a-z]+[A-Za-z]*\|", help.Out);
            Assert.DoesNotMatch(@"\[default: 0\.\d+\|", help.Out);
            foreach (System.Text.RegularExpressions.Match row in System.Text.RegularExpressions.Regex.Matches(help.Out, @"(?m)^  (?<name>--[a-z-]+) <(?<choices>[^>]*\|[^>]*)>.*?\[default: (?<default>[^\]]*)\]"))
                Assert.True(row.Groups["choices"].Value.Split('|').Contains(row.Groups["default"].Value),
                    $"unroll {command} --help: {row.Groups["name"].Value}'s default '{row.Groups["default"].Value}' is not one of {row.Groups["choices"].Value}");
            rows += System.Text.RegularExpressions.Regex.Matches(help.Out, @"(?m)^  --[a-z-]+ <[^>]*\|[^>]*>.*?\[default: ").Count;
        }
        Assert.True(rows >= 20, $"{rows} rows of choices with a default checked");
        var predict = CliRunner.Run("predict", "--help").Out;
        Assert.Contains("--date-order <ymd|mdy|dmy>", predict);
        Assert.Contains("[default: ymd]", predict);
        Assert.Contains("--missing <error|drop|ffill|interpolate>", predict);
        Assert.Contains("--resample <none|day|week|month>", predict);
        Assert.Contains("[default: 80,95]", predict);
    }

    [Fact]
    public void SpellDefaults_FindsADefaultWrappedOntoTheNextLine_AndLeavesOtherRows()
    {
        var order = ReadOptions.DateOrderOption();
        var command = new System.CommandLine.Command("x") { order, new System.CommandLine.Option<string>("--other") { DefaultValueFactory = _ => "YearFirst" } };
        const string Help = "Options:\n  --date-order <ymd|mdy|dmy>  How a date reads [default:\n                              YearFirst]\n" +
                            "  --other <other>             Not ours [default: YearFirst]\n";

        Assert.Equal("Options:\n  --date-order <ymd|mdy|dmy>  How a date reads [default:\n                              ymd]\n" +
                     "  --other <other>             Not ours [default: YearFirst]\n", Options.SpellDefaults(Help, command));
    }

    [Theory]
    [InlineData(new[] { "predcit" }, "error: unknown command 'predcit'; did you mean 'predict'?")]
    [InlineData(new[] { "bakctest" }, "error: unknown command 'bakctest'; did you mean 'backtest'?")]
    [InlineData(new[] { "train", "--epoch", "3" }, "error: unknown option '--epoch' for 'unroll train'; did you mean '--epochs'?")]
    [InlineData(new[] { "train", "--hor", "3" }, "error: unknown option '--hor' for 'unroll train'; did you mean '--horizon'?")]
    public void ATypoNamesWhatWasMeant(string[] args, string expected)
    {
        var r = CliRunner.Run(args);
        r.AssertOneLineError(expected);
        Assert.Equal(expected, r.Error.Trim());
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData(new[] { "zzzzzz" }, "error: unknown command 'zzzzzz' (see 'unroll --help')")]
    [InlineData(new[] { "run", "--bogus" }, "error: unknown option '--bogus' for 'unroll run' (see 'unroll run --help')")]
    [InlineData(new[] { "train", "--ep", "3" }, "error: unknown option '--ep' for 'unroll train' (see 'unroll train --help')")]
    public void NothingCloseSuggestsNothing(string[] args, string expected)
    {
        var r = CliRunner.Run(args);
        r.AssertOneLineError(expected);
        Assert.Equal(expected, r.Error.Trim());
    }

    private static string Stocks => CliRunner.RepoFile("data", "stocks.csv");
    private static readonly string[] Quick = ["--epochs", "2", "--hidden", "4", "--seed", "5"];

    [Fact]
    public void QuietTrainingPrintsNoProgressAndNoNotes()
    {
        var folder = Directory.CreateTempSubdirectory("unroll-quiet-").FullName;
        try
        {
            string model = Path.Combine(folder, "m.safetensors");
            var loud = CliRunner.Run(["train", "--data", Stocks, "--out", model, .. Quick]);
            Assert.Equal(0, loud.ExitCode);
            Assert.Contains("training: epoch", loud.Error);

            var quiet = CliRunner.Run(["train", "--data", Stocks, "--out", model, .. Quick, "--quiet"]);
            Assert.Equal(0, quiet.ExitCode);
            Assert.Equal("", quiet.Error);
            Assert.DoesNotContain("Note:", quiet.Out);
            Assert.Contains($"Saved {model}", quiet.Out);

            var backtest = CliRunner.Run(["backtest", "--data", Stocks, .. Quick, "-q"]);
            Assert.Equal(0, backtest.ExitCode);
            Assert.Equal("", backtest.Error);
            Assert.DoesNotContain("Note:", backtest.Out);
            Assert.Contains("MASE", backtest.Out);

            var demo = CliRunner.Run("demo", "--report", Path.Combine(folder, "demo"), "--quiet");
            Assert.True(demo.ExitCode == 0, demo.Error);
            Assert.Equal("", demo.Error);
            Assert.DoesNotContain("Data:", demo.Out);
            Assert.DoesNotContain("Try:", demo.Out);
            Assert.Contains("Next month's forecast", demo.Out);
            Assert.Contains("Report:", demo.Out);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
