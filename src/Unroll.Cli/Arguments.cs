using System.CommandLine;
using Unroll.Core;
using Unroll.Core.Io;

namespace Unroll.Cli;

/// <summary>Checks and conversions of argument values shared by the commands, each failing with one clear line.</summary>
internal static class Arguments
{
    /// <summary>A cell name (rnn_relu, rnn_tanh, lstm, gru) given to <paramref name="option"/>.</summary>
    public static CellKind Cell(string name, string option = "--cell")
        => CellKinds.TryParse(name, out var kind) ? kind
        : throw new UserError($"{option} {name} is not a cell: use rnn_relu, rnn_tanh, lstm or gru");

    /// <summary>The <c>--map</c> text (<c>lstm.=rnn.,fc.=head.</c>) as prefix renames; null when the flag is absent.</summary>
    public static IReadOnlyList<NameRename>? NameMap(string? text)
    {
        if (text is null) return null;
        try { return ModelFileOptions.ParseNameMap(text); }
        catch (ArgumentException e) { throw new UserError($"--map {text}: {e.Message.Split(" (Parameter", 2)[0]}"); }
    }

    /// <summary>
    /// Refuses --cell and --map for a model that is not a safetensors file (the built-in example, or an ONNX file, whose
    /// graph names its cell): they say how to read a state dict's tensors, and would otherwise be ignored without a word.
    /// </summary>
    public static void OnlyForStateDicts(string model, string? cellName, string? map)
    {
        string? flag = cellName is not null ? "--cell" : map is not null ? "--map" : null;
        if (flag is null) return;
        string what = model == "statquest" ? "'statquest' is the built-in example" : $"{model} is an ONNX model, whose graph names its cell and tensors";
        throw new UserError($"{flag} says how to read a safetensors model file's tensors, and {what}: leave {flag} out");
    }

    /// <summary>The <c>--map</c> option of every command that loads a model file.</summary>
    public static Option<string?> MapOption()
        => new("--map") { Description = "Prefix renames for a PyTorch state dict's names, e.g. lstm.=rnn.,fc.=head. (one recurrent module and one linear layer are recognised without it when unambiguous)" };

    /// <summary>Loads a model file with the cell and name map the flags give, saying on standard error (one line)
    /// which names were renamed when a mapping was applied.</summary>
    public static LoadedModel<double> LoadModel(CliContext context, string path, string? cellName, string? map)
    {
        var options = new ModelFileOptions { Cell = cellName is null ? null : Cell(cellName), NameMap = NameMap(map) };
        var loaded = ModelFile.Load<double>(path, options);
        if (loaded.Mapping is { } m)
            context.Error.WriteLine($"{path}: read {string.Join(" and ", m.Renames.Select(r => $"{(r.From.Length == 0 ? "(no prefix)" : r.From)}* as {r.To}*"))} ({(m.Recognised ? "recognised" : "given")}: --map {m})");
        return loaded;
    }
}
