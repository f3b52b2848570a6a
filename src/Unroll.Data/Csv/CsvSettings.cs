namespace Unroll.Data.Csv;

/// <summary>The <see cref="CsvReadOptions"/> settings that errors name as their fix.</summary>
public static class CsvSettings
{
    /// <summary><see cref="CsvReadOptions.DecimalSeparator"/> = ','.</summary>
    public static Setting DecimalComma { get; } = new("CsvReadOptions.DecimalSeparator", "','");
    /// <summary><see cref="CsvReadOptions.DecimalSeparator"/> = '.'.</summary>
    public static Setting DecimalPoint { get; } = new("CsvReadOptions.DecimalSeparator", "'.'");
    /// <summary><see cref="CsvReadOptions.Sort"/> = true.</summary>
    public static Setting Sort { get; } = new("CsvReadOptions.Sort", "true");
    /// <summary><see cref="CsvReadOptions.Column"/>.</summary>
    public static Setting Column { get; } = new("CsvReadOptions.Column");
    /// <summary><see cref="CsvReadOptions.Features"/>.</summary>
    public static Setting Features { get; } = new("CsvReadOptions.Features");
    /// <summary><see cref="CsvReadOptions.Features"/> set to <paramref name="names"/>, written comma-separated.</summary>
    public static Setting FeaturesOf(IEnumerable<string> names) => new("CsvReadOptions.Features", string.Join(",", names));
    /// <summary><see cref="CsvReadOptions.Symbols"/>.</summary>
    public static Setting Symbols { get; } = new("CsvReadOptions.Symbols");
    /// <summary><see cref="CsvReadOptions.Name"/>.</summary>
    public static Setting Name { get; } = new("CsvReadOptions.Name");
    /// <summary><see cref="CsvReadOptions.DateColumn"/>.</summary>
    public static Setting DateColumn { get; } = new("CsvReadOptions.DateColumn");
    /// <summary><see cref="CsvReadOptions.SymbolColumn"/>.</summary>
    public static Setting SymbolColumn { get; } = new("CsvReadOptions.SymbolColumn");
    /// <summary><see cref="CsvReadOptions.SymbolColumn"/> = <paramref name="column"/>.</summary>
    public static Setting SymbolColumnOf(string column) => new("CsvReadOptions.SymbolColumn", column);
    /// <summary><see cref="CsvReadOptions.Resample"/>.</summary>
    public static Setting Resample { get; } = new("CsvReadOptions.Resample");
    /// <summary><see cref="CsvReadOptions.Resample"/> = <paramref name="period"/>.</summary>
    public static Setting ResampleTo(ResamplePeriod period) => new("CsvReadOptions.Resample", $"ResamplePeriod.{period}");
    /// <summary><see cref="CsvReadOptions.Sum"/>.</summary>
    public static Setting Sum { get; } = new("CsvReadOptions.Sum");

    /// <summary><see cref="CsvReadOptions.Missing"/> = <see cref="MissingValues.Drop"/>.</summary>
    public static Setting MissingDrop { get; } = new("CsvReadOptions.Missing", "MissingValues.Drop");
    /// <summary><see cref="CsvReadOptions.Missing"/> = <see cref="MissingValues.ForwardFill"/>.</summary>
    public static Setting MissingForwardFill { get; } = new("CsvReadOptions.Missing", "MissingValues.ForwardFill");
    /// <summary><see cref="CsvReadOptions.Missing"/> = <see cref="MissingValues.Interpolate"/>.</summary>
    public static Setting MissingInterpolate { get; } = new("CsvReadOptions.Missing", "MissingValues.Interpolate");

    /// <summary><see cref="CsvReadOptions.DateOrder"/> = <see cref="DateOrder.MonthFirst"/>.</summary>
    public static Setting MonthFirst { get; } = new("CsvReadOptions.DateOrder", "DateOrder.MonthFirst");
    /// <summary><see cref="CsvReadOptions.DateOrder"/> = <see cref="DateOrder.DayFirst"/>.</summary>
    public static Setting DayFirst { get; } = new("CsvReadOptions.DateOrder", "DateOrder.DayFirst");

    private static readonly Setting[] All = [DecimalComma, DecimalPoint, Sort, Column, Features, Symbols, Name, DateColumn, SymbolColumn, Resample, Sum, MissingDrop, MissingForwardFill, MissingInterpolate, MonthFirst, DayFirst];

    /// <summary>The settings <paramref name="message"/> names.</summary>
    internal static Setting[] In(string message) => All.Where(s => message.Contains(s.ToString(), StringComparison.Ordinal)).ToArray();
}
