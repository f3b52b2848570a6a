using Unroll.Core;

namespace Unroll.Cli;

/// <summary>Checks and conversions of argument values shared by the commands, each failing with one clear line.</summary>
internal static class Arguments
{
    /// <summary>A cell name (rnn_relu, rnn_tanh, lstm, gru) given to <paramref name="option"/>.</summary>
    public static CellKind Cell(string name, string option = "--cell")
        => CellKinds.TryParse(name, out var kind) ? kind
        : throw new UserError($"{option} {name} is not a cell: use rnn_relu, rnn_tanh, lstm or gru");
}
