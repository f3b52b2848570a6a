// The safetensors container: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
// ({name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}), then the tensors'
// raw little-endian row-major bytes, offsets relative to the end of the header. It carries no code: loading is safe.
using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Unroll.Core.Io;

/// <summary>A safetensors file could not be read: the message names the file and what is wrong.</summary>
/// <param name="message">The file, what is wrong, and the fix.</param>
/// <param name="setting">The setting the message names as the fix, as it names it (<c>the cellOverride argument</c>),
/// so a command line can put its own name (its flag) in its place; null when there is none.</param>
public sealed class ModelFileException(string message, string? setting = null) : Exception(message)
{
    /// <summary>The setting the message names as the fix, as it names it; null when there is none.</summary>
    public string? Setting { get; } = setting;
}

/// <summary>One tensor of a safetensors file, its values widened to double.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DType">The stored dtype: F32 or F64.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Values">Its values, row-major.</param>
public sealed record SafeTensor(string Name, string DType, int[] Shape, double[] Values);

/// <summary>Reads and writes safetensors files (F32 and F64 tensors), with checksums.</summary>
/// <remarks>
/// Unroll adds two entries to <c>__metadata__</c> on every write, and checks them on every read where present:
/// <see cref="DataChecksumKey"/> (<c>data_sha256</c>), the SHA-256 of the data section (every byte after the header),
/// and <see cref="MetadataChecksumKey"/> (<c>metadata_sha256</c>), the SHA-256 of the other metadata entries (see
/// <see cref="CanonicalMetadata"/> for the exact bytes), both as 64 lower-case hex digits. A flipped bit anywhere in
/// the data or the metadata then makes the file fail to load instead of giving different numbers. Files without them
/// (a plain PyTorch state dict) load unchecked. In Python:
/// <code>
/// hashlib.sha256(data_section).hexdigest()
/// hashlib.sha256(b"".join(struct.pack("&lt;I", len(k)) + k + struct.pack("&lt;I", len(v)) + v
///     for k, v in sorted((k.encode(), v.encode()) for k, v in meta.items() if k != "metadata_sha256"))).hexdigest()
/// </code>
/// A tool that changes the tensors or the metadata on purpose must drop both keys (or recompute them).
/// </remarks>
public static class SafeTensors
{
    /// <summary>The metadata key holding the SHA-256 of the data section, as 64 lower-case hex digits.</summary>
    public const string DataChecksumKey = "data_sha256";

    /// <summary>The metadata key holding the SHA-256 of the other metadata entries, as 64 lower-case hex digits.</summary>
    public const string MetadataChecksumKey = "metadata_sha256";

