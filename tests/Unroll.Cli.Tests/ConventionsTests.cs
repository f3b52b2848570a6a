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
