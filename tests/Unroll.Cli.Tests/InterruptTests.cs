using System.Diagnostics;
using System.Globalization;
using Unroll.Core.Io;

namespace Unroll.Cli.Tests;

/// <summary>
/// The real executable in a child process, stopped by real signals: the first Ctrl-C or SIGTERM stops after the
/// current batch, saves the best weights and the checkpoint, and exits 130 or 143; the resumed run ends with bitwise
/// the model an uninterrupted run writes.
/// </summary>
public sealed class InterruptTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-signal-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static string Executable => Path.Combine(AppContext.BaseDirectory, "unroll.dll");

    // Three learnable series, long enough that an epoch takes a noticeable time.
    private string Data()
    {
        var path = PathOf("waves.csv");
        if (File.Exists(path)) return path;
        var rows = new System.Text.StringBuilder("symbol,date,price\n");
        foreach (var (symbol, period) in new[] { ("A", 7.0), ("B", 11.0), ("C", 5.0) })
            for (int i = 0; i < 700; i++)
                rows.Append(CultureInfo.InvariantCulture, $"{symbol},{new DateOnly(2000, 1, 3).AddDays(i):yyyy-MM-dd},{100 + 10 * Math.Sin(i / period) + 0.02 * i}\n");
        File.WriteAllText(path, rows.ToString());
        return path;
    }

    private string[] Training(string model) => ["train", "--data", Data(), "--out", model, "--epochs", "60", "--hidden", "24", "--lookback", "20", "--batch", "16", "--patience", "100", "--seed", "3"];   // about 2 s: a signal 150 ms after the first checkpoint lands inside it, even on a loaded machine (12 epochs, 0.4 s, did not always)

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Executable);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    private static (int Code, string Out, string Error) Finish(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "the process did not end");
        return (process.ExitCode, output.Result, error.Result);
    }

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    // Waits until the checkpoint of at least one finished epoch exists, so the signal falls inside training.
    private static void WaitFor(string path, Process process)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            Assert.False(process.HasExited, "the run ended before its first checkpoint");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no checkpoint after 60 s");
            Thread.Sleep(20);
        }
    }

    private byte[] Uninterrupted()
    {
        var model = PathOf("straight.safetensors");
        var (code, _, error) = Finish(Start(Training(model)));
        Assert.True(code == 0, error);
        return File.ReadAllBytes(model);
    }

    [Theory]
    [InlineData("INT", 130, "Ctrl-C")]
    [InlineData("TERM", 143, "SIGTERM")]
    public void Signal_StopsCleanlyAndTheResumedRunIsBitwiseTheUninterruptedOne(string signal, int expectedCode, string name)
    {
        var expected = Uninterrupted();
        var model = PathOf("stopped.safetensors");
        var checkpoint = PathOf("run.ckpt");
        var process = Start([.. Training(model), "--checkpoint", checkpoint]);
        WaitFor(checkpoint, process);
        Thread.Sleep(150);                        // somewhere inside a later epoch
        Signal(process, signal);
        var (code, output, error) = Finish(process);
        Assert.True(code == expectedCode, $"exit {code}: {error}");
        Assert.Contains($"{name}: stopping after this batch", error);
        Assert.Contains($"Checkpoint: {checkpoint}. Continue with: unroll train", output);
        Assert.DoesNotContain("   at ", error);
        Assert.Empty(Directory.GetFiles(_folder, ".*.tmp"));

        var resumedModel = PathOf("resumed.safetensors");
        var (resumedCode, _, resumedError) = Finish(Start([.. Training(resumedModel), "--resume", checkpoint, "--checkpoint", PathOf("run2.ckpt")]));
        Assert.True(resumedCode == 0, resumedError);
        Assert.Equal(expected, File.ReadAllBytes(resumedModel));
    }

    [Fact]
    public void TwoQuickCtrlCs_ExitWith130AndLeaveOnlyWholeFiles()
    {
        // Two signals microseconds apart may merge into one (the kernel keeps one pending SIGINT) or arrive as two;
        // either way the process exits 130 and every file on disk is whole. Which message is printed when is
        // checked deterministically in the handler tests below.
        var model = PathOf("m.safetensors");
        var checkpoint = PathOf("run.ckpt");
        var process = Start([.. Training(model), "--checkpoint", checkpoint]);
        WaitFor(checkpoint, process);
        using (var kill = Process.Start("sh", ["-c", $"kill -INT {process.Id}; kill -INT {process.Id}"])!) kill.WaitForExit();
        var (code, _, error) = Finish(process);
        Assert.True(code == 130, $"exit {code}: {error}");
        Assert.DoesNotContain("   at ", error);
        Assert.Empty(Directory.GetFiles(_folder, ".*.tmp"));
        SafeTensors.Read(checkpoint);
        if (File.Exists(model)) SafeTensors.Read(model);
    }
}

