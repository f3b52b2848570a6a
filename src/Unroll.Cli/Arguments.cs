using Unroll.Core;

namespace Unroll.Cli;

/// <summary>Checks and conversions of argument values shared by the commands, each failing with one clear line.</summary>
internal static class Arguments
{
    /// <summary>A cell name (rnn_relu, rnn_tanh, lstm, gru) given to <paramref name="option"/>.</summary>
    public static CellKind Cell(string name, string option = "--cell")
        => CellKinds.TryParse(name, out var kind) ? kind
        : throw new UserError($"{option} {name} is not a cell: use rnn_relu, rnn_tanh, lstm or gru");

    /// <summary>A file about to be written: not a folder, and its folder exists. Checked before any work is done.</summary>
    public static void RequireWritableFile(string path, string option, string example)
    {
        if (Directory.Exists(path))
            throw new UserError($"{option} {path} is a folder; give a file name such as {Path.Combine(path, example)}");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
            throw new UserError($"{option} {path}: the folder {folder} does not exist; create it first or write somewhere else");
    }
}
