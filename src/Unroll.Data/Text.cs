using System.Globalization;

namespace Unroll.Data;

/// <summary>Small helpers that format values and lists for error messages.</summary>
internal static class Text
{
    /// <summary>Lists names as <c>a, b, c</c>, cut after <paramref name="max"/> with "and N more".</summary>
    public static string List(IEnumerable<string> names, int max = 20)
    {
        var all = names.ToList();
        if (all.Count == 0) return "(none)";
        if (all.Count <= max) return string.Join(", ", all.Select(n => Short(n)));
        return string.Join(", ", all.Take(max).Select(n => Short(n))) + $" and {all.Count - max} more";
    }

    /// <summary>A header as written (<c>a,b,c</c>), cut at 120 characters: a file of one 20 MB line must not become a 20 MB message.</summary>
    public static string Header(IEnumerable<string> names) => Short(string.Join(",", names), 120);

    /// <summary>Text from a file, fit for one line of a message: control characters (binary bytes, line breaks) shown
    /// as '?', and cut with "..." beyond <paramref name="max"/> characters.</summary>
    public static string Short(string value, int max = 40)
    {
        string v = value.Length > max ? value[..(max - 3)] + "..." : value;
        return v.Any(char.IsControl) ? new string(v.Select(c => char.IsControl(c) ? '?' : c).ToArray()) : v;
    }

    /// <summary>Formats a number for a message, invariant and round-trippable.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Formats a date for a message, as ISO 8601 (see <see cref="Timestamps.Format"/>).</summary>
    public static string Date(DateTime date) => Timestamps.Format(date);

    /// <summary>Formats a date for a message, as ISO 8601.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Shows a raw field value in quotes, shortened when long.</summary>
    public static string Quote(string value) => "'" + Short(value) + "'";

    /// <summary>"1 point", "5 points".</summary>
    public static string Count(int n, string singular, string? plural = null) =>
        n == 1 ? $"1 {singular}" : $"{n} {plural ?? singular + "s"}";
}
