using Spectre.Console;
using Spectre.Console.Rendering;

namespace Unroll.Cli;

/// <summary>
/// The long layout of a result table: plain lines, one row to a line, columns padded and separated by two spaces,
/// never wrapped, every cell filled (so each line reads alone and no number is split across lines). Cells are plain
/// text, not markup.
/// </summary>
internal sealed class LongTable(params string[] headers)
{
    private readonly bool[] _right = new bool[headers.Length];
    private readonly List<string[]> _rows = [];

    /// <summary>The rows added so far.</summary>
    public int Count => _rows.Count;

    /// <summary>Aligns these columns (numbers) to the right.</summary>
    public LongTable RightAligned(params int[] columns)
    {
        foreach (int c in columns) _right[c] = true;
        return this;
    }

    /// <summary>Adds a row: one cell per header; an empty cell is written as "–".</summary>
    public void AddRow(params string[] cells)
    {
        if (cells.Length != headers.Length)
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {headers.Length} columns", nameof(cells));
        _rows.Add([.. cells.Select(c => string.IsNullOrWhiteSpace(c) ? "–" : c.ReplaceLineEndings(" "))]);
    }

    /// <summary>Writes the header line and the rows.</summary>
    public void Write(TextWriter output)
    {
        var widths = headers.Select((h, c) => _rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((cell, c) => _right[c] ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd();
        output.WriteLine(Line(headers));
        foreach (var row in _rows) output.WriteLine(Line(row));
    }
}

/// <summary>
/// Writes a result table: the bordered table where a person reads it (a terminal wide enough for every column), the
/// <see cref="LongTable"/> otherwise (a pipe, a file, or a terminal too narrow), since a bordered table that does not
/// fit wraps its cells and breaks numbers across lines (<c>128.</c> / <c>82</c>).
/// </summary>
internal static class TableOutput
{
    public static void Write(CliContext context, Table wide, LongTable tall)
    {
        if (Fits(context, wide)) context.Console.Write(wide);
        else tall.Write(context.Out);
    }

    /// <summary>Whether <paramref name="table"/> goes to a terminal that is wide enough for it unwrapped.</summary>
    internal static bool Fits(CliContext context, Table table) => context.Terminal && Width(context.Console, table) <= context.Console.Profile.Width;

    /// <summary>The table's width with no cell wrapped.</summary>
    internal static int Width(IAnsiConsole console, IRenderable table)
        => table.Measure(RenderOptions.Create(console, console.Profile.Capabilities), int.MaxValue).Max;
}
