using Unroll.Forecasting;
using Unroll.Forecasting.Reports;

namespace Unroll.Cli;

/// <summary>Writes the backtest report folder (index.html).</summary>
internal static class ReportWriter
{
    public static void Write(BacktestResult result, string dataFile, string directory, ForecastSettings settings)
    {
        var info = new ReportInfo($"Backtest of {Path.GetFileName(dataFile)}", dataFile, settings.Describe());
        BacktestReport.Write(result, info, directory);
    }
}