/// <summary>The signal handler's decisions, driven directly: no process exits, no real writes are abandoned.</summary>
public sealed class InterruptHandlerTests
{
    private sealed record Probe(CliContext Context, StringWriter Error, Interrupts Interrupts, List<int> Exits, int[] Abandoned);

    private static Probe Make()
    {
        var error = new StringWriter();
        var context = new CliContext(new StringReader(""), new StringWriter(), TextWriter.Synchronized(error));   // handlers may run at once
        var exits = new List<int>();
        int[] abandoned = [0];
        var interrupts = new Interrupts(context, code => { lock (exits) exits.Add(code); }, () => Interlocked.Increment(ref abandoned[0]), register: false);
        return new Probe(context, error, interrupts, exits, abandoned);
    }

    [Fact]
    public void FirstCtrlCDuringTraining_StopsCleanly_SecondExitsAtOnceAbandoningWrites()
    {
        var p = Make();
        using (p.Interrupts.AllowCleanStop())
        {
            p.Interrupts.Handle(System.Runtime.InteropServices.PosixSignal.SIGINT);
            Assert.True(p.Interrupts.Token.IsCancellationRequested);
            Assert.Empty(p.Exits);
            Assert.Equal(0, p.Abandoned[0]);
            Assert.Equal(130, p.Context.InterruptionExitCode);
            Assert.StartsWith("Ctrl-C: stopping after this batch", p.Error.ToString());

            p.Interrupts.Handle(System.Runtime.InteropServices.PosixSignal.SIGINT);
            Assert.Equal([130], p.Exits);
            Assert.Equal(1, p.Abandoned[0]);
            Assert.Contains("error: stopped at once by a second Ctrl-C; nothing more was written", p.Error.ToString());
        }
    }

    [Fact]
    public void SigtermThenCtrlC_ExitsWithTheFirstSignalsCode()
    {
        var p = Make();
        using (p.Interrupts.AllowCleanStop())
        {
            p.Interrupts.Handle(System.Runtime.InteropServices.PosixSignal.SIGTERM);
            Assert.Equal(143, p.Context.InterruptionExitCode);
            p.Interrupts.Handle(System.Runtime.InteropServices.PosixSignal.SIGINT);
            Assert.Equal([143], p.Exits);
        }
    }

    [Fact]
    public void CtrlCWhileNothingCanStopCleanly_ExitsAtOnce()
    {
        var p = Make();
        p.Interrupts.Handle(System.Runtime.InteropServices.PosixSignal.SIGINT);
        Assert.Equal([130], p.Exits);
        Assert.Equal(1, p.Abandoned[0]);
        Assert.False(p.Interrupts.Token.IsCancellationRequested);
        Assert.Contains("error: stopped by Ctrl-C; any file being written was left as it was before", p.Error.ToString());
    }

    [Fact]
    public void ManySignalsAtOnce_OnlyOneStopsCleanly()
    {
        var p = Make();
        using (p.Interrupts.AllowCleanStop())
            Parallel.For(0, 8, _ => p.Interrupts.Handle(System.Runtime.InteropServices.PosixSignal.SIGINT));
        Assert.Single(p.Error.ToString().Split('\n'), line => line.StartsWith("Ctrl-C: stopping", StringComparison.Ordinal));
        Assert.Equal(7, p.Exits.Count);
    }
}
