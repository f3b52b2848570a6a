using System.Text.Json.Nodes;

namespace Unroll.Cli;

/// <summary>
/// Numbers for JSON output: JSON has no NaN or infinity, so a value that is not finite is written as null and the
/// reason is added to a "notes" list that the output carries beside it.
/// </summary>
internal sealed class JsonNumbers
{
    private readonly List<string> _notes = [];

    /// <summary>The value, or null (noting why) when it is missing or not finite.</summary>
    public JsonNode? Number(double? value, string field)
    {
        if (value is not double v) return null;
        if (double.IsFinite(v)) return JsonValue.Create(v);
        Note($"{field} is null: the value was {(double.IsNaN(v) ? "not a number (NaN)" : v > 0 ? "infinity" : "-infinity")}, which JSON cannot hold");
        return null;
    }

    /// <summary>An array of numbers, non-finite ones null (noted once per field).</summary>
    public JsonArray Numbers(IEnumerable<double> values, string field)
    {
        var array = new JsonArray();
        int index = 0;
        foreach (var v in values)
        {
            array.Add(double.IsFinite(v) ? JsonValue.Create(v) : null);
            if (!double.IsFinite(v)) Note($"{field}[{index}] is null: the value was {(double.IsNaN(v) ? "NaN" : v > 0 ? "infinity" : "-infinity")}, which JSON cannot hold");
            index++;
        }
        return array;
    }

    /// <summary>Adds a note (each text once).</summary>
    public void Note(string text)
    {
        if (!_notes.Contains(text)) _notes.Add(text);
    }

    /// <summary>Adds "notes" to <paramref name="root"/> when there are any, and returns it.</summary>
    public JsonObject Finish(JsonObject root)
    {
        if (_notes.Count > 0) root["notes"] = new JsonArray(_notes.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
        return root;
    }
}
