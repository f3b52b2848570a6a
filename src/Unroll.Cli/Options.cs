using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Unroll.Core;

namespace Unroll.Cli;

/// <summary>
/// Typed options whose values are checked as they are parsed: a bad value is one line naming the option, the range
/// and what was given (never a .NET type name), before any work starts.
/// </summary>
internal static partial class Options
{
    /// <summary>--quiet (-q), for the commands that train: results, warnings and errors only.</summary>
    public static Option<bool> Quiet() => new("--quiet", "-q") { Description = "Print only results, warnings and errors: no training progress and no notes" };

    /// <summary>
    /// --threads, for the commands that compute: the most threads the matrix products and a layer's shares use (every
    /// core when not given). <see cref="UnrollCli"/> checks it against the cores and applies it around the command;
    /// the results are the same bits for any count.
    /// </summary>
    public static Option<int?> Threads(string description = "Most threads to compute with (default: every core); the results are the same for any number")
        => OptionalCount("--threads", description, max: 1024);

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Count(string name, string description, int defaultValue, int min = 1, int max = 1_000_000)
        => new(name) { Description = description, DefaultValueFactory = _ => defaultValue, CustomParser = r => ParseInt(r, name, min, max) };

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>] that must be given (no default).</summary>
    public static Option<int> RequiredCount(string name, string description, int min = 1, int max = 1_000_000)
        => new(name) { Description = description, Required = true, CustomParser = r => ParseInt(r, name, min, max) };

    /// <summary>An optional whole number in [<paramref name="min"/>, <paramref name="max"/>]: null when not given.</summary>
    public static Option<int?> OptionalCount(string name, string description, int min = 1, int max = 1_000_000)
        => new(name) { Description = description, CustomParser = r => ParseInt(r, name, min, max) };

    /// <summary>Any whole number that fits 32 bits (seeds).</summary>
    public static Option<int> Integer(string name, string description, int defaultValue)
        => new(name) { Description = description, DefaultValueFactory = _ => defaultValue, CustomParser = r => ParseInt(r, name, int.MinValue, int.MaxValue) };

    /// <summary>--seed: a whole number at least 0 (.NET's Random takes a negative seed's absolute value, so −1 would
    /// silently repeat 1's run).</summary>
    public static Option<int> Seed(string description, int defaultValue)
        => new("--seed") { Description = description, DefaultValueFactory = _ => defaultValue, CustomParser = r => ParseInt(r, "--seed", 0, int.MaxValue) };

    /// <summary>A finite number above 0 (or at least 0 with <paramref name="allowZero"/>).</summary>
    public static Option<double> Positive(string name, string description, double defaultValue, bool allowZero = false, double max = double.MaxValue)
        => new(name) { Description = description, DefaultValueFactory = _ => defaultValue, CustomParser = r => ParsePositive(r, name, allowZero, max) };

    /// <summary>A fraction in [<paramref name="min"/>, <paramref name="max"/>), or (min, max) when <paramref name="minExclusive"/>.</summary>
    public static Option<double> Fraction(string name, string description, double defaultValue, double min, double max, bool minExclusive)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                if (!TryNumber(r, name, out double v)) return default;
                if (!(minExclusive ? v > min : v >= min) || !(v < max))
                    r.AddError($"{name} must be a fraction {(minExclusive ? "above" : "from")} {Text(min)} {(minExclusive ? "and" : "up to")} below {Text(max)}, got {r.Tokens[0].Value}");
                return v;
            },
        };

    /// <summary>Any finite number; null when not given.</summary>
    public static Option<double?> OptionalNumber(string name, string description)
        => new(name)
        {
            Description = description,
            CustomParser = r => TryNumber(r, name, out double v) ? v : null,
        };

    /// <summary>One of the names in <paramref name="names"/> (or another spelling it accepts).</summary>
    public static Option<T> Choice<T>(string name, string description, T defaultValue, NameTable<T> names) where T : struct, Enum
        => ShownAs(new Option<T>(name)
        {
            Description = description,
            HelpName = string.Join('|', names.Names),
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseChoice(r, name, names) ?? defaultValue,
        }, names.Name(defaultValue));

    /// <summary>One of the names in <paramref name="names"/>; null when not given.</summary>
    public static Option<T?> OptionalChoice<T>(string name, string description, NameTable<T> names) where T : struct, Enum
        => new(name) { Description = description, HelpName = string.Join('|', names.Names), CustomParser = r => ParseChoice(r, name, names) };

    // The defaults help shows as the command line spells them (mdy, ffill, 80,95) rather than as .NET writes the value
    // (MonthFirst, ForwardFill, 0.8|0.95): SpellDefaults puts them into the help text.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Option, string> DefaultsShown = [];

    private static TOption ShownAs<TOption>(TOption option, string defaultText) where TOption : Option
    {
        DefaultsShown.AddOrUpdate(option, defaultText);
        return option;
    }

    /// <summary>
    /// <paramref name="help"/>, the help System.CommandLine wrote for <paramref name="command"/>, with each option's
    /// <c>[default: …]</c> spelled as the option takes it, for the options made here with words of their own for their
    /// default (its formatter, which writes an enum's .NET name, is not public). An option's row runs from the line
    /// that starts with its name to the next row; a default wrapped onto the next line is found too.
    /// </summary>
    public static string SpellDefaults(string help, Command command)
    {
        var shown = new Dictionary<string, string>(StringComparer.Ordinal);
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            foreach (var option in c.Options)
                if (DefaultsShown.TryGetValue(option, out var text))
                    foreach (var name in option.Aliases.Prepend(option.Name)) shown.TryAdd(name, text);
        if (shown.Count == 0) return help;
        var lines = help.Split('\n');
        var result = new System.Text.StringBuilder(help.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            int end = i + 1;
            if (lines[i].StartsWith("  -", StringComparison.Ordinal))
            {
                while (end < lines.Length && lines[end].StartsWith("   ", StringComparison.Ordinal) && !lines[end].TrimStart().StartsWith('-')) end++;
                string row = string.Join('\n', lines[i..end]);
                var names = row.TrimStart().Split("  ")[0].Split(' ').TakeWhile(w => !w.StartsWith('<')).Select(w => w.TrimEnd(','));
                if (names.Select(n => shown.GetValueOrDefault(n)).FirstOrDefault(t => t is not null) is { } text)
                    row = DefaultText().Replace(row, m => $"[default:{m.Groups["space"].Value}{text}]", 1);
                result.Append(row);
            }
            else result.Append(lines[i]);
            if (end < lines.Length) result.Append('\n');
            i = end - 1;
        }
        return result.ToString();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\[default:(?<space>\s+)[^\]\s]+\]")]
    private static partial System.Text.RegularExpressions.Regex DefaultText();

    /// <summary>One of <paramref name="choices"/> (ignoring case), given back in lower case.</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, string[] choices)
        => new(name)
        {
            Description = description,
            HelpName = string.Join('|', choices),
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                var given = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                var text = given.Trim().ToLowerInvariant();
                if (!choices.Contains(text, StringComparer.Ordinal)) r.AddError($"{name} '{given}' is not one of {Join(choices)}");
                return text;
            },
        };

    private static T? ParseChoice<T>(ArgumentResult r, string name, NameTable<T> names) where T : struct, Enum
    {
        var given = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
        if (names.TryParse(given, out var value)) return value;
        r.AddError($"{name} '{given}' is not one of {names.Choices}");
        return null;
    }

    /// <summary>Interval levels: percentages or fractions separated by commas (80,95 or 0.8,0.95), each strictly between 0 and 100%.</summary>
    public static Option<double[]> Levels(string name, string description, double[] defaultValue)
        => ShownAs(new Option<double[]>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                var given = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                var levels = new List<double>();
                foreach (var part in given.Split(',', StringSplitOptions.TrimEntries))
                {
                    if (!double.TryParse(part.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                    {
                        r.AddError($"{name} expects interval levels such as 80,95 (percent), got '{given}'");
                        return defaultValue;
                    }
                    double level = v >= 1 ? v / 100 : v;
                    if (!(level > 0 && level < 1))
                    {
                        r.AddError($"{name}: {part} is not a level between 0 and 100%; give levels such as 80,95");
                        return defaultValue;
                    }
                    if (!levels.Contains(level)) levels.Add(level);
                }
                return [.. levels.Order()];
            },
        }, string.Join(',', defaultValue.Select(l => (l * 100).ToString("0.##", CultureInfo.InvariantCulture))));

    /// <summary>A lookback: a whole number of steps from 1 to <paramref name="max"/>, or 'all'.</summary>
    public static Option<string> Lookback(string name, string description, string defaultValue, int max = 100_000)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                var given = r.Tokens.Count == 1 ? r.Tokens[0].Value.Trim() : "";
                if (!Unroll.Data.Lookback.TryParse(given, out var lookback) || lookback.Steps > max)
                    r.AddError($"{name} expects a whole number of steps from 1 to {max.ToString("N0", CultureInfo.InvariantCulture)} or 'all', got '{given}'");
                return given;
            },
        };

    private static int ParseInt(ArgumentResult r, string name, int min, int max)
    {
        string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
        string range = max == int.MaxValue && min == int.MinValue ? "a whole number"
            : $"a whole number from {min.ToString("N0", CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)}";
        if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            r.AddError($"{name} expects {range}, got '{text}'");
            return default;
        }
        if (value < min || value > max)
        {
            r.AddError($"{name} expects {range}, got {text}");
            return default;
        }
        return (int)value;
    }

    private static double ParsePositive(ArgumentResult r, string name, bool allowZero, double max)
    {
        if (!TryNumber(r, name, out double v)) return default;
        if (allowZero ? v < 0 : v <= 0)
            r.AddError($"{name} must be {(allowZero ? "0 or a positive number" : "a positive number")}, got {r.Tokens[0].Value}");
        else if (v > max)
            r.AddError($"{name} must be at most {Text(max)}, got {r.Tokens[0].Value}");
        return v;
    }

    private static bool TryNumber(ArgumentResult r, string name, out double value)
    {
        string text = r.Tokens.Count == 1 ? r.Tokens[0].Value.Trim() : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value)) return true;
        r.AddError(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? $"{name} must be a finite number, got {text}"
            : $"{name} expects a number such as 0.01, got '{text}'");
        return false;
    }

    private static string Text(double value) => value.ToString("G", CultureInfo.InvariantCulture);

    private static string Join(string[] choices) => choices.Length == 1 ? choices[0] : $"{string.Join(", ", choices[..^1])} or {choices[^1]}";
}
