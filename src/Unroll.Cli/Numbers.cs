using Unroll.Charts;

namespace Unroll.Cli;

/// <summary>Numbers in tables and messages: a fixed number of significant digits, so no value, however large, takes a whole line.</summary>
/// <remarks>The commands' short name for <see cref="NumberFormat.Significant"/>, which the report's verdict shares.</remarks>
internal static class Numbers
{
    /// <inheritdoc cref="NumberFormat.Significant"/>
    public static string Significant(double value, int digits = 6) => NumberFormat.Significant(value, digits);
}
