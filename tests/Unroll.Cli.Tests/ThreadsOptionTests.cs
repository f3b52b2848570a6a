using System.CommandLine;
using Unroll.Numerics;

namespace Unroll.Cli.Tests;

/// <summary>
/// --threads on the commands that compute: applied to the engine for the command and put back after it, and the
/// results the same bits for any count. The tests of one class run one at a time, so no other --threads run moves
/// the process's setting under these.
/// </summary>
public sealed class ThreadsOptionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-threads-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A command with --threads that records the engine's thread limit while it runs.</summary>
    private static Func<CliContext, Command> Probe(List<int> seen) => _ =>
    {
        var command = new Command("probe", "records Gemm.MaxThreads") { Options.Threads() };
        command.SetAction((Func<ParseResult, int>)(_ => { seen.Add(Gemm.MaxThreads); return UnrollCli.Ok; }));
        return command;
    };

    [Fact]
    public void Threads_LimitsTheEngineForTheCommandAndIsPutBackAfter()
    {
        int before = Gemm.MaxThreads;
        var seen = new List<int>();
        Assert.Equal(0, CliRunner.RunWith("", Probe(seen), "probe", "--threads", "1").ExitCode);
        Assert.Equal(0, CliRunner.RunWith("", Probe(seen), "probe").ExitCode);
        Assert.Equal([1, before], seen);
        Assert.Equal(before, Gemm.MaxThreads);
    }

    [Fact]
    public void Threads_IsPutBackAfterACommandThatFails()
    {
        int before = Gemm.MaxThreads;
        var seen = new List<int>();
        var r = CliRunner.RunWith("", _ =>
        {
            var command = new Command("refuse", "records Gemm.MaxThreads, then refuses its input") { Options.Threads() };
            command.SetAction((Func<ParseResult, int>)(_ => { seen.Add(Gemm.MaxThreads); throw new UserError("a bad value"); }));
            return command;
        }, "refuse", "--threads", "1");
        r.AssertOneLineError("a bad value");
        Assert.Equal([1], seen);
        Assert.Equal(before, Gemm.MaxThreads);
    }

    [Fact]
    public void Threads_MoreThanTheCores_WithHelp_ShowsTheHelp()
    {
        var r = CliRunner.Run("train", "--threads", $"{Environment.ProcessorCount + 1}", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--threads", r.Out);
        Assert.Equal("", r.Error);
    }

    [Fact]
    public void Threads_MoreThanTheCores_IsRefusedBeforeTheCommandRuns()
    {
        var seen = new List<int>();
        var r = CliRunner.RunWith("", Probe(seen), "probe", "--threads", $"{Environment.ProcessorCount + 1}");
        r.AssertOneLineError($"--threads {Environment.ProcessorCount + 1} is more than the {Environment.ProcessorCount} core(s)");
        Assert.Empty(seen);
    }

    [Fact]
    public void Backtest_OneThreadOrEveryCore_GivesTheSameNumbers()
    {
        // Large enough (512 hidden units, 64 windows a batch) that the products and the layer's shares split over two
        // cores where there are two; the JSON holds every metric and forecast to the last digit.
        string[] args = ["backtest", "--data", CliRunner.RepoFile("data", "stocks.csv"), "--epochs", "2", "--hidden", "512", "--batch", "64",
            "--combine", "off", "--json", "--forecasts", Path.Combine(_folder, "f.csv")];
        var every = CliRunner.Run(args);
        Assert.True(every.ExitCode == 0, every.Error);
        var everyForecasts = File.ReadAllText(Path.Combine(_folder, "f.csv"));
        File.Delete(Path.Combine(_folder, "f.csv"));
        var one = CliRunner.Run([.. args, "--threads", "1"]);
        Assert.True(one.ExitCode == 0, one.Error);
        Assert.Equal(every.Out, one.Out);
        Assert.Equal(everyForecasts, File.ReadAllText(Path.Combine(_folder, "f.csv")));
    }
}
