using System.Text.RegularExpressions;

namespace Unroll.Core.Io;

/// <summary>One prefix rename applied to a model file's tensor names as it is read: <c>lstm.</c> → <c>rnn.</c>.</summary>
/// <param name="From">The prefix the file uses (<c>lstm.</c>, <c>model.fc.</c>).</param>
/// <param name="To">The prefix Unroll reads (<c>rnn.</c> or <c>head.</c>).</param>
public sealed record NameRename(string From, string To)
{
    /// <inheritdoc/>
    public override string ToString() => $"{From}={To}";
}

/// <summary>
/// The prefix renames a load used: given by <see cref="ModelFileOptions.NameMap"/>, or recognised from a PyTorch state
/// dict holding one recurrent module and one linear layer under other names (<c>lstm.*</c> + <c>fc.*</c>).
/// </summary>
/// <param name="Renames">The renames, in the order they were tried.</param>
/// <param name="Recognised">True when Unroll found the names itself; false when the caller gave them.</param>
public sealed record NameMapping(IReadOnlyList<NameRename> Renames, bool Recognised)
{
    /// <summary>The renames as <see cref="ModelFileOptions.ParseNameMap"/> reads them: <c>lstm.=rnn.,fc.=head.</c>.</summary>
    public override string ToString() => string.Join(",", Renames);
}

/// <summary>How <see cref="ModelFile.Load{T}(string, ModelFileOptions)"/> reads a file that Unroll did not write.</summary>
public sealed partial record ModelFileOptions
{
    /// <summary>The cell to use where the file has no <c>cell</c> metadata. PyTorch files have none: the cell is then
    /// told from the gate rows (4H LSTM, 3H GRU, H RNN), and an RNN is taken as rnn_tanh, as <c>nn.RNN</c>'s default
    /// is; set <see cref="CellKind.RnnRelu"/> for <c>nn.RNN(nonlinearity='relu')</c>.</summary>
    public CellKind? Cell { get; init; }

    /// <summary>Prefix renames applied to every tensor name before anything else (the first matching prefix wins),
    /// e.g. <c>lstm.</c> → <c>rnn.</c> and <c>fc.</c> → <c>head.</c>. When null and the file lacks <c>rnn.weight_ih_l0</c>
    /// or <c>head.weight</c>, the loader recognises one recurrent module and one linear layer under any prefix if that is
    /// unambiguous. <see cref="ParseNameMap"/> reads the text form <c>lstm.=rnn.,fc.=head.</c>.</summary>
    public IReadOnlyList<NameRename>? NameMap { get; init; }

    /// <summary>Reads <c>lstm.=rnn.,fc.=head.</c>: comma-separated <c>FROM=TO</c> prefix renames.</summary>
    /// <exception cref="ArgumentException">The text is not of that form, or a prefix is renamed twice.</exception>
    public static IReadOnlyList<NameRename> ParseNameMap(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var renames = new List<NameRename>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var m = RenamePattern().Match(part);
            if (!m.Success)
                throw new ArgumentException($"'{part}' is not a prefix rename FROM=TO (e.g. lstm.=rnn.,fc.=head.)", nameof(text));
            var rename = new NameRename(m.Groups["from"].Value, m.Groups["to"].Value);
            if (renames.Any(r => r.From == rename.From))
                throw new ArgumentException($"the prefix '{rename.From}' is renamed twice", nameof(text));
            renames.Add(rename);
        }
        return renames;
    }

    [GeneratedRegex(@"^(?<from>[^=,\s]*)=(?<to>[^=,\s]+)$")]
    private static partial Regex RenamePattern();
}
