using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>Paths of fixtures and a scratch folder for handmade CSVs, deleted when the test ends.</summary>
internal sealed class TestFiles : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "unroll-data-tests-" + Guid.NewGuid().ToString("N"));

    public TestFiles() => Directory.CreateDirectory(_dir);

    /// <summary>The path of a file in the fixtures folder next to the test assembly.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    /// <summary>Writes <paramref name="content"/> to a file named <paramref name="name"/> and returns its path.</summary>
    public string Write(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Writes the content and reads it, expecting a <see cref="DataException"/>.</summary>
    public DataException ReadFails(string name, string content, CsvReadOptions? options = null)
    {
        string path = Write(name, content);
        var e = Assert.Throws<DataException>(() => CsvSeriesReader.Read(path, options));
        Assert.Equal(path, e.File);
        Assert.Contains(name, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
