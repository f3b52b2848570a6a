using Unroll.Core;
using Unroll.Data;
using Unroll.Data.Csv;
using Unroll.Forecasting;
using Unroll.Forecasting.Methods;

// Run from the repository: dotnet run --project samples/ForecastSample
SeriesSet data = CsvSeriesReader.Read("data/stocks.csv");
var settings = new ForecastSettings { Cell = CellKind.Lstm, HiddenSize = 32, Lookback = Lookback.Of(12), Epochs = 100 };
var progress = new Progress<TrainingProgress>(p => Console.WriteLine($"epoch {p.Epoch}: validation {p.ValidationLoss:G4}"));
FitResult fit = Forecaster.Fit(data, settings, progress);       // one LSTM across every series, early stopping
SeriesForecast next = fit.Forecaster.Predict(data.Series[0], horizon: 3, levels: [0.8, 0.95]);
Console.WriteLine($"{next.Symbol} after {next.LastDate:yyyy-MM-dd}: {string.Join(", ", next.Values)}");   // also next.Dates, next.Intervals
ModelBundle.Save(fit.Forecaster, "model.safetensors");

BacktestResult backtest = Backtester.Run(data, settings with { TestFraction = 0.2 });
Console.WriteLine(MethodRanking.Of(backtest).Sentence(backtest));   // "Best by MASE: network on 3 of 5 series, …"

// The classical methods stand alone too: fit on the training part, forecast from any origin with intervals.
double[] values = data.Series[0].Values;
MethodFit ets = new EtsMethod().Fit(values.AsSpan(0, 100), season: 12);
MethodForecast f = ets.Fitted!.Forecast(values, horizon: 12, levels: [0.8, 0.95]);
Console.WriteLine($"{ets.Fitted.Description}: next {f.Mean[0]:F2} ({f.Intervals[0].Lower[0]:F2} to {f.Intervals[0].Upper[0]:F2} at 80%)");
