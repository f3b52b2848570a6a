using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Unroll.Cli.Serve;

namespace Unroll.Cli.Tests.Serve;

/// <summary>One `unroll serve` on a free loopback port, in process, shared by the API tests.</summary>
public sealed class ServeServer : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>The server's address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>A client with its own cookie jar (its own browser session).</summary>
    public HttpClient NewClient() => new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(120) };

    public async Task InitializeAsync() => (_app, Address) = await ServeApp.StartAsync(new ServeOptions(Port: 0));

    public async Task DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>POSTs <paramref name="body"/> as JSON and returns the status and the parsed reply.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Json)> PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>GETs <paramref name="path"/> and returns the status and the parsed reply.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Json)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await ReadAsync(response));
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"expected JSON, got {response.Content.Headers.ContentType}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a one-line JSON error with status <paramref name="expected"/> whose text contains <paramref name="contains"/>.</summary>
    public static void AssertError(HttpStatusCode expected, string contains, (HttpStatusCode Status, JsonElement Json) reply)
    {
        Assert.Equal(expected, reply.Status);
        var message = reply.Json.GetProperty("error").GetString()!;
        Assert.Contains(contains, message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain("   at ", message);
    }
}

[CollectionDefinition(Name)]
public sealed class ServeCollection : ICollectionFixture<ServeServer>
{
    public const string Name = "serve";
}
