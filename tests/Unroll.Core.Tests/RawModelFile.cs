using System.Buffers.Binary;
using System.Text;

namespace Unroll.Core.Tests;

/// <summary>Safetensors bytes written by hand, for files Unroll's own writer would never make.</summary>
public static class RawModelFile
{
    /// <summary>The 8-byte little-endian header length, the header as given, then the data.</summary>
    public static byte[] Build(string header, byte[]? data = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + (data?.Length ?? 0)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data?.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    /// <summary>The tensors of a rnn_relu network with 1 input, <paramref name="hidden"/> hidden units and 1 output,
    /// F32, laid out one after another, with the given shapes replaced.</summary>
    public static (string Entries, int DataBytes) TinyRnn(int hidden = 1, IReadOnlyDictionary<string, long[]>? shapes = null)
    {
        var tensors = new (string Name, long[] Shape)[]
        {
            ("rnn.weight_ih_l0", [hidden, 1]), ("rnn.weight_hh_l0", [hidden, hidden]), ("rnn.bias_ih_l0", [hidden]),
            ("rnn.bias_hh_l0", [hidden]), ("head.weight", [1, hidden]), ("head.bias", [1]),
        };
        var entries = new List<string>();
        long offset = 0;
        foreach (var (name, original) in tensors)
        {
            var shape = shapes is not null && shapes.TryGetValue(name, out var s) ? s : original;
            long bytes = shape.Aggregate(1L, (a, d) => unchecked(a * d)) * 4;
            if (bytes < 0 || bytes > 1 << 20) bytes = 0;
            entries.Add($"\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + bytes}]}}");
            offset += bytes;
        }
        return (string.Join(",", entries), (int)offset);
    }
}
