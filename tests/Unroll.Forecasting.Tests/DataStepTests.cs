using Unroll.Data;
using Unroll.Data.Csv;

namespace Unroll.Forecasting.Tests;

/// <summary>A model remembers the step of the series it was trained on (a day, a month, 30 minutes) and refuses series
/// of another step, which it would forecast as if each of their steps were one of its own.</summary>
public sealed class DataStepTests
{
    private static TimeSeries Dated(string name, IReadOnlyList<DateTime> dates)
        => new(name, dates, dates.Select((_, i) => 50 + 10 * Math.Sin(i / 3.0) + 0.1 * i).ToArray());

    private static DateTime[] Every(int count, Func<DateTime, DateTime> next, DateTime? start = null)
    {
        var dates = new DateTime[count];
        dates[0] = start ?? new DateTime(2019, 1, 31);
        for (int i = 1; i < count; i++) dates[i] = next(dates[i - 1]);
        return dates;
    }

    private static DateTime[] Weekdays(int count)
        => Every(count, d => d.AddDays(d.DayOfWeek == DayOfWeek.Friday ? 3 : 1), new DateTime(2019, 1, 7));

    private static DateTime[] MonthEnds(int count)
        => Every(count, d => new DateTime(d.AddMonths(1).Year, d.AddMonths(1).Month, DateTime.DaysInMonth(d.AddMonths(1).Year, d.AddMonths(1).Month)));

    private static SeriesSet File(string name, params TimeSeries[] series) => new(series, "close", [], name);

    private static readonly ForecastSettings Small = new() { HiddenSize = 4, Lookback = Lookback.Of(3), Epochs = 1, Seed = 3 };

    private static readonly Lazy<Forecaster> Monthly = new(() => Forecaster.Fit(File("monthly.csv", Dated("A", MonthEnds(48)), Dated("B", MonthEnds(40))), Small).Forecaster);

    [Fact]
    public void Fit_RemembersTheSeriesStep()
    {
        Assert.Equal("months", Monthly.Value.TrainedStep?.ToString());
        Assert.Equal("business_days", Forecaster.Fit(File("d.csv", Dated("A", Weekdays(60))), Small).Forecaster.TrainedStep?.ToString());
    }

    [Fact]
    public void Common_OfSeriesOfDifferentSteps_IsNone_AndAnIrregularSeriesCountsByItsMedianGap()
    {
        Assert.Null(DataStep.Common(File("mixed.csv", Dated("A", MonthEnds(30)), Dated("B", Weekdays(30)))));
        var gappy = new[] { 0, 1, 5, 6, 20, 21, 40, 41, 42, 70 }.Select(d => new DateTime(2020, 1, 1).AddDays(d)).ToArray();
        Assert.False(Frequency.Infer(gappy).IsRegular);
        Assert.Null(DataStep.Common(File("m.csv", Dated("A", MonthEnds(30)), Dated("B", gappy))));
        var missingOne = MonthEnds(30).Where((_, i) => i != 11).ToArray();
        Assert.Equal("months", DataStep.Common(File("m.csv", Dated("A", MonthEnds(30)), Dated("B", missingOne)))?.ToString());
        Assert.Equal("days", DataStep.Common(File("g.csv", Dated("B", gappy)))?.ToString());   // a median gap of a day
        // Trading days and calendar days are one step: the stocks and a coin's every-day prices.
        Assert.Equal("business_days", DataStep.Common(File("d.csv", Dated("A", Weekdays(30)), Dated("B", Every(30, d => d.AddDays(1)))))?.ToString());
    }

    [Fact]
    public void Serving_DailySeriesForAMonthlyModel_IsRefusedNamingTheResampling()
    {
        var error = Assert.Throws<DataException>(() => Monthly.Value.Serving(File("daily.csv", Dated("A", Weekdays(400)))));

        Assert.Equal("daily.csv: series 'A' has daily dates, but the model was trained on monthly data: read it as " +
                     "monthly points with CsvReadOptions.Resample = ResamplePeriod.Month, or train a model on daily data", error.Message);
        Assert.Equal([CsvSettings.ResampleTo(ResamplePeriod.Month)], error.Settings);
        // A history too short to give the model's lookback once resampled says so in the same line.
        var shortly = Assert.Throws<DataException>(() => Monthly.Value.RequireStep(File("short.csv", Dated("S", Weekdays(40)))));
        Assert.EndsWith("read it as monthly points with CsvReadOptions.Resample = ResamplePeriod.Month (though its dates span about 2 months, " +
                        "and the model needs 3), or train a model on daily data", shortly.Message);
        // A cold start is refused alike, and so is a predict or backtest that checks before anything else.
        Assert.Throws<DataException>(() => Monthly.Value.RequireStep(File("daily.csv", Dated("New", Weekdays(400)))));
    }

