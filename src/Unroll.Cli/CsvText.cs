namespace Unroll.Cli;

/// <summary>Fields of the CSV the commands print or write.</summary>
internal static class CsvText
{
    /// <summary>The text as one CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a line break.</summary>
    public static string Field(string text)
        => text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
