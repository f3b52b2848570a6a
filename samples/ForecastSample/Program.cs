// A forecasting program that uses only Unroll's public API: load price histories of different lengths, train one
// LSTM across them with progress and Ctrl-C, forecast next month beside the naive guess, and backtest honestly.
// Run: dotnet run --project samples/ForecastSample -- [path/to/prices.csv]
using Unroll.Core;
using Unroll.Data;
using Unroll.Data.Csv;
using Unroll.Forecasting;

var path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "stocks.csv");
SeriesSet data = CsvSeriesReader.Read(path);
Console.WriteLine($"{data.Series.Count} series: {string.Join(", ", data.Series.Select(s => $"{s.Symbol} ({s.Length})"))}");

var settings = new ForecastSettings
{
    Cell = CellKind.Lstm,
    Hidden = 32,
    Lookback = Lookback.Of(12),   // or Lookback.All: each series' whole history, ragged batches
    Epochs = 100,
    Seed = 7,
};

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var progress = new Progress<TrainingProgress>(p =>
{
    if (p.Epoch % 10 == 0) Console.WriteLine($"epoch {p.Epoch}: train {p.TrainLoss:G4}, validation {p.ValidationLoss:G4}");
});

FitResult fit = Forecaster.Fit(data, settings, progress, cancel.Token);
Console.WriteLine($"kept epoch {fit.BestEpoch} ({fit.Stop})");
foreach (var series in data.Series)
{
    SeriesForecast forecast = fit.Forecaster.Predict(series);
    Console.WriteLine($"{series.Symbol}: next {forecast.Values[0]:F2} (naive {forecast.LastValue:F2})");
}

ModelBundle.Save(fit.Forecaster, "sample-model.safetensors");

BacktestResult backtest = Backtester.Run(data, settings with { TestFraction = 0.2 });
foreach (var method in BacktestResult.Methods)
{
    Metrics m = backtest.Overall[method];
    Console.WriteLine($"{method.Name(),-15} MAE {m.Mae,8:F3}  MASE {m.Mase:F3}  direction {m.Direction:P0}");
}
