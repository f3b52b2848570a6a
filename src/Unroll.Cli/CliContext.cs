using Spectre.Console;

namespace Unroll.Cli;

/// <summary>Where a command reads and writes: the process's streams, or test doubles.</summary>
/// <param name="input">Standard input.</param>
/// <param name="output">Standard output.</param>
/// <param name="error">Standard error.</param>
/// <param name="terminalWidth">Treat <paramref name="output"/> as a terminal this many columns wide (tests); null to
/// ask the process whether standard output is a terminal.</param>
internal sealed class CliContext(TextReader input, TextWriter output, TextWriter error, int? terminalWidth = null)
{
    public TextReader In { get; } = input;
    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;

    /// <summary>What the command is doing, for the one line an internal error prints ("training", "saving the model to m.safetensors").</summary>
    public string Activity { get; set; } = "starting";

    /// <summary>--quiet: no progress and no notes; results, warnings and errors only.</summary>
    public bool Quiet { get; set; }

    /// <summary>Signal handling on the real console; null when the streams are captured (tests).</summary>
    public Interrupts? Interrupts { get; set; }

    /// <summary>The signal that stopped training early (SIGINT or SIGTERM), if one did.</summary>
    public System.Runtime.InteropServices.PosixSignal? Interruption { get; set; }

    /// <summary>The exit code for <see cref="Interruption"/>: 130 for Ctrl-C, 143 for SIGTERM.</summary>
    public int InterruptionExitCode => Interruption == System.Runtime.InteropServices.PosixSignal.SIGTERM ? UnrollCli.Terminated : UnrollCli.Interrupted;

    /// <summary>How <see cref="Interruption"/> reads in messages.</summary>
    public string InterruptionName => Interruption == System.Runtime.InteropServices.PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl-C";

    /// <summary>Whether <see cref="Out"/> is a terminal (a person reads it) rather than a pipe or a file: result tables
    /// are bordered tables only there (<see cref="TableOutput"/>).</summary>
    public bool Terminal { get; } = terminalWidth is not null || (ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected);

    /// <summary>Spectre.Console writing to <see cref="Out"/> (colour and live widgets only on a real terminal). Written
    /// to a pipe or a file, tables get 240 columns, so the tables that have no long layout stay one line per row.</summary>
    public IAnsiConsole Console { get; } = CreateConsole(output, terminalWidth);

    private static IAnsiConsole CreateConsole(TextWriter output, int? terminalWidth)
    {
        bool terminal = terminalWidth is null && ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = terminalWidth ?? 240;
        return console;
    }

    /// <summary>Reads a whole file, or standard input for "-".</summary>
    public string ReadText(string path, string what)
    {
        if (path == "-") return In.ReadToEnd();
        if (Directory.Exists(path)) throw new UserError($"{what} file {path} is a folder; give the JSON file");
        try { return File.ReadAllText(path); }
        catch (FileNotFoundException) { throw new UserError($"{what} file {path} does not exist"); }
        catch (DirectoryNotFoundException) { throw new UserError($"{what} file {path} does not exist (no such folder)"); }
        catch (IOException e) { throw new UserError($"cannot read {what} file {path}: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw new UserError($"cannot read {what} file {path}: {e.Message}"); }
    }
}
