using System.CommandLine;
using Unroll.Cli.Commands;
using Unroll.Core.Io;

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

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var name = parsed.CommandResult.Command == root ? "unroll" : $"unroll {parsed.CommandResult.Command.Name}";
            error.WriteLine($"error: {parsed.Errors[0].Message} (see '{name} --help')");
            return BadInput;
        }
        context.Activity = parsed.CommandResult.Command == root ? "starting" : $"running 'unroll {parsed.CommandResult.Command.Name}'";
        using var interrupts = context.Interrupts = Interrupts.For(context);
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (UserMessage(e) is { } message)
        {
            error.WriteLine($"error: {message}");
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Inputs are read and outputs checked before any work, so this is the system failing a write (disk full).
            error.WriteLine($"error: while {context.Activity}: {e.Message}");
            return Failed;
        }
        catch (Exception e)
        {
            error.WriteLine($"error: internal error while {context.Activity}: this is a bug in Unroll, not a problem with your input; {InternalErrorLog.Write(e, args, context.Activity)}");
            return Failed;
        }
    }

    /// <summary>A mistake in what the user gave (arguments, data, model and checkpoint files), worded with flags; null for anything else.</summary>
    private static string? UserMessage(Exception e) => e switch
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
        yield return TrainExampleCommand.Create(context);
        yield return ExplainCommand.Create(context);
        yield return GradientsCommand.Create(context);
        yield return TrainCommand.Create(context);
        yield return PredictCommand.Create(context);
        yield return BacktestCommand.Create(context);
        yield return DemoCommand.Create(context);
        yield return BenchCommand.Create(context);
    }
}
