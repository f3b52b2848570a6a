using System.CommandLine;
using Unroll.Cli.Commands;
using Unroll.Core.Io;
using Unroll.Numerics;

namespace Unroll.Cli;

/// <summary>The `unroll` command line: builds the commands, runs one, turns user errors into one line and an exit code.</summary>
public static class UnrollCli
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;
    /// <summary>Exit code for a run that could not give a result (training learned nothing or diverged, a write failed) or an internal error.</summary>
    public const int Failed = 1;
    /// <summary>Exit code for bad input: arguments, files, data. Nothing was written.</summary>
    public const int BadInput = 2;
    /// <summary>Exit code after Ctrl-C (SIGINT): 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;
    /// <summary>Exit code after SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;

    /// <summary>Runs the command line <paramref name="args"/> with the given streams; returns the exit code.</summary>
    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
        => Run(args, input, output, error, extra: null);

    /// <summary><see cref="Run(string[], TextReader, TextWriter, TextWriter)"/> with more commands (tests add ones that fail on purpose).</summary>
    internal static int Run(string[] args, TextReader input, TextWriter output, TextWriter error, Func<CliContext, Command>? extra)
    {
        var context = new CliContext(input, output, error);
        var root = new RootCommand("Unroll: recurrent neural networks (RNN, LSTM, GRU) trained by exact backpropagation through time.");
        foreach (var command in Commands(context)) root.Add(command);
        if (extra is not null) root.Add(extra(context));
        // --version names this tool's version, not the entry assembly's (in tests the entry is the test host).
        foreach (var option in root.Options.OfType<System.CommandLine.VersionOption>()) option.Action = new PrintVersion(output);

        // Bare `unroll` shows what there is to run, as `unroll --help` does, rather than calling it a mistake.
        if (args.Length == 0) args = ["--help"];
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var name = parsed.CommandResult.Command == root ? "unroll" : $"unroll {parsed.CommandResult.Command.Name}";
            var message = Unrecognized(parsed, root, name) ?? parsed.Errors[0].Message;
            error.WriteLine(OneLine(message.EndsWith('?') ? $"error: {message}" : $"error: {message} (see '{name} --help')"));
            return BadInput;
        }
        // Help, asked for, wins over a --threads the machine cannot give, as it does over every other bad value.
        int? threads = parsed.Action is System.CommandLine.Help.HelpAction ? null : ThreadsGiven(parsed);
        if (threads > Environment.ProcessorCount)
        {
            error.WriteLine($"error: --threads {threads} is more than the {Environment.ProcessorCount} core(s) of this machine: give at most {Environment.ProcessorCount}, or leave it out to use them all");
            return BadInput;
        }
        if (parsed.Action is System.CommandLine.Help.HelpAction)
        {
            var help = new StringWriter();
            int code = parsed.Invoke(new InvocationConfiguration { Output = help, Error = error, EnableDefaultExceptionHandler = false });
            output.Write(Options.SpellDefaults(help.ToString(), parsed.CommandResult.Command));
            return code;
        }
        context.Activity = parsed.CommandResult.Command == root ? "starting" : $"running 'unroll {parsed.CommandResult.Command.Name}'";
        using var interrupts = context.Interrupts = Interrupts.For(context);
        using var limit = new ThreadLimit(threads);
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (UserMessage(e) is { } message)
        {
            error.WriteLine(OneLine($"error: {message}"));
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Inputs are read and outputs checked before any work, so this is the system failing a write (disk full).
            error.WriteLine(OneLine($"error: while {context.Activity}: {e.Message}"));
            return Failed;
        }
        catch (Exception e)
        {
            error.WriteLine(OneLine($"error: internal error while {context.Activity}: this is a bug in Unroll, not a problem with your input; {InternalErrorLog.Write(e, args, context.Activity)}"));
            return Failed;
        }
    }

    /// <summary>
    /// An error as the one line it must be: a line break or other control character that came in with a path or a
    /// name (a file called "a\nb", a symbol holding a terminal escape) is shown as its C escape (\n, \r, \x1b), so it
    /// can neither split the line nor drive the terminal.
    /// </summary>
    internal static string OneLine(string text)
    {
        if (!text.Any(c => char.IsControl(c) && c != '\t')) return text;
        var line = new System.Text.StringBuilder(text.Length + 8);
        foreach (char c in text)
            line.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        return line.ToString();
    }

    /// <summary>The command's --threads (<see cref="Options.Threads"/>) when it has one and it was given; else null.</summary>
    private static int? ThreadsGiven(ParseResult parsed)
        => parsed.CommandResult.Command.Options.OfType<Option<int?>>().FirstOrDefault(o => o.Name == "--threads") is { } option
            ? parsed.GetValue(option) : null;

    /// <summary>
    /// <see cref="Gemm.MaxThreads"/> set to a --threads value for one command and put back after it (nothing when not
    /// given): the process's setting, so a server's jobs on other threads keep to it too, and so two commands with
    /// different --threads run at once in one process would each see the other's.
    /// </summary>
    private sealed class ThreadLimit : IDisposable
    {
        private readonly int? _before;

        public ThreadLimit(int? threads)
        {
            if (threads is not int count) return;
            _before = Gemm.MaxThreads;
            Gemm.MaxThreads = count;
        }

        public void Dispose()
        {
            if (_before is int before) Gemm.MaxThreads = before;
        }
    }

    /// <summary>
    /// The first word the parser could not place, named with the closest command or option it may have meant:
    /// "unknown command 'predcit'; did you mean 'predict'?"; null when every word was placed.
    /// </summary>
    private static string? Unrecognized(ParseResult parsed, RootCommand root, string name)
    {
        if (parsed.UnmatchedTokens.Count == 0) return null;
        string token = parsed.UnmatchedTokens[0];
        var command = parsed.CommandResult.Command;
        if (token.StartsWith('-'))
        {
            string flag = token.Split('=', ':')[0];
            var options = command.Options.Concat(root.Options.Where(o => o.Recursive))
                .SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
            return $"unknown option '{flag}' for '{name}'{Suggestion(flag, options)}";
        }
        if (command == root)
            return $"unknown command '{token}'{Suggestion(token, root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        return $"unexpected argument '{token}' for '{name}'";
    }

    /// <summary>"; did you mean 'x'?" for the candidate nearest <paramref name="typed"/> (edit distance at most a third of
    /// its length, rounded, and at least 1) or the one name it begins, or "" when none is near enough to be a likely typo.</summary>
    internal static string Suggestion(string typed, IEnumerable<string> candidates)
    {
        var names = candidates.Distinct().Order(StringComparer.Ordinal).ToList();
        // A clipped name ("--hor") means the one it begins, when only one does.
        var started = typed.TrimStart('-').Length >= 3 ? names.Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList() : [];
        if (started.Count == 1) return $"; did you mean '{started[0]}'?";
        var best = names.Select(c => (Name: c, Distance: Distance(typed, c))).OrderBy(c => c.Distance).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(1, (typed.TrimStart('-').Length + 1) / 3) ? $"; did you mean '{best.Name}'?" : "";
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    /// <summary>A mistake in what the user gave (arguments, data, model and checkpoint files), worded with flags; null for anything else.</summary>
    internal static string? UserMessage(Exception e) => e switch
    {
        UserError => e.Message,
        ModelFileException m => Flags.Of(m),
        Unroll.Data.DataException d => d.MessageWith(Flags.Of),
        Unroll.Forecasting.CheckpointException c => c.MessageWith(Flags.Of),
        Unroll.Forecasting.SettingsException s => s.MessageWith(Flags.Of),
        _ => null,
    };

    private static IEnumerable<Command> Commands(CliContext context)
    {
        yield return RunCommand.Create(context);
        yield return ExportOnnxCommand.Create(context);
        yield return ImportOnnxCommand.Create(context);
        yield return TrainExampleCommand.Create(context);
        yield return ExplainCommand.Create(context);
        yield return GradientsCommand.Create(context);
        yield return TrainCommand.Create(context);
        yield return PredictCommand.Create(context);
        yield return BacktestCommand.Create(context);
        yield return DemoCommand.Create(context);
        yield return BenchCommand.Create(context);
        yield return Serve.ServeCommand.Create(context);
    }

    /// <summary>The informational version of this assembly (the package version, then "+" and the commit it was built from).</summary>
    internal static string Version => typeof(UnrollCli).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    private sealed class PrintVersion(TextWriter output) : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            output.WriteLine(Version);
            return Ok;
        }
    }
}
