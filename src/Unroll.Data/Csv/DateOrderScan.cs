namespace Unroll.Data.Csv;

/// <summary>
/// The dates of a file after its first date of three numbers, year last, that no <see cref="DateOrder"/> was given for:
/// a later date that reads only one way (13/01/2020, day first) says which order the file writes, so the refusal can
/// name that one order instead of both.
/// </summary>
/// <param name="first">The first such date, as written.</param>
/// <param name="line">Its line.</param>
/// <param name="problem">Its refusal on its own.</param>
internal sealed class DateOrderScan(string first, int line, string problem)
{
    private (string Field, int Line)? _dayFirst, _monthFirst;

    /// <summary>The line of the first such date, where the refusal points.</summary>
    public int Line { get; } = line;

    /// <summary>Looks at one more date field (the first included, by <see cref="CsvSeriesReader"/>).</summary>
    public void See(string field, int line)
    {
        if ((_dayFirst is null || _monthFirst is null) && FieldParsing.IsNumericDate(field))
        {
            bool monthFirst = FieldParsing.TryParseDate(field, DateOrder.MonthFirst, out _, out _);
            bool dayFirst = FieldParsing.TryParseDate(field, DateOrder.DayFirst, out _, out _);
            if (dayFirst && !monthFirst) _dayFirst ??= (field.Trim(), line);
            if (monthFirst && !dayFirst) _monthFirst ??= (field.Trim(), line);
        }
    }

    /// <summary>The refusal: the first date's own, or, where later dates read only one way, that way.</summary>
    public string Problem()
    {
        string shown = Text.Quote(first.Trim());
        string rewrite = "or rewrite the dates as yyyy-MM-dd.";
        bool firstEitherWay = FieldParsing.TryParseDate(first, DateOrder.MonthFirst, out _, out _)
                              && FieldParsing.TryParseDate(first, DateOrder.DayFirst, out _, out _);
        if (!firstEitherWay && (_dayFirst is null || _monthFirst is null)) return problem;   // its own says which
        string either = $"{shown} reads either way";
        return (_dayFirst, _monthFirst) switch
        {
            ({ } d, { } m) => (firstEitherWay ? either + ", but the" : "the") + $" file's dates do not keep one order: line {d.Line}'s " +
                              $"{Text.Quote(d.Field)} reads only day first and line {m.Line}'s {Text.Quote(m.Field)} only month first. " +
                              "Correct them, " + rewrite,
            ({ } d, null) => $"{either}, and line {d.Line}'s {Text.Quote(d.Field)} only day first, so the file writes its " +
                             $"dates day first. Use {CsvSettings.DayFirst}, {rewrite}",
            (null, { } m) => $"{either}, and line {m.Line}'s {Text.Quote(m.Field)} only month first, so the file writes " +
                             $"its dates month first. Use {CsvSettings.MonthFirst}, {rewrite}",
            _ => problem,
        };
    }
}
