namespace Unroll.Data;

/// <summary>The series read from one source, with the column they forecast and the feature columns they carry.</summary>
public sealed class SeriesSet
{
    /// <summary>Creates a set, checking that every series carries the same features.</summary>
    /// <param name="series">The series, at least one.</param>
    /// <param name="targetColumn">The name of the column the values came from, such as "price".</param>
    /// <param name="featureNames">The feature columns every series carries, in order.</param>
    /// <param name="sourceFile">The file the series came from, as the user named it (used in error messages).</param>
    /// <exception cref="ArgumentException">No series, or a series whose features differ from
    /// <paramref name="featureNames"/>.</exception>
    public SeriesSet(IReadOnlyList<TimeSeries> series, string targetColumn, IReadOnlyList<string> featureNames,
        string sourceFile)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetColumn);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(sourceFile);
        if (series.Count == 0) throw new ArgumentException("a series set needs at least one series.", nameof(series));
        foreach (var s in series)
        {
            if (!s.FeatureNames.SequenceEqual(featureNames))
                throw new ArgumentException($"series '{s.Symbol}' has features ({Text.List(s.FeatureNames)}), the set has ({Text.List(featureNames)}).", nameof(series));
        }
        Series = series.ToArray();
        TargetColumn = targetColumn;
        FeatureNames = featureNames.ToArray();
        SourceFile = sourceFile;
    }

    /// <summary>The series, in file order (or in the order the symbols were asked for).</summary>
    public IReadOnlyList<TimeSeries> Series { get; }

    /// <summary>The name of the column the series' values came from, as the header spells it.</summary>
    public string TargetColumn { get; }

    /// <summary>The feature columns, as the header spells them, in the order of each step's feature vector.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The file the series came from, as the user named it.</summary>
    public string SourceFile { get; }

    /// <summary>What the read did with missing values: rows dropped, values filled (<see cref="Csv.MissingValues"/>).</summary>
    public Csv.MissingSummary Missing { get; init; } = Csv.MissingSummary.None;

    /// <summary>The header of the symbol column that named the series of a long-format file; null when the source held
    /// one series without one (named after the file, or by <see cref="Csv.CsvReadOptions.Name"/>).</summary>
    public string? SymbolColumn { get; init; }
    /// <summary>What <see cref="Csv.CsvReadOptions.Resample"/> did; null when the rows were kept as they are.</summary>
    public Csv.ResampleSummary? Resampled { get; init; }

    /// <summary>Throws when a series is shorter than <paramref name="minimum"/> steps, naming the series, its length
    /// and the minimum.</summary>
    /// <param name="minimum">The fewest steps a series may have, such as lookback + horizon.</param>
    /// <param name="reason">Where the minimum comes from, for the message, such as "lookback 20 + horizon 5"; or null.</param>
    /// <exception cref="DataException">A series is too short.</exception>
    public void RequireMinLength(int minimum, string? reason = null)
    {
        foreach (var s in Series) Validation.RequireMinLength(s, minimum, reason, SourceFile);
    }
}