    [Fact]
    public void Serving_MonthlySeries_PassesWhateverDayOfTheMonthItsDatesFallOn()
    {
        var firsts = Every(36, d => d.AddMonths(1), new DateTime(2019, 1, 1));
        Monthly.Value.RequireStep(File("firsts.csv", Dated("A", firsts)));
        Monthly.Value.RequireStep(File("ends.csv", Dated("A", MonthEnds(36)), Dated("One", MonthEnds(1))));
    }

    [Fact]
    public void Serving_CoarserSeries_IsRefusedWithoutAResampling()
    {
        var daily = Forecaster.Fit(File("d.csv", Dated("A", Weekdays(80))), Small).Forecaster;
        var quarters = Every(20, d => d.AddMonths(3), new DateTime(2019, 3, 31));

        var error = Assert.Throws<DataException>(() => daily.RequireStep(File("q.csv", Dated("Q", quarters))));
        Assert.Equal("q.csv: series 'Q' has quarterly dates, but the model was trained on daily data: give it daily data " +
                     "(coarser data cannot be made finer), or train a model on quarterly data", error.Message);
        Assert.Empty(error.Settings);
        var yearly = Forecaster.Fit(File("y.csv", Dated("A", Every(30, d => d.AddYears(1), new DateTime(1990, 12, 31)))), Small).Forecaster;
        var fromQuarters = Assert.Throws<DataException>(() => yearly.RequireStep(File("q.csv", Dated("Q", quarters))));
        Assert.EndsWith("trained on yearly data: aggregate it to years first (CsvReadOptions.Resample makes days, weeks and months only), " +
                        "or train a model on quarterly data", fromQuarters.Message);
    }

    [Fact]
    public void RequireStep_IrregularDates_AreComparedByTheirMedianGap()
    {
        // Daily dates with gaps too many to be a spacing: still about a day apart, not a month.
        var days = Enumerable.Range(0, 200).Where(i => i % 5 != 0 && i % 11 != 4).Select(i => new DateTime(2020, 1, 1).AddDays(i)).ToArray();
        Assert.False(Frequency.Infer(days).IsRegular);

        var error = Assert.Throws<DataException>(() => Monthly.Value.RequireStep(File("gappy.csv", Dated("G", days))));
        Assert.Equal("gappy.csv: series 'G' has irregular dates, a median 1 day apart, but the model was trained on monthly data: read it as " +
                     "monthly points with CsvReadOptions.Resample = ResamplePeriod.Month, or train a model on it", error.Message);
        // Months with a missing one are irregular but a month apart: forecast as the model's.
        var missing = MonthEnds(30).Where((_, i) => i != 11).ToArray();
        Assert.False(Frequency.Infer(missing).IsRegular);
        Monthly.Value.RequireStep(File("m.csv", Dated("M", missing)));
    }

    [Fact]
    public void AModelOfDatesThatFitNoSpacing_RecordsTheStepTheirMedianGapStandsFor()
    {
        var days = Enumerable.Range(0, 200).Where(i => i % 5 != 0 && i % 11 != 4).Select(i => new DateTime(2020, 1, 1).AddDays(i)).ToArray();
        var months = MonthEnds(40).Where((_, i) => i % 7 != 3).ToArray();
        var everyFewDays = new[] { 0, 2, 5, 7, 10, 12, 15, 18, 20, 23, 25 }.Select(d => new DateTime(2020, 1, 1).AddDays(d)).ToArray();
        Assert.All(new[] { days, months, everyFewDays }, d => Assert.False(Frequency.Infer(d).IsRegular));

        var result = Forecaster.Fit(File("gappy.csv", Dated("G", days)), Small);

        Assert.Equal("days", result.Forecaster.TrainedStep?.ToString());
        Assert.Contains("the series' dates fit no regular spacing, but the median gap between them is about a day: " +
                        "the model records days as its step and will refuse data of another step", result.Notes);
        result.Forecaster.RequireStep(File("d.csv", Dated("A", Weekdays(60))));
        result.Forecaster.RequireStep(File("gappy.csv", Dated("G", days)));
        var error = Assert.Throws<DataException>(() => result.Forecaster.RequireStep(File("m.csv", Dated("A", MonthEnds(40)))));
        Assert.StartsWith("m.csv: series 'A' has monthly dates, but the model was trained on daily data", error.Message);
        Assert.Equal("months", DataStep.Common(File("m.csv", Dated("M", months)))?.ToString());
        // Medians of two steps, or a median near none (two or three days apart): no step, as before.
        Assert.Null(DataStep.Common(new SeriesSet([Dated("G", days), Dated("M", months)], "close", [], "long.csv") { SymbolColumn = "symbol" }));
        Assert.Null(DataStep.Common(File("few.csv", Dated("F", everyFewDays))));
        Assert.DoesNotContain(Forecaster.Fit(File("d.csv", Dated("A", Weekdays(60))), Small).Notes, n => n.Contains("median gap", StringComparison.Ordinal));
    }

