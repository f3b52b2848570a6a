using System.Text;
using System.Text.Json;
using Unroll.Core.Io;

namespace Unroll.Core.Tests;

/// <summary>Checksums, format_version and sizes stated by the file: what makes a damaged file fail to load, loudly.</summary>
public sealed class ModelFileIntegrityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-integrity-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathIn(string name) => Path.Combine(_folder, name);

    private string Write(string name, byte[] bytes)
    {
        var path = PathIn(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The network of fixtures/checksums.json: LSTM 1 → 2 → 1, parameter k = (k − 21) / 8.</summary>
    private static RecurrentNetwork<float> ChecksumNetwork()
    {
        var network = new RecurrentNetwork<float>(new NetworkShape(CellKind.Lstm, 1, 2));
        int k = 0;
        foreach (var p in network.Parameters)
            for (int i = 0; i < p.Value.Length; i++) p.Value[i] = (k++ - 21) / 8f;
        return network;
    }

    private static int DataStart(byte[] file) => 8 + (int)BitConverter.ToUInt64(file, 0);

    private static ModelFileException LoadFails(string path) => Assert.Throws<ModelFileException>(() => ModelFile.Load<float>(path));

    [Fact]
    public void Save_StoresTheChecksumsPythonsHashlibComputes()
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(TorchFixture.PathOf("checksums.json")));
        var root = fixture.RootElement;
        var extra = root.GetProperty("extra_metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var network = ChecksumNetwork();
        Assert.Equal(root.GetProperty("values").EnumerateArray().Select(v => v.GetSingle()), network.Parameters.SelectMany(p => p.Value));
        var path = PathIn("sum.safetensors");

        ModelFile.Save(network, path, extra);

        var metadata = ModelFile.Load<float>(path).Metadata;
        Assert.Equal(root.GetProperty("data_sha256").GetString(), metadata[SafeTensors.DataChecksumKey]);
        Assert.Equal(root.GetProperty("metadata_sha256").GetString(), metadata[SafeTensors.MetadataChecksumKey]);
    }

    [Fact]
    public void Save_MetadataWithStaleChecksums_WritesFreshOnes()
    {
        var path = PathIn("again.safetensors");
        ModelFile.Save(ChecksumNetwork(), path);
        var loaded = ModelFile.Load<float>(path);
        var changed = RecurrentNetwork<float>.Create(loaded.Network.Shape, 3);
        ModelFile.Save(changed, path, loaded.Metadata);   // passes the old data_sha256 and metadata_sha256 back in
        Assert.Equal(changed.Parameters[0].Value, ModelFile.Load<float>(path).Network.Parameters[0].Value);
    }

    [Theory]
    [InlineData(0, 0)]      // the first byte of the data, lowest bit
    [InlineData(-1, 6)]     // the last byte (head.bias's sign and exponent): a weight of ±1e36 in a float
    [InlineData(-5, 6)]
    public void Load_OneFlippedBitInTheData_SaysTheFileIsCorrupt(int byteFromDataStart, int bit)
    {
        var path = PathIn("flipped.safetensors");
        ModelFile.Save(ChecksumNetwork(), path);
        var bytes = File.ReadAllBytes(path);
        int at = byteFromDataStart >= 0 ? DataStart(bytes) + byteFromDataStart : bytes.Length + byteFromDataStart;
        bytes[at] ^= (byte)(1 << bit);
        File.WriteAllBytes(path, bytes);

        var e = LoadFails(path);
        Assert.StartsWith($"{path} is corrupt: its data does not match the checksum it was saved with (SHA-256 ", e.Message);
        Assert.EndsWith("restore it from a backup or train again", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Load_ChangedMetadataValue_SaysTheFileIsCorrupt()
    {
        var path = PathIn("meta.safetensors");
        ModelFile.Save(ChecksumNetwork(), path, new Dictionary<string, string> { ["forecast.scalers"] = "{\"A\":\"minmax:12.5:99.1\"}" });
        var bytes = File.ReadAllBytes(path);
        int at = Encoding.UTF8.GetString(bytes).IndexOf("99.1", StringComparison.Ordinal);
        bytes[at + 3] ^= 0b10;   // 99.1 → 99.3: one bit, still valid JSON, a different scaler
        File.WriteAllBytes(path, bytes);

        var e = LoadFails(path);
        Assert.StartsWith($"{path} is corrupt: its metadata does not match the checksum it was saved with", e.Message);
    }

    [Theory]
    [InlineData("xyz")]
    [InlineData("92d98ba12648663e742fc3168e1ed14a3086abe464047a481a28f5eb1cd1f21")]      // 63 digits
    [InlineData("92d98ba12648663e742fc3168e1ed14a3086abe464047a481a28f5eb1cd1f21g")]     // 64, one not hex
    public void Load_ChecksumThatIsNotASha256_IsAModelFileError(string stated)
    {
        var (entries, dataBytes) = RawModelFile.TinyRnn();
        var path = Write("bad-sum.safetensors", RawModelFile.Build(
            $"{{\"__metadata__\":{{\"cell\":\"rnn_relu\",\"data_sha256\":\"{stated}\"}},{entries}}}", new byte[dataBytes]));
        var e = LoadFails(path);
        Assert.Equal($"{path} is corrupt: its data_sha256 metadata, '{stated}', is not a SHA-256 (64 hex digits); restore it from a backup or train again", e.Message);
    }

    [Fact]
    public void Load_PyTorchFileWithoutChecksums_Loads()
    {
        var loaded = ModelFile.Load<float>(TorchFixture.PathOf("torch_lstm.safetensors"));
        Assert.False(loaded.Metadata.ContainsKey(SafeTensors.DataChecksumKey));
        Assert.Equal(CellKind.Lstm, loaded.Network.Shape.Cell);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("99")]
    public void Load_NewerFormatVersion_IsRefusedNamingBothVersions(string version)
    {
        var network = ChecksumNetwork();
        var path = PathIn("newer.safetensors");
        var tensors = network.Parameters.Select(p => new SafeTensor(p.Name, "F32", [.. p.Shape], p.Value.Select(v => (double)v).ToArray())).ToList();
        SafeTensors.Write(path, tensors, new Dictionary<string, string> { ["format_version"] = version, ["cell"] = "lstm" });
        Assert.Equal($"{path} was written by a newer Unroll (format_version {version}); this build reads up to 1: update Unroll", LoadFails(path).Message);
    }

    [Fact]
    public void Load_NewerFormatVersion_IsRefusedBeforeTensorsItCannotRead()
    {
        var path = Write("bf16.safetensors", RawModelFile.Build(
            "{\"__metadata__\":{\"format_version\":\"2\"},\"w\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}", new byte[2]));
        Assert.Contains("written by a newer Unroll (format_version 2)", LoadFails(path).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.0")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData(" 1")]
    [InlineData("one")]
    [InlineData("99999999999999999999")]
    public void Load_FormatVersionNotAWholeNumber_IsAModelFileError(string version)
    {
        var (entries, dataBytes) = RawModelFile.TinyRnn();
        var path = Write("version.safetensors", RawModelFile.Build(
            $"{{\"__metadata__\":{{\"cell\":\"rnn_relu\",\"format_version\":\"{version}\"}},{entries}}}", new byte[dataBytes]));
        Assert.Equal($"{path}: metadata format_version = '{version}' is not a version number (a whole number from 1); the file is damaged or was not written by Unroll", LoadFails(path).Message);
    }

    [Fact]
    public void Load_FormatVersionOne_AndNone_Load()
    {
        foreach (var meta in new[] { "\"format_version\":\"1\",", "" })
        {
            var (entries, dataBytes) = RawModelFile.TinyRnn();
            var path = Write("v1.safetensors", RawModelFile.Build($"{{\"__metadata__\":{{{meta}\"cell\":\"rnn_relu\"}},{entries}}}", new byte[dataBytes]));
            Assert.Equal(CellKind.RnnRelu, ModelFile.Load<float>(path).Network.Shape.Cell);
        }
    }

    [Theory]
    [InlineData("[4294967296,4294967296,4294967296]", "has shape [4294967296, 4294967296, 4294967296], whose element count overflows a 64-bit integer")]
    [InlineData("[9223372036854775807,2]", "has shape [9223372036854775807, 2], whose element count overflows a 64-bit integer")]
    [InlineData("[100000,100000]", "of shape [100000, 100000] and dtype F32 needs 40000000000 bytes, more than the whole data section holds (24 bytes)")]
    [InlineData("[3000000000]", "of shape [3000000000] and dtype F32 needs 12000000000 bytes, more than the whole data section holds")]
    [InlineData("[0,3000000000]", "has shape [0, 3000000000], with a dimension above 2147483647")]
    [InlineData("[-1]", "has a negative shape entry (-1)")]
    [InlineData("[1.5]", "has a shape entry, '1.5', that is not a whole number")]
    [InlineData("[1e30]", "has a shape entry, '1e30', that is not a whole number (or is beyond 64 bits)")]
    [InlineData("[\"1\"]", "has a shape entry, '\"1\"', that is not a whole number")]
    public void Load_ShapeTooLargeOrOverflowing_SaysSo(string shape, string expected)
    {
        var (entries, dataBytes) = RawModelFile.TinyRnn();
        var header = $"{{\"__metadata__\":{{\"cell\":\"rnn_relu\"}},{entries}}}".Replace("\"head.bias\":{\"dtype\":\"F32\",\"shape\":[1]", $"\"head.bias\":{{\"dtype\":\"F32\",\"shape\":{shape}");
        var path = Write("shape.safetensors", RawModelFile.Build(header, new byte[dataBytes]));
        var e = LoadFails(path);
        Assert.True(e.Message.Contains($"tensor 'head.bias' {expected}"), e.Message);
        Assert.StartsWith($"{path}: ", e.Message);
    }

    [Theory]
    [InlineData("rnn.weight_ih_l0", new long[] { 1, 0 }, "rnn.weight_ih_l0 has shape [1, 0]: a model needs at least one input")]
    [InlineData("head.weight", new long[] { 0, 1 }, "head.weight has shape [0, 1]: a model needs at least one output")]
    [InlineData("rnn.weight_ih_l0", new long[] { 0, 1000000000 }, "tensor 'rnn.weight_ih_l0' has shape [0, 1000000000], a rnn_relu network with input 1000000000, hidden 1, output 1 needs [1, 1000000000]")]
    [InlineData("head.weight", new long[] { 2000000000, 0 }, "tensor 'head.weight' has shape [2000000000, 0], a rnn_relu network with input 1, hidden 1, output 2000000000 needs [2000000000, 1]")]
    public void Load_EmptyTensorsClaimingHugeSizes_AreRefusedBeforeTheNetworkIsAllocated(string name, long[] shape, string expected)
    {
        var (entries, dataBytes) = RawModelFile.TinyRnn(shapes: new Dictionary<string, long[]> { [name] = shape });
        var path = Write("huge.safetensors", RawModelFile.Build($"{{\"__metadata__\":{{\"cell\":\"rnn_relu\"}},{entries}}}", new byte[dataBytes]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = LoadFails(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal($"{path}: {expected}", e.Message);
        Assert.True(allocated < 1 << 20, $"loading a {new FileInfo(path).Length}-byte file allocated {allocated} bytes");
    }

    [Fact]
    public void Load_DoubleBeyondFloatsRange_AsFloat_SaysSo_AsDouble_Loads()
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Gru, 1, 1), 1);
        network["head.bias"].Value[0] = 1e300;
        var path = PathIn("wide.safetensors");
        ModelFile.Save(network, path);
        Assert.Equal($"{path}: tensor 'head.bias' holds 1E+300 at index 0, beyond float's range; load the model as double", LoadFails(path).Message);
        Assert.Equal(1e300, ModelFile.Load<double>(path).Network["head.bias"].Value[0]);
    }

    [Theory]
    [InlineData("{\"__metadata__\":{\"cell\":\"rnn_relu\"},ENTRIES,\"head.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[20,24]}}", "the header describes 'head.bias' twice")]
    [InlineData("{\"__metadata__\":{\"cell\":\"rnn_relu\",\"cell\":\"rnn_tanh\"},ENTRIES}", "__metadata__ names 'cell' twice")]
    [InlineData("{\"__metadata__\":{\"cell\":\"rnn_relu\"},\"x\":{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,4]},ENTRIES}", "tensor 'x' names 'dtype' twice")]
    [InlineData("{\"__metadata__\":{\"cell\":\"\\ud800\"},ENTRIES}", "the header holds a string that is not valid Unicode")]
    [InlineData("{\"__metadata__\":{\"cell\":\"rnn_relu\",\"n\":7},ENTRIES}", "__metadata__ value 'n' is not a string")]
    [InlineData("[1,2]", "the header is not valid JSON (the header is a JSON array, not an object)")]
    [InlineData("{\"__metadata__\":{\"a\\nb\":1},ENTRIES}", "__metadata__ value 'a\\u000ab' is not a string")]
    public void Load_AmbiguousOrMalformedHeader_IsAModelFileError(string header, string expected)
    {
        var (entries, dataBytes) = RawModelFile.TinyRnn();
        var path = Write("dup.safetensors", RawModelFile.Build(header.Replace("ENTRIES", entries), new byte[dataBytes]));
        var e = LoadFails(path);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData(4, 0, "the data section has 4 bytes after the last tensor")]
    [InlineData(0, 4, "the data section starts with 4 bytes that belong to no tensor")]
    public void Load_DataSectionNotExactlyCovered_SaysSo(int trailing, int leading, string expected)
    {
        var (entries, dataBytes) = RawModelFile.TinyRnn();
        if (leading > 0)
            entries = System.Text.RegularExpressions.Regex.Replace(entries, @"\[(\d+),(\d+)\]\}", m => $"[{int.Parse(m.Groups[1].Value) + leading},{int.Parse(m.Groups[2].Value) + leading}]}}");
        var path = Write("cover.safetensors", RawModelFile.Build($"{{\"__metadata__\":{{\"cell\":\"rnn_relu\"}},{entries}}}", new byte[dataBytes + trailing + leading]));
        Assert.Contains(expected, LoadFails(path).Message);
    }

    [Fact]
    public void Serialize_GivesTheBytesWriteStores()
    {
        var tensors = ChecksumNetwork().Parameters.Select(p => new SafeTensor(p.Name, "F32", [.. p.Shape], p.Value.Select(v => (double)v).ToArray())).ToList();
        var metadata = new Dictionary<string, string> { ["cell"] = "lstm" };
        var path = PathIn("serialized.safetensors");
        SafeTensors.Write(path, tensors, metadata);
        Assert.Equal(File.ReadAllBytes(path), SafeTensors.Serialize(tensors, metadata));
    }

    [Theory]
    [InlineData("BF16", new[] { 1 }, "cannot write tensor 'w' as BF16: Unroll writes F32 or F64")]
    [InlineData("F32", new[] { 2 }, "tensor 'w' of shape [2] needs 2 values, it has 1")]
    public void Serialize_TensorItCannotStore_IsAnArgumentError(string dtype, int[] shape, string expected)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => SafeTensors.Serialize([new SafeTensor("w", dtype, shape, [1.0])], new Dictionary<string, string>()));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Load_HandWrittenTinyRnn_Loads()
    {
        var (entries, dataBytes) = RawModelFile.TinyRnn(hidden: 3);
        var path = Write("tiny.safetensors", RawModelFile.Build($"{{\"__metadata__\":{{\"cell\":\"rnn_relu\"}},{entries}}}", new byte[dataBytes]));
        Assert.Equal(new NetworkShape(CellKind.RnnRelu, 1, 3), ModelFile.Load<float>(path).Network.Shape);
    }
}
