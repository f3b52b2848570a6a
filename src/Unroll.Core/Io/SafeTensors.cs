// The safetensors container: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
// ({name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}), then the tensors'
// raw little-endian row-major bytes, offsets relative to the end of the header. It carries no code: loading is safe.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Unroll.Core.Io;

/// <summary>A safetensors file could not be read: the message names the file and what is wrong.</summary>
public sealed class ModelFileException(string message) : Exception(message);

/// <summary>One tensor of a safetensors file, its values widened to double.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DType">The stored dtype: F32 or F64.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Values">Its values, row-major.</param>
public sealed record SafeTensor(string Name, string DType, int[] Shape, double[] Values);

/// <summary>Reads and writes safetensors files (F32 and F64 tensors).</summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes tensors and metadata atomically: a temporary file beside the target, flushed, then renamed over it.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="tensors">Tensors in the order to store them; each with dtype F32 or F64.</param>
    /// <param name="metadata">String-to-string metadata for <c>__metadata__</c>.</param>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new JsonObject();
        if (metadata.Count > 0)
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) meta[key] = value;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var t in tensors)
        {
            int size = ElementSize(t.DType, t.Name, path);
            long bytes = (long)t.Values.Length * size;
            header[t.Name] = new JsonObject
            {
                ["dtype"] = t.DType,
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;           // pad with spaces so the data starts 8-byte aligned
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var t in tensors)
            {
                var buffer = new byte[t.Values.Length * ElementSize(t.DType, t.Name, path)];
                for (int i = 0; i < t.Values.Length; i++)
                {
                    if (t.DType == "F32") BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), (float)t.Values[i]);
                    else BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(i * 8), t.Values[i]);
                }
                stream.Write(buffer);
            }
        });
    }

    /// <summary>Reads every tensor and the metadata, checking the container thoroughly.</summary>
    /// <exception cref="ModelFileException">The file is missing, truncated, corrupt or holds an unsupported dtype.</exception>
    public static (IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        byte[] bytes;
        if (Directory.Exists(path)) throw new ModelFileException($"{path} is a folder; give the .safetensors model file");
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new ModelFileException($"{path}: no such model file"); }
        catch (DirectoryNotFoundException) { throw new ModelFileException($"{path}: no such model file (the folder does not exist)"); }
        catch (IOException e) { throw new ModelFileException($"{path}: cannot read the model file: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw new ModelFileException($"{path}: cannot read the model file: {e.Message}"); }
        return Parse(bytes, path);
    }

    /// <summary>Parses safetensors bytes; <paramref name="source"/> names them in errors.</summary>
    public static (IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Parse(byte[] bytes, string source)
    {
        string Fail(string what) => throw new ModelFileException($"{source}: not a valid safetensors model file: {what}");
        if (bytes.Length < 8) Fail($"it is {bytes.Length} bytes long, shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
            Fail($"the header claims {headerLength} bytes but the file has {bytes.Length - 8} after the length (truncated or not safetensors)");
        int dataStart = 8 + (int)headerLength;
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength)) as JsonObject ?? throw new JsonException("the header is not a JSON object");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new ModelFileException($"{source}: not a valid safetensors model file: the header is not valid JSON ({e.Message})");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var tensors = new List<SafeTensor>();
        var spans = new List<(long Begin, long End, string Name)>();
        long dataLength = bytes.Length - dataStart;
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is not JsonObject meta) { Fail("__metadata__ is not an object of strings"); continue; }
                foreach (var (key, value) in meta)
                {
                    if (value is not JsonValue v || !v.TryGetValue<string>(out var text)) { Fail($"__metadata__ value '{key}' is not a string"); continue; }
                    metadata[key] = text;
                }
                continue;
            }
            if (node is not JsonObject entry) { Fail($"tensor '{name}' is not described by an object"); continue; }
            string dtype = entry["dtype"]?.GetValueKind() == JsonValueKind.String ? entry["dtype"]!.GetValue<string>() : Fail($"tensor '{name}' has no dtype");
            if (dtype is not ("F32" or "F64"))
                Fail($"tensor '{name}' has dtype {dtype}; Unroll reads F32 and F64 (convert with tensor.float() before saving)");
            int[] shape = ReadInts(entry["shape"], name, "shape", Fail);
            long[] offsets = ReadInts(entry["data_offsets"], name, "data_offsets", Fail).Select(x => (long)x).ToArray();
            if (offsets.Length != 2) Fail($"tensor '{name}' needs data_offsets [begin, end], found {offsets.Length} numbers");
            if (shape.Any(d => d < 0)) Fail($"tensor '{name}' has a negative dimension in shape [{string.Join(", ", shape)}]");
            long count = shape.Aggregate(1L, (a, d) => a * d);
            int size = dtype == "F32" ? 4 : 8;
            if (offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                Fail($"tensor '{name}' lies at bytes [{offsets[0]}, {offsets[1]}) but the data section has {dataLength} bytes (truncated file?)");
            if (offsets[1] - offsets[0] != count * size)
                Fail($"tensor '{name}' of shape [{string.Join(", ", shape)}] and dtype {dtype} needs {count * size} bytes, its data_offsets span {offsets[1] - offsets[0]}");
            var values = new double[count];
            var data = bytes.AsSpan(dataStart + (int)offsets[0], (int)(offsets[1] - offsets[0]));
            for (int i = 0; i < count; i++)
                values[i] = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]) : BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]);
            tensors.Add(new SafeTensor(name, dtype, shape, values));
            spans.Add((offsets[0], offsets[1], name));
        }
        spans.Sort();
        for (int i = 1; i < spans.Count; i++)
            if (spans[i].Begin < spans[i - 1].End) Fail($"tensors '{spans[i - 1].Name}' and '{spans[i].Name}' overlap");
        return (tensors, metadata);
    }

    private static int[] ReadInts(JsonNode? node, string name, string field, Func<string, string> fail)
    {
        if (node is not JsonArray array) { fail($"tensor '{name}' has no {field} array"); return []; }
        var result = new int[array.Count];
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue v || !v.TryGetValue<long>(out long x) || x > int.MaxValue)
                fail($"tensor '{name}' has a {field} entry that is not a whole number");
            else result[i] = (int)x;
        }
        return result;
    }

    private static int ElementSize(string dtype, string name, string path) => dtype switch
    {
        "F32" => 4,
        "F64" => 8,
        _ => throw new ModelFileException($"{path}: cannot write tensor '{name}' as {dtype}: Unroll writes F32 or F64"),
    };
}
