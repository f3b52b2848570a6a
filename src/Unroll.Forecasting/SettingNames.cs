using Unroll.Core;
using Unroll.Core.Training;
using Unroll.Data;

namespace Unroll.Forecasting;

/// <summary>
/// The one place that names every choice a forecasting setting takes: the command line parses these names, model
/// files store them, messages use them. Cells, optimizers and losses keep their tables beside their types in Unroll.Core.
/// </summary>
public static class SettingNames
{
    /// <summary>rnn_relu, rnn_tanh, lstm, gru.</summary>
    public static NameTable<CellKind> Cells => CellKinds.Table;

    /// <summary>sgd, momentum, adam, adamw.</summary>
    public static NameTable<OptimizerKind> Optimizers => Optimizer.Names;

    /// <summary>ssr, mse, mae, huber.</summary>
    public static NameTable<LossKind> Losses => Unroll.Core.Training.Losses.Names;

    /// <summary>price (read also as value), return, logreturn (read also as log_return, log-return).</summary>
    public static NameTable<TargetKind> Targets { get; } = new(
        (TargetKind.Price, "price", ["value"]),
        (TargetKind.Return, "return", []),
        (TargetKind.LogReturn, "logreturn", ["log_return", "log-return"]));

    /// <summary>relative, minmax (read also as min-max), zscore (read also as z-score), difference.</summary>
    public static NameTable<TargetScaling> Scalings { get; } = new(
        (TargetScaling.Relative, "relative", []),
        (TargetScaling.MinMax, "minmax", ["min-max", "min_max"]),
        (TargetScaling.ZScore, "zscore", ["z-score", "z_score"]),
        (TargetScaling.Difference, "difference", ["diff"]));

    /// <summary>recursive, direct.</summary>
    public static NameTable<ForecastStrategy> Strategies { get; } = new(
        (ForecastStrategy.Recursive, "recursive", []),
        (ForecastStrategy.Direct, "direct", []));

    /// <summary>error, drop, ffill (read also as forwardfill, forward-fill, pad), interpolate (read also as linear).</summary>
    public static NameTable<Unroll.Data.Csv.MissingValues> Missing { get; } = new(
        (Unroll.Data.Csv.MissingValues.Error, "error", []),
        (Unroll.Data.Csv.MissingValues.Drop, "drop", []),
        (Unroll.Data.Csv.MissingValues.ForwardFill, "ffill", ["forward-fill", "forward_fill", "pad"]),
        (Unroll.Data.Csv.MissingValues.Interpolate, "interpolate", ["linear"]));

    /// <summary>none, day (read also as daily), week (weekly), month (monthly).</summary>
    public static NameTable<Unroll.Data.Csv.ResamplePeriod> Resample { get; } = new(
        (Unroll.Data.Csv.ResamplePeriod.None, "none", []),
        (Unroll.Data.Csv.ResamplePeriod.Day, "day", ["daily", "d"]),
        (Unroll.Data.Csv.ResamplePeriod.Week, "week", ["weekly", "w"]),
        (Unroll.Data.Csv.ResamplePeriod.Month, "month", ["monthly", "m"]));

    /// <summary>ymd (read also as iso), mdy (us, month-first), dmy (day-first).</summary>
    public static NameTable<Unroll.Data.Csv.DateOrder> DateOrders { get; } = new(
        (Unroll.Data.Csv.DateOrder.YearFirst, "ymd", ["iso"]),
        (Unroll.Data.Csv.DateOrder.MonthFirst, "mdy", ["us", "month-first"]),
        (Unroll.Data.Csv.DateOrder.DayFirst, "dmy", ["day-first"]));
}
