using Unroll.Core.Io;

namespace Unroll.Core.Tests;

/// <summary>ModelFile.Load from bytes in memory (uploads): the same model and the same one-line refusals as from a path.</summary>
public class ModelFileFromBytesTests
{
    [Fact]
    public void LoadBytes_OfASavedFile_GivesTheSameNetworkAsLoadingThePath()
    {
        var folder = Directory.CreateTempSubdirectory("unroll-bytes-");
        try
        {
            var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Gru, 2, 3, 2), 7);
            var path = Path.Combine(folder.FullName, "m.safetensors");
            ModelFile.Save(network, path);
            var fromPath = ModelFile.Load<double>(path, new ModelFileOptions());
            var fromBytes = ModelFile.Load<double>(File.ReadAllBytes(path), "upload.safetensors", new ModelFileOptions());
            Assert.Equal(fromPath.Network.Shape, fromBytes.Network.Shape);
            foreach (var p in fromPath.Network.Parameters) Assert.Equal(p.Value, fromBytes.Network[p.Name].Value);
        }
        finally { folder.Delete(recursive: true); }
    }

    [Fact]
    public void LoadBytes_Garbage_IsRefusedInOneLine_NamingTheSource()
    {
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load<double>("hello, not a model"u8.ToArray(), "notes.txt", new ModelFileOptions()));
        Assert.StartsWith("notes.txt: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