    [Fact]
    public void IntradaySteps_MatchOnlyAtTheSameLength()
    {
        DateTime[] Bars(int minutes) => Enumerable.Range(0, 10).SelectMany(d => Enumerable.Range(0, 6 * 60 / minutes)
            .Select(k => new DateTime(2024, 1, 8).AddDays(d).AddHours(10).AddMinutes(k * minutes))).ToArray();
        var halfHours = DataStep.Of(Frequency.Infer(Bars(30)))!;
        var hours = DataStep.Of(Frequency.Infer(Bars(60)))!;

        Assert.Equal("intraday:1800", halfHours.ToString());
        Assert.Equal("30-minute", halfHours.Adjective);
        Assert.Equal("hourly", hours.Adjective);
        Assert.True(DataStep.TryParse("intraday:14400", out var four));
        Assert.Equal(("4-hour", "4 hours"), (four.Adjective, four.Unit));
        Assert.True(halfHours.Matches(DataStep.Of(Frequency.Infer(Bars(30)))!));
        Assert.False(halfHours.Matches(hours));
        Assert.Null(halfHours.Resample);
        var model = Forecaster.Fit(File("bars.csv", Dated("A", Bars(30))), Small).Forecaster;
        var error = Assert.Throws<DataException>(() => model.RequireStep(File("days.csv", Dated("A", Weekdays(60)))));
        Assert.Equal("days.csv: series 'A' has daily dates, but the model was trained on 30-minute data: give it " +
                     "30-minute data (coarser data cannot be made finer), or train a model on daily data", error.Message);
        var fives = Assert.Throws<DataException>(() => model.RequireStep(File("fives.csv", Dated("A", Bars(5)))));
        Assert.Equal("fives.csv: series 'A' has 5-minute bars, but the model was trained on 30-minute data: aggregate it to 30-minute bars first " +
                     "(CsvReadOptions.Resample makes days, weeks and months only), or train a model on 5-minute data", fives.Message);
        Assert.Equal("an hour", hours.Unit);
    }

    [Fact]
    public void AModelTakesTheFileItWasTrainedOn_EvenWithASeriesOffItsStep()
    {
        // Business days beside months with one missing (irregular, a month apart): no one step, so none is stored.
        var months = MonthEnds(40).Where((_, i) => i != 7).ToArray();
        var data = new SeriesSet([Dated("D", Weekdays(120)), Dated("M", months)], "close", [], "long.csv") { SymbolColumn = "symbol" };

        Assert.Null(DataStep.Common(data));
        var result = Forecaster.Fit(data, Small);
        Assert.Null(result.Forecaster.TrainedStep);
        result.Forecaster.RequireStep(data);
        Assert.Contains(result.Notes, n => n.StartsWith("the series' dates keep no one step", StringComparison.Ordinal));
        Assert.DoesNotContain(Forecaster.Fit(File("d.csv", Dated("A", Weekdays(60))), Small).Notes, n => n.Contains("no one step", StringComparison.Ordinal));
    }

    [Fact]
    public void RequireStep_EveryOtherMonth_IsNotMonthly_AndALongFileOffersLeavingTheSeriesOut()
    {
        var everyOther = Every(24, d => d.AddMonths(2), new DateTime(2019, 1, 15));
        Assert.False(Frequency.Infer(everyOther).IsRegular);
        var data = new SeriesSet([Dated("A", MonthEnds(36)), Dated("B", everyOther)], "close", [], "long.csv") { SymbolColumn = "symbol" };

        var error = Assert.Throws<DataException>(() => Monthly.Value.RequireStep(data));
        Assert.Equal("long.csv: series 'B' has irregular dates, a median about 2 months apart, but the model was trained on monthly data: give it " +
                     "monthly data (coarser data cannot be made finer), leave it out (CsvReadOptions.Symbols names the series to use), or train a model on it", error.Message);
        Assert.Equal([CsvSettings.Symbols], error.Settings);
    }

    [Theory]
    [InlineData("business_days")]
    [InlineData("days")]
    [InlineData("weeks")]
    [InlineData("months")]
    [InlineData("quarters")]
    [InlineData("years")]
    [InlineData("intraday:60")]
    [InlineData("intraday:86399")]
    public void TryParse_ReadsWhatToStringWrote(string text)
    {
        Assert.True(DataStep.TryParse(text, out var step));
        Assert.Equal(text, step.ToString());
    }
}
