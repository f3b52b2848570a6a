namespace Unroll.Data.Csv;

/// <summary>
/// What <see cref="CsvSeriesReader"/> does with a missing target or feature value: a field that is empty or one of
/// <c>null</c>, <c>NA</c>, <c>N/A</c>, <c>#N/A</c>, <c>none</c>, <c>-</c> and <c>.</c> (ignoring case). A row whose
/// values are all missing (Yahoo Finance's <c>2020-12-25,null,null,…</c> on holidays) is dropped whatever this says,
/// and counted in <see cref="SeriesSet.Missing"/>. <c>NaN</c> and <c>Infinity</c> are not missing values but
/// numbers Unroll cannot train on, and stay an error.
/// </summary>
public enum MissingValues
{
    /// <summary>A missing value is an error that lists the lines of all of them (the default).</summary>
    Error,

    /// <summary>A row with a missing target or feature value is dropped.</summary>
    Drop,

    /// <summary>A missing value takes the series' last value of its column before it (carried forward). A series
    /// whose first value of a column is missing is an error, since nothing comes before it.</summary>
    ForwardFill,

    /// <summary>
    /// A missing value is interpolated linearly between the values before and after it in the series, by position
    /// (rows, not calendar days: a holiday between two trading days sits halfway), as pandas' <c>interpolate()</c>.
    /// Missing values at the end of a series, with nothing after them, are carried forward; a missing first value
    /// is an error, as with <see cref="ForwardFill"/> (filling it backwards would copy the future into the past).
    /// </summary>
    Interpolate,
}

/// <summary>What a read did with missing values (see <see cref="MissingValues"/>).</summary>
/// <param name="BlankRowsDropped">Rows dropped because all their values were missing.</param>
/// <param name="RowsDropped">Other rows dropped because a target or feature value was missing
/// (<see cref="MissingValues.Drop"/>).</param>
/// <param name="ValuesFilled">Values filled in (<see cref="MissingValues.ForwardFill"/> or
/// <see cref="MissingValues.Interpolate"/>).</param>
public sealed record MissingSummary(int BlankRowsDropped, int RowsDropped, int ValuesFilled)
{
    /// <summary>Nothing was missing.</summary>
    public static MissingSummary None { get; } = new(0, 0, 0);
}
