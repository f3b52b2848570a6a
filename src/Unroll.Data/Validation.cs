namespace Unroll.Data;

/// <summary>Checks shared by the reader, the set and the windows, with their messages in one place.</summary>
internal static class Validation
{
    /// <summary>The largest magnitude a value may have: 1e30. Unroll trains in float32, whose largest value is about
    /// 3.4e38 with about seven significant digits; past 1e30 too little room is left for what is computed from the
    /// values in float32 (scaled inputs, unscaled predictions, errors and their squares), so such a value is refused
    /// rather than trained on as infinity or zero.</summary>
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
            "Use a shorter lookback or horizon, or leave this series out (--symbol).",
            file);
    }
}
