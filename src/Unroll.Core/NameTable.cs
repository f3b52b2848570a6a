namespace Unroll.Core;

/// <summary>
/// The names of an enum's values where they meet text: the command line, model files and messages. Each value has one
/// canonical name (written) and may have other spellings (read): the table is the one place that maps both ways.
/// </summary>
/// <typeparam name="T">The enum.</typeparam>
public sealed class NameTable<T> where T : struct, Enum
{
    private readonly Dictionary<T, string> _names = [];
    private readonly Dictionary<string, T> _values = new(StringComparer.Ordinal);

    /// <summary>Creates the table; every value of <typeparamref name="T"/> needs an entry.</summary>
    /// <param name="entries">Each value with its canonical name and other spellings accepted when reading. Reading
    /// ignores case and surrounding space, and also accepts the value's C# name (as older files wrote it).</param>
    /// <exception cref="ArgumentException">A value is missing or a spelling is given twice.</exception>
    public NameTable(params (T Value, string Name, string[] Aliases)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var (value, name, aliases) in entries)
        {
            _names.Add(value, name);
            foreach (var spelling in aliases.Prepend(name).Append(value.ToString()).Select(Normalize).Distinct())
                if (!_values.TryAdd(spelling, value))
                    throw new ArgumentException($"'{spelling}' names both {_values[spelling]} and {value}");
        }
        var missing = Enum.GetValues<T>().Where(v => !_names.ContainsKey(v)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"no name for {string.Join(", ", missing)}");
        Names = entries.Select(e => e.Name).ToArray();
    }

    /// <summary>The canonical names, in the order the table was given.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The canonical names as a message lists them: "a, b or c".</summary>
    public string Choices => Names.Count == 1 ? Names[0] : $"{string.Join(", ", Names.Take(Names.Count - 1))} or {Names[^1]}";

    /// <summary>The canonical name of <paramref name="value"/>.</summary>
    public string Name(T value) => _names.TryGetValue(value, out var name) ? name
        : throw new ArgumentOutOfRangeException(nameof(value), value, $"no name for {typeof(T).Name} {value}");

    /// <summary>Reads a name or another accepted spelling; false when <paramref name="text"/> is none of them.</summary>
    public bool TryParse(string? text, out T value)
    {
        value = default;
        return text is not null && _values.TryGetValue(Normalize(text), out value);
    }

    /// <summary>Reads a name; throws <see cref="FormatException"/> naming <paramref name="what"/> and the choices.</summary>
    public T Parse(string text, string what)
        => TryParse(text, out var value) ? value : throw new FormatException($"unknown {what} '{text}': expected {Choices}");

    private static string Normalize(string text) => text.Trim().ToLowerInvariant();
}
