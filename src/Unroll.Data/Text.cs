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
        if (all.Count <= max) return string.Join(", ", all);
        return string.Join(", ", all.Take(max)) + $" and {all.Count - max} more";
    }

    /// <summary>Formats a number for a message, invariant and round-trippable.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Formats a date for a message, as ISO 8601 (see <see cref="Timestamps.Format"/>).</summary>
    public static string Date(DateTime date) => Timestamps.Format(date);

    /// <summary>Formats a date for a message, as ISO 8601.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Shows a raw field value in quotes, shortened when long.</summary>
    public static string Quote(string value)
    {
        string v = value.Length > 40 ? value[..37] + "..." : value;
        return "'" + v + "'";
    }

    /// <summary>"1 point", "5 points".</summary>
    public static string Count(int n, string singular, string? plural = null) =>
        n == 1 ? $"1 {singular}" : $"{n} {plural ?? singular + "s"}";
}
