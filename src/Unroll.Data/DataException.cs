namespace Unroll.Data;

/// <summary>
/// A setting that fixes a problem, as the library names it (<c>CsvReadOptions.Sort</c>), with the value to give it
/// where there is one. An error message names it by <see cref="ToString"/>; a tool with names of its own for settings
/// (the command line's flags) puts its names in their place with <see cref="DataException.MessageWith"/>.
/// </summary>
/// <param name="Name">The setting, as Type.Property (or a parameter's name).</param>
/// <param name="Value">The value that fixes the problem, as C# would write it; null when the message says no value.</param>
public sealed record Setting(string Name, string? Value = null)
{
    /// <summary>How messages name it: <c>CsvReadOptions.Sort = true</c>, or the name alone.</summary>
    public override string ToString() => Value is null ? Name : $"{Name} = {Value}";

    /// <summary><paramref name="message"/> with each of <paramref name="settings"/> named by <paramref name="name"/> instead.</summary>
    public static string Rename(string message, IEnumerable<Setting> settings, Func<Setting, string> name)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(name);
        // Longest first, so "X = 1" is replaced before a bare "X" that is part of it.
        foreach (var setting in settings.OrderByDescending(s => s.ToString().Length))
            message = message.Replace(setting.ToString(), name(setting), StringComparison.Ordinal);
        return message;
    }
}

/// <summary>
/// The one error the data layer throws for bad input: a file that cannot be read as series, a value that is not a
/// number, dates out of order, a series too short or too flat to use. The message is one line that says where
/// (file, line, column), what was expected, what was found and how to fix it, so a command-line tool can print it
/// as it is and exit non-zero.
/// </summary>
public sealed class DataException : Exception
{
    /// <summary>Creates an error that is not tied to a place in a file.</summary>
    /// <param name="message">What was expected, what was found, and the fix.</param>
    public DataException(string message)
        : this(message, file: null)
    {
    }

    /// <summary>Creates an error caused by another exception, not tied to a place in a file.</summary>
    /// <param name="message">What was expected, what was found, and the fix.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public DataException(string message, Exception innerException)
        : this(message, file: null, innerException: innerException)
    {
    }

    /// <summary>
    /// Creates an error at a place in a file. The message starts with the place, as in
    /// <c>stocks.csv, line 14, column 'price': </c>, followed by <paramref name="message"/>.
    /// </summary>
    /// <param name="message">What was expected, what was found, and the fix.</param>
    /// <param name="file">The file (as the user named it), or null.</param>
    /// <param name="line">The 1-based line in the file, or null.</param>
    /// <param name="column">The column name, or null.</param>
    /// <param name="innerException">The exception that caused this one, or null.</param>
    /// <param name="settings">The settings the message names as fixes (each by its <see cref="Setting.ToString"/>).</param>
    public DataException(string message, string? file, int? line = null, string? column = null,
        Exception? innerException = null, IReadOnlyList<Setting>? settings = null)
        : base(Compose(message, file, line, column), innerException)
    {
        File = file;
        Line = line;
        Column = column;
        Settings = settings ?? [];
    }

    /// <summary>Creates an error not tied to a place in a file, naming the settings that fix it.</summary>
    /// <param name="message">What was expected, what was found, and the fix, naming each setting by its <see cref="Setting.ToString"/>.</param>
    /// <param name="settings">The settings the message names.</param>
    public DataException(string message, params Setting[] settings)
        : this(message, file: null, settings: settings)
    {
    }

    /// <summary>The settings the message names as the fix, such as <c>CsvReadOptions.Sort = true</c>.</summary>
    public IReadOnlyList<Setting> Settings { get; }

    /// <summary>The message with each of <see cref="Settings"/> named by <paramref name="name"/> (a command line's flag).</summary>
    public string MessageWith(Func<Setting, string> name) => Setting.Rename(Message, Settings, name);

    /// <summary>The file the problem is in, as the user named it; null when no file is involved.</summary>
    public string? File { get; }

    /// <summary>The 1-based line of the file the problem is on; null when it is not about one line.</summary>
    public int? Line { get; }

    /// <summary>The name of the column the problem is in; null when it is not about one column.</summary>
    public string? Column { get; }

    private static string Compose(string message, string? file, int? line, string? column)
    {
        var place = new List<string>(3);
        if (!string.IsNullOrEmpty(file)) place.Add(file);
        if (line is int l) place.Add($"line {l}");
        if (!string.IsNullOrEmpty(column)) place.Add($"column '{column}'");
        string text = place.Count == 0 ? message : string.Join(", ", place) + ": " + message;
        // One line, always: the CLI prints the message as it is.
        return text.ReplaceLineEndings(" ");
    }
}
