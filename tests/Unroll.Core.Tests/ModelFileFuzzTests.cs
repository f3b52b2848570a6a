using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Unroll.Core.Io;
using Xunit.Abstractions;

namespace Unroll.Core.Tests;

/// <summary>
/// Damaged model files, made systematically (every truncation, every single-bit flip) and at random (seeded header
/// mutations): each either loads exactly the saved network or throws <see cref="ModelFileException"/>; never another
/// exception, never a hang, never an allocation out of proportion to the file.
/// </summary>
public sealed class ModelFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// The allocation bound, in bytes, for loading a file of <paramref name="length"/> bytes: 16 × its length + 256 KiB.
    /// A load allocates the file once, the header's strings (≤ 2× as UTF-16), the values as double (2× F32 data) and the
    /// network (values and gradients: 2× the data); 16× leaves room for the JSON reader and the error message. The
    /// constant covers the exception, its stack trace and small bookkeeping. A file stating a huge size and allocating
    /// for it breaks this bound by orders of magnitude.
    /// </summary>
    private static long AllocationBound(long length) => 16 * length + 256 * 1024;

    private static readonly NetworkShape SmallLstm = new(CellKind.Lstm, 1, 2);

    private (string Path, byte[] Bytes, RecurrentNetwork<float> Network, IReadOnlyDictionary<string, string> Metadata) Saved()
    {
        var network = RecurrentNetwork<float>.Create(SmallLstm, 5);
        var path = Path.Combine(_folder, "model.safetensors");
        ModelFile.Save(network, path, new Dictionary<string, string> { ["note"] = "fuzz" });
        return (path, File.ReadAllBytes(path), network, ModelFile.Load<float>(path).Metadata);
    }

    private sealed class Tally
    {
        public int Loaded, Refused;
        public long MostAllocated, MostAllocatedFileLength;
        public TimeSpan Slowest;
        public override string ToString() =>
            $"{Loaded} loaded, {Refused} refused; most allocated {MostAllocated} bytes (file of {MostAllocatedFileLength}); slowest {Slowest.TotalMilliseconds:F1} ms";
    }

    /// <summary>Writes the bytes, loads them; null when refused with a <see cref="ModelFileException"/>. Any other
    /// exception fails the test with the case's description. Checks the allocation bound and the time.</summary>
    private static LoadedModel<float>? Attempt(string path, byte[] bytes, Tally tally, string description)
    {
        File.WriteAllBytes(path, bytes);
        var clock = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        LoadedModel<float>? loaded = null;
        try
        {
            loaded = ModelFile.Load<float>(path);
            tally.Loaded++;
        }
        catch (ModelFileException e)
        {
            tally.Refused++;
            Assert.False(string.IsNullOrWhiteSpace(e.Message), description);
            Assert.True(e.Message.Contains(path, StringComparison.Ordinal), $"{description}: the message does not name the file: {e.Message}");
            Assert.DoesNotContain('\n', e.Message);
            foreach (var pattern in new[] { "System.", "(Parameter '", " at Unroll.", "Exception", "JsonReader", "BytePositionInLine" })
                Assert.False(e.Message.Contains(pattern, StringComparison.Ordinal), $"{description}: the message carries .NET's own text ({pattern}): {e.Message}");
        }
        catch (Exception e)
        {
            Assert.Fail($"{description}: {e.GetType().Name} instead of ModelFileException: {e.Message}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var elapsed = clock.Elapsed;
        Assert.True(allocated <= AllocationBound(bytes.Length),
            $"{description}: loading a {bytes.Length}-byte file allocated {allocated} bytes, above the bound {AllocationBound(bytes.Length)}");
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"{description}: took {elapsed.TotalMilliseconds} ms");
        if (allocated > tally.MostAllocated) (tally.MostAllocated, tally.MostAllocatedFileLength) = (allocated, bytes.Length);
        if (elapsed > tally.Slowest) tally.Slowest = elapsed;
        return loaded;
    }

    private static void AssertSameNetwork(RecurrentNetwork<float> expected, RecurrentNetwork<float> actual, string description)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        for (int k = 0; k < expected.Parameters.Count; k++)
            Assert.True(expected.Parameters[k].Value.AsSpan().SequenceEqual(actual.Parameters[k].Value), $"{description}: {expected.Parameters[k].Name} differs");
    }

    [Fact]
    public void Truncation_AtEveryOffset_IsRefusedWithAModelFileError()
    {
        var (path, bytes, _, _) = Saved();
        var tally = new Tally();
        for (int length = 0; length < bytes.Length; length++)
            Assert.Null(Attempt(path, bytes[..length], tally, $"truncated to {length} of {bytes.Length} bytes"));
        output.WriteLine($"{bytes.Length} truncations: {tally}");
    }

    [Fact]
    public void SingleBitFlip_AnywhereInTheFile_LoadsTheSameNetworkOrIsRefused()
    {
        var (path, bytes, network, metadata) = Saved();
        int dataStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var tally = new Tally();
        for (int bit = 0; bit < bytes.Length * 8; bit++)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            string description = $"bit {bit % 8} of byte {bit / 8} ({(bit / 8 < 8 ? "length" : bit / 8 < dataStart ? "header" : "data")}) flipped";
            var loaded = Attempt(path, flipped, tally, description);
            if (loaded is null) continue;
            Assert.True(bit / 8 >= 8 && bit / 8 < dataStart, $"{description}: loaded; a flip in the length or the data must be caught");
            AssertSameNetwork(network, loaded.Network, description);
            // Only a checksum key's own name can change unnoticed (the other checksum still covers everything).
            var lost = metadata.Where(kv => !loaded.Metadata.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => kv.Key).ToList();
            Assert.True(lost.Count == 0 || (lost.Count == 1 && lost[0] is SafeTensors.DataChecksumKey or SafeTensors.MetadataChecksumKey),
                $"{description}: loaded with metadata {string.Join(", ", lost)} changed");
        }
        output.WriteLine($"{bytes.Length * 8} flips of a {bytes.Length}-byte file (data from byte {dataStart}): {tally}");
        Assert.True(tally.Refused > tally.Loaded);
    }

    [Fact]
    public void RandomHeaders_LoadOrAreRefusedWithAModelFileError()
    {
        var (path, bytes, network, _) = Saved();
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        var data = bytes[(8 + headerLength)..];
        var random = new Random(8_2024);
        var tally = new Tally();
        const int Cases = 3000;
        for (int i = 0; i < Cases; i++)
        {
            var (text, how) = MutateHeader(header, random);
            var file = RawModelFile.Build(text, random.Next(10) == 0 ? data[..random.Next(data.Length)] : data);
            if (random.Next(8) == 0) StateLength(file, random, out how);
            var loaded = Attempt(path, file, tally, $"case {i} ({how}): {Truncate(text)}");
            if (loaded is not null && !how.Contains("dropped checksums")) AssertSameNetwork(network, loaded.Network, $"case {i} ({how})");
        }
        output.WriteLine($"{Cases} random headers: {tally}");
        Assert.True(tally.Refused > Cases / 2);
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;

    /// <summary>Replaces the 8-byte header length with one chosen to mislead.</summary>
    private static void StateLength(byte[] file, Random random, out string how)
    {
        ulong actual = BinaryPrimitives.ReadUInt64LittleEndian(file);
        ulong[] choices = [0, 1, actual - 1, actual + 1, (ulong)file.Length - 8, (ulong)file.Length - 7, int.MaxValue, (ulong)int.MaxValue + 1,
            uint.MaxValue, long.MaxValue, ulong.MaxValue, 100_000_000, 100_000_001, (ulong)random.NextInt64()];
        ulong stated = choices[random.Next(choices.Length)];
        BinaryPrimitives.WriteUInt64LittleEndian(file, stated);
        how = $"header length {stated}";
    }

    private static readonly string[] Junk =
    [
        "null", "true", "false", "0", "-1", "1", "1.5", "-0", "1e308", "-1e308", "1e999", "9223372036854775807", "9223372036854775808",
        "18446744073709551615", "-9223372036854775808", "2147483647", "2147483648", "4294967296", "\"\"", "\"F32\"", "\"F64\"", "\"BF16\"",
        "\"lstm\"", "\"rnn_relu\"", "\"gru\"", "\"99\"", "\"2\"", "\"-5\"", "\"1e9\"", "\"NaN\"", "[]", "[0]", "[1]", "[-1]", "[0,0]", "[2,1]",
        "[8,1]", "[0,4294967296]", "[1000000,1000000]", "[2147483647,2147483647]", "[4294967296,4294967296,4294967296]",
        "[9223372036854775807,9223372036854775807]", "[1,2,3,4,5,6,7,8,9]", "{}", "{\"a\":1}", "\"\\u0000\"",
        "[[[[[[[[[[1]]]]]]]]]]", new string('[', 100) + new string(']', 100), new string('[', 500) + new string(']', 500),
        "\"" + new string('x', 10_000) + "\"",
    ];

    /// <summary>One seeded mutation of a valid header: a value replaced by junk, a field removed, a key repeated, the
    /// checksums dropped (so the checks behind them are reached), text cut or spliced.</summary>
    private static (string Text, string How) MutateHeader(string header, Random random)
    {
        var root = JsonNode.Parse(header)!.AsObject();
        string how = "";
        if (random.Next(2) == 0)
        {
            var meta = root["__metadata__"]!.AsObject();
            meta.Remove(SafeTensors.DataChecksumKey);
            meta.Remove(SafeTensors.MetadataChecksumKey);
            how = "dropped checksums, ";
        }
        int mutations = 1 + random.Next(3);
        for (int m = 0; m < mutations; m++)
        {
            var containers = Containers(root).ToList();
            var (container, key) = containers[random.Next(containers.Count)];
            switch (random.Next(5))
            {
                case 0 or 1:
                    string junk = Junk[random.Next(Junk.Length)];
                    Set(container, key, JsonNode.Parse(junk, documentOptions: new() { MaxDepth = 1000 }));
                    how += $"{key} = {Truncate(junk)}, ";
                    break;
                case 2:
                    if (container is JsonObject o) o.Remove((string)key);
                    else ((JsonArray)container).RemoveAt((int)key);
                    how += $"removed {key}, ";
                    break;
                case 3:
                    string name = new[] { "__metadata__", "head.bias", "rnn.weight_ih_l1", "rnn.weight_ih_l0", "x", "" }[random.Next(6)];
                    root[name + (random.Next(3) == 0 ? "" : " ")] = JsonNode.Parse("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}");
                    how += $"added '{name}', ";
                    break;
                default:
                    if (container is JsonObject obj && obj.Count > 0) obj["k" + random.Next(1000)] = obj.First().Value?.DeepClone();
                    how += "added a sibling, ";
                    break;
            }
        }
        string text = root.ToJsonString();
        switch (random.Next(6))
        {
            case 0:   // a key repeated: JsonObject cannot hold that, so splice the text
                int brace = text.IndexOf(",\"", 1, StringComparison.Ordinal);
                if (brace > 0) text = text.Insert(1, text[1..brace] + ",");
                how += "first property repeated";
                break;
            case 1:
                text = text[..random.Next(text.Length + 1)];
                how += "cut";
                break;
            case 2:
                int at = random.Next(text.Length + 1);
                text = text.Insert(at, ((char)random.Next(32, 127)).ToString());
                how += "a character inserted";
                break;
            case 4:   // a lone surrogate, which JsonNode cannot write
                text = text.Replace("\"fuzz\"", "\"\\ud800\"", StringComparison.Ordinal);
                how += "a lone surrogate";
                break;
            case 3:   // deep nesting in the raw text, beyond what JsonNode lets us build
                text = text.Insert(text.Length - 1, ",\"deep\":" + new string('[', 10_000) + new string(']', 10_000));
                how += "10000 levels deep";
                break;
        }
        return (text, how);
    }

    private static IEnumerable<(JsonNode Container, object Key)> Containers(JsonNode node)
    {
        if (node is JsonObject o)
            foreach (var (k, v) in o.ToList())
            {
                yield return (o, k);
                if (v is not null) foreach (var inner in Containers(v)) yield return inner;
            }
        else if (node is JsonArray a)
            for (int i = 0; i < a.Count; i++)
            {
                yield return (a, i);
                if (a[i] is { } v) foreach (var inner in Containers(v)) yield return inner;
            }
    }

    private static void Set(JsonNode container, object key, JsonNode? value)
    {
        if (container is JsonObject o) o[(string)key] = value;
        else ((JsonArray)container)[(int)key] = value;
    }
}
