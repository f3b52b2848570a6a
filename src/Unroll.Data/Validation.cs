namespace Unroll.Data;

/// <summary>Checks shared by the reader, the set and the windows, with their messages in one place.</summary>
internal static class Validation
{
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
