using CsvHelper;

namespace Unroll.Cli;

/// <summary>
/// The CSV the commands print or write, through CsvHelper's writer: RFC 4180 quoting (a field holding a comma, a
/// quote or a line break is quoted, its quotes doubled), numbers as the shortest text that round-trips, in the
/// invariant culture. Records end with '\n', as the rest of the tool's output does.
/// </summary>
internal static class CsvOutput
{
    /// <summary>The writer's options: CsvHelper's defaults with '\n' line ends.</summary>
    public static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { NewLine = "\n" };

    /// <summary>A writer onto <paramref name="destination"/>, which stays open when the writer is disposed (which flushes it).</summary>
    public static CsvWriter Create(TextWriter destination) => CsvWriter.Create(destination, Options, leaveOpen: true);
}