    private const long MaxHeaderBytes = 100_000_000;
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Writes tensors and metadata atomically (<see cref="AtomicFile"/>), with the checksums added to the
    /// metadata (replacing any the caller passed).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="tensors">Tensors in the order to store them; each with dtype F32 or F64.</param>
    /// <param name="metadata">String-to-string metadata for <c>__metadata__</c>.</param>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var bytes = Serialize(tensors, metadata);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The bytes of a safetensors file holding the tensors and the metadata, with the checksums added to the
    /// metadata (replacing any the caller passed), as <see cref="Write"/> stores them.</summary>
    /// <param name="tensors">Tensors in the order to store them; each with dtype F32 or F64.</param>
    /// <param name="metadata">String-to-string metadata for <c>__metadata__</c>.</param>
    /// <exception cref="ArgumentException">A tensor's dtype is not F32 or F64, its values do not fill its shape, or two
    /// tensors share a name.</exception>
    public static byte[] Serialize(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        long total = 0;
        foreach (var t in tensors)
        {
            long count = t.Shape.Aggregate(1L, (a, d) => checked(a * d));
            if (count != t.Values.Length)
                throw new ArgumentException($"tensor '{t.Name}' of shape [{string.Join(", ", t.Shape)}] needs {count} values, it has {t.Values.Length}", nameof(tensors));
            total += count * ElementSize(t.DType, t.Name);
        }
        var data = new byte[total];
        var header = new JsonObject();
        long offset = 0;
        var entries = new List<(string Name, JsonObject Entry)>();
        foreach (var t in tensors)
        {
            int size = ElementSize(t.DType, t.Name);
            var span = data.AsSpan((int)offset, t.Values.Length * size);
            for (int i = 0; i < t.Values.Length; i++)
            {
                if (size == 4) BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], (float)t.Values[i]);
                else BinaryPrimitives.WriteDoubleLittleEndian(span[(i * 8)..], t.Values[i]);
            }
            entries.Add((t.Name, new JsonObject
            {
                ["dtype"] = t.DType,
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + span.Length),
            }));
            offset += span.Length;
        }

        var stored = new Dictionary<string, string>(metadata, StringComparer.Ordinal) { [DataChecksumKey] = Sha256(data) };
        stored.Remove(MetadataChecksumKey);
        stored[MetadataChecksumKey] = Sha256(CanonicalMetadata(stored));
        var meta = new JsonObject();
        foreach (var (key, value) in stored.OrderBy(kv => kv.Key, StringComparer.Ordinal)) meta[key] = value;
        header["__metadata__"] = meta;
        foreach (var (name, entry) in entries)
        {
            if (name == "__metadata__" || header.ContainsKey(name))
                throw new ArgumentException($"tensor name '{name}' is {(name == "__metadata__" ? "reserved" : "used twice")}; give each tensor its own name", nameof(tensors));
            header[name] = entry;
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;           // pad with spaces so the data starts 8-byte aligned
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        json.CopyTo(file, 8);
        file.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    /// <summary>Reads every tensor and the metadata, checking the container thoroughly (and the checksums, where present).</summary>
    /// <param name="path">The safetensors file.</param>
    /// <exception cref="ModelFileException">The file is missing, truncated, corrupt or holds an unsupported dtype.</exception>
    public static (IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
        => Read(path, checkMetadata: null);

    /// <summary>As <see cref="Read(string)"/>; <paramref name="checkMetadata"/> sees the metadata before the tensors
    /// are checked (a format version must be refused before a newer layout is misread).</summary>
    internal static (IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(
        string path, Action<IReadOnlyDictionary<string, string>>? checkMetadata)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        if (Directory.Exists(path)) throw new ModelFileException($"{path} is a folder; give the .safetensors model file");
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new ModelFileException($"{path}: no such model file"); }
        catch (DirectoryNotFoundException) { throw new ModelFileException($"{path}: no such model file (the folder does not exist)"); }
        catch (IOException e) { throw new ModelFileException($"{path}: cannot read the model file: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw new ModelFileException($"{path}: cannot read the model file: {e.Message}"); }
        return Parse(bytes, path, checkMetadata);
    }

    /// <summary>Parses safetensors bytes; <paramref name="source"/> names them in errors.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="source">The file's name, for messages.</param>
    /// <exception cref="ModelFileException">The bytes are not a valid safetensors file, or their checksums disagree.</exception>
    public static (IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Parse(byte[] bytes, string source)
        => Parse(bytes, source, checkMetadata: null);

    /// <summary>Whether <paramref name="start"/> (a file's first bytes, 9 or more) begins as a safetensors file does: an
    /// 8-byte little-endian header length of a plausible size, then the JSON header's '{'.</summary>
    public static bool LooksLikeSafeTensors(ReadOnlySpan<byte> start)
        => start.Length >= 9 && BitConverter.ToUInt64(start[..8]) is > 1 and < (100UL << 20) && start[8] == (byte)'{';

    /// <summary>The start of the first line when the file begins with text (its 8 length bytes all printable or
    /// white space, as no real header length is), at most 24 characters and "..." when cut; null for binary bytes.</summary>
    internal static string? TextPreview(byte[] bytes)
    {
        static bool IsText(byte b) => b is (>= 0x20 and < 0x7F) or (byte)'\t' or (byte)'\r' or (byte)'\n' or >= 0x80;
        if (!bytes.AsSpan(0, 8).ToArray().All(IsText)) return null;
        var start = bytes.AsSpan(0, Math.Min(bytes.Length, 64));
        int end = start.IndexOfAny((byte)'\r', (byte)'\n');
        var line = Encoding.UTF8.GetString(end < 0 ? start : start[..end]);
        line = new string(line.Where(c => !char.IsControl(c) && c != '\uFFFD').ToArray()).Trim();
        return line.Length > 24 || end < 0 && bytes.Length > 64 ? line[..Math.Min(line.Length, 24)] + "..." : line;
    }

    // Nothing is allocated in proportion to a number the file states, only to what it holds: every size is checked
    // against the bytes present (with overflow-safe arithmetic) before an array is made.
    internal static (IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Parse(
        byte[] bytes, string source, Action<IReadOnlyDictionary<string, string>>? checkMetadata)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        string Fail(string what) => throw new ModelFileException($"{source}: not a valid safetensors model file: {what}");
        if (bytes.Length < 8) Fail($"it is {bytes.Length} bytes long, shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(bytes.Length - 8))
        {
            // A CSV, JSON or notes file read as a length claims exabytes: name it for what it is, not as a damaged model.
            if (TextPreview(bytes) is { } text)
                throw new ModelFileException($"{source}: not a safetensors model file (its first bytes are text: {Quote(text)}); give a .safetensors file that 'unroll train' or PyTorch's safetensors wrote");
            // An exported or downloaded ONNX model given where a safetensors one is read: say so and name the commands that take it.
            if (OnnxImport.IsOnnx(bytes))
                throw new ModelFileException($"{source} is an ONNX model, not a safetensors model file: 'unroll run --model {source}' reads ONNX, 'unroll import-onnx {source} --out FILE.safetensors' converts it for explain and export-onnx, and predict and backtest need the .safetensors model that 'unroll train' wrote");
            Fail($"the header claims {headerLength} bytes but the file has {bytes.Length - 8} after the length (truncated or not safetensors)");
        }
        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;

        if (!Utf8.IsValid(bytes.AsSpan(8, (int)headerLength)))
            Fail("the header is not valid UTF-8 text (a damaged file?)");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new ModelFileException($"{source}: not a valid safetensors model file: the header is not valid JSON (it goes wrong near byte {(e.BytePositionInLine ?? 0) + 1} of the header; a damaged or truncated file?)");
        }
        using var _ = document;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            Fail($"the header is not valid JSON (the header is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object)");

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var layout = new List<(string Name, string DType, int[] Shape, long Begin, long End)>();
        try
        {
            var entries = new List<(string Name, JsonElement Entry)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                string name = property.Name;
                if (!names.Add(name)) Fail($"the header describes {Quote(name)} twice");
                if (name != "__metadata__")
                {
                    entries.Add((name, property.Value));
                    continue;
                }
                if (property.Value.ValueKind != JsonValueKind.Object) Fail("__metadata__ is not an object of strings");
                foreach (var item in property.Value.EnumerateObject())
                {
                    if (item.Value.ValueKind != JsonValueKind.String) Fail($"__metadata__ value {Quote(item.Name)} is not a string");
                    if (!metadata.TryAdd(item.Name, item.Value.GetString()!)) Fail($"__metadata__ names {Quote(item.Name)} twice");
                }
            }
            // The metadata's own checksum first: a flipped bit in format_version is damage, not a newer Unroll.
            CheckChecksum(MetadataChecksumKey, CanonicalMetadata(metadata), "metadata", metadata, source);
            checkMetadata?.Invoke(metadata);
            foreach (var (name, entry) in entries) layout.Add(Describe(name, entry, dataLength, source, Fail));
        }
        catch (InvalidOperationException)   // a \u escape that is not a whole character (a lone surrogate)
        {
            Fail("the header holds a string that is not valid Unicode (a \\u escape of half a character; a damaged file?)");
        }
        CheckCoverage(layout, dataLength, Fail);
        CheckChecksum(DataChecksumKey, bytes.AsSpan(dataStart), "data", metadata, source);

        var tensors = new List<SafeTensor>(layout.Count);
        foreach (var (name, dtype, shape, begin, end) in layout)
        {
            int size = dtype == "F32" ? 4 : 8;
            var data = bytes.AsSpan(dataStart + (int)begin, (int)(end - begin));
            var values = new double[data.Length / size];
            for (int i = 0; i < values.Length; i++)
                values[i] = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]) : BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]);
            tensors.Add(new SafeTensor(name, dtype, shape, values));
        }
        return (tensors, metadata);
    }

    /// <summary>Reads one tensor's dtype, shape and offsets, checking each number against the data section's length
    /// before anything is allocated for it.</summary>
    private static (string Name, string DType, int[] Shape, long Begin, long End) Describe(
        string name, JsonElement entry, long dataLength, string source, Func<string, string> fail)
    {
        string tensor = $"tensor {Quote(name)}";
        if (entry.ValueKind != JsonValueKind.Object) fail($"{tensor} is not described by an object");
        JsonElement? dtypeNode = null, shapeNode = null, offsetsNode = null;
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in entry.EnumerateObject())
        {
            if (!fields.Add(field.Name)) fail($"{tensor} names {Quote(field.Name)} twice");
            switch (field.Name)
            {
                case "dtype": dtypeNode = field.Value; break;
                case "shape": shapeNode = field.Value; break;
                case "data_offsets": offsetsNode = field.Value; break;
            }
        }
        string dtype = dtypeNode is { ValueKind: JsonValueKind.String } d ? d.GetString()! : fail($"{tensor} has no dtype");
        if (dtype is not ("F32" or "F64") && ModelFile.UnsupportedFeature(name) is { } feature)   // BatchNorm's I64 counter:
            throw new ModelFileException($"{source}: {ModelFile.UnsupportedFeatureMessage(feature, name)}");   // name the feature, not the dtype
        if (dtype is not ("F32" or "F64"))
            fail($"{tensor} has dtype {Quote(dtype)}; Unroll reads F32 and F64 (convert with tensor.float() before saving)");
        int size = dtype == "F32" ? 4 : 8;
        long[] dims = ReadWholeNumbers(shapeNode, tensor, "shape", fail);
        long[] offsets = ReadWholeNumbers(offsetsNode, tensor, "data_offsets", fail);
        if (offsets.Length != 2) fail($"{tensor} needs data_offsets [begin, end], found {offsets.Length} numbers");
        string shapeText = $"[{string.Join(", ", dims)}]";

        // The element count, overflow-safe: a zero dimension makes it 0 whatever the others are.
        long count = 1;
        if (dims.Contains(0)) count = 0;
        else
        {
            foreach (long dim in dims)
            {
                if (count > long.MaxValue / dim) fail($"{tensor} has shape {shapeText}, whose element count overflows a 64-bit integer (a damaged header?)");
                count *= dim;
            }
        }
        if (count > dataLength / size)
            fail($"{tensor} of shape {shapeText} and dtype {dtype} needs {(Int128)count * size} bytes, more than the whole data section holds ({dataLength} bytes)");
        if (dims.Any(dim => dim > int.MaxValue)) fail($"{tensor} has shape {shapeText}, with a dimension above {int.MaxValue}");
        if (offsets[1] < offsets[0] || offsets[1] > dataLength)
            fail($"{tensor} lies at bytes [{offsets[0]}, {offsets[1]}) but the data section has {dataLength} bytes (truncated file?)");
        if (offsets[1] - offsets[0] != count * size)
            fail($"{tensor} of shape {shapeText} and dtype {dtype} needs {count * size} bytes, its data_offsets span {offsets[1] - offsets[0]}");
        return (name, dtype, dims.Select(dim => (int)dim).ToArray(), offsets[0], offsets[1]);
    }

    /// <summary>The tensors must tile the data section exactly, as the safetensors format requires: no overlap, no
    /// gap, nothing after the last one.</summary>
    private static void CheckCoverage(List<(string Name, string DType, int[] Shape, long Begin, long End)> layout, long dataLength, Func<string, string> fail)
    {
        var spans = layout.Select(t => (t.Begin, t.End, t.Name)).ToList();
        spans.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long at = 0;
        string previous = "";
        foreach (var (begin, end, name) in spans)
        {
            if (begin < at) fail($"tensors {Quote(previous)} and {Quote(name)} overlap");
            if (begin > at)
                fail(at == 0 ? $"the data section starts with {begin} bytes that belong to no tensor"
                    : $"the {begin - at} bytes between tensors {Quote(previous)} and {Quote(name)} belong to no tensor");
            at = end;
            previous = name;
        }
        if (at < dataLength)
            fail($"the data section has {dataLength - at} bytes after the last tensor (a damaged or concatenated file?)");
    }

    /// <summary>Checks <see cref="DataChecksumKey"/> and <see cref="MetadataChecksumKey"/> where present (files from
    /// PyTorch have neither).</summary>
    // A stated checksum must be a SHA-256 and match the bytes it covers.
    private static void CheckChecksum(string key, ReadOnlySpan<byte> covered, string what, IReadOnlyDictionary<string, string> metadata, string source)
    {
        if (!metadata.TryGetValue(key, out var stated)) return;
        if (stated.Length != 64 || stated.AsSpan().ContainsAnyExcept(HexDigits))
            throw new ModelFileException($"{source} is corrupt: its {key} metadata, {Quote(stated)}, is not a SHA-256 (64 hex digits); restore it from a backup or train again");
        string actual = Sha256(covered);
        if (!string.Equals(stated, actual, StringComparison.OrdinalIgnoreCase))
            throw new ModelFileException($"{source} is corrupt: its {what} does not match the checksum it was saved with (SHA-256 {stated.ToLowerInvariant()}, now {actual}); restore it from a backup or train again");
    }

    /// <summary>The bytes <see cref="MetadataChecksumKey"/> hashes: every metadata entry but that one, in order of the
    /// keys' UTF-8 bytes, each as a 4-byte little-endian length and the UTF-8 bytes of the key, then of the value.</summary>
    internal static byte[] CanonicalMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        var entries = metadata.Where(kv => kv.Key != MetadataChecksumKey)
            .Select(kv => (Key: Encoding.UTF8.GetBytes(kv.Key), Value: Encoding.UTF8.GetBytes(kv.Value)))
            .ToList();
        entries.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        var result = new byte[entries.Sum(e => 8L + e.Key.Length + e.Value.Length)];
        int at = 0;
        foreach (var (key, value) in entries)
        {
            foreach (var part in (ReadOnlySpan<byte[]>)[key, value])
            {
                BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(at), (uint)part.Length);
                part.CopyTo(result, at + 4);
                at += 4 + part.Length;
            }
        }
        return result;
    }

    private static string Sha256(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }

    private static long[] ReadWholeNumbers(JsonElement? node, string tensor, string field, Func<string, string> fail)
    {
        if (node is not { ValueKind: JsonValueKind.Array } array) { fail($"{tensor} has no {field} array"); return []; }
        var result = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long x))
                fail($"{tensor} has a {field} entry, {Quote(item.GetRawText())}, that is not a whole number (or is beyond 64 bits)");
            else if (x < 0) fail($"{tensor} has a negative {field} entry ({x})");
            else result[i] = x;
            i++;
        }
        return result;
    }

    /// <summary>Text read from a file as an error message shows it: quoted, control characters escaped, at most 80 characters.</summary>
    public static string Quote(string text)
    {
        var shown = new StringBuilder("'");
        foreach (char c in text.Length > 80 ? text[..80] : text)
            shown.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        return shown.Append(text.Length > 80 ? "…'" : "'").ToString();
    }

    private static int ElementSize(string dtype, string name) => dtype switch
    {
        "F32" => 4,
        "F64" => 8,
        _ => throw new ArgumentException($"cannot write tensor '{name}' as {dtype}: Unroll writes F32 or F64", nameof(dtype)),
    };
}
