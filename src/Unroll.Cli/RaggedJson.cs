using System.Numerics;
using System.Text.Json;

namespace Unroll.Cli;

/// <summary>Reads the JSON input of `unroll run`: sequences of steps, each a number or an array of numbers.</summary>
internal static class RaggedJson
{
    /// <summary>Parses <c>[[step, step, ...], ...]</c>; every step must have <paramref name="features"/> numbers.</summary>
    public static List<IReadOnlyList<T[]>> Sequences<T>(string json, string source, int features) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var doc = Parse(json, source);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
            throw new UserError($"{source}: expected a JSON array of sequences, e.g. [[0, 0.5], [1, 1]], found {Kind(root)}");
        if (root.GetArrayLength() == 0)
            throw new UserError($"{source}: the array holds no sequences; give at least one, e.g. [[0, 0.5]]");
        var result = new List<IReadOnlyList<T[]>>();
        int s = 0;
        foreach (var sequence in root.EnumerateArray())
        {
            if (sequence.ValueKind != JsonValueKind.Array)
                throw new UserError($"{source}: sequence {s} is {Kind(sequence)}; each sequence is an array of steps, e.g. [0, 0.5]");
            if (sequence.GetArrayLength() == 0)
                throw new UserError($"{source}: sequence {s} has no steps; every sequence needs at least one");
            var steps = new List<T[]>();
            int t = 0;
            foreach (var step in sequence.EnumerateArray())
            {
                var values = Vector<T>(step, $"{source}: sequence {s}, step {t}");
                if (values.Length != features)
                    throw new UserError($"{source}: sequence {s}, step {t} has {values.Length} feature{(values.Length == 1 ? "" : "s")}, the model expects {features}");
                steps.Add(values);
                t++;
            }
            result.Add(steps);
            s++;
        }
        return result;
    }

    /// <summary>Parses targets: one number or output vector per sequence.</summary>
    public static T[] Targets<T>(string json, string source, int sequences, int outputs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var doc = Parse(json, source);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
            throw new UserError($"{source}: expected a JSON array with one target per sequence, found {Kind(root)}");
        if (root.GetArrayLength() != sequences)
            throw new UserError($"{source}: {root.GetArrayLength()} targets for {sequences} sequences; give one target per sequence");
        var result = new List<T>();
        int i = 0;
        foreach (var target in root.EnumerateArray())
        {
            var values = Vector<T>(target, $"{source}: target {i}");
            if (values.Length != outputs)
                throw new UserError($"{source}: target {i} has {values.Length} value{(values.Length == 1 ? "" : "s")}, the model has {outputs} output{(outputs == 1 ? "" : "s")}");
            result.AddRange(values);
            i++;
        }
        return result.ToArray();
    }

    private static T[] Vector<T>(JsonElement e, string where) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (e.ValueKind == JsonValueKind.Number) return [Number<T>(e, where)];
        if (e.ValueKind != JsonValueKind.Array)
            throw new UserError($"{where} is {Kind(e)}; expected a number or an array of numbers");
        var values = new T[e.GetArrayLength()];
        int k = 0;
        foreach (var x in e.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number)
                throw new UserError($"{where}, value {k} is {Kind(x)}; expected a number");
            values[k] = Number<T>(x, $"{where}, value {k}");
            k++;
        }
        return values;
    }

    private static T Number<T>(JsonElement e, string where) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double d = e.GetDouble();
        var value = T.CreateChecked(d);
        if (!T.IsFinite(value))
            throw new UserError($"{where} is {e.GetRawText()}, which does not fit the model's number type ({NumberType(typeof(T) == typeof(float))} in size)");
        return value;
    }

    /// <summary>A model's number type and its range, for messages: "float32, at most ±3.4e38".</summary>
    internal static string NumberType(bool inFloat) => inFloat ? "float32, at most ±3.4e38" : "double, at most ±1.8e308";

    private static JsonDocument Parse(string json, string source)
    {
        try { return JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true }); }
        catch (JsonException e)
        {
            var where = e.LineNumber is long line ? $" at line {line + 1}, column {e.BytePositionInLine + 1}" : "";
            string what = CompleteValueFirst(json) ? "text follows the array of sequences; the input is that one array" : "expected an array of sequences such as [[0, 0.5], [1, 1]]";
            throw new UserError($"{source} is not valid JSON{where}: {what}");
        }
    }

    // Whether the text starts with one whole JSON value, so that what failed to parse came after it.
    private static bool CompleteValueFirst(string json)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json), new JsonReaderOptions { AllowTrailingCommas = true, AllowMultipleValues = true });
        try { return reader.Read() && reader.TrySkip(); }
        catch (JsonException) { return false; }
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"the string {e.GetRawText()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        _ => "an array",
    };
}
