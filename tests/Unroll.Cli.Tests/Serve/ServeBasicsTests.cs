using System.Net;

namespace Unroll.Cli.Tests.Serve;

[Collection(ServeCollection.Name)]
public sealed class ServeBasicsTests(ServeServer server)
{
    [Theory]
    [InlineData("/", "Recurrent networks you can touch")]
    [InlineData("/style.css", "--accent")]
    [InlineData("/common.js", "function lineChart")]
    public async Task Pages_AreServedFromTheAssembly(string path, string contains)
    {
        using var client = server.NewClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(contains, await response.Content.ReadAsStringAsync());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Pages_LinkNothingOutsideTheServer()
    {
        using var client = server.NewClient();
        foreach (var name in Unroll.Cli.Serve.Pages.Names)
        {
            var text = await client.GetStringAsync("/" + name);
            Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?(https?:)?//", text);
            Assert.DoesNotContain("fetch(\"http", text);
        }
    }

    [Fact]
    public async Task UnknownPage_Is404_AndNamesThePages()
    {
        using var client = server.NewClient();
        using var response = await client.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("index.html", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PathsOutsideThePages_AreNeverOpened()
    {
        using var client = server.NewClient();
        foreach (var path in new[] { "/..%2F..%2Fetc%2Fpasswd", "/%2Fetc%2Fpasswd", "/unroll.dll", "/..%5Cunroll.dll" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("root:", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task UnknownApi_Is404Json()
        => ServeServer.AssertError(HttpStatusCode.NotFound, "no API endpoint", await ServeServer.GetAsync(server.NewClient(), "/api/nothing-here"));

    [Fact]
    public async Task ForeignHostHeader_IsRefused_AsDnsRebindingProtection()
    {
        using var client = server.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "evil.example";
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        Assert.Contains("localhost only", await response.Content.ReadAsStringAsync());
        using var after = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Session_IsAnHttpOnlyStrictCookie()
    {
        using var client = server.NewClient();
        using var response = await client.GetAsync("/");
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("unroll-session=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Version_IsTheToolsVersion()
    {
        var (status, json) = await ServeServer.GetAsync(server.NewClient(), "/api/version");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("0.1.0", json.GetProperty("version").GetString());
    }

    [Fact]
    public async Task WrongMethod_Is405_AsOneJsonLine()
    {
        using var client = server.NewClient();
        using var response = await client.PostAsync("/api/version", new StringContent("{}"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("is not how /api/version is called", System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
    }
}
