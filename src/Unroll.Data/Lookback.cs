using System.Globalization;

namespace Unroll.Data;

/// <summary>How many past steps a window feeds the model: a fixed count, or <see cref="All"/> the history
/// available before each target (windows of different lengths).</summary>
public readonly struct Lookback : IEquatable<Lookback>
{
    private readonly int _steps; // 0 means all

    private Lookback(int steps) => _steps = steps;

    /// <summary>The whole history before each target; also the default value.</summary>
    public static Lookback All => default;

    /// <summary>A fixed number of past steps.</summary>
    /// <param name="steps">The number of steps, at least 1.</param>
    public static Lookback Of(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        return new Lookback(steps);
    }

    /// <summary>Whether this is <see cref="All"/>.</summary>
    public bool IsAll => _steps == 0;

    /// <summary>The fixed number of steps, or null for <see cref="All"/>.</summary>
    public int? Steps => _steps == 0 ? null : _steps;

    /// <summary>The fewest points a series needs for one window: lookback + horizon, or 1 + horizon for
    /// <see cref="All"/>.</summary>
    /// <param name="horizon">The number of steps predicted, at least 1.</param>
    public int MinimumSeriesLength(int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        return (IsAll ? 1 : _steps) + horizon;
    }

    /// <summary>Reads "all" (ignoring case) or a positive whole number.</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="FormatException">The text is neither.</exception>
    public static Lookback Parse(string text) =>
        TryParse(text, out var lookback)
            ? lookback
            : throw new FormatException($"lookback '{text}' is not understood; expected 'all' or a whole number of steps of at least 1, such as 20.");

    /// <summary>Tries to read "all" (ignoring case) or a positive whole number.</summary>
    /// <param name="text">The text.</param>
    /// <param name="lookback">The lookback read, or <see cref="All"/> when it fails.</param>
    public static bool TryParse(string? text, out Lookback lookback)
    {
        lookback = All;
        string s = text?.Trim() ?? "";
        if (string.Equals(s, "all", StringComparison.OrdinalIgnoreCase)) return true;
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1)
        {
            lookback = new Lookback(n);
            return true;
        }
        return false;
    }

    /// <summary>Returns "all" or the number of steps, as <see cref="Parse"/> reads it.</summary>
    public override string ToString() => IsAll ? "all" : _steps.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public bool Equals(Lookback other) => _steps == other._steps;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Lookback other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _steps;

    /// <summary>Whether two lookbacks are the same.</summary>
    public static bool operator ==(Lookback left, Lookback right) => left.Equals(right);

    /// <summary>Whether two lookbacks differ.</summary>
    public static bool operator !=(Lookback left, Lookback right) => !left.Equals(right);
}
