using System.Diagnostics;
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
    public const string DateExamples = "a date such as 2020-01-31 (ISO) or Jan 31 2020, or a timestamp such as 2020-01-31 09:30";

    // Values that stand for "no value" in common exports (FRED writes '.', spreadsheets '#N/A', R 'NA').
    private static readonly HashSet<string> MissingTokens = new(StringComparer.OrdinalIgnoreCase)
    {
        "", "na", "n/a", "#n/a", "null", "none", "-", ".",
    };

    private static readonly HashSet<string> NonFiniteTokens = new(StringComparer.OrdinalIgnoreCase)
    {
        "nan", "-nan", "+nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity", "∞", "-∞", "+∞",
    };

    /// <summary>
    /// Reads a field as a number written with <paramref name="decimalMark"/> ('.' or ','), and says whether it would
    /// also read, or only read, with the other mark. The other of '.' and ',' may appear only as a thousands
    /// separator in strict groups of three digits after a first group of one to three that does not start with 0
    /// (<c>1,234,567.89</c> with '.'; <c>1.234.567,89</c> with ','). Also allowed: a sign, a missing integer or
    /// fraction part (<c>.5</c>, <c>5.</c>), an exponent (<c>8e1</c>). Digits are ASCII.
    /// </summary>
    /// <param name="field">The field; surrounding whitespace is ignored.</param>
    /// <param name="decimalMark">'.' or ','.</param>
    /// <param name="value">The value read with <paramref name="decimalMark"/>, when it reads that way.</param>
    /// <param name="otherValue">The value read with the other mark, when it reads that way.</param>
    public static NumberReading ReadNumber(string field, char decimalMark, out double value, out double otherValue)
    {
        Debug.Assert(decimalMark is '.' or ',');
        string s = field.Trim();
        char other = decimalMark == '.' ? ',' : '.';
        bool withMark = TryParseWithMark(s, decimalMark, out value);
        bool withOther = TryParseWithMark(s, other, out otherValue);
        if (withMark && withOther)
        {
            // Equal readings need no separator at all (12, 8e1); different ones are 1,234 = 1234 or 1.234.
            return value.Equals(otherValue) ? NumberReading.Number : NumberReading.Ambiguous;
        }
        if (withMark) return NumberReading.ThisMark;
        if (withOther) return NumberReading.OtherMark;
        return NumberReading.NotANumber;
    }

    /// <summary>Parses <paramref name="s"/> (already trimmed) by the grammar of <see cref="ReadNumber"/>.</summary>
    private static bool TryParseWithMark(string s, char decimalMark, out double value)
    {
        value = 0;
        char group = decimalMark == '.' ? ',' : '.';
        int n = s.Length, i = 0;
        if (i < n && s[i] is '+' or '-') i++;
        int intStart = i;
        while (i < n && char.IsAsciiDigit(s[i])) i++;
        bool grouped = false;
        if (i < n && s[i] == group)
        {
            int first = i - intStart;
            if (first is < 1 or > 3 || s[intStart] == '0') return false;
            while (i < n && s[i] == group)
            {
                if (i + 3 >= n || !char.IsAsciiDigit(s[i + 1]) || !char.IsAsciiDigit(s[i + 2]) || !char.IsAsciiDigit(s[i + 3]))
                    return false;
                i += 4;
                if (i < n && char.IsAsciiDigit(s[i])) return false;
            }
            grouped = true;
        }
        int digits = i - intStart;
        if (i < n && s[i] == decimalMark)
        {
            i++;
            int fracStart = i;
            while (i < n && char.IsAsciiDigit(s[i])) i++;
            digits += i - fracStart;
        }
        if (digits == 0) return false;
        if (i < n && s[i] is 'e' or 'E')
        {
            i++;
            if (i < n && s[i] is '+' or '-') i++;
            int expStart = i;
            while (i < n && char.IsAsciiDigit(s[i])) i++;
            if (i == expStart) return false;
        }
        if (i != n) return false;

        string invariant = s;
        if (grouped) invariant = invariant.Replace(group.ToString(), "", StringComparison.Ordinal);
        if (decimalMark != '.') invariant = invariant.Replace(decimalMark, '.');
        // The grammar above is a subset of what NumberStyles.Float reads; past double's range it reads ±infinity.
        return double.TryParse(invariant, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Says why a field that is a number with neither decimal mark cannot be read, worded for a message:
    /// not finite, missing, or not a number at all.</summary>
    public static string NotANumberProblem(string field, char decimalMark)
    {
        string s = field.Trim();
        if (NonFiniteTokens.Contains(s)) return NonFiniteProblem(s);
        if (MissingTokens.Contains(s))
        {
            string what = s.Length == 0 ? "the value is empty" : $"the value is missing ({Text.Quote(s)})";
            return $"{what}; expected a number. Fill it in or delete the row.";
        }
        string example = decimalMark == '.'
            ? "12.5, with '.' as the decimal point"
            : $"12,5, with ',' as the decimal mark (as {CsvSettings.DecimalComma} asks)";
        return $"{Text.Quote(s)} is not a number; expected a number such as {example} and no currency sign or unit. " +
               "Correct the value or delete the row.";
    }

    /// <summary>Words the refusal of a NaN or infinite value (NaN read as missing only when a missing-value mode is
    /// chosen: pandas writes a missing value so with na_rep='NaN').</summary>
    private static string NonFiniteProblem(string field) => IsNaN(field)
        ? $"{Text.Quote(field.Trim())} is not a finite number (NaN); expected a finite number. Replace it with a real value or delete the row, " +
          $"or read NaN as a missing value with {CsvSettings.MissingDrop}, {CsvSettings.MissingForwardFill} or {CsvSettings.MissingInterpolate}."
        : $"{Text.Quote(field.Trim())} is not a finite number (NaN or infinite); expected a finite number. " +
          "Replace it with a real value or delete the row.";

    /// <summary>Whether a field is NaN as pandas, R or a spreadsheet writes it (nan, NaN, -nan).</summary>
    public static bool IsNaN(string field) => field.Trim().TrimStart('-', '+').Equals("nan", StringComparison.OrdinalIgnoreCase);

    /// <summary>Words the refusal of a field that reads only with the other decimal mark.</summary>
    /// <param name="field">The field.</param>
    /// <param name="decimalMark">The decimal mark in force.</param>
    /// <param name="otherValue">What the field reads as with the other mark.</param>
    /// <param name="separator">The file's field separator.</param>
    public static string OtherMarkProblem(string field, char decimalMark, double otherValue, char separator)
    {
        string s = field.Trim();
        if (decimalMark == '.' && separator != ',')
        {
            return $"{Text.Quote(s)} looks like a number with a decimal comma ({Text.Number(otherValue)}): the file " +
                   $"looks like it uses ',' as the decimal mark, with {Between(separator)} between fields, as " +
                   $"spreadsheets set to a decimal comma export it. Use {CsvSettings.DecimalComma} to read it so; " +
                   "otherwise correct the value.";
        }
        if (decimalMark == '.')
        {
            return $"{Text.Quote(s)} looks like a number with a decimal comma ({Text.Number(otherValue)}): its ',' " +
                   "is not a thousands separator, which comes before groups of three digits as in 1,234.5. Use " +
                   $"{CsvSettings.DecimalComma} if the file uses ',' as the decimal mark; otherwise correct the value.";
        }
        return $"{Text.Quote(s)} uses '.' as the decimal point ({Text.Number(otherValue)}), but the decimal mark is " +
               $"set to ',' ({CsvSettings.DecimalComma}), under which '.' only separates thousands in groups of three, as in " +
               $"1.234,5. Use {CsvSettings.DecimalPoint} (the default) if the file uses '.' for decimals; otherwise correct the value.";
    }

    /// <summary>Words the refusal of a field that reads with both marks to different values, such as 1,234 (1234 or
    /// 1.234) or 1.500 (1.5 or 1500).</summary>
    /// <param name="field">The field.</param>
    /// <param name="decimalMark">The decimal mark in force.</param>
    /// <param name="value">What the field reads as with <paramref name="decimalMark"/>.</param>
    /// <param name="otherValue">What it reads as with the other mark.</param>
    /// <param name="separator">The file's field separator.</param>
    public static string AmbiguousProblem(string field, char decimalMark, double value, double otherValue,
        char separator)
    {
        string s = field.Trim();
        // Such a field holds one kind of separator: with both, only one order (thousands, then decimals) reads.
        char sep = s.Contains(',') ? ',' : '.';
        bool thousandsNow = sep != decimalMark;
        double asThousands = thousandsNow ? value : otherValue, asDecimal = thousandsNow ? otherValue : value;
        string written = Text.Number(value);
        if (decimalMark == ',') written = written.Replace('.', ',');
        // A mark that was set reads a number whose only separator it is (CsvReadOptions.DecimalSeparator), so this one
        // was left at its default: setting it says which.
        string fix = sep == decimalMark
            ? $"Give {(decimalMark == '.' ? CsvSettings.DecimalPoint : CsvSettings.DecimalComma)} to read it as {written} if the file uses '{decimalMark}' " +
              $"for decimals (the default alone settles nothing), or {(decimalMark == '.' ? CsvSettings.DecimalComma : CsvSettings.DecimalPoint)} if it uses '{(decimalMark == '.' ? ',' : '.')}'."
            : decimalMark == '.'
            ? $"Use {CsvSettings.DecimalComma} if the file uses ',' as the decimal mark; otherwise write the value as {written}."
            : $"Use {CsvSettings.DecimalPoint} (the default) if the file uses '.' for decimals; otherwise write the value as {written}.";
        string why = decimalMark == '.' && separator != ','
            ? $"; with {Between(separator)} between fields the file looks like it uses decimal commas, and no other " +
              "value read from it settles which"
            : $", and no other value read from the file settles which, as one with a '{decimalMark}' decimal mark would";
        return $"{Text.Quote(s)} could be {Text.Number(asThousands)} ('{sep}' separating thousands) or " +
               $"{Text.Number(asDecimal)} ('{sep}' as the decimal mark){why}. {fix}";
    }

    private static string Between(char separator) => separator == '\t' ? "tabs" : $"'{separator}'";

    /// <summary>Whether a field reads as a number with either decimal mark, or is a non-finite token (used to tell
    /// numeric columns from text ones, so a column of decimal commas is still found and then refused clearly).</summary>
    public static bool LooksNumeric(string field) =>
        ReadNumber(field, '.', out _, out _) != NumberReading.NotANumber || NonFiniteTokens.Contains(field.Trim());

    /// <summary>Whether a field is empty or a token that means "no value".</summary>
    public static bool IsMissing(string field) => MissingTokens.Contains(field.Trim());

    /// <summary>Whether a field is empty or a token that means "no value", read from a span without a string.</summary>
    public static bool IsMissing(ReadOnlySpan<char> field) => MissingLookup.Contains(field.Trim());

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> MissingLookup =
        MissingTokens.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Parses a date, or a date with a time of day (ISO: <c>2024-01-02 09:30</c>, <c>2024-01-02T09:30:00Z</c>,
    /// <c>2024-01-02 09:30:00-05:00</c>); on failure returns the reason, worded for a message. A time zone is read and
    /// dropped: the clock time is kept as written (see <see cref="Timestamps"/>).</summary>
    public static bool TryParseDate(string field, out DateTime date, out string? problem)
        => TryParseDate(field, DateOrder.YearFirst, out date, out problem);

    /// <summary>As <see cref="TryParseDate(string, out DateTime, out string?)"/>, reading a date of three numbers with
    /// the year last (<c>01/02/2020</c>, with an optional time) in <paramref name="order"/>.</summary>
    public static bool TryParseDate(string field, DateOrder order, out DateTime date, out string? problem)
    {
        string s = field.Trim();
        problem = null;
        if (DateOnly.TryParseExact(s, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var day))
        {
            date = day.ToDateTime(TimeOnly.MinValue);
            return true;
        }
        var numeric = NumericDate().Match(s);
        if (numeric.Success)
            return TryParseNumericDate(s, numeric, order, out date, out problem);

        var m = IsoDateTime().Match(s);
        if (m.Success && DateOnly.TryParseExact(m.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                DateTimeStyles.None, out day))
        {
            int hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
            int minute = int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
            int second = m.Groups["s"].Success ? int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
            long fraction = 0;
            if (m.Groups["f"].Success)
            {
                // ".5" is half a second; digits past the 7th (100 ns) are dropped.
                string digits = (m.Groups["f"].Value[1..] + "0000000")[..7];
                fraction = long.Parse(digits, CultureInfo.InvariantCulture);
            }
            if (hour < 24 && minute < 60 && second < 60)
            {
                date = day.ToDateTime(new TimeOnly(hour, minute, second)).AddTicks(fraction);
                return true;
            }
            problem = $"{Text.Quote(s)} has no such time of day; expected hours 00–23, minutes and seconds 00–59.";
            date = default;
            return false;
        }

        date = default;
        problem = s.Length == 0
            ? $"the date is empty; expected {DateExamples}. Fill it in or delete the row."
            : $"{Text.Quote(s)} is not a date Unroll can read; expected {DateExamples}. " +
              $"Rewrite the dates as yyyy-MM-dd; dates such as 1/31/2020 (a four-digit year last) read with {CsvSettings.MonthFirst} or {CsvSettings.DayFirst}.";
        return false;
    }

    // The formats of a date written as three numbers, year last, by order; then the times that may follow.
    private static readonly string[] MonthFirstDates = ["M/d/yyyy", "M-d-yyyy", "M.d.yyyy"];
    private static readonly string[] DayFirstDates = ["d/M/yyyy", "d-M-yyyy", "d.M.yyyy"];
    private static readonly string[] Times = ["", " H:mm", " H:mm:ss", " h:mm tt", " h:mm:ss tt", " htt", " h tt"];

    private static readonly string[] MonthFirstFormats = MonthFirstDates.SelectMany(d => Times.Select(t => d + t)).ToArray();
    private static readonly string[] DayFirstFormats = DayFirstDates.SelectMany(d => Times.Select(t => d + t)).ToArray();

    /// <summary>A date of three numbers, year last, as <paramref name="order"/> says to read it; refused, naming the
    /// orders that would read it, when the order is not given or does not fit.</summary>
    private static bool TryParseNumericDate(string s, Match numeric, DateOrder order, out DateTime date, out string? problem)
    {
        problem = null;
        string[]? formats = order switch { DateOrder.MonthFirst => MonthFirstFormats, DateOrder.DayFirst => DayFirstFormats, _ => null };
        if (formats is not null && DateTime.TryParseExact(s, formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out date))
            return true;
        date = default;
        int first = int.Parse(numeric.Groups["a"].Value, CultureInfo.InvariantCulture);
        int second = int.Parse(numeric.Groups["b"].Value, CultureInfo.InvariantCulture);
        int year = int.Parse(numeric.Groups["y"].Value, CultureInfo.InvariantCulture);
        bool monthFirst = IsDate(year, first, second), dayFirst = IsDate(year, second, first);
        string rewrite = "or rewrite the dates as yyyy-MM-dd.";
        if (order == DateOrder.YearFirst)
        {
            problem = (monthFirst, dayFirst) switch
            {
                (true, true) when first != second =>
                    $"{Text.Quote(s)} could be {Spelled(year, first, second)} (month first) or {Spelled(year, second, first)} (day first), so Unroll " +
                    $"reads such dates only when told which. Use {CsvSettings.MonthFirst} (as American spreadsheets write dates) or " +
                    $"{CsvSettings.DayFirst}, {rewrite}",
                (true, true) =>
                    $"{Text.Quote(s)} is {Spelled(year, first, second)} either way, but the file's other dates may not be, so Unroll reads " +
                    $"such dates only when told the order. Use {CsvSettings.MonthFirst} (as American spreadsheets write dates) or " +
                    $"{CsvSettings.DayFirst}, {rewrite}",
                (true, false) => $"{Text.Quote(s)} reads only month first ({Spelled(year, first, second)}). Use {CsvSettings.MonthFirst}, {rewrite}",
                (false, true) => $"{Text.Quote(s)} reads only day first ({Spelled(year, second, first)}). Use {CsvSettings.DayFirst}, {rewrite}",
                _ => $"{Text.Quote(s)} is no date in either order (no month {first} or {second} with such a day). Correct it, {rewrite}",
            };
            return false;
        }
        bool fits = order == DateOrder.MonthFirst ? monthFirst : dayFirst;
        string name = order == DateOrder.MonthFirst ? "month first" : "day first";
        if (!fits)
        {
            bool otherFits = order == DateOrder.MonthFirst ? dayFirst : monthFirst;
            var other = order == DateOrder.MonthFirst ? CsvSettings.DayFirst : CsvSettings.MonthFirst;
            problem = otherFits
                ? $"{Text.Quote(s)} is not a date read {name} (there is no such month and day), though it reads the other way. If the file " +
                  $"writes its dates that way, use {other}; otherwise correct it."
                : $"{Text.Quote(s)} is not a date read {name} (there is no such month and day). Correct it, {rewrite}";
            return false;
        }
        problem = $"{Text.Quote(s)} has a time of day Unroll cannot read; expected a date such as 1/31/2020 " +
                  "followed by a time such as 9:30, 09:30:15, 9:30 PM or 9:30:15 PM.";
        return false;
    }

    /// <summary>Whether a field is a date of three numbers with the year last (01/02/2020), which reads only in a
    /// <see cref="DateOrder"/>.</summary>
    public static bool IsNumericDate(string field) => NumericDate().IsMatch(field.Trim());

    private static bool IsDate(int year, int month, int day)
        => year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    private static string Spelled(int year, int month, int day)
        => new DateTime(year, month, day).ToString("MMM d yyyy", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<a>\d{1,2})(?<sep>[/.-])(?<b>\d{1,2})\k<sep>(?<y>\d{4})(\s.*)?$")]
    private static partial Regex NumericDate();

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[T ](?<h>\d{1,2}):(?<m>\d{2})(:(?<s>\d{2})(?<f>\.\d+)?)?\s?(Z|UTC|GMT|[+-]\d{2}(:?\d{2})?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoDateTime();
}

/// <summary>How a field reads as a number under a decimal mark (see <see cref="FieldParsing.ReadNumber"/>).</summary>
internal enum NumberReading
{
    /// <summary>Reads the same with either mark: no separator at all, such as <c>12</c> or <c>8e1</c>.</summary>
    Number,

    /// <summary>Reads only with the mark in force, which it confirms: <c>12.5</c> or <c>1,234.5</c> with '.'.</summary>
    ThisMark,

    /// <summary>Reads with both marks, to different values: <c>1,234</c> is 1234 with '.' and 1.234 with ','.</summary>
    Ambiguous,

    /// <summary>Reads only with the other mark: <c>164,42</c> when the mark is '.'.</summary>
    OtherMark,

    /// <summary>A number with neither mark.</summary>
    NotANumber,
}
