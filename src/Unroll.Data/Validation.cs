namespace Unroll.Data;

/// <summary>Checks shared by the reader, the set and the windows, with their messages in one place.</summary>
internal static class Validation
{
    /// <summary>The largest magnitude a value may have: 1e30. Unroll trains in float32, whose largest finite value is
    /// about 3.4e38; 1e30 leaves eight orders of magnitude of room for what is computed from the values (scaling
    /// statistics, unscaled predictions, squared errors), so a value beyond it is refused rather than risk an
    /// overflow to infinity. The messages say "1e30": change them with it.</summary>
    public const double MaxMagnitude = 1e30;

    /// <summary>Words the refusal of a value whose magnitude is beyond <see cref="MaxMagnitude"/>, or returns null
    /// when it is within.</summary>
    /// <param name="field">The value as written, for the message.</param>
    /// <param name="value">The value read.</param>
    public static string? MagnitudeProblem(string field, double value)
    {
        if (Math.Abs(value) <= MaxMagnitude) return null;
        return $"{Text.Quote(field.Trim())} is beyond ±1e30, the largest magnitude Unroll reads: it trains in float32, " +
               "and values beyond 1e30 cannot be represented after scaling. Rescale the column, for example to " +
               "thousands or millions (divide it by 1e3 or 1e6).";
    }

    /// <summary>Throws a <see cref="DataException"/> when <paramref name="series"/> has fewer than
    /// <paramref name="minimum"/> steps.</summary>
    public static void RequireMinLength(TimeSeries series, int minimum, string? reason, string? file)
    {
        if (series.Length >= minimum) return;
        string why = string.IsNullOrEmpty(reason) ? "" : $" ({reason})";
        throw new DataException(
            $"series '{series.Symbol}' has {Text.Count(series.Length, "point")}, fewer than the {minimum} needed{why}. " +
            $"Use a shorter lookback or horizon, or leave this series out ({Csv.CsvSettings.Symbols}).",
            file, settings: [Csv.CsvSettings.Symbols]);
    }
}
