using Unroll.Forecasting;

namespace Unroll.Cli;

/// <summary>Writes the backtest report folder.</summary>
internal static class ReportWriter
{
    public static void Write(BacktestResult result, string dataFile, string directory)
    {
        // Filled in when the report renderer lands.
        _ = result; _ = dataFile; _ = directory;
    }
}
