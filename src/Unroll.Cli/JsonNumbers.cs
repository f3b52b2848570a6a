using System.Numerics;
using System.Text.Json;
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
        NoteNull(field, v);
        return null;
    }

    /// <summary>An array of numbers, non-finite ones null (noted once per field).</summary>
    public JsonArray Numbers(IEnumerable<double> values, string field)
    {
        var array = new JsonArray();
        foreach (var v in values) array.Add(Number(v, field));
        return array;
    }

    /// <summary>Writes the shortest text that reads back as the same float or double, or null (noting why) when it is not finite.</summary>
    public void Write<T>(Utf8JsonWriter json, T value, string field) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!T.IsFinite(value))
        {
            json.WriteNullValue();
            NoteNull(field, double.CreateChecked(value));
        }
        else if (typeof(T) == typeof(float)) json.WriteNumberValue(float.CreateChecked(value));
        else json.WriteNumberValue(double.CreateChecked(value));
    }

    /// <summary>Writes "notes" into the object being written, when there are any.</summary>
    public void WriteNotes(Utf8JsonWriter json)
    {
        if (_notes.Count == 0) return;
        json.WriteStartArray("notes");
        foreach (var note in _notes) json.WriteStringValue(note);
        json.WriteEndArray();
    }

    private void NoteNull(string field, double value)
        => Note($"{field}: null where the value was {(double.IsNaN(value) ? "not a number (NaN)" : value > 0 ? "infinity" : "-infinity")}, which JSON cannot hold");

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
