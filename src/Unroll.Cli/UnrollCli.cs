using System.CommandLine;
using System.Text.Json;
using Unroll.Cli.Commands;
using Unroll.Core.Io;
using Unroll.Core.Training;

namespace Unroll.Cli;

/// <summary>The `unroll` command line: builds the commands, runs one, turns user errors into one line and an exit code.</summary>
public static class UnrollCli
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;
    /// <summary>Exit code for a failure of the run itself (training diverged, a file could not be written).</summary>
    public const int Failed = 1;
    /// <summary>Exit code for bad input: arguments, files, data.</summary>
    public const int BadInput = 2;

    /// <summary>Runs the command line <paramref name="args"/> with the given streams; returns the exit code.</summary>
    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var context = new CliContext(input, output, error);
        var root = new RootCommand("Unroll: recurrent neural networks (RNN, LSTM, GRU) trained by exact backpropagation through time.");
        foreach (var command in Commands(context)) root.Add(command);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var name = parsed.CommandResult.Command == root ? "unroll" : $"unroll {parsed.CommandResult.Command.Name}";
            error.WriteLine($"error: {parsed.Errors[0].Message} (see '{name} --help')");
            return BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (UserMessage(e) is { } message)
        {
            error.WriteLine($"error: {message}");
            return e is TrainingDivergedException or IOException or UnauthorizedAccessException ? Failed : BadInput;
        }
    }

    private static string? UserMessage(Exception e) => e switch
    {
        UserError or ModelFileException or TrainingDivergedException => e.Message,
        ArgumentException or FormatException or KeyNotFoundException => e.Message,
        JsonException => e.Message,
        IOException or UnauthorizedAccessException => e.Message,
        Unroll.Data.DataException => e.Message,
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
