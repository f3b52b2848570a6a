using System.Globalization;
using System.Text.RegularExpressions;

namespace Unroll.Data.Csv;

/// <summary>Parses one CSV field as a number or a date, and words what is wrong when it cannot.</summary>
internal static partial class FieldParsing
{
    // Unambiguous forms only: a day-first or month-first date such as 01/02/2020 would be guessed, so it is refused.
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-M-d", "yyyy/MM/dd", "yyyy/M/d", "yyyy.MM.dd", "yyyyMMdd",
        "MMM d yyyy", "MMM d, yyyy", "MMMM d yyyy", "MMMM d, yyyy",
        "d MMM yyyy", "d MMMM yyyy", "d-MMM-yyyy", "d-MMMM-yyyy", "MMM-d-yyyy",
    ];

    /// <summary>What a date field may look like, for messages.</summary>
    public const string DateExamples = "a date such as 2020-01-31 (ISO) or Jan 31 2020";

    // Values that stand for "no value" in common exports (FRED writes '.', spreadsheets '#N/A', R 'NA').
    private static readonly HashSet<string> MissingTokens = new(StringComparer.OrdinalIgnoreCase)
    {
        "", "na", "n/a", "#n/a", "null", "none", "-", ".",
    };

    private static readonly HashSet<string> NonFiniteTokens = new(StringComparer.OrdinalIgnoreCase)
    {
        "nan", "-nan", "+nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity", "∞", "-∞", "+∞",
    };

    /// <summary>Parses a number; on failure returns the reason, worded for a message.</summary>
    public static bool TryParseNumber(string field, out double value, out string? problem)
    {
        string s = field.Trim();
        problem = null;
        if (double.TryParse(s, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out value))
        {
            if (double.IsFinite(value)) return true;
            problem = $"{Text.Quote(s)} is not a finite number (NaN or infinite); expected a finite number. " +
                      "Replace it with a real value or delete the row.";
            return false;
        }
        if (NonFiniteTokens.Contains(s))
        {
            problem = $"{Text.Quote(s)} is not a finite number (NaN or infinite); expected a finite number. " +
                      "Replace it with a real value or delete the row.";
        }
        else if (MissingTokens.Contains(s))
        {
            string what = s.Length == 0 ? "the value is empty" : $"the value is missing ({Text.Quote(s)})";
            problem = $"{what}; expected a number. Fill it in or delete the row.";
        }
        else
        {
            problem = $"{Text.Quote(s)} is not a number; expected a number such as 12.5, with '.' as the decimal " +
                      "point and no currency sign or unit. Correct the value or delete the row.";
        }
        return false;
    }

    /// <summary>Whether a field reads as a number, finite or not (used to tell numeric columns from text ones).</summary>
    public static bool LooksNumeric(string field)
    {
        string s = field.Trim();
        return double.TryParse(s, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out _)
               || NonFiniteTokens.Contains(s);
    }

    /// <summary>Whether a field is empty or a token that means "no value".</summary>
    public static bool IsMissing(string field) => MissingTokens.Contains(field.Trim());

    /// <summary>Parses a date; on failure returns the reason, worded for a message.</summary>
    public static bool TryParseDate(string field, out DateOnly date, out string? problem)
    {
        string s = field.Trim();
        problem = null;
        if (DateOnly.TryParseExact(s, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out date))
            return true;

        // ISO date and time: accepted when the time is midnight, as in exports that write every date with 00:00:00.
        var m = IsoDateTime().Match(s);
        if (m.Success && DateOnly.TryParseExact(m.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                DateTimeStyles.None, out date))
        {
            bool midnight = m.Groups["h"].Value == "00" && m.Groups["m"].Value == "00"
                            && (m.Groups["s"].Value is "" or "00") && m.Groups["f"].Value.Trim('.', '0').Length == 0;
            if (midnight) return true;
            problem = $"{Text.Quote(s)} has a time of day; Unroll reads one row per date (daily or coarser data). " +
                      "Combine the rows of each day into one, such as the day's close.";
            date = default;
            return false;
        }

        date = default;
        problem = s.Length == 0
            ? $"the date is empty; expected {DateExamples}. Fill it in or delete the row."
            : $"{Text.Quote(s)} is not a date Unroll can read; expected {DateExamples}. " +
              "Rewrite the dates as yyyy-MM-dd (day-first and month-first forms like 01/02/2020 are ambiguous).";
        return false;
    }

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[T ](?<h>\d{2}):(?<m>\d{2})(:(?<s>\d{2})(?<f>\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")]
    private static partial Regex IsoDateTime();
}
