using Spectre.Console;
using Unroll.Data;
using Unroll.Data.Csv;

namespace Unroll.Cli;

/// <summary>Reads a CSV file for a command, with a progress bar on standard error for a large one.</summary>
internal static class DataReading
{
    /// <summary>Files larger than this (50 MB) show a progress bar while they are read.</summary>
    public const long ProgressThreshold = 50L * 1000 * 1000;

    /// <summary>Whether reading a file of <paramref name="bytes"/> shows a bar: a large file, not --quiet, and standard
    /// error a terminal (a bar in a log or a pipe is noise).</summary>
    public static bool ShowsProgress(long bytes, bool quiet, bool errorIsTerminal) => bytes > ProgressThreshold && !quiet && errorIsTerminal;

    /// <summary>Reads <paramref name="path"/> as <see cref="CsvSeriesReader.Read(string, CsvReadOptions?, IProgress{long}?)"/> does.</summary>
    public static SeriesSet Read(CliContext context, string path, CsvReadOptions options)
    {
        context.Activity = "reading the data";
        long bytes;
        try { bytes = new FileInfo(path).Length; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { bytes = 0; }
        bool terminal = context.Interrupts is not null && !Console.IsErrorRedirected;
        if (!ShowsProgress(bytes, context.Quiet, terminal)) return CsvSeriesReader.Read(path, options);

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        SeriesSet set = null!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape($"reading {Path.GetFileName(path)}"), maxValue: bytes);
                set = CsvSeriesReader.Read(path, options, new BytesRead(task));
                task.Value = task.MaxValue;
            });
        return set;
    }

    /// <summary>Moves the bar to the bytes read (the reader reports about every MiB, on the thread that reads).</summary>
    private sealed class BytesRead(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = value;
    }
}
