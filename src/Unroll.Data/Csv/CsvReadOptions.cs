namespace Unroll.Data.Csv;

/// <summary>How <see cref="CsvSeriesReader"/> turns a CSV file into series. The defaults read both shapes the
/// reader knows without any option set.</summary>
public sealed record CsvReadOptions
{
    /// <summary>The default options.</summary>
    public static CsvReadOptions Default { get; } = new();

    /// <summary>The column to forecast, matched ignoring case. When null: the first of adjclose, close, price and
    /// value that the file has (also spelled "Adj Close", "adj_close"), else the only numeric column.</summary>
    public string? Column { get; init; }

    /// <summary>Other columns to use as inputs beside the target, in this order (matched ignoring case).</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>The symbols to keep from a long-format file (matched ignoring case), in this order; empty keeps all.
    /// For a one-series file the only symbol is its <see cref="Name"/>.</summary>
    public IReadOnlyList<string> Symbols { get; init; } = [];

    /// <summary>The name of a one-series file's series (its symbol). When null, the file name without extension
    /// (<c>AAPL</c> for <c>prices/AAPL.csv</c>). A long-format file names its series in its symbol column, so a name
    /// given for one is refused with a <see cref="DataException"/>, as is a blank one.</summary>
    public string? Name { get; init; }

    /// <summary>The date column, matched ignoring case. When null: the first of date, datetime, timestamp, time,
    /// day, observation_date and ds that the file has, else an unnamed first column of dates (a pandas index).</summary>
    public string? DateColumn { get; init; }

    /// <summary>The column that names each row's series in a long-format file (<c>store,date,sales</c>), matched
    /// ignoring case. When null: the first of symbol, ticker and unique_id that the file has, else none (one series).</summary>
    public string? SymbolColumn { get; init; }

    /// <summary>Aggregates each series' rows to one point per day, week or month (<see cref="ResamplePeriod"/>): the
    /// last value of the period for the target and features (a price at the close), or the sum for the columns in
    /// <see cref="Sum"/> (volumes). <see cref="ResamplePeriod.None"/> (the default) keeps every row.</summary>
    public ResamplePeriod Resample { get; init; } = ResamplePeriod.None;

    /// <summary>Columns (the target or features) that <see cref="Resample"/> sums over each period instead of taking
    /// the last value, such as volume; matched ignoring case. Needs <see cref="Resample"/>.</summary>
    public IReadOnlyList<string> Sum { get; init; } = [];

    /// <summary>Sort each series by date. Off by default: rows out of order are then an error, never silently
    /// reordered.</summary>
    public bool Sort { get; init; }

    /// <summary>The fewest points a series may have (such as lookback + horizon); a shorter one is an error.
    /// Defaults to 1.</summary>
    public int MinLength { get; init; } = 1;

    /// <summary>
    /// The decimal mark of the file's numbers: '.' (the default) or ','; any other character is refused with a
    /// <see cref="DataException"/>. The other of the two may separate thousands, and only in strict groups of three
    /// digits: with '.', <c>1,234.5</c> is 1234.5; with ',', <c>1.234,5</c> is 1234.5 and <c>164,42</c> is 164.42.
    /// A number that reads only with the other mark (<c>164,42</c> under '.', <c>164.42</c> under ',') is refused,
    /// never read as 16442. One that reads both ways (<c>1,234</c>: 1234 or 1.234) is read with this mark when
    /// another number read from the file reads only with it (<c>12.5</c> for '.', <c>164,42</c> for ','), or when the
    /// mark is '.' and fields are separated by commas (US-style thousands), or when the mark was set here (not left at
    /// its default) and is the number's only separator (<c>103,170</c> under a set ',' is 103.17, <c>103.170</c> under
    /// a set '.' is 103.17: the caller says which mark the file uses); otherwise it is refused as ambiguous.
    /// </summary>
    public char DecimalSeparator
    {
        get => _decimalSeparator;
        init { _decimalSeparator = value; _decimalSeparatorSet = true; }
    }

    private readonly char _decimalSeparator = '.';
    private readonly bool _decimalSeparatorSet;

    /// <summary>Whether <see cref="DecimalSeparator"/> was set rather than left at its default.</summary>
    internal bool DecimalSeparatorSet => _decimalSeparatorSet;

    /// <summary>What to do with a missing target or feature value (empty, <c>null</c>, <c>NA</c>…): an error
    /// listing them (the default), drop the row, carry the last value forward, or interpolate. Rows whose values
    /// are all missing, such as holidays in a Yahoo Finance download, are dropped in every case.</summary>
    public MissingValues Missing { get; init; } = MissingValues.Error;

    /// <summary>How a date of three numbers with the year last (<c>01/02/2020</c>) reads: refused as ambiguous (the
    /// default, <see cref="DateOrder.YearFirst"/>), month first or day first. ISO dates and dates with a month name
    /// read in every order.</summary>
    public DateOrder DateOrder { get; init; } = DateOrder.YearFirst;
}
